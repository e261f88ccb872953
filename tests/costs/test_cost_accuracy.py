"""Cost figures checked end to end (HCL directory -> catalog prices -> monthly $).

Each case is a small configuration written here, priced with the bundled catalog,
so a model that multiplies by the wrong count or bills the wrong quantity shows up
as a wrong dollar figure, not only as a wrong component.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import engine
from costkit import kit  # noqa: F401  (fixture)

D = Decimal
PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def estimate(tmp_path: Path, tf: str, usage: str | None = None) -> Any:
    (tmp_path / "main.tf").write_text(PROVIDER + tf, encoding="utf-8")
    usage_file = None
    if usage is not None:
        usage_file = tmp_path / "usage.yml"
        usage_file.write_text("version: 1\nresources:\n" + usage, encoding="utf-8")
    return engine.estimate(str(tmp_path), usage_file=None if usage_file is None
                           else str(usage_file))


def resource(est: Any, address: str) -> Any:
    found = [r for r in est.resources if r.address == address]
    assert found, f"{address} not in {[r.address for r in est.resources]}"
    return found[0]


def components(est: Any, address: str) -> dict[str, Any]:
    return {c.name: c for c in resource(est, address).after.components}


# --- EFS provisioned throughput (issue 9 item 2) --------------------------------------

EFS = """
resource "aws_efs_file_system" "fs" {
  throughput_mode                 = "provisioned"
  provisioned_throughput_in_mibps = 100
}
"""


def test_efs_bills_only_throughput_above_what_storage_earns(tmp_path: Path) -> None:
    # 230 GB earn 11.5 MB/s: 88.5 MB/s x $6 = $531 + 230 GB x $0.30 = $69 -> $600 (not $669).
    est = estimate(tmp_path, EFS, "  aws_efs_file_system.fs:\n    storage_gb: 230\n")
    r = resource(est, "aws_efs_file_system.fs")
    assert r.after.monthly == D("600.00")
    assert components(est, "aws_efs_file_system.fs")["provisioned throughput"].quantity == \
        D("88.5")


@pytest.mark.parametrize("storage, ia, billable", [
    ("2000", None, "0"),        # storage earns more than is provisioned: nothing billed
    ("2000", "1500", "75.0"),   # only the Standard part (500 GB) earns throughput
    ("0", None, "100"),
])
def test_efs_billable_throughput_table(kit: Any, storage: str, ia: str | None,
                                       billable: str) -> None:
    from engine.clouds.aws.efs import MODELS
    model = MODELS[0]
    spec = model.extract(kit.view("aws_efs_file_system", {
        "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 100}))
    usage = {"storage_gb": D(storage)} | ({} if ia is None else
                                          {"infrequent_access_storage_gb": D(ia)})
    comp = {c.name: c for c in model.components(spec, usage)}["provisioned throughput"]
    assert comp.quantity == D(billable)


def test_efs_without_storage_usage_bills_all_and_says_it_is_an_upper_bound(kit: Any) -> None:
    from engine.clouds.aws.efs import MODELS
    model = MODELS[0]
    spec = model.extract(kit.view("aws_efs_file_system", {
        "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 100}))
    comp = {c.name: c for c in model.components(spec, {})}["provisioned throughput"]
    assert comp.quantity == D(100)
    assert "at most" in comp.reason and "storage_gb" in comp.reason


# --- weighted capacity of mixed instances policies (issue 9 item 1) ----------------------

def weighted_group(desired: int, *overrides: tuple[str, str | None],
                   base: int = 0, pct: int = 100) -> str:
    blocks = "".join(
        f'      override {{\n        instance_type = "{t}"\n'
        + (f'        weighted_capacity = "{w}"\n' if w is not None else "")
        + "      }\n" for t, w in overrides)
    return f"""
