"""Every error is one line: control characters from the input are escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import InputError


@pytest.mark.parametrize("raw, shown", [
    ("a\nb", "a\\nb"),
    ("a\r\nb", "a\\r\\nb"),
    ("a\tb", "a\\tb"),
    ("a\x1b[31mb", "a\\x1b[31mb"),
    ("a\x85b", "a\\x85b"),
    ("a\u2028b", "a\\u2028b"),
    ("plain: text 'ok'", "plain: text 'ok'"),
])
def test_render_escapes_control_characters_in_every_part(raw: str, shown: str) -> None:
    err = InputError(f"f{raw}.yaml", f"bad {raw}", line=3, where=f"$.{raw}")
    assert err.render() == f"f{shown}.yaml:3: $.{shown}: bad {shown}"
    assert str(err) == err.render()


def test_a_policy_id_with_a_newline_cannot_forge_a_second_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "p.yaml"
    policy.write_text('version: 1\npolicies:\n  - id: "a\\n::error::forged"\n    description: d\n'
                      "    level: advisory\n    message: x\n"
                      "    require: {tag: {key: team, exists: true}}\n", encoding="utf-8")
    result = cli("policy", "validate", str(policy))
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines and all("p.yaml:3: " in line or line.startswith("costwarden: ")
                         for line in lines), lines
    assert not any("::error::" in line and not line.startswith(str(policy)) for line in lines)
