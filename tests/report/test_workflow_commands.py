"""No input text can forge a GitHub Actions workflow command, in any command or format.

Addresses, tag values (which reach policy messages through `{tag.team}`) and file
names carry `\\n::set-output …`, `%0A::warning::`, `::add-mask::`, CR and the
legacy `##[…]` syntax; every line of stdout and stderr is checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.report.safe_text import GuardedStream, ZWSP, neutralise, one_line, write_commands

REPO = Path(__file__).resolve().parents[2]
PAYLOADS = ["\n::set-output name=x::y", "%0A::warning::forged", "::add-mask::",
            "\r::stop-commands::tok", " \u2028  ::error::x", "a ##[set-output name=x;]y"]
OWN = re.compile(r"::(error|warning|notice) [^\r\n]*::[^\r\n]*")


def hostile_plan(tmp_path: Path) -> Path:
    """The training-cluster plan with payloads in addresses and tags; its usage file
    (renamed to match) is written beside it as usage.yml."""
    import yaml

    plan = json.loads((REPO / "examples/training-cluster/plan.json").read_text())
    usage = yaml.safe_load((REPO / "examples/training-cluster/usage.yml").read_text())
    for i, rc in enumerate(plan["resource_changes"]):
        payload = PAYLOADS[i % len(PAYLOADS)]
        if rc["address"] in usage["resources"]:
            usage["resources"][rc["address"] + payload] = usage["resources"].pop(rc["address"])
        rc["name"] = rc["name"] + payload
        rc["address"] = rc["address"] + payload
        after = rc["change"].get("after")
        if isinstance(after, dict) and "tags" in after:
            after["tags"] = {"team": "ml" + payload, "environment": payload,
                             "project": "p" + PAYLOADS[(i + 1) % len(PAYLOADS)]}
            after["tags_all"] = dict(after["tags"])
    (tmp_path / "usage.yml").write_text(json.dumps(usage), encoding="utf-8")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def assert_no_forged_command(text: str, where: str) -> None:
    for line in text.splitlines():
        stripped = line.lstrip()
        assert "##[" not in line and "##vso[" not in line.lower(), (where, line)
        if stripped.startswith("::"):
            assert OWN.fullmatch(line), (where, line)  # costwarden's own annotation
            assert "\r" not in line, line  # one runner line: its data is escaped


COMMANDS = (
    [("estimate", f) for f in ("table", "json", "markdown")]
    + [("check", f) for f in ("table", "json", "markdown", "sarif", "junit")]
    + [("breakdown", f) for f in ("table", "json")]
    + [("graph", f) for f in ("mermaid", "dot", "json", "html")]
    + [("diff", f) for f in ("table", "json", "markdown")]
    + [("hook", "check")]
)


@pytest.mark.parametrize("command,fmt", COMMANDS)
def test_no_output_line_starts_a_workflow_command(cli, tmp_path, monkeypatch, command, fmt):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # check prints its annotations too
    monkeypatch.chdir(REPO)
    plan = hostile_plan(tmp_path)
    usage = tmp_path / "usage.yml"
    if command == "diff":
        args = ["diff", REPO / "examples/training-cluster/plan.json", plan, "--format", fmt]
    elif command == "hook":
        args = ["hook", "check", plan]
    else:
        args = [command, plan, "--format", fmt, "--usage", usage]
    result = cli(*args)
    assert result.code in (0, 1), result
    assert_no_forged_command(result.out, f"{command} {fmt} stdout")
    assert_no_forged_command(result.err, f"{command} {fmt} stderr")
    shown = (result.out + result.err).replace(ZWSP, "")
    assert "set-output" in shown or "add-mask" in shown or "stop-commands" in shown, \
        "the payloads never reached the output: the test would prove nothing"


def test_check_annotations_escape_data_and_properties(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.chdir(REPO)
    result = cli("check", hostile_plan(tmp_path), "--usage", tmp_path / "usage.yml")
    own = [line for line in result.out.splitlines() if line.startswith("::")]
    assert own and all(OWN.fullmatch(line) for line in own), own
    assert any("%0A%E2" not in line and "%250A::warning::forged" in line for line in own)
    assert any("%0A" + ZWSP + "::set-output" in line for line in own)
    assert any("%0D" + ZWSP + "::stop-commands" in line for line in own)


def test_error_lines_on_stderr_are_neutralised(cli, tmp_path):
    missing = tmp_path / "x\n::set-output name=x::y\r::add-mask::z.json"
    result = cli("estimate", missing)
    assert result.code == 2 and "set-output" in result.err
    assert_no_forged_command(result.err, "stderr")


def test_report_file_written_with_output_is_neutralised(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    out = tmp_path / "report.md"
    cli("check", hostile_plan(tmp_path), "--format", "markdown", "-o", out)
    assert_no_forged_command(out.read_text(encoding="utf-8"), "report file")


@pytest.mark.parametrize("text,expected", [
    ("::add-mask::x", ZWSP + "::add-mask::x"),
    ("  ::error::x\n", "  " + ZWSP + "::error::x\n"),
    ("a\n::w::\r::x::\u2028::y::", f"a\n{ZWSP}::w::\r{ZWSP}::x::\u2028{ZWSP}::y::"),
    ("a ::b:: c", "a ::b:: c"),  # not at the start of a line: the runner ignores it
    ("x ##[set-output name=a;]b ##vso[task]", f"x #{ZWSP}#[set-output name=a;]b #{ZWSP}#vso[task]"),
    ("## [heading]", "## [heading]"),
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_guarded_stream_sees_a_prefix_split_across_writes():
    import io

    inner = io.StringIO()
    stream = GuardedStream(inner)
    for part in ("ok\n", ":", ":set-output name=a::b", "\n  #", "#[x]", " tail"):
        stream.write(part)
    assert inner.getvalue() == f"ok\n{ZWSP}::set-output name=a::b\n"  # the rest waits
    stream.drain()
    assert inner.getvalue() == f"ok\n{ZWSP}::set-output name=a::b\n  #{ZWSP}#[x] tail"
    write_commands(stream, "::error file=a%2Cb,line=1::m%0A::x\n")
    assert inner.getvalue().endswith(" tail\n::error file=a%2Cb,line=1::m%0A::x\n")
    with pytest.raises(ValueError):
        write_commands(stream, "::set-output name=a::b\n")  # not an annotation


def test_one_line_escapes_controls_and_caps():
    assert one_line("a\nb\x1b[31mc\u202e", 50) == "a\\x0ab\\x1b[31mc\\u202e"
    assert one_line("::add-mask::x") == ZWSP + "::add-mask::x"
    assert one_line("x" * 10, 4) == "xxxx…"


def test_escaping_matches_the_actions_toolkit():
    from engine.report.annotations import escape_data, escape_property

    # @actions/core escapeData / escapeProperty: % first, then CR, LF (then ':' and ',')
    assert escape_data("50% a\r\nb::c,d") == "50%25 a%0D%0Ab::c,d"
    assert escape_property("50% a\r\nb::c,d") == "50%25 a%0D%0Ab%3A%3Ac%2Cd"
    assert escape_data("%0A") == "%250A"
