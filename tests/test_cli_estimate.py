"""`costwarden estimate` end to end: goldens on the examples, errors, determinism, speed of --version."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = ("training-cluster", "inference-service", "gpu-swap")
GOLDEN = REPO / "tests" / "golden" / "estimate"


def example_args(name: str) -> list[str]:
    base = f"examples/{name}"
    return ["estimate", f"{base}/plan.json", "--usage", f"{base}/usage.yml"]


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(REPO)  # paths in outputs are as given: keep them relative


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_json_golden(cli, golden, name):
    result = cli(*example_args(name), "--format", "json")
    assert result.code == 0, result
    # stored indented so a change reads as a diff; byte-identity is tested below
    pretty = json.dumps(json.loads(result.out), indent=2, sort_keys=True) + "\n"
    golden.check(GOLDEN / f"{name}.json", pretty)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_table_golden(cli, golden, name):
    result = cli(*example_args(name))
    assert result.code == 0, result
    golden.check(GOLDEN / f"{name}.txt", result.out)


def test_json_is_byte_identical_across_runs(cli):
    first = cli(*example_args("training-cluster"), "--format", "json").out
    second = cli(*example_args("training-cluster"), "--format", "json").out
    assert first == second


def test_json_contract_shape(cli):
    doc = json.loads(cli(*example_args("training-cluster"), "--format", "json").out)
    assert doc["version"] == "1" and doc["currency"] == "USD"
    assert set(doc["catalog"]) >= {"version", "as_of"}
    for period in ("hourly", "monthly"):
        assert set(doc["summary"][period]) == {
            "before", "after", "delta", "before_low", "before_high", "after_low", "after_high",
            "delta_low", "delta_high"}
        for value in doc["summary"][period].values():
            Decimal(value)  # decimal strings, never floats (all exact here: no null bound)
    assert set(doc["summary"]["gpus"]) == {"before", "after", "delta"}
    statuses = {"priced", "free", "unknown", "usage-needed", "unsupported", "unpriced"}
    for r in doc["resources"]:
        assert {"address", "type", "action", "status", "hourly", "monthly", "gpus",
                "components"} <= set(r)
        assert r["status"] in statuses
        for c in r["components"]:
            assert {"name", "unit", "quantity", "unit_price", "price_source"} <= set(c)
    # the delta of the summary adds up the resource deltas
    total = sum(Decimal(r["hourly"]["delta"]) for r in doc["resources"]
                if r["hourly"]["delta"] is not None)
    assert abs(total - Decimal(doc["summary"]["hourly"]["delta"])) < Decimal("0.00001")


def test_training_cluster_figures(cli):
    doc = json.loads(cli(*example_args("training-cluster"), "--format", "json").out)
    by_address = {r["address"]: r for r in doc["resources"]}
    asg = by_address["aws_autoscaling_group.trainers"]
    assert asg["gpus"]["after"] == {"NVIDIA H100": 32}  # 4 x p5.48xlarge
    spot = [c for c in asg["components"] if c["price_key"].endswith(":spot")]
    assert spot and spot[0]["quantity"] == "4" and spot[0]["unit_price"] == "28.106467"
    assert asg["cost_per_run"] is not None
    assert doc["summary"]["gpus"]["delta"] == {"NVIDIA H100": 32}


@pytest.mark.parametrize("content,expected", [
    (b"", "is empty"),
    (b"{\"format_version\": \"1.2\", \"resource_", "ends early"),
    (b"\x00\x01\x02\xff\xfe\x00binary", ""),
    (b"[1, 2]", ""),
    (b"{\"hello\": \"world\"}", "not a Terraform plan"),
])
def test_bad_plan_exits_2_with_one_line(cli, tmp_path, content, expected):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = cli("estimate", path)
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], result.err
    assert "Traceback" not in result.err


def test_bad_usage_and_price_book_exit_2(cli, tmp_path):
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 1\nresources:\n  x.y: {hours_per_mnth: 3}\n")
    result = cli("estimate", "examples/gpu-swap/plan.json", "--usage", usage)
    assert result.code == 2 and f"{usage}:3" in result.err and "hours_per_mnth" in result.err
    book = tmp_path / "book.yml"
    book.write_text("version: 1\nname: x\noverrides: nope\n")
    result = cli("estimate", "examples/gpu-swap/plan.json", "--price-book", book)
    assert result.code == 2 and str(book) in result.err, result


def test_missing_file_and_unknown_option(cli):
    result = cli("estimate", "no/such/plan.json")
    assert result.code == 2 and "no/such/plan.json" in result.err
    result = cli("estimate", "examples/gpu-swap/plan.json", "--frobnicate")
    assert result.code == 2 and "--frobnicate" in result.err


def test_version_imports_nothing_heavy():
    code = ("import sys\nfrom engine.cli import main\n"
            "main(['--version'])\n"
            "heavy = [m for m in ('networkx', 'boto3', 'pulumi', 'jsonschema', 'yaml', 'hcl2')"
            " if m in sys.modules]\nprint(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert "costwarden" in out.stdout
    assert out.stdout.splitlines()[-1] == "", out.stdout


@pytest.mark.parametrize("argv, line", [
    (["nope"], "costwarden: argument COMMAND: invalid choice: 'nope' (choose from 'estimate', "
               "'check', 'policy', 'catalog', 'graph', 'breakdown', 'hook', 'diff', 'comment', "
               "'scan')"),
    (["estimate"], "costwarden estimate: the following arguments are required: path"),
    (["hook", "tags", "--bad"], "costwarden: unrecognized arguments: --bad"),
])
def test_usage_errors_are_one_line_exit_2(cli, argv, line):
    result = cli(*argv)
    assert result.code == 2 and result.err.strip() == line
