"""Real plans from ../shared/corpus/public read through read_changeset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from support import corpus_file
from engine.errors import InputError
from engine.sources.detect import read_changeset

FRAGMENT = "ai-infra-cluster-provisioning/test/pr/a3/terraform/modules/cluster/gke/output/gke-gpu.json"
CHECKOV = "checkov/tests/terraform"


def _plans(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob("**/*.json")
                  if p.relative_to(corpus).parts[0] not in ("stratify", "pulumi"))
# The Pulumi files of the corpus are read in tests/pulumi/test_pulumi_corpus.py.


def test_every_corpus_plan_reads(corpus: Path) -> None:
    plans = _plans(corpus)
    assert len(plans) >= 40
    for path in plans:
        rel = path.relative_to(corpus).as_posix()
        if rel == FRAGMENT:
            with pytest.raises(InputError, match="planned_values fragment"):
                read_changeset(path)
            continue
        cs = read_changeset(path)
        assert cs.source_format == "terraform-plan"
        for i, change in enumerate(cs.changes):
            assert change.source is not None and change.source.file == str(path)
            assert change.source.pointer == f"/resource_changes/{i}"


COUNTS = {
    "infracost/cmd/infracost/testdata/terraform_v0.14_plan.json":
        {"no-op": 13, "create": 12, "update": 1},
    "terraform-compliance/tests/functional/test_issue_522/plan.out.json":
        {"delete": 2, "no-op": 7, "update": 1, "create": 5},
    "terraform-compliance/tests/functional/test_issue-249/plan.out.json":
        {"no-op": 18, "update": 4, "create": 2},
    "terraform-compliance/tests/functional/test_issue-294/plan.out.json": {"create": 18, "read": 2},
    f"{CHECKOV}/checks/data/aws/example_GithubActionsOIDCTrustPolicy/tfplan.json":
        {"read": 4, "create": 5},
    "snyk-cli/test/fixtures/iac/terraform-plan/tf-plan-destroy.json": {"delete": 8},
    "infracost/cmd/infracost/testdata/instance_with_attachment_before_deploy.json":
        {"create": 3, "no-op": 1},
    f"{CHECKOV}/runner/resources/plan/tfplan.json": {"create": 55},
    "terraform-v1.5.7/internal/command/testdata/show-json/basic-delete/output.json":
        {"update": 1, "delete": 1},
    "pennywise/sample/azure/tfplan.json": {"read": 1, "create": 9},
}


@pytest.mark.parametrize("rel", sorted(COUNTS))
def test_action_counts(rel: str) -> None:
    cs = read_changeset(corpus_file(rel))
    assert dict(Counter(c.action for c in cs.changes)) == COUNTS[rel]


def test_replace_orders() -> None:
    dbc = read_changeset(corpus_file(
        "terraform-v1.5.7/internal/command/testdata/show-json/requires-replace/output.json"))
    (c,) = dbc.changes
    assert (c.action, c.actions, c.replace_order) == (
        "replace", ("delete", "create"), "delete-before-create")
    assert c.action_reason == "replace_because_cannot_update"
    cbd = read_changeset(corpus_file(f"{CHECKOV}/runner/resources/plan_with_deleted_resources/tfplan.json"))
    (c,) = cbd.changes
    assert (c.action, c.actions, c.replace_order) == (
        "replace", ("create", "delete"), "create-before-delete")
    tainted = read_changeset(corpus_file("terraform-json/testdata/action_reason/plan.json"))
    assert tainted.changes[0].action_reason == "replace_because_tainted"


def test_tag_shapes_asg_lists_and_maps() -> None:
    cs = read_changeset(corpus_file(f"{CHECKOV}/parser/resources/plan_tags_variety/tfplan.json"))
    by = {c.address: c for c in cs.changes}
    both = {"tag1": "test", "tag2": "test"}
    assert by["aws_autoscaling_group.example"].tags_after == both  # tags list, "true" strings
    assert by["aws_autoscaling_group.example2"].tags_after == both  # tag blocks, bool
    assert by["aws_dynamodb_table.basic-dynamodb-table"].tags_after == both  # tags_all map
    assert all(not c.unknown_tag_keys and c.tags_before is None for c in cs.changes)


def test_tags_all_includes_default_tags() -> None:
    cs = read_changeset(corpus_file(
        "infracost/cmd/infracost/testdata/breakdown_with_policy_data_upload_plan_json/plan.json"))
    by = {c.address: c for c in cs.changes}
    defaults = {"DefaultNotOverride": "defaultnotoverride", "DefaultOverride": "defaultoverride"}
    assert by["aws_instance.web_app"].tags_after == {**defaults, "foo": "bar"}
    assert by["aws_dynamodb_table.autoscale_dynamodb_table"].tags_after == defaults
    assert {c.region for c in cs.changes} == {"us-east-1"}


def test_default_tags_region_modules_and_data_sources() -> None:
    cs = read_changeset(corpus_file(
        f"{CHECKOV}/checks/data/aws/example_GithubActionsOIDCTrustPolicy/tfplan.json"))
    assert {c.region for c in cs.changes} == {"eu-central-1"}
    data = [c for c in cs.changes if c.mode == "data"]
    assert len(data) == 4 and all(c.action == "read" and c.tags_after is None for c in data)
    assert {c.action_reason for c in data} == {"read_because_config_unknown",
                                               "read_because_dependency_pending"}
    role = next(c for c in cs.changes if c.address == 'module.poc.aws_iam_role.r6["p1"]')
    assert (role.index, role.module_path, role.type, role.name) == (
        "p1", ("module.poc",), "aws_iam_role", "r6")
    assert role.tags_after == {"checkov_uid": "CKV_AWS_358", "environment": "test",
                               "managed_by": "terraform"}
    assert role.depends_on == ('module.poc.data.aws_iam_policy_document.r4["p1"]',
                               'module.poc.data.aws_iam_policy_document.r4["p2"]')


def test_after_unknown_is_unknown_not_null() -> None:
    cs = read_changeset(corpus_file(f"{CHECKOV}/runner/resources/unexpected/eks_node_group_remote_access.json"))
    (c,) = cs.changes
    assert c.after.get("instance_types") is None
    assert ("instance_types",) in c.unknown_paths and c.is_unknown(("instance_types", 0))
    assert not c.is_unknown(("scaling_config", 0, "desired_size"))


def test_nested_unknown_lists() -> None:
    cs = read_changeset(corpus_file(
        "terraform-validator/testdata/templates/full_compute_instance.tfplan.json"))
    paths = set().union(*(c.unknown_paths for c in cs.changes))
    assert any(len(p) >= 3 and isinstance(p[1], int) for p in paths), sorted(paths)[:10]
    assert {c.region for c in cs.changes} == {"us-central1"}


def test_sensitive_paths() -> None:
    cs = read_changeset(corpus_file(
        "terraform-v1.5.7/internal/command/testdata/show-json-sensitive/output.json"))
    assert [c.index for c in cs.changes] == [0, 1, 2]
    for c in cs.changes:
        assert c.sensitive_paths == {("ami",), ("password",)}
        assert c.region == "somewhere"


def test_utf16_plan() -> None:
    cs = read_changeset(corpus_file(f"{CHECKOV}/parser/resources/plan_encodings/tfplan_win_utf16.json"))
    assert [c.address for c in cs.changes] == ["aws_s3_bucket.data"]
    assert cs.tool_version == "1.2.2"


def test_nested_modules_and_dependencies() -> None:
    cs = read_changeset(corpus_file(
        f"{CHECKOV}/runner/resources/plan_nested_child_modules_with_connections/tfplan.json"))
    by = {c.address: c for c in cs.changes}
    sub = by["module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket"]
    assert sub.module_path == ("module.s3_module", "module.s3_submodule")
    assert sub.depends_on == ("module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket",)
    acl = by["module.s3_bucket.aws_s3_bucket_acl.this[0]"]
    assert acl.index == 0 and acl.depends_on == ("module.s3_bucket.aws_s3_bucket.this[0]",)
    assert {c.region for c in cs.changes} == {"us-west-2"}


def test_dependencies_across_modules() -> None:
    cs = read_changeset(corpus_file("terraform-compliance/tests/functional/test_issue-249/plan.out.json"))
    by = {c.address: c for c in cs.changes}
    # module output references are followed to the resources behind the output
    assert by["aws_security_group_rule.asg-ingress"].depends_on == (
        "module.alb.aws_security_group.alb", "module.myapp-asg.aws_security_group.sg_asg")
    assert by["aws_iam_instance_profile.profile"].depends_on == ("aws_iam_role.instance_role",)
    # region from provider `region = var.aws_region`, resolved from the plan's variables
    assert {c.region for c in cs.changes} == {"us-east-1"}


def test_module_provider_keys_walk_up_to_configured_region() -> None:
    cs = read_changeset(corpus_file("infracost/cmd/infracost/testdata/terraform_v0.14_plan.json"))
    by = {c.address: c for c in cs.changes}
    db = by["module.db.module.db_1.module.db_instance.aws_db_instance.this[0]"]
    assert db.provider_config_key == "module.db.module.db_1.module.db_instance:aws"
    assert db.region == "us-east-1"
    assert by['aws_instance.instance_named["test.1"]'].index == "test.1"


def test_region_from_resource_attributes() -> None:
    azure = read_changeset(corpus_file("infracost/cmd/infracost/testdata/azure_firewall_plan.json"))
    assert {"westeurope", "eastus"} <= {c.region for c in azure.changes}
    mixed = read_changeset(corpus_file("regula/rego/tests/lib/inputs/resource_view_07_infra.json"))
    by = {c.address: c for c in mixed.changes}
    assert by["google_compute_instance.default"].region == "us-central1"  # from zone
    assert by["aws_s3_bucket.example"].region == "us-west-2"
    assert by["aws_launch_template.example"].unknown_tag_keys == {"*"}  # tags_all unknown


def test_target_detected_from_prior_state() -> None:
    cs = read_changeset(corpus_file("infracost/cmd/infracost/testdata/plan_with_target.json"))
    assert cs.targeted and not cs.complete
    assert any("aws_instance.web_app_2" in w for w in cs.warnings)
    assert [c.action for c in cs.changes] == ["update"]  # resource_drift is not a change
    full = read_changeset(corpus_file("terraform-compliance/tests/functional/test_issue-249/plan.out.json"))
    assert not full.targeted and full.complete


def test_drift_without_address_and_envelope_flags() -> None:
    cs = read_changeset(corpus_file("terraform-compliance/tests/functional/test_issue_522/plan.out.json"))
    assert len(cs.changes) == 15 and cs.tool_version == "1.0.0"
    newer = read_changeset(corpus_file("tgc/pkg/tfplan2cai/resolvers/iamBinding.tfplan.json"))
    assert newer.format_version == "1.2" and not newer.errored and newer.complete
    empty = read_changeset(corpus_file(
        "trivy/pkg/iac/scanners/terraformplan/tfjson/testdata/plan_no_resource_changes.json"))
    assert empty.changes == () and empty.tool_version is None
