"""Golden files per cost model: spec and components of table-driven cases.

Each model has one golden file, tests/costs/golden/<type>.json, mapping a case
name to its spec and components (or the unknown attribute). Rewrite with
`pytest tests/costs --update-goldens`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costkit import kit  # noqa: F401  (fixture)
from engine.costs import UnknownAttribute, builtin_registry

GOLDEN = Path(__file__).parent / "golden"
PRICE_KEYS = Path(__file__).resolve().parents[2] / "pricing_catalog" / "PRICE_KEYS.md"


@dataclass(frozen=True)
class Rel:
    """A related resource the engine would resolve: (type, ref_attr) -> attributes."""

    resource_type: str
    ref_attr: str
    attrs: dict[str, Any]
    unknown: tuple[tuple[Any, ...], ...] = ()
    name: str = "main"


@dataclass(frozen=True)
class Case:
    model: str
    name: str
    attrs: dict[str, Any]
    unknown: tuple[tuple[Any, ...], ...] = ()
    related: tuple[Rel, ...] = ()
    usage: dict[str, str] = field(default_factory=dict)
    side: str = "after"


def gp3(size: int, iops: int = 3000, throughput: int = 125) -> dict[str, Any]:
    return {"volume_size": size, "volume_type": "gp3", "iops": iops, "throughput": throughput,
            "delete_on_termination": True}


GPU_TEMPLATE = Rel("aws_launch_template", "launch_template", {
    "name": "gpu", "instance_type": "g5.2xlarge", "instance_market_options": [],
    "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [gp3(200)]}],
})
SPOT_TEMPLATE = Rel("aws_launch_template", "launch_template", {
    "name": "spot", "instance_type": "g6.xlarge",
    "instance_market_options": [{"market_type": "spot", "spot_options": []}],
    "placement": [{"tenancy": "default"}],
    "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [gp3(100, 4000, 250)]},
                              {"device_name": "/dev/sdb", "virtual_name": "ephemeral0",
                               "ebs": []}],
})
# Shaped like the launch template of the public terracost EKS plan: volume_type unknown.
EKS_TEMPLATE = Rel("aws_launch_template", "launch_template", {
    "name": "foo", "instance_type": "p4d.24xlarge",
    "block_device_mappings": [{"device_name": "/dev/sdf",
                               "ebs": [{"volume_size": 200, "snapshot_id": None}]}],
}, unknown=(("block_device_mappings", 0, "ebs", 0, "volume_type"),
            ("block_device_mappings", 0, "ebs", 0, "iops"),
            ("block_device_mappings", 0, "ebs", 0, "throughput")))
MIXED_TEMPLATE = Rel("aws_launch_template", "mixed_instances_policy", GPU_TEMPLATE.attrs)


def mixed(base: int | None, pct: int | None, *types: str) -> list[dict[str, Any]]:
    dist = {k: v for k, v in (("on_demand_base_capacity", base),
                              ("on_demand_percentage_above_base_capacity", pct)) if v is not None}
    return [{"launch_template": [{
        "launch_template_specification": [{"launch_template_name": "gpu", "version": "$Latest"}],
        "override": [{"instance_type": t, "weighted_capacity": None} for t in types]}],
        "instances_distribution": [dist] if dist else []}]


def endpoint_config(*variants: dict[str, Any], shadow: tuple[dict[str, Any], ...] = ()) -> Rel:
    return Rel("aws_sagemaker_endpoint_configuration", "endpoint_config_name",
               {"name": "llm-config", "production_variants": list(variants),
                "shadow_production_variants": list(shadow)})


CASES: tuple[Case, ...] = (
    # aws_instance
    Case("aws_instance", "gpu_on_demand_with_volumes", {
        "instance_type": "p5.48xlarge", "tenancy": "default",
        "root_block_device": [gp3(200)],
        "ebs_block_device": [{"device_name": "/dev/sdf", "volume_size": 1000,
                              "volume_type": "io2", "iops": 16000}]}),
    Case("aws_instance", "spot_market_options", {
        "instance_type": "g5.xlarge",
        "instance_market_options": [{"market_type": "spot", "spot_options": [
            {"instance_interruption_behavior": "terminate"}]}],
        "root_block_device": [gp3(100, 6000, 250)]}),
    Case("aws_instance", "plan_create_computed_blocks", {
        "instance_type": "t3.micro", "root_block_device": [], "ebs_block_device": []},
        unknown=(("tenancy",), ("root_block_device",), ("ebs_block_device",))),
    Case("aws_instance", "public_ipv4", {
        "instance_type": "g6.xlarge", "associate_public_ip_address": True,
        "root_block_device": [{"volume_size": 30, "volume_type": "gp3"}]}),
    Case("aws_instance", "dedicated_tenancy", {
        "instance_type": "p4d.24xlarge", "tenancy": "dedicated",
        "root_block_device": [{"volume_size": 50, "volume_type": "gp2"}]}),
    Case("aws_instance", "type_from_launch_template", {
        "launch_template": [{"id": "lt-1", "version": "$Latest"}], "root_block_device": []},
        unknown=(("instance_type",), ("root_block_device",), ("tenancy",)),
        related=(SPOT_TEMPLATE,)),
    Case("aws_instance", "state_before_side", {
        "instance_type": "g5.48xlarge", "tenancy": "default",
        "root_block_device": [{"volume_size": 8, "volume_type": "gp2", "iops": 100}]},
        side="before"),
    Case("aws_instance", "instance_type_unknown", {"instance_type": None},
         unknown=(("instance_type",),)),
    Case("aws_instance", "launch_template_not_in_change", {
        "launch_template": [{"name": "elsewhere"}]}, unknown=(("instance_type",),)),
    Case("aws_spot_instance_request", "spot_request", {
        "instance_type": "p3.2xlarge", "spot_price": "1.20",
        "root_block_device": [{"volume_size": 100, "volume_type": "gp3"}]}),
    # aws_autoscaling_group
    Case("aws_autoscaling_group", "launch_template", {
        "desired_capacity": 3, "min_size": 1, "max_size": 6,
        "launch_template": [{"id": "lt-1", "version": "$Latest"}]}, related=(GPU_TEMPLATE,)),
    Case("aws_autoscaling_group", "mixed_split_base_and_percentage", {
        "desired_capacity": 10, "min_size": 0, "max_size": 20,
        "mixed_instances_policy": mixed(2, 25, "g5.xlarge", "g5.2xlarge", "g6.xlarge")},
        related=(MIXED_TEMPLATE,)),
    Case("aws_autoscaling_group", "mixed_all_spot_fractional_usage", {
        "desired_capacity": 4, "min_size": 0, "max_size": 8,
        "mixed_instances_policy": mixed(0, 0, "g5.xlarge")},
        related=(MIXED_TEMPLATE,), usage={"instances": "2.5"}),
    Case("aws_autoscaling_group", "mixed_defaults_all_on_demand", {
        "desired_capacity": 2, "min_size": 0, "max_size": 8,
        "mixed_instances_policy": mixed(None, None)}, related=(MIXED_TEMPLATE,)),
    Case("aws_autoscaling_group", "desired_unknown", {
        "min_size": 1, "max_size": 5, "launch_template": [{"id": "lt-1"}]},
        unknown=(("desired_capacity",),), related=(GPU_TEMPLATE,)),
    Case("aws_autoscaling_group", "desired_unknown_min_equals_max", {
        "min_size": 4, "max_size": 4, "launch_template": [{"id": "lt-1"}]},
        unknown=(("desired_capacity",),), related=(GPU_TEMPLATE,)),
    Case("aws_autoscaling_group", "launch_configuration_spot", {
        "desired_capacity": None, "min_size": 2, "max_size": 4,
        "launch_configuration": "lc-gpu"},
        related=(Rel("aws_launch_configuration", "launch_configuration", {
            "instance_type": "g4dn.xlarge", "spot_price": "0.30",
            "root_block_device": [{"volume_size": 50, "volume_type": "gp2"}]}),)),
    Case("aws_autoscaling_group", "launch_template_not_in_change", {
        "desired_capacity": 2, "min_size": 1, "max_size": 3,
        "launch_template": [{"name": "elsewhere"}]}),
    # aws_eks_node_group
    Case("aws_eks_node_group", "spot_gpu_nodes", {
        "instance_types": ["g5.12xlarge", "g5.24xlarge"], "capacity_type": "SPOT",
        "disk_size": 100, "scaling_config": [{"desired_size": 2, "min_size": 0, "max_size": 4}]}),
    Case("aws_eks_node_group", "defaults_known_null_types", {
        "instance_types": None, "launch_template": [],
        "scaling_config": [{"desired_size": 3, "min_size": 1, "max_size": 3}]},
        unknown=(("capacity_type",), ("disk_size",), ("ami_type",))),
    Case("aws_eks_node_group", "windows_default_disk", {
        "instance_types": ["m5.large"], "ami_type": "WINDOWS_CORE_2022_x86_64",
        "scaling_config": [{"desired_size": 1, "min_size": 1, "max_size": 1}]},
        unknown=(("disk_size",),)),
    Case("aws_eks_node_group", "type_from_launch_template", {
        "instance_types": [], "launch_template": [{"version": "1"}],
        "scaling_config": [{"desired_size": 1, "min_size": 1, "max_size": 2}]},
        unknown=(("launch_template", 0, "id"), ("capacity_type",)), related=(EKS_TEMPLATE,)),
    Case("aws_eks_node_group", "instance_types_unknown", {
        "scaling_config": [{"desired_size": 1, "min_size": 1, "max_size": 2}]},
        unknown=(("instance_types",),)),
    # aws_sagemaker_endpoint
    Case("aws_sagemaker_endpoint", "realtime_with_shadow", {"endpoint_config_name": "llm-config"},
         related=(endpoint_config(
             {"variant_name": "AllTraffic", "instance_type": "ml.g5.12xlarge",
              "initial_instance_count": 2},
             shadow=({"variant_name": "canary", "instance_type": "ml.g5.2xlarge",
                      "initial_instance_count": 1},)),)),
    Case("aws_sagemaker_endpoint", "serverless_with_usage", {"endpoint_config_name": "sls"},
         related=(endpoint_config({"variant_name": "sls", "serverless_config": [
             {"max_concurrency": 5, "memory_size_in_mb": 4096}]}),),
         usage={"monthly_inference_seconds": "36000"}),
    Case("aws_sagemaker_endpoint", "serverless_without_usage", {"endpoint_config_name": "sls"},
         related=(endpoint_config({"variant_name": "sls", "serverless_config": [
             {"max_concurrency": 5, "memory_size_in_mb": 2048}]}),)),
    Case("aws_sagemaker_endpoint", "count_unknown", {"endpoint_config_name": "x"},
         related=(Rel("aws_sagemaker_endpoint_configuration", "endpoint_config_name", {
             "production_variants": [{"variant_name": "v", "instance_type": "ml.p4d.24xlarge"}]},
             unknown=(("production_variants", 0, "initial_instance_count"),)),)),
    Case("aws_sagemaker_endpoint", "configuration_without_variants",
         {"endpoint_config_name": "x"},
         related=(Rel("aws_sagemaker_endpoint_configuration", "endpoint_config_name",
                      {"name": "x", "production_variant": [{"instance_type": "ml.g5.2xlarge"}]}),)),
    Case("aws_sagemaker_endpoint", "configuration_not_in_change",
         {"endpoint_config_name": "elsewhere"}),
    Case("aws_sagemaker_notebook_instance", "default_volume", {
        "instance_type": "ml.g5.xlarge", "volume_size": None}),
    Case("aws_sagemaker_notebook_instance", "volume_unknown", {
        "instance_type": "ml.t3.medium"}, unknown=(("volume_size",),)),
    # storage
    Case("aws_ebs_volume", "gp3_above_baseline", {
        "size": 500, "type": "gp3", "iops": 6000, "throughput": 500}),
    Case("aws_ebs_volume", "io2", {"size": 100, "type": "io2", "iops": 10000}),
    Case("aws_ebs_volume", "st1", {"size": 2000, "type": "st1"}),
    Case("aws_ebs_volume", "magnetic_io_requests", {"size": 10, "type": "standard"},
         usage={"monthly_standard_io_requests": "2500000"}),
    Case("aws_ebs_volume", "plan_create_type_computed", {"size": 1},
         unknown=(("type",), ("iops",), ("throughput",))),
    Case("aws_ebs_volume", "size_from_snapshot", {"type": "gp3", "snapshot_id": "snap-1"},
         unknown=(("size",), ("iops",), ("throughput",))),
    Case("aws_ebs_snapshot", "upper_bound_volume_size", {"volume_size": 100}),
    Case("aws_ebs_snapshot", "usage_storage", {"volume_size": 100}, usage={"storage_gb": "12"}),
    Case("aws_ebs_snapshot", "archive_without_size", {"storage_tier": "archive"},
         unknown=(("volume_size",),)),
    Case("aws_s3_bucket", "no_usage", {"bucket": "datasets"}),
    Case("aws_s3_bucket", "with_usage", {"bucket": "checkpoints"}, usage={
        "standard_storage_gb": "1000", "glacier_storage_gb": "5000",
        "glacier_retrieval_gb": "10", "monthly_tier1_requests": "1000000",
        "monthly_tier2_requests": "10000000"}),
    Case("aws_s3_bucket", "requests_per_class", {"bucket": "archive"}, usage={
        "glacier_storage_gb": "50000", "glacier_tier1_requests": "50000",
        "glacier_tier2_requests": "50000", "glacier_transition_requests": "50000",
        "standard_ia_tier1_requests": "30000", "glacier_ir_tier2_requests": "1000"}),
    Case("aws_s3_bucket", "intelligent_tiering", {"bucket": "models"}, usage={
        "intelligent_tiering_fa_storage_gb": "300", "intelligent_tiering_ia_storage_gb": "700"}),
    Case("aws_efs_file_system", "ia_lifecycle_no_usage", {
        "throughput_mode": "bursting", "lifecycle_policy": [{"transition_to_ia": "AFTER_30_DAYS"}]},
        unknown=(("availability_zone_name",),)),
    Case("aws_efs_file_system", "provisioned_with_usage", {
        "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 100},
        usage={"storage_gb": "2000", "infrequent_access_storage_gb": "1500"}),
    Case("aws_efs_file_system", "one_zone_elastic", {
        "availability_zone_name": "us-east-1a", "throughput_mode": "elastic"},
        usage={"storage_gb": "50"}),
    Case("aws_fsx_lustre_file_system", "scratch_2", {
        "storage_capacity": 1200, "deployment_type": "SCRATCH_2"}),
    Case("aws_fsx_lustre_file_system", "persistent_2_backups", {
        "storage_capacity": 4800, "deployment_type": "PERSISTENT_2",
        "per_unit_storage_throughput": 1000, "storage_type": "SSD",
        "automatic_backup_retention_days": 7}),
    Case("aws_fsx_lustre_file_system", "capacity_unknown", {"deployment_type": "SCRATCH_2"},
         unknown=(("storage_capacity",),)),
    Case("aws_nat_gateway", "no_usage", {"connectivity_type": "public"}),
    Case("aws_nat_gateway", "with_usage", {"connectivity_type": "public"},
         usage={"monthly_data_processed_gb": "500"}),
    Case("aws_eip", "address", {"domain": "vpc"}),
    Case("aws_instance", "usage_reserved_windows", {
        "instance_type": "m5.large", "root_block_device": [gp3(30)]},
         usage={"purchase_option": "reserved_3y_no_upfront", "os": "windows"}),
    Case("aws_instance", "t3_unlimited_surplus", {
        "instance_type": "t3.large", "credit_specification": [{"cpu_credits": "unlimited"}],
        "root_block_device": [gp3(20)]}, usage={"surplus_vcpu_hours": "120"}),
    Case("aws_instance", "t3_unlimited_no_usage", {
        "instance_type": "t3.large", "credit_specification": [{"cpu_credits": "unlimited"}],
        "root_block_device": [gp3(20)]}),
    Case("aws_instance", "t3_default_credits", {
        "instance_type": "t3.large", "root_block_device": [gp3(20)]}),
    Case("aws_instance", "usage_overrides_spot_market", {
        "instance_type": "g5.xlarge", "instance_market_options": [{"market_type": "spot"}],
        "root_block_device": [gp3(30)]}, usage={"purchase_option": "reserved_1y"}),
    Case("aws_eks_cluster", "standard_support", {
        "name": "ml", "version": "1.31", "upgrade_policy": [{"support_type": "STANDARD"}]}),
    Case("aws_eks_cluster", "extended_default_no_usage", {"name": "ml", "version": "1.27"}),
    Case("aws_eks_cluster", "extended_hours", {
        "name": "ml", "version": "1.27", "upgrade_policy": [{"support_type": "EXTENDED"}]},
         usage={"extended_support_hours": "300"}),
    Case("aws_eks_fargate_profile", "no_usage", {"fargate_profile_name": "batch"}),
    Case("aws_eks_fargate_profile", "with_usage", {"fargate_profile_name": "batch"},
         usage={"vcpu_hours": "2920", "gb_hours": "5840"}),
    Case("aws_ecs_service", "fargate_tasks", {"launch_type": "FARGATE", "desired_count": 3},
         related=(Rel("aws_ecs_task_definition", "task_definition", {
             "family": "api", "cpu": "1024", "memory": "4096",
             "requires_compatibilities": ["FARGATE"]}),)),
    Case("aws_ecs_service", "fargate_spot_arm", {
        "desired_count": 2, "capacity_provider_strategy": [
            {"capacity_provider": "FARGATE_SPOT", "weight": 1}]},
         related=(Rel("aws_ecs_task_definition", "task_definition", {
             "family": "worker", "cpu": "512", "memory": "1024",
             "runtime_platform": [{"cpu_architecture": "ARM64",
                                   "operating_system_family": "LINUX"}]}),)),
    Case("aws_ecs_service", "ec2_launch_type", {"launch_type": "EC2", "desired_count": 4}),
    Case("aws_ecs_service", "task_definition_not_in_change", {
        "launch_type": "FARGATE", "desired_count": 1}),
    Case("aws_lb", "application_no_usage", {"load_balancer_type": "application"}),
    Case("aws_lb", "network_with_lcus", {"load_balancer_type": "network"},
         usage={"capacity_units": "2.5"}),
    Case("aws_alb", "default_type", {"name": "web"}),
    Case("aws_ecr_repository", "with_storage", {"name": "models"}, usage={"storage_gb": "250"}),
    Case("aws_ecr_repository", "no_usage", {"name": "models"}),
    Case("aws_cloudwatch_log_group", "standard_with_usage", {"name": "/ml/train"},
         usage={"monthly_ingestion_gb": "120", "storage_gb": "900"}),
    Case("aws_cloudwatch_log_group", "infrequent_access", {
        "name": "/ml/archive", "log_group_class": "INFREQUENT_ACCESS"}),
    Case("costwarden_data_transfer", "all_directions", {
        "region": "us-east-1", "internet_egress_gb": 1000, "inter_az_gb": 300,
        "inter_region_gb": {"us-west-2": 200, "eu-west-1": 50}}),
    Case("costwarden_data_transfer", "one_destination", {
        "region": "eu-west-1", "inter_region_gb": 75, "destination_region": "us-east-1"}),
    Case("costwarden_data_transfer", "unknown_destination_is_other", {
        "region": "eu-west-1", "inter_region_gb": 75}),
)


def build_view(kit: Any, case: Case):
    related: dict[tuple[str, str], list[Any]] = {}
    for rel in case.related:
        related.setdefault((rel.resource_type, rel.ref_attr), []).append(
            kit.view(rel.resource_type, rel.attrs, unknown=rel.unknown, side=case.side,
                     name=rel.name))
    return kit.view(case.model, case.attrs, unknown=case.unknown, related=related,
                    side=case.side)


def run_case(kit: Any, case: Case) -> dict[str, Any]:
    model = builtin_registry().get(case.model)
    assert model is not None, case.model
    try:
        spec = model.extract(build_view(kit, case))
    except UnknownAttribute as exc:
        return {"unknown": {"path": kit.plain(exc.path), "message": str(exc)}}
    words = {f.name for f in model.usage_fields if f.choices}
    usage = {k: v if k in words else Decimal(v) for k, v in case.usage.items()}
    components = model.components(spec, usage)
    for c in components:
        assert c.quantity is None or isinstance(c.quantity, Decimal)
        assert (c.quantity is None) == (c.missing is not None), c
        if c.missing:
            assert c.reason, c
    return {"spec": kit.plain(spec), "usage": case.usage,
            "components": [kit.component(c) for c in components]}


MODELS = sorted({c.model for c in CASES})


@pytest.mark.parametrize("model", MODELS)
def test_golden(model: str, kit: Any, golden: Any) -> None:
    results = {c.name: run_case(kit, c) for c in CASES if c.model == model}
    golden.check(GOLDEN / f"{model}.json", kit.dumps(results))


# Types whose goldens live with their cloud's tests (tests/clouds/<cloud>/).
OWN_GOLDENS = ("azurerm_", "costwarden_azure_", "google_")  # tests/clouds/<cloud>


def test_every_registered_model_has_cases() -> None:
    assert {t for t in builtin_registry().models if not t.startswith(OWN_GOLDENS)} == set(MODELS)


def test_case_names_unique() -> None:
    names = [(c.model, c.name) for c in CASES]
    assert len(names) == len(set(names))


def price_key_table() -> dict[tuple[str, str], str]:
    """(service, product) -> attributes cell of PRICE_KEYS.md."""
    rows: dict[tuple[str, str], str] = {}
    for line in PRICE_KEYS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`") and cells[1].startswith("`"):
            rows[(cells[0].strip("`"), cells[1].strip("`"))] = cells[2]
    return rows


KEY_RE = re.compile(r"^aws/(?P<service>[a-z0-9_]+)/(?P<product>[a-z0-9_]+)\[(?P<attrs>[^\]]*)\]@")


def test_price_keys_are_in_the_vocabulary(kit: Any) -> None:
    table = price_key_table()
    assert table, "PRICE_KEYS.md table not parsed"
    seen = set()
    for case in CASES:
        for comp in run_case(kit, case).get("components", []):
            m = KEY_RE.match(comp["key"])
            assert m, comp["key"]
            pair = (m["service"], m["product"])
            assert pair in table, f"{case.model}/{case.name}: {pair} not in PRICE_KEYS.md"
            for attr in filter(None, m["attrs"].split(",")):
                name = attr.split("=", 1)[0]
                assert f"`{name}`" in table[pair], f"{pair}: attribute {name} not documented"
            seen.add(pair)
    assert ("ec2", "instance") in seen and ("sagemaker", "instance") in seen
