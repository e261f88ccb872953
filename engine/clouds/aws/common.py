"""Helpers shared by the AWS cost models: soft reads, EBS volumes, instance keys, usage.

Only the `read_*` functions look at attribute names; the `*_components`
functions are pure and build `CostComponent`s from specs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from typing import Any, Literal, Mapping, Sequence

from pricing_catalog.keys import PriceKey

from ...costs.base import (ComponentFacts, CostComponent, Machine, SideView, UnknownAttribute,
                          UsageField, _path_str, soft, usage_component)  # noqa: F401
from ..hardware import purchase_option  # noqa: F401  (for the models)
from ...costs.numbers import IOPS, SIZE_GB, THROUGHPUT, Kind
from .machines import ec2_machine, sagemaker_machine  # noqa: F401  (for the models)

ZERO = Decimal(0)
GB_MONTH = "GB-month"

# EBS baselines included in the gp3 storage price (AWS EBS pricing page).
GP3_FREE_IOPS = Decimal(3000)
GP3_FREE_THROUGHPUT = Decimal(125)
PROVISIONED_IOPS_TYPES = frozenset({"io1", "io2"})

TENANCY = {"default": "shared", "dedicated": "dedicated", "host": "host"}


def dec(value: Any) -> Decimal | None:
    """A Decimal from a plan number or numeric string, None when absent or not numeric."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def first_related(view: SideView, resource_type: str, ref_attr: str, what: str) -> SideView:
    """The single related view, or UnknownAttribute saying it is not in this change."""
    found = view.related(resource_type, ref_attr)
    if not found:
        raise UnknownAttribute((ref_attr,), f"not resolvable: {what} not in this change")
    return found[0]


# --- EBS volumes --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    """One EBS volume. None fields are unknown; `unknown` says why."""

    label: str  # "root", "/dev/sdf", "volume"
    volume_type: str | None
    size_gb: Decimal | None
    iops: Decimal | None = None
    throughput: Decimal | None = None
    unknown: str | None = None
    note: str | None = None  # an assumption the price rests on


def read_volume(view: SideView, path: tuple[str | int, ...], label: str, *,
                size_attr: str = "volume_size", type_attr: str = "volume_type") -> VolumeSpec:
    """A volume from a block such as root_block_device[0] or block_device_mappings[0].ebs[0].

    No defaults: a size or type the plan does not give is unknown (for root and
    launch-template volumes both come from the AMI or its snapshot).
    """
    reasons: list[str] = []

    def field(attr: str, needed: bool = True, kind: Kind | None = None) -> Any:
        value, why = (soft(view.get, *path, attr) if kind is None
                      else soft(view.number, *path, attr, kind=kind))
        if why and needed:
            reasons.append(why)
        return value

    vtype = text(field(type_attr))
    size = field(size_attr, kind=SIZE_GB)
    # An unknown gp3 iops/throughput is the computed baseline when not configured.
    iops = field("iops", needed=False, kind=IOPS)
    throughput = field("throughput", needed=False, kind=THROUGHPUT)
    missing = [n for n, v in ((size_attr, size), (type_attr, vtype)) if v is None]
    unknown = None
    if missing:
        unknown = "; ".join(reasons) if reasons else (
            f"{_path_str(path)} does not set {' and '.join(missing)} (it comes from the AMI)")
    return VolumeSpec(label, vtype, size, iops, throughput, unknown)


def unknown_volume(label: str, why: str) -> VolumeSpec:
    return VolumeSpec(label, None, None, unknown=why)


