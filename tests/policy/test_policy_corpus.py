"""Tagging on real public plans: provider default_tags, tags_all, ASG tag lists, deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.pipeline import estimate_path
from engine.policy import EvaluationOptions, evaluate, load_policies

pytestmark = pytest.mark.corpus


def _required(tmp_path: Path, keys: list[str]):  # type: ignore[no-untyped-def]
    path = tmp_path / "tags.yaml"
    path.write_text("policies:\n  - id: req\n    description: d\n    level: hard-mandatory\n"
                    f"    message: '{{address}} lacks {{missing_tags}}'\n"
                    f"    select: {{taggable: true}}\n    require: {{tags: {{required: {keys}}}}}\n")
    return load_policies([path])


def _run(plan: Path, policies):  # type: ignore[no-untyped-def]
    return evaluate(estimate_path(plan), policies, options=EvaluationOptions(include_passes=True))


def test_provider_default_tags_count(corpus: Path, tmp_path: Path) -> None:
    plan = corpus / "infracost/cmd/infracost/testdata/breakdown_with_policy_data_upload_plan_json/plan.json"
    result = _run(plan, _required(tmp_path, ["DefaultNotOverride", "DefaultOverride"]))
    outcomes = {f.address: f.outcome for f in result.findings}
    assert outcomes == {
        "aws_appautoscaling_target.autoscale_dynamodb_table_read_target": "pass",
        "aws_appautoscaling_target.autoscale_dynamodb_table_write_target": "pass",
        "aws_dynamodb_table.autoscale_dynamodb_table": "pass",
        "aws_instance.web_app": "pass",
    }


def test_default_tags_in_module_with_for_each(corpus: Path, tmp_path: Path) -> None:
    plan = corpus / "checkov/tests/terraform/checks/data/aws/example_GithubActionsOIDCTrustPolicy/tfplan.json"
    result = _run(plan, _required(tmp_path, ["environment"]))
    assert result.findings and all(f.outcome == "pass" for f in result.findings)
    assert 'module.poc.aws_iam_role.r1["p1"]' in {f.address for f in result.findings}


def test_autoscaling_group_tag_lists(corpus: Path, tmp_path: Path) -> None:
    plan = corpus / "checkov/tests/terraform/parser/resources/plan_tags_variety/tfplan.json"
    result = _run(plan, _required(tmp_path, ["tag1", "tag2"]))
    assert {f.address: f.outcome for f in result.findings} == {
        "aws_autoscaling_group.example": "pass", "aws_autoscaling_group.example2": "pass",
        "aws_dynamodb_table.basic-dynamodb-table": "pass"}
    missing = _run(plan, _required(tmp_path, ["tag3"]))
    assert {f.outcome for f in missing.findings} == {"fail"}


def test_deleted_resources_are_not_tag_checked(corpus: Path, tmp_path: Path) -> None:
    plan = corpus / "snyk-cli/test/fixtures/iac/terraform-plan/tf-plan-destroy.json"
    assert _run(plan, _required(tmp_path, ["never-there"])).findings == ()
    pack = evaluate(estimate_path(plan), load_policies())
    assert not [f for f in pack.findings if f.policy_id in ("required-tags", "allowed-team")]


def test_delete_and_update_in_one_plan(corpus: Path, tmp_path: Path) -> None:
    plan = corpus / "terraform-v1.5.7/internal/command/testdata/show-json/basic-delete/output.json"
    result = _run(plan, _required(tmp_path, ["x"]))
    assert all(f.outcome != "fail" or f.address for f in result.findings)
    deleted = [c.address for c in estimate_path(plan).changeset.changes if c.action == "delete"]
    assert deleted and not {f.address for f in result.findings} & set(deleted)


def test_bundled_pack_runs_on_every_corpus_plan(corpus: Path) -> None:
    policies = load_policies()
    plans = [p for p in corpus.rglob("*.json") if "gke-gpu" not in p.name]
    checked = pulumi = 0
    for plan in plans:
        try:
            est = estimate_path(plan)
        except Exception:  # not a plan this reader takes (covered by reader tests)
            continue
        evaluate(est, policies)
        checked += 1
        pulumi += est.changeset.source_format.startswith("pulumi-")
    assert checked >= 38
    assert pulumi == 8  # every Pulumi file of the corpus (previews, event streams, exports)
