"""`check --format markdown|sarif|junit`, workflow annotations, `estimate --format markdown`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "report"
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ("training-cluster", "inference-service", "gpu-swap")
SUFFIX = {"markdown": "md", "sarif": "sarif.json", "junit": "junit.xml"}
WAIVER = """\
version: 1
waivers:
  - id: W-1
    policy: required-tags
    resources: [aws_autoscaling_group.trainers]
    reason: tags come from the launch template
    owner: ana@example.com
    approver: lead@example.com
    expires: 2099-12-31
"""


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def check_args(name: str, *extra: str) -> list[str]:
    base = f"examples/{name}"
    return ["check", f"{base}/plan.json", "--usage", f"{base}/usage.yml", *extra]


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
@pytest.mark.parametrize("name", EXAMPLES)
def test_goldens(cli, golden, name, fmt):
    result = cli(*check_args(name, "--format", fmt))
    assert result.code in (0, 1), result
    golden.check(GOLDEN / f"{name}.{SUFFIX[fmt]}", result.out)


def test_estimate_markdown_golden(cli, golden):
    base = "examples/gpu-swap"
    result = cli("estimate", f"{base}/plan.json", "--usage", f"{base}/usage.yml",
                 "--format", "markdown", "--comment-key", "infra/prod")
    assert result.code == 0, result
    assert result.out.startswith("<!-- costwarden:comment:infra/prod -->\n")
    assert "Policies" not in result.out
    golden.check(GOLDEN / "gpu-swap.estimate.md", result.out)


def sarif_schema() -> dict:
    return json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def validate_sarif(doc: dict) -> None:
    import jsonschema

    errors = sorted(jsonschema.Draft4Validator(sarif_schema()).iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@pytest.mark.parametrize("name", EXAMPLES)
def test_sarif_validates_against_official_schema(cli, name):
    doc = json.loads(cli(*check_args(name, "--format", "sarif")).out)
    validate_sarif(doc)
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules)) and "required-tags" in rules
    for res in run["results"]:
        assert rules[res["ruleIndex"]] == res["ruleId"]


def test_sarif_levels_locations_and_suppressions(cli, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVER, encoding="utf-8")
    doc = json.loads(cli(*check_args("training-cluster", "--format", "sarif",
                                     "--waivers", waivers)).out)
    validate_sarif(doc)
    results = doc["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    waived = by_rule["required-tags"]
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted",
                                       "justification": "tags come from the launch template "
                                       "(waiver W-1, approved by lead@example.com, "
                                       "expires 2099-12-31)"}]
    assert by_rule["gpu-quota"]["level"] == "error"  # soft-mandatory fail
    swap = json.loads(cli(*check_args("gpu-swap", "--format", "sarif")).out)["runs"][0]
    advisory = {r["ruleId"]: r for r in swap["results"]}["spot-for-nonprod-training"]
    assert advisory["level"] == "warning"
    loc = advisory["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "examples/gpu-swap/plan.json"
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "aws_eks_node_group.inference"


def test_sarif_hcl_input_has_lines_and_unknown_is_note(cli):
    doc = json.loads(cli("check", "tests/hcl/fixtures/gpu_stack", "--format", "sarif").out)
    validate_sarif(doc)
    results = doc["runs"][0]["results"]
    lines = [r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")
             for r in results]
    assert any(isinstance(n, int) and n > 0 for n in lines)
    assert any(r["physicalLocation"]["artifactLocation"]["uri"].endswith(".tf")
               for res in results for r in res["locations"])
    assert {r["level"] for r in results if r["properties"]["outcome"] == "unknown"} == {"note"}


def test_junit_parses_back(cli, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVER, encoding="utf-8")
    out = cli(*check_args("training-cluster", "--format", "junit", "--waivers", waivers)).out
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert "required-tags" in suites and "gpu-quota" in suites
    skipped = suites["required-tags"].findall("testcase/skipped")
    assert len(skipped) == 1 and "W-1" in skipped[0].get("message")
    failures = suites["gpu-quota"].findall("testcase/failure")
    assert len(failures) == 1 and "quota is 8" in failures[0].get("message")
    assert suites["gpu-quota"].get("failures") == "1"
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites.values())
    swap = ET.fromstring(cli(*check_args("gpu-swap", "--format", "junit")).out)
    advisory = {s.get("name"): s for s in swap.iter("testsuite")}["spot-for-nonprod-training"]
    assert advisory.get("failures") == "0" and advisory.find("testcase/system-out") is not None


def test_annotations_printed_under_github_actions(cli, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = cli(*check_args("training-cluster")).out
    lines = [line for line in out.splitlines() if line.startswith("::")]
    assert any(line.startswith("::error file=examples/training-cluster/plan.json,"
                               "title=required-tags::aws_autoscaling_group.trainers: ")
               for line in lines)
    swap = cli(*check_args("gpu-swap")).out
    assert any(line.startswith("::warning ") and "title=spot-for-nonprod-training::" in line
               for line in swap.splitlines())
    # unknown results: a lower bound of $220.16/h against the $250/h limit straddles it
    partial = cli("check", DATA / "p5-us-west-2" / "plan.json").out
    assert any(line.startswith("::notice ") and "title=change-hourly-limit::" in line
               for line in partial.splitlines())
    sarif = cli(*check_args("training-cluster", "--format", "sarif"))
    json.loads(sarif.out)  # a machine format on stdout stays parseable
    assert "::error" in sarif.err


def test_annotations_absent_outside_github_actions(cli):
    assert "::error" not in cli(*check_args("training-cluster")).out


def test_annotation_escaping():
    from engine.model import Finding, SourceLocation
    from engine.report.annotations import command, escape_data, escape_property

    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    f = Finding("p:1", "advisory", "unknown", "x.y", "line1\nline2 100%", False,
                location=SourceLocation("dir,1/main.tf", 7))
    assert command(f) == "::notice file=dir%2C1/main.tf,line=7,title=p%3A1::x.y: line1%0Aline2 100%25"
    waived = Finding("p", "soft-mandatory", "waived", "x", "m", False)
    assert command(waived) is None


def test_output_file_keeps_annotations_on_stdout(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    target = tmp_path / "comment.md"
    result = cli(*check_args("training-cluster", "--format", "markdown", "-o", target))
    assert result.code == 1
    assert target.read_text(encoding="utf-8").startswith("<!-- costwarden:comment -->")
    assert result.out.startswith("::error ")
