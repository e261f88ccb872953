"""Helpers shared by the Azure cost models: price keys, managed-disk tiers, node counts.

Only the `read_*` functions look at attribute names; the `*_components` functions
are pure and build `CostComponent`s from specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Mapping, Sequence

from pricing_catalog.keys import PriceKey

from ...costs.base import (ComponentFacts, CostComponent, SideView, UsageField, between,
                           soft)
from ...costs.numbers import SIZE_GB
from .machines import PROVIDER, azure_machine, size_key

ONE = Decimal(1)

INSTANCES = UsageField(
    "instances", "average number of running instances or nodes; overrides the count (sets "
                 "that scale between a minimum and a maximum)")

# Managed-disk tiers by size (GiB), the same ladder for Standard HDD (S), Standard SSD
# (E) and Premium SSD (P): learn.microsoft.com "Azure managed disk types".
DISK_TIERS = ((32, "4"), (64, "6"), (128, "10"), (256, "15"), (512, "20"), (1024, "30"),
              (2048, "40"), (4096, "50"))
# storage_account_type -> (tier letter, or "ultra"/"premium_v2"; redundancy)
DISK_TYPES = {
    "standard_lrs": ("S", "LRS"), "standardssd_lrs": ("E", "LRS"),
    "standardssd_zrs": ("E", "ZRS"), "premium_lrs": ("P", "LRS"), "premium_zrs": ("P", "ZRS"),
    "ultrassd_lrs": ("ultra", "LRS"), "premiumv2_lrs": ("premium_v2", "LRS"),
}


def vm_key(region: str | None, size: str, os: str, option: str) -> PriceKey:
    return PriceKey.of(PROVIDER, "compute", "instance", region, option,
                       instance_type=size_key(size), os=os)


def machine_component(label: str, region: str | None, size: str, os: str, option: str,
                      quantity: Decimal | None, *, missing: str | None = None,
                      reason: str | None = None) -> CostComponent:
    """Hours of `quantity` machines of `size` (nodes, instances)."""
    name = f"{label} ({size}, {os}, {option.replace('_', '-')})"
    return CostComponent(name, vm_key(region, size, os, option), "hour", "hour", quantity,
                         missing, reason,  # type: ignore[arg-type]
                         facts=ComponentFacts(machine=azure_machine(size),
                                              purchase_option=option, region=region))


# --- node counts ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count:
    """How many machines run: exact (low == high), a min–max band, or unknown."""

    low: Decimal | None
    high: Decimal | None
    why: str | None = None  # why unknown, or what sets the band

    @classmethod
    def exact(cls, value: Decimal) -> "Count":
        return cls(value, value)


def fleet_components(label: str, region: str | None, size: str, os: str, option: str,
                     count: Count, usage: Mapping[str, Decimal],
                     notes: tuple[str, ...] = (),
                     per_node: Callable[[Decimal | None], Sequence[CostComponent]] = lambda n: ()
                     ) -> tuple[CostComponent, ...]:
    """Machine hours for `count` (usage `instances` wins), and the parts that follow
    the node count (`per_node(count)`: disks).

    A min–max band is a range, from the minimum to the maximum (a set that scales to
    zero reads $0.00…$X, never $0); with no maximum known the minimum is priced and
    the rest is unknown."""
    reason = "; ".join(notes) or None

    def fleet(n: Decimal | None, name: str = label, why: str | None = reason,
              missing: str | None = None) -> tuple[CostComponent, ...]:
        return (machine_component(name, region, size, os, option, n, missing=missing,
                                  reason=why), *per_node(n))

    if "instances" in usage:
        return fleet(Decimal(usage["instances"]))
    if count.low is not None and count.low == count.high:
        return fleet(count.low)
    if count.low is None:
        why = count.why or "the count is not set"
        return fleet(None, why=f"{why}; set usage 'instances'", missing="unknown")
    high = "?" if count.high is None else str(count.high)
    band = f"scales between {count.low} and {high} ({count.why or 'autoscale'})"
    if count.high is not None:
        why = "; ".join([f"{band}: priced as a range, set usage 'instances' for the average",
                         *notes])
        return between(fleet(count.low, why=why), fleet(count.high, why=why))
    floor = fleet(count.low, f"{label} at the minimum", "; ".join([band, *notes]))
    above = machine_component(
        f"{label} above the minimum", region, size, os, option, None, missing="unknown",
        reason=f"no maximum known: {band}; set usage 'instances' for the average")
    return (floor[0], above, *floor[1:])


# --- managed disks --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiskSpec:
    """One managed disk: its storage type and size (None: unknown, `unknown` says why)."""

    label: str  # "OS disk", "data disk 1", "disk"
    storage_type: str | None  # storage_account_type as written: "Premium_LRS"
    size_gb: Decimal | None
    iops: Decimal | None = None  # Ultra / Premium SSD v2 provisioned IOPS
    mbps: Decimal | None = None  # Ultra / Premium SSD v2 provisioned throughput
    unknown: str | None = None
    note: str | None = None


def read_disk(view: SideView, path: tuple[str | int, ...], label: str, *,
              type_attr: str = "storage_account_type", size_attr: str = "disk_size_gb",
              default_type: str | None = None, default_size: Decimal | None = None,
              default_note: str | None = None) -> DiskSpec:
    """A disk block (or the resource itself, `path` = ()); no size default unless given:
    an OS disk's size comes from its image."""
    stype, twhy = soft(view.get, *path, type_attr)
    size, swhy = soft(view.number, *path, size_attr, kind=SIZE_GB)
    iops, _ = soft(view.number, *path, "disk_iops_read_write")
    mbps, _ = soft(view.number, *path, "disk_mbps_read_write")
    note = None
    if stype is None and twhy is None and default_type is not None:
        stype, note = default_type, default_note
    if size is None and swhy is None and default_size is not None:
        size, note = default_size, default_note
    where = ".".join(str(p) for p in path if not isinstance(p, int)) or view.change.type
    reasons = [w for w in (twhy, swhy) if w]
    unknown = None
    if stype is None or size is None:
        missing = [n for n, v in ((type_attr, stype), (size_attr, size)) if v is None]
        unknown = "; ".join(reasons) or (f"{where} does not set {' and '.join(missing)}"
                                         + (" (the image decides the size)"
                                            if size is None else ""))
    return DiskSpec(label, stype if isinstance(stype, str) else None, size, iops, mbps,
                    unknown, note)


