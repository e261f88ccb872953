"""Condition types from the `costwarden.conditions` entry-point group.

Each test installs a small distribution (a module plus its .dist-info with an
entry_points.txt) into a temporary directory on sys.path, which is all
importlib.metadata needs to find it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from engine.policy import build_registry

PLAN = Path(__file__).resolve().parents[2] / "policies" / "tests" / "gp2-volumes" / "plan.json"

PLUGIN = '''
from engine.policy import ConditionType

def _compile(params, ctx):
    prefix = params
    def check(subject):
        name = subject.change.name
        return name.startswith(prefix), {"resource_name": name}
    return check

NAME_PREFIX = ConditionType("name_prefix", "the resource name starts with a prefix",
                            {"type": "string"}, _compile, lambda params: ["resource_name"])
'''

POLICY = '''version: 1
policies:
  - id: names-start-old
    description: Volume names start with old.
    level: hard-mandatory
    message: "{address}: name {resource_name} does not start with old"
    select: {types: [aws_ebs_volume]}
    require: {name_prefix: old}
'''


def install(root: Path, module: str, source: str, entry: str) -> None:
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[costwarden.conditions]\n{entry}\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in [m for m in sys.modules if m.startswith("cw_plugin_")]:
        del sys.modules[name]


def test_a_plugin_condition_is_usable_in_policies(site: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    install(site, "cw_plugin_names", PLUGIN, "names = cw_plugin_names:NAME_PREFIX")
    policy = tmp_path / "names.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    assert "name_prefix" in build_registry().names()
    result = cli("check", PLAN, "--policies", policy)
    assert result.code == 1, result.out + result.err
    assert "aws_ebs_volume.new: name new does not start with old" in result.out
    assert "aws_ebs_volume.old:" not in result.out


def test_plugins_are_not_imported_for_built_in_conditions(site: Path, cli) -> None:  # type: ignore[no-untyped-def]
    install(site, "cw_plugin_lazy", PLUGIN, "names = cw_plugin_lazy:NAME_PREFIX")
    result = cli("check", PLAN)
    assert result.code in (0, 1), result.err
    assert "cw_plugin_lazy" not in sys.modules
    assert "name_prefix" in build_registry().names()  # the full list does load it
    assert "cw_plugin_lazy" in sys.modules


@pytest.mark.parametrize("source, entry, message", [
    ("raise RuntimeError('boom')\n", "bad = cw_plugin_boom:X",
     "costwarden: costwarden.conditions entry point 'bad' (cw_plugin_boom:X): "
     "cannot be loaded: RuntimeError: boom"),
    ("X = 42\n", "bad = cw_plugin_int:X",
     "costwarden: costwarden.conditions entry point 'bad' (cw_plugin_int:X): "
     "gives int, not a ConditionType"),
    (PLUGIN.replace('"name_prefix"', '"tag"'), "dup = cw_plugin_dup:NAME_PREFIX",
     "costwarden: condition type 'tag' is registered twice (a plugin repeats a name)"),
])
def test_a_broken_plugin_is_one_line_exit_2(site: Path, tmp_path: Path, cli, source: str,  # type: ignore[no-untyped-def]
                                             entry: str, message: str) -> None:
    module = entry.split("= ")[1].split(":")[0]
    install(site, module, source, entry)
    policy = tmp_path / "names.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    result = cli("check", PLAN, "--policies", policy)
    assert result.code == 2
    assert result.err.strip() == message
