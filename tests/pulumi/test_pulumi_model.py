"""The Pulumi reader's parts: the type table, property conversion, addresses, region
and default tags, event streams in one pass, CloudFormation templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.clouds import builtin_clouds, cost_registry
from engine.sources.detect import read_changeset
from engine.sources.pulumi.props import UNKNOWN, convert, snake
from engine.sources.pulumi.types import TYPES, canonical_type, provider_of

PRE = "urn:pulumi:dev::proj::"


def _state(token: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"urn": PRE + f"{token}::{name}", "custom": True, "type": token,
            "inputs": inputs, **extra}


def _preview(tmp_path: Path, *states: dict[str, Any], config: Any = None,
             op: str = "create") -> Any:
    doc = {"steps": [{"op": op, "urn": s["urn"], "newState": s} for s in states]}
    if config is not None:
        doc["config"] = config
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return read_changeset(path)


def test_every_aws_type_costwarden_knows_has_a_token() -> None:
    aws = next(c for c in builtin_clouds() if c.name == "aws")
    registry = cost_registry([aws])
    known = (set(registry.models) - {aws.data_transfer_type}) | set(registry.free_types) \
        | set(registry.carried_by) | set(aws.shared_types)
    assert known - set(TYPES.values()) == set()


@pytest.mark.parametrize("token, canonical, provider", [
    ("aws:ec2/instance:Instance", "aws_instance", "aws"),
    ("aws:autoscaling/group:Group", "aws_autoscaling_group", "aws"),
    ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket", "aws"),
    ("aws-native:ec2:Instance", "aws_instance", "aws"),
    ("gcp:compute/instance:Instance", "google_compute_instance", "google"),
    ("gcp:container/nodePool:NodePool", "google_container_node_pool", "google"),
    ("azure-native:compute:VirtualMachine", "azurerm_virtual_machine", "azurerm"),
    ("azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
     "azurerm_kubernetes_cluster_node_pool", "azurerm"),
    ("aws:sns/topic:Topic", "aws:sns/topic:Topic", "aws"),  # unmapped: the token
    ("acme:widgets:Widget", "acme:widgets:Widget", "acme"),
])
def test_type_tokens(token: str, canonical: str, provider: str) -> None:
    assert (canonical_type(token), provider_of(token)) == (canonical, provider)


def test_an_unmapped_type_is_shown_unsupported_not_dropped(tmp_path: Path) -> None:
    from engine.pipeline import estimate_path

    _preview(tmp_path, _state("aws:sns/topic:Topic", "alerts", {"name": "alerts"}))
    est = estimate_path(tmp_path / "preview.json")
    assert [(r.address, r.status) for r in est.resources] == [
        ("aws:sns/topic:Topic.alerts", "unsupported")]


@pytest.mark.parametrize("name, expected", [
    ("instanceType", "instance_type"), ("ipv6CidrBlock", "ipv6_cidr_block"),
    ("perUnitStorageThroughput", "per_unit_storage_throughput"), ("arn", "arn"),
    ("Name", "Name"), ("__index.js", "__index.js"), ("volumeSizeInGB", "volume_size_in_gb"),
])
def test_snake(name: str, expected: str) -> None:
    assert snake(name) == expected


def test_convert_renames_keeps_user_keys_and_marks_unknowns() -> None:
    got = convert({
        "mixedInstancesPolicy": {"launchTemplate": {"overrides": [{"instanceType": "p5"}],
                                                    "launchTemplateSpecification": {
                                                        "launchTemplateId": UNKNOWN}}},
        "tags": [{"key": "costCenter", "value": "x", "propagateAtLaunch": True}],
        "__defaults": ["a"],
    }, "aws_autoscaling_group")
    assert got.attrs == {
        "mixed_instances_policy": {"launch_template": {
            "override": [{"instance_type": "p5"}], "launch_template_specification": {}}},
        "tag": [{"key": "costCenter", "value": "x", "propagate_at_launch": True}]}
    assert got.unknown == {("mixed_instances_policy", "launch_template",
                            "launch_template_specification", "launch_template_id")}
    tags = convert({"tags": {"costCenter": "a", "teamName": UNKNOWN}}, "aws_instance")
    assert tags.attrs == {"tags": {"costCenter": "a"}}
    assert tags.unknown == {("tags", "teamName")}


def test_region_from_resource_provider_config_then_flag(tmp_path: Path) -> None:
    provider = {"urn": PRE + "pulumi:providers:aws::west", "custom": True,
                "type": "pulumi:providers:aws", "inputs": {"region": "us-west-2"}}
    ref = provider["urn"] + "::1234"
    cs = _preview(tmp_path, provider,
                  _state("aws:ec2/instance:Instance", "a", {"instanceType": "t3.micro"},
                         provider=ref),
                  _state("aws:ec2/instance:Instance", "b", {"instanceType": "t3.micro"}),
                  _state("aws:ec2/instance:Instance", "c", {"region": "eu-west-1"},
                         provider=ref),
                  config={"aws:region": "ap-south-1"})
    assert [(c.address, c.region) for c in cs.changes] == [
        ("aws_instance.a", "us-west-2"), ("aws_instance.b", "ap-south-1"),
        ("aws_instance.c", "eu-west-1")]
    bare = _preview(tmp_path, _state("gcp:compute/instance:Instance", "g",
                                     {"zone": "us-central1-a"}),
                    _state("gcp:compute/instance:Instance", "h", {}),
                    config={"gcp:region": "europe-west4"})
    assert [c.region for c in bare.changes] == ["us-central1", "europe-west4"]
    assert read_changeset(tmp_path / "preview.json", default_region="x").changes[1].region \
        == "europe-west4"


def test_default_tags_from_provider_or_config(tmp_path: Path) -> None:
    provider = {"urn": PRE + "pulumi:providers:aws::tagged", "custom": True,
                "type": "pulumi:providers:aws",
                "inputs": {"defaultTags": json.dumps({"tags": {"team": "ml", "env": "dev"}})}}
    cs = _preview(tmp_path, provider,
                  _state("aws:ec2/instance:Instance", "a", {"tags": {"env": "prod"}},
                         provider=provider["urn"] + "::1"),
                  _state("aws:ec2/instance:Instance", "b", {"tags": {"x": "1"}}),
                  config={"aws:defaultTags": json.dumps({"tags": {"team": "cfg"}})})
    assert [c.tags_after for c in cs.changes] == [{"team": "ml", "env": "prod"},
                                                  {"team": "cfg", "x": "1"}]


def test_two_packages_mapping_to_one_type_keep_their_tokens(tmp_path: Path) -> None:
    cs = _preview(tmp_path, _state("aws:ec2/instance:Instance", "web", {}),
                  _state("aws-native:ec2:Instance", "web", {}),
                  _state("aws:ec2/instance:Instance", "db", {}))
    assert [c.address for c in cs.changes] == [
        "aws:ec2/instance:Instance.web", "aws-native:ec2:Instance.web", "aws_instance.db"]
    assert {c.type for c in cs.changes} == {"aws_instance"}


def test_odd_names_are_quoted_and_components_are_the_parent_chain(tmp_path: Path) -> None:
    comp = {"urn": PRE + "my:app:Service::svc", "type": "my:app:Service"}
    child = _state("my:app:Service$aws:s3/bucket:Bucket", "logs.example.com", {},
                   parent=comp["urn"])
    child["type"] = "aws:s3/bucket:Bucket"
    cs = _preview(tmp_path, comp, child)
    (bucket,) = cs.changes
    assert bucket.address == 'my:app:Service.svc.aws_s3_bucket["logs.example.com"]'
    assert bucket.module_path == ("my:app:Service.svc",)


def test_a_replacement_in_three_steps_is_one_change(tmp_path: Path) -> None:
    old = _state("aws:ec2/instance:Instance", "w", {"instanceType": "g5.xlarge"})
    new = _state("aws:ec2/instance:Instance", "w", {"instanceType": "p5.48xlarge"})
    doc = {"steps": [{"op": "create-replacement", "urn": old["urn"], "oldState": old,
                      "newState": new},
                     {"op": "replace", "urn": old["urn"], "oldState": old, "newState": new},
                     {"op": "delete-replaced", "urn": old["urn"], "oldState": old}]}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (change,) = read_changeset(path).changes
    assert (change.action, change.before["instance_type"], change.after["instance_type"]) == \
        ("replace", "g5.xlarge", "p5.48xlarge")


def test_a_long_event_stream_is_read_in_one_pass(tmp_path: Path) -> None:
    lines = [json.dumps({"sequence": 0, "preludeEvent": {"config": {"aws:region": "us-east-1"}}})]
    for i in range(10_000):
        urn = PRE + f"aws:ec2/instance:Instance::i{i}"
        meta = {"op": "create", "urn": urn, "type": "aws:ec2/instance:Instance",
                "new": {"urn": urn, "custom": True, "type": "aws:ec2/instance:Instance",
                        "inputs": {"instanceType": "t3.micro"}}}
        lines.append(json.dumps({"sequence": i + 1,
                                 "resourcePreEvent": {"metadata": meta, "planning": True}}))
    path = tmp_path / "events.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cs = read_changeset(path)
    assert (cs.source_format, len(cs.changes)) == ("pulumi-events", 10_000)
    assert cs.changes[-1].source.line == 10_001 and cs.changes[-1].region == "us-east-1"


def test_one_event_as_a_document(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"sequence": 0, "cancelEvent": {}}), encoding="utf-8")
    assert read_changeset(path).source_format == "pulumi-events"


def test_cloudformation_template_resources_not_read_are_listed(tmp_path: Path) -> None:
    template = {"Resources": {
        "Gpu": {"Type": "AWS::EC2::Instance", "Properties": {"InstanceType": "p5.48xlarge"}},
        "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "acme-data"}},
        "Topic": {"Type": "AWS::SNS::Topic"}}}
    cs = _preview(tmp_path,
                  _state("aws:cloudformation/stack:Stack", "cfn",
                         {"templateBody": json.dumps(template)}),
                  _state("aws:s3/bucket:Bucket", "data", {"bucket": "acme-data"}))
    assert [c.type for c in cs.changes] == ["aws_cloudformation_stack", "aws_s3_bucket"]
    (warning,) = cs.warnings
    assert "2 resource(s) of its CloudFormation template are not read" in warning
    assert "Gpu (AWS::EC2::Instance)" in warning and "Topic (AWS::SNS::Topic)" in warning
    assert "Data" not in warning
    yaml_body = "Resources:\n  Gpu:\n    Type: AWS::EC2::Instance\n    Properties:\n" \
                "      ImageId: !Ref Ami\n"
    cs = _preview(tmp_path, _state("aws:cloudformation/stack:Stack", "cfn",
                                   {"templateBody": yaml_body}))
    assert "Gpu (AWS::EC2::Instance)" in cs.warnings[0]


def test_stack_export_checkpoint_form(corpus: Path) -> None:
    cs = read_changeset(corpus / "pulumi/pkg/resource/stack/testdata/checkpoint-v3.json")
    assert cs.source_format == "pulumi-export"
    assert all(c.action == "no-op" and c.before == c.after for c in cs.changes)