resource "aws_launch_template" "lt" {{
  name_prefix   = "lt"
  image_id      = "ami-1"
  instance_type = "c5.large"
}}
resource "aws_autoscaling_group" "g" {{
  min_size         = {desired}
  max_size         = {desired * 2}
  desired_capacity = {desired}
  mixed_instances_policy {{
    instances_distribution {{
      on_demand_base_capacity                  = {base}
      on_demand_percentage_above_base_capacity = {pct}
    }}
    launch_template {{
      launch_template_specification {{
        launch_template_id = aws_launch_template.lt.id
      }}
{blocks}    }}
  }}
}}
"""


def test_weighted_capacity_counts_units_not_instances(tmp_path: Path) -> None:
    # 6 units of a type of weight 2 are 3 instances (today: 6 instances, twice the cost).
    est = estimate(tmp_path, weighted_group(6, ("c5.xlarge", "2")))
    comp = components(est, "aws_autoscaling_group.g")["instances (c5.xlarge, on-demand)"]
    assert comp.quantity == 3
    assert comp.monthly == 3 * comp.unit_price * 730
    assert "weight 2" in comp.reason


@pytest.mark.parametrize("desired, overrides, base, pct, expected", [
    (6, [("c5.xlarge", "2")], 0, 100, {"on_demand": 3}),
    (7, [("c5.xlarge", "2")], 0, 100, {"on_demand": 4}),   # AWS overshoots: whole instances
    (6, [("c5.xlarge", "3"), ("c5.2xlarge", "6")], 0, 100, {"on_demand": 2}),
    (8, [("c5.xlarge", "2")], 2, 50, {"on_demand": 3, "spot": 2}),  # 5 + 3 units
    (4, [("c5.xlarge", None), ("c5.2xlarge", "2")], 0, 100, {"on_demand": 4}),  # unset: 1
])
def test_weighted_capacity_table(kit: Any, desired: int, overrides: list[tuple[str, str | None]],
                                 base: int, pct: int, expected: dict[str, int]) -> None:
    from engine.clouds.aws.autoscaling import MODELS
    model = MODELS[0]
    template = kit.view("aws_launch_template", {"instance_type": "c5.large"})
    attrs = {"desired_capacity": desired, "min_size": desired, "max_size": desired * 2,
             "mixed_instances_policy": [{
                 "instances_distribution": [{"on_demand_base_capacity": base,
                                             "on_demand_percentage_above_base_capacity": pct}],
                 "launch_template": [{"override": [
                     {"instance_type": t, "weighted_capacity": w} for t, w in overrides]}]}]}
    view = kit.view("aws_autoscaling_group", attrs,
                    related={("aws_launch_template", "mixed_instances_policy"): [template]})
    comps = model.components(model.extract(view), {})
    got = {c.key.purchase_option: int(c.quantity) for c in comps
           if c.name.startswith("instances (")}
    assert got == expected


def test_unknown_weight_makes_the_count_unknown(kit: Any) -> None:
    from engine.clouds.aws.autoscaling import MODELS
    model = MODELS[0]
    template = kit.view("aws_launch_template", {"instance_type": "c5.large"})
    path = ("mixed_instances_policy", 0, "launch_template", 0, "override", 0, "weighted_capacity")
    view = kit.view("aws_autoscaling_group", {
        "desired_capacity": 6, "min_size": 6, "max_size": 6,
        "mixed_instances_policy": [{"launch_template": [{"override": [
            {"instance_type": "c5.xlarge", "weighted_capacity": None}]}]}]},
        unknown=[path],
        related={("aws_launch_template", "mixed_instances_policy"): [template]})
    (inst, *_rest) = model.components(model.extract(view), {})
    assert inst.quantity is None and inst.missing == "unknown"
    assert "weighted_capacity" in inst.reason


def test_instances_usage_stays_instances_with_weights(kit: Any) -> None:
    from engine.clouds.aws.autoscaling import MODELS
    model = MODELS[0]
    template = kit.view("aws_launch_template", {"instance_type": "c5.large"})
    view = kit.view("aws_autoscaling_group", {
        "desired_capacity": 6, "min_size": 6, "max_size": 6,
        "mixed_instances_policy": [{"launch_template": [{"override": [
            {"instance_type": "c5.xlarge", "weighted_capacity": "2"}]}]}]},
        related={("aws_launch_template", "mixed_instances_policy"): [template]})
    (inst, *_rest) = model.components(model.extract(view), {"instances": D("2.5")})
    assert inst.quantity == D("2.5")


# --- SageMaker endpoint scaled by Application Auto Scaling (issue 9 item 16) ---------------

def endpoint(name: str, count: int = 2) -> str:
    return f"""