def disk_tier(letter: str, size_gb: Decimal) -> str | None:
    """The billed tier of a disk of `size_gb`: the smallest tier at least that large."""
    for limit, number in DISK_TIERS:
        if size_gb <= limit:
            return letter + number
    return None


def disk_components(disk: DiskSpec, region: str | None, count: Decimal | None = ONE,
                    prefix: str = "") -> tuple[CostComponent, ...]:
    """Monthly cost of `count` such disks: a tier price per disk, or Ultra's capacity,
    IOPS and throughput."""
    name = f"{prefix}{disk.label} ({disk.storage_type or 'type unknown'})"
    kind, redundancy = DISK_TYPES.get((disk.storage_type or "").lower(), (None, "LRS"))
    if disk.storage_type is None or disk.size_gb is None or count is None:
        key = PriceKey.of(PROVIDER, "managed_disks", "disk", region, tier="unknown",
                          redundancy=redundancy)
        why = disk.unknown or "the node count is unknown"
        return (CostComponent(name, key, "disk-month", "month", None, "unknown", why),)
    if kind is None:
        key = PriceKey.of(PROVIDER, "managed_disks", "disk", region, tier=disk.storage_type,
                          redundancy=redundancy)
        return (CostComponent(name, key, "disk-month", "month", None, "unknown",
                              f"storage type {disk.storage_type} is not a managed-disk type "
                              f"({', '.join(sorted(DISK_TYPES))})"),)
    if kind == "ultra":
        out = [CostComponent(f"{name} capacity", PriceKey.of(
            PROVIDER, "managed_disks", "ultra_capacity", region, redundancy=redundancy),
            "GiB-month", "month", disk.size_gb * count, reason=disk.note)]
        for product, unit, value, what in (("ultra_iops", "IOPS-month", disk.iops, "IOPS"),
                                           ("ultra_throughput", "MBps-month", disk.mbps,
                                            "throughput")):
            key = PriceKey.of(PROVIDER, "managed_disks", product, region, redundancy=redundancy)
            if value is None:
                out.append(CostComponent(f"{name} {what}", key, unit, "month", None, "unknown",
                                         f"disk_{'iops' if what == 'IOPS' else 'mbps'}"
                                         "_read_write is not set (Azure computes a default "
                                         "from the size)"))
            else:
                out.append(CostComponent(f"{name} {what}", key, unit, "month", value * count))
        return tuple(out)
    if kind == "premium_v2":
        key = PriceKey.of(PROVIDER, "managed_disks", "disk", region, tier="premium_v2",
                          redundancy=redundancy)
        return (CostComponent(name, key, "GiB-month", "month", disk.size_gb * count,
                              reason=disk.note),)
    tier = disk_tier(kind, disk.size_gb)
    if tier is None:
        key = PriceKey.of(PROVIDER, "managed_disks", "disk", region, tier=f"{kind}>50",
                          redundancy=redundancy)
        return (CostComponent(name, key, "disk-month", "month", None, "unknown",
                              f"{disk.size_gb} GiB is above the largest tier the catalog "
                              f"knows ({kind}50, 4,096 GiB)"),)
    key = PriceKey.of(PROVIDER, "managed_disks", "disk", region, tier=tier, redundancy=redundancy)
    return (CostComponent(f"{name}, {tier}", key, "disk-month", "month", count,
                          reason=disk.note),)


def workspace_region(view: SideView) -> str | None:
    """An Azure ML compute's region: its own, else its workspace's (in this change)."""
    if view.region:
        return view.region
    for ws in view.related("azurerm_machine_learning_workspace", "machine_learning_workspace_id"):
        if ws.region:
            return ws.region
    return None
