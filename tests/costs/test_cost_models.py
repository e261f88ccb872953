"""Targeted checks of the cost models: unknowns, usage, spot detection, split arithmetic."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, strategies as st

from costkit import kit  # noqa: F401  (fixture)
from engine.costs import UnknownAttribute, builtin_registry
from engine.clouds.aws.autoscaling import Distribution, split_counts
from engine.costs.base import CostModel, SideView
from engine.clouds import Cloud, cost_registry
from engine.clouds.aws import CARRIED_BY
from engine.clouds.aws.free import FREE_TYPES as FREE_AWS_TYPES
from engine.clouds.google.free import CARRIED_BY as GOOGLE_CARRIED_BY
from engine.clouds.google.free import FREE_TYPES as FREE_GOOGLE_TYPES
from engine.clouds.utility import FREE_TYPES as FREE_UTILITY_TYPES
from engine.clouds.azure.free import FREE_TYPES as FREE_AZURE_TYPES
from engine.costs.registry import build_registry
from engine.model import ResourceChange


def model(resource_type: str) -> CostModel:
    found = builtin_registry().get(resource_type)
    assert found is not None
    return found


def price(kit: Any, resource_type: str, attrs: dict[str, Any], usage: dict[str, str] | None = None,
          **kw: Any):
    m = model(resource_type)
    spec = m.extract(kit.view(resource_type, attrs, **kw))
    return spec, m.components(spec, {k: Decimal(v) for k, v in (usage or {}).items()})


# --- unknown values -------------------------------------------------------------


@pytest.mark.parametrize("resource_type,attrs,unknown", [
    ("aws_instance", {"instance_type": None}, [("instance_type",)]),
    ("aws_instance", {}, []),
    ("aws_spot_instance_request", {"instance_type": "x"}, [("instance_type",)]),
    ("aws_sagemaker_notebook_instance", {}, [("instance_type",)]),
    ("aws_eks_node_group", {"scaling_config": [{"desired_size": 1}]}, [("instance_types",)]),
    ("aws_fsx_lustre_file_system", {"storage_capacity": 1200}, [("deployment_type",)]),
])
def test_unknown_attribute_raises(kit: Any, resource_type: str, attrs: dict[str, Any],
                                  unknown: list[tuple[str, ...]]) -> None:
    with pytest.raises(UnknownAttribute):
        model(resource_type).extract(kit.view(resource_type, attrs, unknown=unknown))


def test_unknown_paths_do_not_apply_to_the_before_side(kit: Any) -> None:
    spec, _ = price(kit, "aws_instance", {"instance_type": "g5.xlarge"},
                    unknown=[("instance_type",)], side="before")
    assert spec.instance_type == "g5.xlarge"


def test_launch_template_without_instance_type(kit: Any) -> None:
    template = kit.view("aws_launch_template", {"instance_requirements": [{"vcpu_count": [{}]}]},
                        name="flex")
    group = kit.view("aws_autoscaling_group", {"desired_capacity": 2,
                                               "launch_template": [{"id": "lt"}]},
                     related={("aws_launch_template", "launch_template"): [template]})
    with pytest.raises(UnknownAttribute, match="instance_requirements in aws_launch_template.flex"):
        model("aws_autoscaling_group").extract(group)


@pytest.mark.parametrize("resource_type,attrs,expected", [
    ("aws_autoscaling_group", {"launch_template": [{"id": "lt"}]},
     ("aws_launch_template", "launch_template")),
    ("aws_autoscaling_group", {"mixed_instances_policy": [{"launch_template": [{}]}]},
     ("aws_launch_template", "mixed_instances_policy")),
    ("aws_autoscaling_group", {"launch_configuration": "lc"},
     ("aws_launch_configuration", "launch_configuration")),
    ("aws_eks_node_group", {"instance_types": [], "launch_template": [{"id": "lt"}]},
     ("aws_launch_template", "launch_template")),
    ("aws_instance", {"launch_template": [{"id": "lt"}]},
     ("aws_launch_template", "launch_template")),
    ("aws_sagemaker_endpoint", {"endpoint_config_name": "cfg"},
     ("aws_sagemaker_endpoint_configuration", "endpoint_config_name")),
])
def test_related_lookups_and_missing_related(resource_type: str, attrs: dict[str, Any],
                                             expected: tuple[str, str]) -> None:
    asked: list[tuple[str, str]] = []

    def related(_change: ResourceChange, rtype: str, ref: str) -> tuple[SideView, ...]:
        asked.append((rtype, ref))
        return ()

    change = ResourceChange(address=f"{resource_type}.x", type=resource_type, name="x",
                            provider="aws", action="create", before=None, after=attrs)
    with pytest.raises(UnknownAttribute, match="not in this change"):
        model(resource_type).extract(SideView(change, "after", attrs, "us-east-1", related))
    assert expected in asked


# --- usage ----------------------------------------------------------------------


@pytest.mark.parametrize("resource_type,attrs", [
    ("aws_s3_bucket", {}),
    ("aws_nat_gateway", {}),
    ("aws_efs_file_system", {"lifecycle_policy": [{"transition_to_ia": "AFTER_7_DAYS"}]}),
    ("aws_ebs_snapshot", {}),
    ("aws_ebs_volume", {"size": 8, "type": "standard"}),
    ("aws_fsx_lustre_file_system", {"storage_capacity": 1200, "deployment_type": "PERSISTENT_2",
                                    "per_unit_storage_throughput": 125,
                                    "automatic_backup_retention_days": 1}),
])
def test_missing_usage_is_none_never_zero(kit: Any, resource_type: str,
                                          attrs: dict[str, Any]) -> None:
    _, comps = price(kit, resource_type, attrs)
    usage_based = [c for c in comps if c.missing == "usage"]
    assert usage_based
    for c in usage_based:
        assert c.quantity is None and c.reason and "usage" in c.reason
    assert all(c.quantity != 0 for c in comps if c.missing is None)


def test_usage_fields_are_model_specific_and_described() -> None:
    for resource_type, fields in builtin_registry().usage_fields().items():
        names = [f.name for f in fields]
        assert len(names) == len(set(names)), resource_type
        assert not {"hours_per_month", "run_hours"} & set(names), resource_type
        assert all(f.description for f in fields), resource_type


def test_s3_requests_are_priced_per_thousand(kit: Any) -> None:
    _, comps = price(kit, "aws_s3_bucket", {}, {"monthly_tier2_requests": "2500"})
    tier2 = next(c for c in comps if c.key.attribute("tier") == "tier2")
    assert tier2.quantity == Decimal("2.5") and tier2.unit == "1k requests"


def test_instances_usage_overrides_the_desired_count(kit: Any) -> None:
    _, comps = price(kit, "aws_eks_node_group", {
        "instance_types": ["g5.xlarge"], "disk_size": 50,
        "scaling_config": [{"desired_size": 1, "min_size": 0, "max_size": 8}]},
        {"instances": "3"})
    assert [c.quantity for c in comps] == [Decimal(3), Decimal(150)]


# --- purchase options -------------------------------------------------------------


@pytest.mark.parametrize("resource_type,attrs,expected", [
    ("aws_instance", {"instance_type": "g5.xlarge"}, "on_demand"),
    ("aws_instance", {"instance_type": "g5.xlarge", "instance_market_options": []}, "on_demand"),
    ("aws_instance", {"instance_type": "g5.xlarge",
                      "instance_market_options": [{"market_type": "spot"}]}, "spot"),
    ("aws_instance", {"instance_type": "g5.xlarge",
                      "instance_market_options": [{"market_type": "capacity-block"}]},
     "on_demand"),
    ("aws_spot_instance_request", {"instance_type": "g5.xlarge"}, "spot"),
    ("aws_eks_node_group", {"instance_types": ["g5.xlarge"], "capacity_type": "SPOT",
                            "scaling_config": [{"desired_size": 1}]}, "spot"),
    ("aws_eks_node_group", {"instance_types": ["g5.xlarge"], "capacity_type": "ON_DEMAND",
                            "scaling_config": [{"desired_size": 1}]}, "on_demand"),
    ("aws_eks_node_group", {"instance_types": ["g5.xlarge"],
                            "scaling_config": [{"desired_size": 1}]}, "on_demand"),
])
def test_purchase_option(kit: Any, resource_type: str, attrs: dict[str, Any],
                         expected: str) -> None:
    _, comps = price(kit, resource_type, attrs)
    assert comps[0].key.purchase_option == expected
    assert comps[0].key.service == "ec2" and comps[0].key.product == "instance"


def test_instance_market_type_unknown_is_unknown(kit: Any) -> None:
    with pytest.raises(UnknownAttribute):
        price(kit, "aws_instance", {"instance_type": "g5.xlarge",
                                    "instance_market_options": [{"market_type": None}]},
              unknown=[("instance_market_options", 0, "market_type")])


# --- arithmetic -------------------------------------------------------------------


@pytest.mark.parametrize("total,base,pct,expected", [
    (10, 2, 25, (4, 6)),
    (10, 0, 0, (0, 10)),
    (10, 0, 100, (10, 0)),
    (10, 20, 0, (10, 0)),
    (3, 0, 50, (2, 1)),
    (0, 1, 50, (0, 0)),
    (7, 1, 33, (3, 4)),
])
def test_split_counts_examples(total: int, base: int, pct: int,
                               expected: tuple[int, int]) -> None:
    got = split_counts(Decimal(total), Distribution(Decimal(base), Decimal(pct)))
    assert got == (Decimal(expected[0]), Decimal(expected[1]))


@given(total=st.integers(0, 10_000), base=st.integers(0, 20_000), pct=st.integers(0, 100))
def test_split_counts_whole_instances(total: int, base: int, pct: int) -> None:
    on_demand, spot = split_counts(Decimal(total), Distribution(Decimal(base), Decimal(pct)))
    assert on_demand + spot == total
    assert on_demand >= min(base, total) and spot >= 0
    assert on_demand == on_demand.to_integral_value() and spot == spot.to_integral_value()
    if pct == 100:
        assert spot == 0


@given(total=st.decimals(0, 1000, places=2), base=st.integers(0, 50), pct=st.integers(0, 100))
def test_split_counts_fractional_total(total: Decimal, base: int, pct: int) -> None:
    on_demand, spot = split_counts(total, Distribution(Decimal(base), Decimal(pct)))
    assert on_demand + spot == total and on_demand >= 0 and spot >= 0


@pytest.mark.parametrize("iops,throughput,extra", [
    (3000, 125, []), (None, None, []), (3001, 125, ["iops"]), (3000, 126, ["throughput"]),
])
def test_gp3_baseline_is_included(kit: Any, iops: int | None, throughput: int | None,
                                  extra: list[str]) -> None:
    _, comps = price(kit, "aws_ebs_volume", {"size": 10, "type": "gp3", "iops": iops,
                                             "throughput": throughput})
    assert [c.key.product for c in comps] == ["storage", *extra]


def test_components_are_pure_and_specs_frozen(kit: Any) -> None:
    m = model("aws_autoscaling_group")
    template = kit.view("aws_launch_template", {"instance_type": "g5.xlarge"})
    group = kit.view("aws_autoscaling_group", {"desired_capacity": 2,
                                               "launch_template": [{"id": "lt"}]},
                     related={("aws_launch_template", "launch_template"): [template]})
    spec = m.extract(group)
    assert m.components(spec, {}) == m.components(spec, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.count = Decimal(9)  # type: ignore[misc]


# --- registry -------------------------------------------------------------------


def test_builtin_registry_is_cached_and_explicit() -> None:
    registry = builtin_registry()
    assert registry is builtin_registry()
    carried_by = dict(CARRIED_BY) | dict(GOOGLE_CARRIED_BY)
    assert dict(registry.carried_by) == carried_by
    for carried, carriers in carried_by.items():
        assert registry.is_free(carried) and registry.get(carried) is None
        assert carriers and all(registry.get(carrier) is not None for carrier in carriers)
    assert registry.free_types == (FREE_AWS_TYPES | FREE_GOOGLE_TYPES | FREE_UTILITY_TYPES
                                   | FREE_AZURE_TYPES)
    assert not set(registry.models) & FREE_AWS_TYPES


def test_free_list_leaves_out_types_that_cost_money() -> None:
    billed = {"aws_kms_key", "aws_eip", "aws_cloudwatch_log_group", "aws_vpc_endpoint",
              "aws_eks_cluster", "aws_nat_gateway", "aws_s3_object", "aws_ecr_repository",
              "aws_launch_template"}
    assert not billed & FREE_AWS_TYPES
    assert all(t.startswith("aws_") for t in FREE_AWS_TYPES)


def test_build_registry_rejects_duplicates() -> None:
    class Module:
        __name__ = "dup"
        MODELS = (model("aws_nat_gateway"),)

    with pytest.raises(ValueError, match="defined twice"):
        build_registry([Module, Module])  # type: ignore[list-item]
    priced = Cloud(name="one", providers=("aws",), models=Module.MODELS)
    free = Cloud(name="two", providers=("aws",), free_types=frozenset({"aws_nat_gateway"}))
    with pytest.raises(ValueError, match="claimed twice"):
        cost_registry([priced, free])