def volume_components(vol: VolumeSpec, region: str | None, count: Decimal | None = Decimal(1),
                      prefix: str = "") -> tuple[CostComponent, ...]:
    """Storage, and provisioned IOPS/throughput above the baseline, for `count` volumes."""
    name = f"{prefix}{vol.label} storage ({vol.volume_type or 'type unknown'})"
    vtype = vol.volume_type or "unknown"
    storage_key = PriceKey.of("aws", "ebs", "storage", region, volume_type=vtype)
    if vol.volume_type is None or vol.size_gb is None or count is None:
        why = vol.unknown or "instance count is unknown"
        return (CostComponent(name, storage_key, GB_MONTH, "month", None, "unknown", why),)
    out = [CostComponent(name, storage_key, GB_MONTH, "month", vol.size_gb * count,
                         reason=vol.note)]
    iops_name = f"{prefix}{vol.label} provisioned IOPS ({vtype})"
    iops_key = PriceKey.of("aws", "ebs", "iops", region, volume_type=vtype)
    if vtype == "gp3":
        # An unset gp3 iops/throughput is computed by AWS as the included baseline.
        if vol.iops is not None and vol.iops > GP3_FREE_IOPS:
            out.append(CostComponent(iops_name, iops_key, "IOPS-month", "month",
                                     (vol.iops - GP3_FREE_IOPS) * count))
        if vol.throughput is not None and vol.throughput > GP3_FREE_THROUGHPUT:
            out.append(CostComponent(
                f"{prefix}{vol.label} provisioned throughput (gp3)",
                PriceKey.of("aws", "ebs", "throughput", region, volume_type="gp3"),
                "MBps-month", "month", (vol.throughput - GP3_FREE_THROUGHPUT) * count))
    elif vtype in PROVISIONED_IOPS_TYPES:
        if vol.iops is None:
            out.append(CostComponent(iops_name, iops_key, "IOPS-month", "month", None,
                                     "unknown", f"{vtype} iops is known after apply or not set"))
        else:
            out.append(CostComponent(iops_name, iops_key, "IOPS-month", "month",
                                     vol.iops * count))
    return tuple(out)


# --- instances ----------------------------------------------------------------


def instance_key(region: str | None, instance_type: str, tenancy: str = "shared",
                 purchase_option: str = "on_demand", os: str = "linux") -> PriceKey:
    # Linux unless usage says otherwise: the AMI's operating system is not in the plan.
    return PriceKey.of("aws", "ec2", "instance", region, purchase_option,
                       instance_type=instance_type, tenancy=tenancy, os=os)


# Usage that says how an instance is bought and what it runs (the plan cannot say).
# reserved_*_no_upfront are the catalog's reserved_* terms (standard, no upfront).
PURCHASE_USAGE = UsageField(
    "purchase_option", "how the instances are bought: on_demand, spot, reserved_1y or "
    "reserved_3y (standard, no upfront; also spelled reserved_1y_no_upfront, "
    "reserved_3y_no_upfront), or covered by a Compute Savings Plan: "
    "savings_plan_compute_1y_no_upfront, savings_plan_compute_3y_no_upfront",
    choices=("on_demand", "spot", "reserved_1y", "reserved_3y", "reserved_1y_no_upfront",
             "reserved_3y_no_upfront", "savings_plan_compute_1y_no_upfront",
             "savings_plan_compute_3y_no_upfront"))
OS_USAGE = UsageField("os", "operating system of the AMI: linux (default) or windows",
                      choices=("linux", "windows"))
_PURCHASE_ALIASES = {"reserved_1y_no_upfront": "reserved_1y",
                     "reserved_3y_no_upfront": "reserved_3y"}


def bought(usage: Mapping[str, Any], configured: str) -> tuple[str, str]:
    """(purchase option, os) of an instance: the usage file's, else the configuration's."""
    option = usage.get(PURCHASE_USAGE.name)
    option = _PURCHASE_ALIASES.get(option, option) if isinstance(option, str) else configured
    os = usage.get(OS_USAGE.name)
    return option, os if isinstance(os, str) else "linux"


def machine_facts(machine: Machine, region: str | None,
                  purchase_option: str = "on_demand") -> ComponentFacts:
    """Facts of a component whose quantity counts `machine`s (instances, nodes)."""
    return ComponentFacts(machine=machine, purchase_option=purchase_option, region=region)


def sagemaker_key(region: str | None, instance_type: str, component: str) -> PriceKey:
    return PriceKey.of("aws", "sagemaker", "instance", region,
                       instance_type=instance_type, component=component)


def read_tenancy(view: SideView, *path: str | int) -> tuple[str, bool]:
    """(tenancy price attribute, whether the plan gives it).

    Unset or known after apply (aws_instance.tenancy is computed, so every new
    instance shows it unknown) means the VPC's instance_tenancy, which is
    "default" unless the VPC was made dedicated: shared is assumed.
    """
    value, _ = soft(view.get, *path)
    if value is None:
        return "shared", False
    return TENANCY.get(str(value), str(value)), True


def ceil_int(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


# --- usage ----------------------------------------------------------------------


def with_notes(component: CostComponent, notes: Sequence[str]) -> CostComponent:
    """`component` with the spec's notes (assumptions the price rests on) added to its reason."""
    parts = [p for p in (component.reason, *notes) if p]
    return replace(component, reason="; ".join(parts) if parts else None)
