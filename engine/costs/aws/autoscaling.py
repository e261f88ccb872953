"""aws_autoscaling_group: instances from a launch template or configuration, on-demand/spot split."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from ..base import CostComponent, CostModel, SideView, UnknownAttribute, UsageField
from ..numbers import PERCENT
from .common import (VolumeSpec, ceil_int, first_related, instance_key, soft,
                     volume_components, with_notes)
from .launch import LaunchSpec, read_launch_configuration, read_launch_template

HUNDRED = Decimal(100)

INSTANCES = UsageField(
    "instances",
    "average number of running instances; overrides the desired count (groups that scale)")


@dataclass(frozen=True, slots=True)
class Distribution:
    """instances_distribution of a mixed instances policy."""

    on_demand_base: Decimal  # on_demand_base_capacity (default 0)
    on_demand_percent: Decimal  # on_demand_percentage_above_base_capacity (default 100)


@dataclass(frozen=True, slots=True)
class GroupSpec:
    region: str | None
    count: Decimal | None  # instances running; None when unknown
    count_why: str | None
    instance_type: str
    tenancy: str
    purchase_option: str  # used when there is no mixed distribution
    distribution: Distribution | None
    volumes: tuple[VolumeSpec, ...]  # per instance
    notes: tuple[str, ...] = ()


def split_counts(total: Decimal, dist: Distribution) -> tuple[Decimal, Decimal]:
    """(on-demand, spot) instances for `total` under a mixed-instances distribution.

    The base is filled with on-demand first; above it, the on-demand share is
    rounded up to whole instances (the higher-cost side of the split). A
    fractional total (an average from usage) is split proportionally.
    """
    base = min(max(dist.on_demand_base, Decimal(0)), total)
    above = total - base
    share = above * dist.on_demand_percent / HUNDRED
    if total == total.to_integral_value():
        share = min(ceil_int(share), above)
    on_demand = base + share
    return on_demand, total - on_demand


def read_count(view: SideView, desired_path: tuple[str | int, ...],
               min_path: tuple[str | int, ...],
               max_path: tuple[str | int, ...]) -> tuple[Decimal | None, str | None]:
    """Desired instance count; an unset desired count is min_size (the AWS behaviour)."""
    desired, why = soft(view.count, *desired_path)
    low, _ = soft(view.count, *min_path)
    high, _ = soft(view.count, *max_path)
    if desired is not None:
        return desired, None
    if why is None and low is not None:
        return low, None
    if low is not None and low == high:
        return low, None  # min == max pins the count whatever desired becomes
    bounds = f"min {low if low is not None else '?'}, max {high if high is not None else '?'}"
    return None, f"{why or 'desired count is not set'} ({bounds}); set usage 'instances'"


def _launch(view: SideView) -> tuple[LaunchSpec, tuple[str, ...], Distribution | None]:
    """The launch spec, the instance types of overrides, and the distribution."""
    mip, _ = soft(view.block, "mixed_instances_policy")
    if mip is not None:
        root = ("mixed_instances_policy", 0)
        template = first_related(view, "aws_launch_template", "mixed_instances_policy",
                                 "launch template")
        overrides = view.blocks(*root, "launch_template", 0, "override")
        types = []
        for i, _o in enumerate(overrides):
            itype = view.instance_type(*root, "launch_template", 0, "override", i,
                                       "instance_type")
            if itype:
                types.append(itype)
        dist_path = root + ("instances_distribution", 0)
        has_dist = view.block(*root, "instances_distribution") is not None
        base = view.count(*dist_path, "on_demand_base_capacity") if has_dist else None
        pct = (view.number(*dist_path, "on_demand_percentage_above_base_capacity",
                           kind=PERCENT)
               if has_dist else None)
        dist = Distribution(Decimal(0) if base is None else base,
                            HUNDRED if pct is None else pct)
        return read_launch_template(template), tuple(types), dist
    if soft(view.block, "launch_template")[0] is not None:
        template = first_related(view, "aws_launch_template", "launch_template",
                                 "launch template")
        return read_launch_template(template), (), None
    name, why = soft(view.get, "launch_configuration")
    if name is not None or why is not None:
        config = first_related(view, "aws_launch_configuration", "launch_configuration",
                               "launch configuration")
        return read_launch_configuration(config), (), None
    raise UnknownAttribute(("launch_template",), "not set (no launch template or configuration)")


def extract_group(view: SideView) -> GroupSpec:
    launch, override_types, dist = _launch(view)
    notes = list(launch.notes)
    if override_types:
        itype: str | None = override_types[0]
        notes.append(f"priced as {itype}, the first override")
        if len(override_types) > 1:
            notes.append("other overrides not priced: " + ", ".join(override_types[1:]))
    else:
        itype = launch.instance_type
    if itype is None:
        raise UnknownAttribute(("instance_type",), launch.instance_type_why or "not set")
    count, count_why = read_count(view, ("desired_capacity",), ("min_size",), ("max_size",))
    purchase = launch.purchase_option if dist is None else "on_demand"
    return GroupSpec(view.region, count, count_why, itype, launch.tenancy, purchase, dist,
                     launch.volumes, tuple(notes))


def fleet_components(region: str | None, instance_type: str, tenancy: str,
                     count: Decimal | None, count_why: str | None, purchase_option: str,
                     distribution: Distribution | None, volumes: tuple[VolumeSpec, ...],
                     usage: Mapping[str, Decimal],
                     notes: tuple[str, ...] = ()) -> tuple[CostComponent, ...]:
    """Instance-hours (split on-demand/spot when mixed) and per-instance volumes × count."""
    if usage.get(INSTANCES.name) is not None:
        count, count_why = Decimal(usage[INSTANCES.name]), None
    if count is None:
        key = instance_key(region, instance_type, tenancy, purchase_option)
        out = [CostComponent(f"instances ({instance_type})", key, "hour", "hour", None,
                             "unknown", count_why)]
    else:
        if distribution is None:
            parts = [(purchase_option, count)]
        else:
            on_demand, spot = split_counts(count, distribution)
            parts = [(p, n) for p, n in (("on_demand", on_demand), ("spot", spot)) if n]
            parts = parts or [("on_demand", count)]
        out = [CostComponent(f"instances ({instance_type}, {p.replace('_', '-')})",
                             instance_key(region, instance_type, tenancy, p),
                             "hour", "hour", n) for p, n in parts]
    out = [with_notes(c, notes) for c in out]
    for vol in volumes:
        out.extend(volume_components(vol, region, count, prefix="per-instance "))
    return tuple(out)


def group_components(spec: GroupSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return fleet_components(spec.region, spec.instance_type, spec.tenancy, spec.count,
                            spec.count_why, spec.purchase_option, spec.distribution,
                            spec.volumes, usage, spec.notes)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_autoscaling_group", extract_group, group_components, (INSTANCES,),
              note="carries aws_launch_template and aws_launch_configuration"),
)
