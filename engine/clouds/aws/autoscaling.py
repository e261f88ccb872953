"""aws_autoscaling_group: instances from a launch template or configuration, on-demand/spot split."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Mapping

from ...costs.base import (CostComponent, CostModel, Launchable, SideView, UnknownAttribute,
                          UsageField)
from ...costs.numbers import PERCENT
from .common import (OS_USAGE, PURCHASE_USAGE, VolumeSpec, bought, ceil_int, dec, ec2_machine,
                     first_related, instance_key, machine_facts, soft, text, volume_components,
                     with_notes)
from .launch import LaunchSpec, pick_launch, read_launch_configuration, read_launch_template
from .machines import alternatives

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
    # Capacity units one instance counts for (weighted_capacity of the priced override):
    # count and the distribution are then in units, not instances.
    weight: Decimal = Decimal(1)


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


@dataclass(frozen=True, slots=True)
class Override:
    """One override of a mixed instances policy: type and weighted_capacity (None: unset)."""

    instance_type: str
    weight: Decimal | None
    weight_why: str | None = None  # why the weight is unknown


def _launch(view: SideView) -> tuple[LaunchSpec, tuple[Override, ...], Distribution | None]:
    """The launch spec, the overrides that name an instance type, and the distribution."""
    mip, _ = soft(view.block, "mixed_instances_policy")
    if mip is not None:
        root = ("mixed_instances_policy", 0)
        template = _pick(view, "aws_launch_template", "mixed_instances_policy",
                         "launch template", read_launch_template)
        overrides = view.blocks(*root, "launch_template", 0, "override")
        types = []
        for i, _o in enumerate(overrides):
            path = (*root, "launch_template", 0, "override", i)
            itype, _ = soft(view.instance_type, *path, "instance_type")
            weight, wwhy = soft(view.count, *path, "weighted_capacity")
            if itype:
                types.append(Override(itype, weight, wwhy))
            elif weight is not None or wwhy:
                # A weighted override whose type comes from its own launch template or
                # instance_requirements: the units cannot be turned into instances here.
                raise UnknownAttribute(path + ("instance_type",),
                                       "not set on an override with weighted_capacity (its "
                                       "launch template or instance requirements decide), so "
                                       "capacity units cannot be counted as instances")
        dist_path = root + ("instances_distribution", 0)
        has_dist = view.block(*root, "instances_distribution") is not None
        base = view.count(*dist_path, "on_demand_base_capacity") if has_dist else None
        pct = (view.number(*dist_path, "on_demand_percentage_above_base_capacity",
                           kind=PERCENT)
               if has_dist else None)
        dist = Distribution(Decimal(0) if base is None else base,
                            HUNDRED if pct is None else pct)
        return template, tuple(types), dist
    if soft(view.block, "launch_template")[0] is not None:
        return _pick(view, "aws_launch_template", "launch_template", "launch template",
                     read_launch_template), (), None
    name, why = soft(view.get, "launch_configuration")
    if name is not None or why is not None:
        return _pick(view, "aws_launch_configuration", "launch_configuration",
                     "launch configuration", read_launch_configuration), (), None
    raise UnknownAttribute(("launch_template",), "not set (no launch template or configuration)")


def _weights(overrides: tuple[Override, ...],
             units: Decimal | None) -> tuple[Decimal, str | None, list[str]]:
    """(weight of the priced first override, why it is unknown, notes).

    With weights, desired/min/max and the on-demand base are capacity units: an
    instance of weight W fills W units. The plan does not say which overrides AWS
    launches (allocation strategy and capacity decide); the first one is priced, as
    the on-demand "prioritized" strategy fills it first, and the notes say how many
    instances each other override would take to fill the same units alone.
    """
    first = overrides[0]
    notes = [f"priced as {first.instance_type}, the first override (on-demand allocation "
             "fills overrides in order; the split across types is not in the plan)"]
    weighted = any(o.weight is not None or o.weight_why for o in overrides)
    if first.weight_why:
        return Decimal(1), f"weighted_capacity of {first.instance_type} is {first.weight_why}", notes
    weight = first.weight if first.weight is not None else Decimal(1)
    if weight <= 0:
        return Decimal(1), f"weighted_capacity of {first.instance_type} is {weight}", notes
    if weighted:
        notes.append(f"capacity is in weighted units: one {first.instance_type} counts "
                     f"{weight}")
    others = []
    for o in overrides[1:]:
        if not weighted:
            others.append(o.instance_type)
        elif o.weight_why or (o.weight is not None and o.weight <= 0):
            others.append(f"{o.instance_type} (weight unknown)")
        else:
            w = o.weight or Decimal(1)
            alone = ("" if units is None else
                     f": {units_to_instances(units, w)} instances if it filled the group alone")
            others.append(f"{o.instance_type} (weight {w}{alone})")
    if others:
        notes.append("other overrides not priced: " + ", ".join(others))
    return weight, None, notes


def _pick(view: SideView, resource_type: str, ref_attr: str, what: str,
          read: Callable[[SideView], LaunchSpec]) -> LaunchSpec:
    found = view.related(resource_type, ref_attr)
    if not found:
        first_related(view, resource_type, ref_attr, what)  # raises: not in this change
    return pick_launch(view, found, ref_attr, what, read)


def extract_group(view: SideView) -> GroupSpec:
    launch, overrides, dist = _launch(view)
    notes = list(launch.notes)
    weight, weight_why = Decimal(1), None
    count, count_why = read_count(view, ("desired_capacity",), ("min_size",), ("max_size",))
    if overrides:
        itype: str | None = overrides[0].instance_type
        weight, weight_why, more = _weights(overrides, count)
        notes += more
    else:
        itype = launch.instance_type
    if itype is None:
        raise UnknownAttribute(("instance_type",), launch.instance_type_why or "not set")
    if weight_why is not None:
        count, count_why = None, weight_why
    purchase = launch.purchase_option if dist is None else "on_demand"
    return GroupSpec(view.region, count, count_why, itype, launch.tenancy, purchase, dist,
                     launch.volumes, tuple(notes), weight)


def units_to_instances(units: Decimal, weight: Decimal) -> Decimal:
    """Instances of weight `weight` that fill `units`, rounded up: AWS launches an
    instance even when fewer units remain than its weight."""
    return units if weight == 1 else ceil_int(units / weight)


def fleet_components(region: str | None, instance_type: str, tenancy: str,
                     count: Decimal | None, count_why: str | None, purchase_option: str,
                     distribution: Distribution | None, volumes: tuple[VolumeSpec, ...],
                     usage: Mapping[str, Decimal],
                     notes: tuple[str, ...] = (),
                     weight: Decimal = Decimal(1)) -> tuple[CostComponent, ...]:
    """Instance-hours (split on-demand/spot when mixed) and per-instance volumes × count.

    `count` is in capacity units of `weight` per instance (1 unless overrides are
    weighted); usage 'instances' is always instances.
    """
    if usage.get(PURCHASE_USAGE.name) is not None:
        distribution = None  # the usage file says how all of them are bought
    purchase_option, os = bought(usage, purchase_option)
    averaged = usage.get(INSTANCES.name) is not None
    if averaged:
        count, count_why = Decimal(usage[INSTANCES.name]) * weight, None
    machine = ec2_machine(instance_type)
    if count is None:
        key = instance_key(region, instance_type, tenancy, purchase_option, os)
        out = [CostComponent(f"instances ({instance_type})", key, "hour", "hour", None,
                             "unknown", count_why,
                             machine_facts(machine, region, purchase_option))]
    else:
        if distribution is None:
            parts = [(purchase_option, count)]
        else:
            on_demand, spot = split_counts(count, distribution)
            parts = [(p, n) for p, n in (("on_demand", on_demand), ("spot", spot)) if n]
            parts = parts or [("on_demand", count)]
        if weight != 1:
            units = " + ".join(f"{n} {p.replace('_', '-')}" for p, n in parts)
            parts = [(p, n / weight if averaged else units_to_instances(n, weight))
                     for p, n in parts]
            notes = (*notes, f"{units} capacity units at weight {weight}: " + " + ".join(
                f"{n} {p.replace('_', '-')} instance{'' if n == 1 else 's'}" for p, n in parts))
            count = sum((n for _, n in parts), Decimal(0))
        out = [CostComponent(f"instances ({instance_type}, {p.replace('_', '-')})",
                             instance_key(region, instance_type, tenancy, p, os),
                             "hour", "hour", n, facts=machine_facts(machine, region, p))
               for p, n in parts]
    out = [with_notes(c, notes) for c in out]
    for vol in volumes:
        out.extend(volume_components(vol, region, count, prefix="per-instance "))
    return tuple(out)


def group_components(spec: GroupSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return fleet_components(spec.region, spec.instance_type, spec.tenancy, spec.count,
                            spec.count_why, spec.purchase_option, spec.distribution,
                            spec.volumes, usage, spec.notes, spec.weight)


def group_launchable(view: SideView) -> Launchable:
    """The mixed-instances overrides that name a type, with their weighted_capacity
    (the launch template's own type is the priced component's)."""
    root = ("mixed_instances_policy", 0, "launch_template", 0, "override")
    overrides, _ = soft(view.blocks, *root)
    machines = [ec2_machine(t, dec(o.get("weighted_capacity"))) for o in overrides or ()
                if (t := text(o.get("instance_type")))]
    return alternatives(machines)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_autoscaling_group", extract_group, group_components,
              (INSTANCES, PURCHASE_USAGE, OS_USAGE),
              note="carries aws_launch_template and aws_launch_configuration",
              launchable=group_launchable),
)
