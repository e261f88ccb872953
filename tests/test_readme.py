"""The README's examples stay true: its YAML snippets load and validate."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def snippet(after_heading: str) -> str:
    """The first ```yaml block after a heading."""
    start = README.index(after_heading)
    match = re.compile(r"```yaml\n(.*?)```", re.S).search(README, start)
    assert match, f"no yaml block after {after_heading!r}"
    return match.group(1)


def test_policy_example_validates(tmp_path, cli):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "environments.yaml").write_text(
        (REPO / "policies/data/environments.yaml").read_text())
    (tmp_path / "policy.yaml").write_text(snippet("### Writing policies"))
    result = cli("policy", "validate", tmp_path / "policy.yaml")
    assert result.code == 0, result


def test_waiver_example_validates(tmp_path, cli):
    # The example's shape is what is tested; its date moves so the test never expires.
    next_year = date.today() + timedelta(days=365)
    text = re.sub(r"expires: \S+", f"expires: {next_year.isoformat()}", snippet("### Waivers"))
    (tmp_path / "waivers.yaml").write_text(text)
    result = cli("policy", "validate", REPO / "policies", tmp_path / "waivers.yaml")
    assert result.code == 0, result


def test_usage_example_loads(tmp_path):
    from engine.usage import load_usage

    (tmp_path / "usage.yml").write_text(snippet("## Usage file"))
    usage = load_usage(str(tmp_path / "usage.yml"))
    assert usage.for_resource("aws_autoscaling_group.trainers",
                              "aws_autoscaling_group")["run_hours"] == 72
    assert [t.address for t in usage.transfers] == ["data_transfer.checkpoint-replication"]


@pytest.mark.parametrize("command", ["make demo", "make test"])
def test_setup_commands_are_documented(command):
    assert command in README


def test_json_contract_example_is_real_output(cli, monkeypatch):
    import json

    monkeypatch.chdir(REPO)
    start = README.index("## JSON output contract")
    block = re.compile(r"```json\n(.*?)```", re.S).search(README, start).group(1)
    shown = json.loads(block)
    actual = json.loads(cli("estimate", "examples/training-cluster/plan.json", "--usage",
                            "examples/training-cluster/usage.yml", "--format", "json").out)
    for key in ("version", "tool", "currency", "catalog", "input", "summary"):
        assert shown[key] == actual[key], key
    real = {r["address"]: r for r in actual["resources"]}
    for resource in shown["resources"]:  # abridged: the components shown are real ones
        components = resource.pop("components")
        expected = dict(real[resource["address"]])
        assert all(c in expected.pop("components") for c in components)
        assert resource == expected
