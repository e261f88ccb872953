"""Canaries: a unique string in every sensitive position, through every command and format.

The plan (written by make_plan.py) marks sensitive: an instance type, tags and tags_all
values, user_data, a nested block attribute, before-side values, a whole object, ASG
`tag` blocks and a SageMaker variant's instance type. No output may contain any of
them, in any escaped form; the resources whose instance type is sensitive are priced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine import redact
from tests.integrations.test_github_comment import github  # noqa: F401  (fixture)

HERE = Path(__file__).parent
PLAN = HERE / "canary-plan.json"
HCL = HERE / "hcl"  # sensitive variables, sensitive(), a sensitive module output
CANARIES = re.compile(r"CANARY[a-z]+\d\d|p4d\.24xlarge|ml\.g5\.2xlarge|t3\.large",
                      re.IGNORECASE)

RUNS = [
    *[("estimate", PLAN, "--format", f) for f in ("table", "json", "markdown")],
    *[("check", PLAN, "--format", f) for f in ("table", "json", "markdown", "sarif", "junit")],
    ("check", PLAN, "--format", "table", "--show-passes"),
    *[("graph", PLAN, "--format", f) for f in ("mermaid", "dot", "json")],
    ("graph", PLAN, "--format", "html", "--findings"),
    *[("breakdown", PLAN, "--format", f, "--group-by", g)
      for f in ("table", "json") for g in ("tag:team", "tag:owner", "type")],
    ("breakdown", PLAN, "--format", "json", "--state", "before"),
    *[("diff", PLAN, PLAN, "--format", f) for f in ("table", "json", "markdown")],
    ("hook", "check", PLAN),
    *[("estimate", HCL, "--format", f) for f in ("table", "json", "markdown")],
    *[("check", HCL, "--format", f) for f in ("table", "json", "markdown", "sarif", "junit")],
    *[("graph", HCL, "--format", f) for f in ("mermaid", "dot", "json")],
    ("graph", HCL, "--format", "html", "--findings"),
    *[("breakdown", HCL, "--format", f, "--group-by", g)
      for f in ("table", "json") for g in ("tag:owner", "tag:cost_center", "tag:project")],
    ("diff", HCL, HCL, "--format", "json"),
    ("hook", "tags", HCL / "main.tf"),
    ("hook", "tags", HCL / "main.tf", "--policies", HERE / "echo-tags.yaml"),
]


def assert_clean(text: str) -> None:
    found = CANARIES.findall(text)
    assert not found, f"sensitive values leaked: {sorted(set(found))}"


@pytest.mark.parametrize("argv", RUNS, ids=lambda a: "-".join(str(x) for x in a
                                                              if x not in (PLAN, HCL)
                                                              and not isinstance(x, Path)))
def test_no_canary_in_any_output(cli, argv, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # annotations too
    result = cli(*argv)
    assert result.code in (0, 1), result
    assert_clean(result.out)
    assert_clean(result.err)


def test_no_canary_in_files_written(cli, tmp_path):
    for argv in (("check", PLAN, "--format", "sarif", "-o", tmp_path / "a"),
                 ("graph", PLAN, "--format", "html", "-o", tmp_path / "b")):
        assert cli(*argv).code in (0, 1)
        assert_clean((tmp_path / argv[-1].name).read_text(encoding="utf-8"))


def test_no_canary_in_the_posted_comment(cli, github):  # noqa: F811
    result = cli("comment", "github", "--repo", "acme/infra", "--pr", "7",
                 "--from-plan", PLAN)
    assert result.code == 0, result
    assert_clean(github.comments[7][0]["body"])
    assert_clean(result.out + result.err)


def test_sensitive_instance_types_are_still_priced(cli):
    doc = json.loads(cli("estimate", PLAN, "--format", "json").out)
    by = {r["address"]: r for r in doc["resources"]}
    assert by["aws_instance.gpu"]["status"] == "priced"
    assert by["aws_instance.gpu"]["gpus"]["after"] == {"NVIDIA A100 40GB": 8}
    assert by["aws_sagemaker_endpoint.ep"]["status"] == "priced"
    assert by["aws_instance.whole"]["hourly"]["before"] is not None
    assert "(sensitive)" in json.dumps(by["aws_instance.gpu"]["components"])
    hcl = json.loads(cli("estimate", HCL, "--format", "json").out)
    assert hcl["resources"][0]["components"][0]["status"] == "priced"


def test_hcl_taint_marks_sensitive_paths():
    from engine.pipeline import EstimateOptions, read_input

    (change,) = read_input(HCL, EstimateOptions()).changes
    assert {("instance_type",), ("tags", "owner"), ("tags", "cost_center"),
            ("tags", "project")} <= change.sensitive_paths
    assert ("tags", "team") not in change.sensitive_paths


def test_the_fixture_is_current():
    import subprocess
    import sys

    before = PLAN.read_text()
    subprocess.run([sys.executable, str(HERE / "make_plan.py")], check=True)
    assert PLAN.read_text() == before


@pytest.mark.parametrize("value, text, expected", [
    ("secret-value", "a secret-value b", "a (sensitive) b"),
    ("secret-value", "asecret-valueb", "asecret-valueb"),  # not on a token boundary
    ('sec"ret<x>', 'j "sec\\"ret<x>" h sec&quot;ret&lt;x&gt;', "j \"(sensitive)\" h (sensitive)"),
    ("1", "1 and 10 and true", "1 and 10 and true"),  # short values: left to the model
    ("a_b*c", "md a\\_b\\*c", "md (sensitive)"),
])
def test_scrubber_forms_and_boundaries(value, text, expected):
    assert redact.Redactor([value]).scrub(text) == expected


def test_sensitive_tag_values_group_as_sensitive(cli):
    doc = json.loads(cli("breakdown", HCL, "--format", "json", "--group-by", "tag:owner").out)
    assert [g["group"] for g in doc["groups"]] == ["(sensitive)"]
    # a short sensitive value ("a1") is not searched for in text: the model hides it
    graph = json.loads(cli("graph", PLAN, "--format", "json", "--team-key", "tier").out)
    teams = {n["id"]: n["team"] for n in graph["nodes"]}
    assert teams["aws_instance.gpu"] == "(sensitive)"
    doc = json.loads(cli("breakdown", PLAN, "--format", "json", "--group-by", "tag:tier").out)
    assert "a1" not in [g["group"] for g in doc["groups"]]