resource "aws_sagemaker_endpoint_configuration" "{name}" {{
  name = "{name}-cfg"
  production_variants {{
    variant_name           = "AllTraffic"
    model_name             = "m"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = {count}
  }}
}}
resource "aws_sagemaker_endpoint" "{name}" {{
  name                 = "{name}"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.{name}.name
}}
"""


SCALED = endpoint("llm") + endpoint("other") + """
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "sagemaker"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.llm.name}/variant/AllTraffic"
  min_capacity       = 1
  max_capacity       = 4
}
resource "aws_appautoscaling_target" "dynamo" {
  service_namespace  = "dynamodb"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  resource_id        = "table/other"
  min_capacity       = 5
  max_capacity       = 50
}
"""


def test_scaled_endpoint_shows_its_range_and_prices_the_minimum(tmp_path: Path) -> None:
    est = estimate(tmp_path, SCALED)
    (comp,) = resource(est, "aws_sagemaker_endpoint.llm").after.components
    assert comp.quantity == 1
    assert "scales 1–4" in comp.name
    assert "aws_appautoscaling_target.t between 1 and 4 instances" in comp.reason
    assert "minimum, 1" in comp.reason and "initial_instance_count 2" in comp.reason
    # The other endpoint has no target of its own: its initial count, no range.
    (other,) = resource(est, "aws_sagemaker_endpoint.other").after.components
    assert other.quantity == 2 and "scales" not in other.name and not other.reason


def test_target_found_by_literal_resource_id(tmp_path: Path) -> None:
    tf = endpoint("llm") + """
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "sagemaker"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  resource_id        = "endpoint/llm/variant/AllTraffic"
  min_capacity       = 3
  max_capacity       = 8
}
"""
    est = estimate(tmp_path, tf)
    (comp,) = resource(est, "aws_sagemaker_endpoint.llm").after.components
    assert comp.quantity == 3 and "scales 3–8" in comp.name


# --- legacy references to launch configurations (issue 9 item 14) ------------------------

LEGACY = """
variable "types" {
  default = ["m5.large", "m5.xlarge"]
}
resource "aws_launch_configuration" "lc" {
  count         = 2
  name_prefix   = "lc-"
  image_id      = "ami-123"
  instance_type = var.types[count.index]
}
resource "aws_launch_configuration" "same" {
  count         = 2
  name_prefix   = "same-"
  image_id      = "ami-123"
  instance_type = "c5.large"
}
resource "aws_autoscaling_group" "asg" {
  count                = 2
  launch_configuration = aws_launch_configuration.lc.*.id[count.index]
  min_size             = 2
  max_size             = 2
}
resource "aws_autoscaling_group" "first" {
  launch_configuration = element(aws_launch_configuration.same.*.name, 0)
  min_size             = 1
  max_size             = 1
}
resource "aws_autoscaling_group" "either" {
  launch_configuration = element(aws_launch_configuration.lc.*.name, 0)
  min_size             = 1
  max_size             = 1
}
"""


def instance_parts(est: Any, address: str) -> dict[str, Any]:
    return {n: c.quantity for n, c in components(est, address).items()
            if n.startswith("instances (")}


def test_splat_and_element_references_reach_the_launch_configuration(tmp_path: Path) -> None:
    est = estimate(tmp_path, LEGACY)
    assert instance_parts(est, "aws_autoscaling_group.asg[0]") == {
        "instances (m5.large, on-demand)": 2}
    assert instance_parts(est, "aws_autoscaling_group.asg[1]") == {
        "instances (m5.xlarge, on-demand)": 2}
    assert instance_parts(est, "aws_autoscaling_group.first") == {
        "instances (c5.large, on-demand)": 1}
    # element(lc.*.name, 0) over configurations that differ: not a guess.
    either = resource(est, "aws_autoscaling_group.either")
    assert either.status == "unknown" and "ambiguous" in either.after.reasons[0]
    # The configuration names the groups that carry it; no group says "not in this change".
    lc = resource(est, "aws_launch_configuration.lc[1]")
    assert lc.after.reasons == ("priced on aws_autoscaling_group.asg[0], "
                                "aws_autoscaling_group.asg[1], aws_autoscaling_group.either",)
    assert not any("not in this change" in reason for r in est.resources if r.after
                   for reason in r.after.reasons)


def legacy_plan(reference: str) -> dict[str, Any]:
    def lc(i: int) -> dict[str, Any]:
        return {"address": f"aws_launch_configuration.lc[{i}]", "mode": "managed",
                "type": "aws_launch_configuration", "name": "lc", "index": i,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": None,
                           "after": {"instance_type": "m5.large", "image_id": "ami-1",
                                     "root_block_device": [{"volume_size": 8,
                                                            "volume_type": "gp3"}],
                                     "ebs_block_device": []},
                           "after_unknown": {"name": True, "id": True}}}
    asg = {"address": "aws_autoscaling_group.asg[0]", "mode": "managed",
           "type": "aws_autoscaling_group", "name": "asg", "index": 0,
           "provider_name": "registry.terraform.io/hashicorp/aws",
           "change": {"actions": ["create"], "before": None,
                      "after": {"min_size": 3, "max_size": 3, "desired_capacity": 3,
                                "launch_template": [], "mixed_instances_policy": []},
                      "after_unknown": {"launch_configuration": True}}}
    config = {"provider_config": {"aws": {"name": "aws", "expressions": {
        "region": {"constant_value": "us-east-1"}}}},
        "root_module": {"resources": [
            {"address": "aws_launch_configuration.lc", "mode": "managed",
             "type": "aws_launch_configuration", "name": "lc", "provider_config_key": "aws",
             "expressions": {}, "count_expression": {"constant_value": 2}},
            {"address": "aws_autoscaling_group.asg", "mode": "managed",
             "type": "aws_autoscaling_group", "name": "asg", "provider_config_key": "aws",
             "expressions": {"launch_configuration": {"references": [reference,
                                                                     "count.index"]}},
             "count_expression": {"constant_value": 1}}]}}
    return {"format_version": "1.2", "terraform_version": "1.9.0",
            "resource_changes": [lc(0), lc(1), asg], "configuration": config}


@pytest.mark.parametrize("reference", [
    "aws_launch_configuration.lc",
    "aws_launch_configuration.lc.*.id[count.index]",
    "aws_launch_configuration.lc[count.index]",
    "aws_launch_configuration.lc[*].name",
])
def test_plan_references_in_legacy_forms_resolve(tmp_path: Path, reference: str) -> None:
    import json
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(legacy_plan(reference)), encoding="utf-8")
    est = engine.estimate(str(path))
    r = resource(est, "aws_autoscaling_group.asg[0]")
    assert r.status == "priced", r.after.reasons
    assert instance_parts(est, "aws_autoscaling_group.asg[0]") == {
        "instances (m5.large, on-demand)": 3}


# --- EKS node group with a launch template that names no type (issue 9 item 15) ----------

NODE_GROUP = """
resource "aws_launch_template" "nodes" {
  name_prefix = "nodes"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      volume_type = "gp3"
    }
  }
}
resource "aws_eks_node_group" "workers" {
  cluster_name  = "c"
  node_role_arn = "arn:aws:iam::123456789012:role/n"
  subnet_ids    = ["subnet-1"]
  scaling_config {
    desired_size = 3
    min_size     = 1
    max_size     = 5
  }
  launch_template {
    id      = aws_launch_template.nodes.id
    version = aws_launch_template.nodes.latest_version
  }
}
"""


def test_node_group_template_without_type_uses_the_eks_default(tmp_path: Path) -> None:
    est = estimate(tmp_path, NODE_GROUP)
    group = resource(est, "aws_eks_node_group.workers")
    assert group.status == "priced"
    comp = components(est, "aws_eks_node_group.workers")["instances (t3.medium, on-demand)"]
    assert comp.quantity == 3 and "t3.medium assumed, the EKS default" in comp.reason
    template = resource(est, "aws_launch_template.nodes")
    assert template.after.reasons == ("priced on aws_eks_node_group.workers",)


@pytest.mark.parametrize("template_attrs, template_unknown, expected", [
    ({}, (), "t3.medium"),                                   # unset: the default
    ({"instance_type": "g5.xlarge"}, (), "g5.xlarge"),
    ({}, (("instance_type",),), None),                       # known after apply: unknown
    ({"instance_requirements": [{"vcpu_count": [{"min": 4}]}]}, (), None),
])
def test_node_group_instance_type_from_template(kit: Any, template_attrs: dict[str, Any],
                                                template_unknown: tuple[Any, ...],
                                                expected: str | None) -> None:
    from engine.clouds.aws.eks import MODELS
    from engine.costs.base import UnknownAttribute
    model = MODELS[0]
    template = kit.view("aws_launch_template", template_attrs, unknown=template_unknown)
    # A plan shows instance_types unknown when it is not set (the attribute is computed).
    view = kit.view("aws_eks_node_group", {
        "scaling_config": [{"desired_size": 2, "min_size": 1, "max_size": 3}],
        "launch_template": [{"id": "lt-1"}]}, unknown=[("instance_types",)],
        related={("aws_launch_template", "launch_template"): [template]})
    if expected is None:
        with pytest.raises(UnknownAttribute):
            model.extract(view)
    else:
        assert model.extract(view).instance_type == expected


# --- S3 requests per storage class and lifecycle transitions (issue 9 item 3) --------------

BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "archive"\n}\n'


def test_s3_requests_are_priced_at_their_class_rates(tmp_path: Path) -> None:
    # Infracost's s3_bucket_test golden: Glacier 50 1k PUT -> $1.50, 50 1k transitions
    # -> $1.50; Standard-IA 30 1k PUT -> $0.30, 30 1k GET -> $0.03 (Standard: $0.15, $0.012).
    est = estimate(tmp_path, BUCKET, "  aws_s3_bucket.b:\n"
                   "    standard_storage_gb: 0\n"
                   "    monthly_tier1_requests: 0\n    monthly_tier2_requests: 0\n"
                   "    glacier_tier1_requests: 50000\n"
                   "    glacier_transition_requests: 50000\n"
                   "    standard_ia_tier1_requests: 30000\n"
                   "    standard_ia_tier2_requests: 30000\n"
                   "    deep_archive_transition_requests: 60000\n")
    got = {n: c.monthly for n, c in components(est, "aws_s3_bucket.b").items()}
    assert got["requests (Glacier Flexible Retrieval, tier1)"] == D("1.50")
    assert got["lifecycle transitions (into Glacier Flexible Retrieval)"] == D("1.50")
    assert got["requests (Standard-IA, tier1)"] == D("0.30")
    assert got["requests (Standard-IA, tier2)"] == D("0.03")
    assert got["lifecycle transitions (into Glacier Deep Archive)"] == D("3.00")
    assert resource(est, "aws_s3_bucket.b").after.monthly == D("6.33")


def test_s3_class_without_a_sourced_request_price_is_unpriced(tmp_path: Path) -> None:
    est = estimate(tmp_path, BUCKET, "  aws_s3_bucket.b:\n    standard_storage_gb: 10\n"
                   "    monthly_tier1_requests: 0\n    monthly_tier2_requests: 0\n"
                   "    glacier_ir_tier2_requests: 1000\n")
    r = resource(est, "aws_s3_bucket.b")
    comp = components(est, "aws_s3_bucket.b")["requests (Glacier Instant Retrieval, tier2)"]
    assert comp.status == "unpriced" and comp.monthly is None
    assert "no sourced request price for Glacier Instant Retrieval" in comp.reason
    assert r.status == "unpriced"  # never the Standard rate, never $0


def test_weighted_override_without_instance_type_is_unknown_not_units(kit: Any) -> None:
    # The override's type comes from its own launch template: pricing the group's template
    # type at 6 "instances" would count units as instances.
    from engine.clouds.aws.autoscaling import MODELS
    from engine.costs.base import UnknownAttribute
    template = kit.view("aws_launch_template", {"instance_type": "c5.large"})
    view = kit.view("aws_autoscaling_group", {
        "desired_capacity": 6, "min_size": 6, "max_size": 6,
        "mixed_instances_policy": [{"launch_template": [{"override": [
            {"launch_template_specification": [{"launch_template_id": "lt-2"}],
             "weighted_capacity": "2"}]}]}]},
        related={("aws_launch_template", "mixed_instances_policy"): [template]})
    with pytest.raises(UnknownAttribute, match="capacity units"):
        MODELS[0].extract(view)
