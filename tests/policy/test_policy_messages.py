"""Message placeholders: values, money, and amounts that are not known."""

from decimal import Decimal

import pytest

from engine.policy.messages import render


@pytest.mark.parametrize("template,values,expected", [
    ("{address} misses {tag}", {"address": "aws_instance.a", "tag": "team"},
     "aws_instance.a misses team"),
    ("adds ${delta}/h", {"delta": Decimal("41.234")}, "adds $41.23/h"),
    ("adds ${delta}/h", {"delta": None}, "adds an unknown amount per hour"),
    ("adds ${delta}/month (prior ${p})", {"delta": None, "p": None},
     "adds an unknown amount per month (prior an unknown amount)"),
    ("adds ${delta}/hour", {"delta": None}, "adds an unknown amount/hour"),
    ("would run {n} GPUs (was {m})", {"n": None, "m": 3},
     "would run an unknown number of GPUs (was 3)"),
    ("tag is {value}", {"value": None}, "tag is (none)"),
    ("{{literal}} ${limit}", {"limit": Decimal(10000)}, "{literal} $10,000"),
])
def test_render(template, values, expected):
    assert render(template, values) == expected


# --- issue 9 items 17 and 18: findings read as sentences ----------------------------

import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PACK_TESTS = REPO / "policies" / "tests"
SPEND = PACK_TESTS / "spend-and-approval"


def _tf(tmp_path: Path, tags: str) -> Path:
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n'
        f"  tags = {{ {tags} }}\n}}\n")
    return tmp_path


def test_a_tag_key_differing_only_in_case_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _tf(tmp_path, 'team = "finops", project = "p", Environment = "prod", '
                         '"cost-center" = "CC-1234"')
    doc = json.loads(cli("check", root, "--format", "json").out)
    f = next(f for f in doc["findings"] if f["policy_id"] == "required-tags")
    assert f["message"] == ("aws_s3_bucket.b (aws_s3_bucket): missing tags environment; "
                            "present with other case: Environment (required: environment) "
                            "(tag keys are case-sensitive)")
    assert f["evidence"]["case_mismatch"] == ["Environment (required: environment)"]


def test_a_case_mismatch_is_named_for_a_single_tag_condition_too(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _tf(tmp_path, 'Team = "finops"')
    pack = tmp_path / "p.yaml"
    pack.write_text("version: 1\npolicies:\n  - id: team\n    description: d\n"
                    "    level: soft-mandatory\n    message: \"{address} has no team tag\"\n"
                    "    require: {tag: {key: team, exists: true}}\n")
    doc = json.loads(cli("check", root, "--policies", pack, "--format", "json").out)
    assert doc["findings"][0]["message"] == (
        "aws_s3_bucket.b has no team tag (tag keys differ only in case: Team (required: team); "
        "tag keys are case-sensitive)")


def test_tag_messages_name_only_what_is_wrong(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _tf(tmp_path, 'team = "finops", project = "p", environment = "qa", '
                         '"cost-center" = "1234"')
    doc = json.loads(cli("check", root, "--format", "json").out)
    f = next(f for f in doc["findings"] if f["policy_id"] == "required-tags")
    assert f["message"] == ("aws_s3_bucket.b (aws_s3_bucket): environment=qa is not an allowed "
                            "value; cost-center=1234 does not match CC-[0-9]{4,6}")


def test_bundled_environments_and_the_environment_tag_rule_agree() -> None:
    from engine.yamlload import load_yaml

    envs = load_yaml(REPO / "policies" / "data" / "environments.yaml").data
    tags = load_yaml(REPO / "policies" / "data" / "tags.yaml").data
    named = {e for names in envs.values() for e in names}
    assert "test" in named and set(tags["environments"]) == named


def test_pass_lines_use_pass_wording(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", SPEND / "plan.json", "--usage", SPEND / "usage.yml", "--show-passes")
    lines = result.out.splitlines()
    passes = [lines[i + 1].strip() for i, line in enumerate(lines)
              if line.lstrip().startswith("PASS ")]
    assert passes and all(" passes " in p for p in passes), passes
    assert not any("missing tags" in p or "is not a known team" in p for p in passes)


def test_no_placeholder_artefacts_in_any_bundled_message(cli) -> None:  # type: ignore[no-untyped-def]
    for case in sorted(p for p in PACK_TESTS.iterdir() if (p / "plan.json").is_file()):
        args = ["check", case / "plan.json", "--format", "json", "--show-passes"]
        if (case / "usage.yml").is_file():
            args += ["--usage", case / "usage.yml"]
        doc = json.loads(cli(*args).out)
        for f in doc["findings"]:
            assert not re.search(r"\$\?|\(none\) GPUs|\[\]|run hours: \(none\)", f["message"]), \
                (case.name, f["message"])


def test_money_in_json_evidence_is_rounded_to_a_millionth(cli) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(cli("check", SPEND / "plan.json", "--usage", SPEND / "usage.yml",
                         "--format", "json").out)
    amounts = [v for f in doc["findings"] for v in f["evidence"].values()
               if isinstance(v, str) and re.fullmatch(r"-?\d+\.\d+", v)]
    assert amounts and all(len(v.split(".")[1]) <= 6 for v in amounts), amounts
    hourly = next(f for f in doc["findings"] if f["policy_id"] == "change-hourly-limit")
    assert hourly["evidence"]["delta_hourly_cost"] == "275.427507"
