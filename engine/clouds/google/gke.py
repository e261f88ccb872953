"""GKE: clusters (the management fee, the default node pool, inline node pools) and
node pools. Node counts are per zone: a regional pool runs them in each of its zones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import (CostComponent, CostModel, Launchable, SideView, UnknownAttribute,
                           UsageField, soft)
from .common import NODES, MachineSpec, read_disk, read_gpus, read_purchase_option, scaled, text
from .machines import google_machine

# GKE's defaults for a node whose node_config does not say (Terraform provider docs).
DEFAULT_MACHINE_TYPE = "e2-medium"
DEFAULT_DISK_TYPE = "pd-balanced"
DEFAULT_DISK_GB = Decimal(100)
DEFAULT_NODES_PER_ZONE = Decimal(3)  # a pool created without a count (the gcloud default)
REGION_ZONES = 3  # GKE places a regional cluster's nodes in three zones by default
LOCAL_SSD_GB = Decimal(375)
_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")


def read_node_config(view: SideView, *root: str | int) -> MachineSpec:
    """The machine of one node from `root` + node_config (defaults noted)."""
    base = (*root, "node_config", 0)
    mtype, why = soft(view.get, *base, "machine_type")
    notes: tuple[str, ...] = ()
    if not text(mtype):
        if why:
            raise UnknownAttribute((*base, "machine_type"))
        mtype = DEFAULT_MACHINE_TYPE
        notes += (f"machine_type not set: {DEFAULT_MACHINE_TYPE} (the GKE default)",)
    option, more = read_purchase_option(view, *base, spot_field="spot")
    disk = read_disk(view, base, "node disk", size="disk_size_gb", kind="disk_type",
                     default_type=DEFAULT_DISK_TYPE, default_size=DEFAULT_DISK_GB,
                     default_why="the GKE default")
    ssd_counts = [soft(view.count, *base, *p)[0] for p in (
        ("local_ssd_count",), ("ephemeral_storage_local_ssd_config", 0, "local_ssd_count"),
        ("local_nvme_ssd_block_config", 0, "local_ssd_count"))]
    local = sum((c for c in ssd_counts if c), Decimal(0)) * LOCAL_SSD_GB
    gpus, gpu_notes = read_gpus(view, (*base, "guest_accelerator"))
    return MachineSpec(str(mtype), option, gpus, (disk,), local, notes + more + gpu_notes)


def _zones(view: SideView, *root: str | int) -> tuple[int | None, str | None]:
    """Zones from `node_locations`, else from `location` (a zone: 1, a region: 3)."""
    nodes, _ = soft(view.get, *root, "node_locations")
    if isinstance(nodes, list) and nodes:
        return len(nodes), None
    # Unset (computed, so known after apply in a plan): the location's default zones.
    location, lwhy = soft(view.get, *root, "location")
    if isinstance(location, str) and location:
        return (1 if _ZONE.match(location) else REGION_ZONES), None
    return None, "location is known after apply" if lwhy else None


@dataclass(frozen=True, slots=True)
class PoolSpec:
    label: str  # "default pool", "node_pool[0]", "nodes"
    machine: MachineSpec
    zones: int | None
    per_zone_low: Decimal | None
    per_zone_high: Decimal | None
    why: str | None = None
    notes: tuple[str, ...] = ()


def read_pool(view: SideView, *root: str | int, label: str = "nodes",
              zones: tuple[int | None, str | None] = (1, None)) -> PoolSpec:
    """A node pool (a resource, or a cluster's `node_pool` block at `root`)."""
    machine = read_node_config(view, *root)
    own = _zones(view, *root)
    n_zones, zwhy = own if own[0] is not None or own[1] else zones
    notes: tuple[str, ...] = ()
    count, cwhy = soft(view.count, *root, "node_count")
    low, high = count, count
    auto, _ = soft(view.block, *root, "autoscaling")
    if auto:
        path = (*root, "autoscaling", 0)
        total_low, _ = soft(view.count, *path, "total_min_node_count")
        total_high, _ = soft(view.count, *path, "total_max_node_count")
        if total_low is not None or total_high is not None:
            return PoolSpec(label, machine, 1, total_low or Decimal(0), total_high, None,
                            ("total_min/max_node_count: counts for all zones",))
        low = soft(view.count, *path, "min_node_count")[0] or Decimal(0)
        high = soft(view.count, *path, "max_node_count")[0]
    elif count is None:
        initial, iwhy = soft(view.count, *root, "initial_node_count")
        if initial is not None:
            low = high = initial
        elif cwhy or iwhy:
            return PoolSpec(label, machine, n_zones, None, None, "node_count is known after "
                            "apply; set usage 'nodes'")
        else:
            low = high = DEFAULT_NODES_PER_ZONE
            notes += (f"node_count not set: {DEFAULT_NODES_PER_ZONE} per zone assumed",)
    return PoolSpec(label, machine, n_zones, low, high, zwhy, notes)


def pool_components(region: str | None, pool: PoolSpec, usage: Mapping[str, Decimal],
                    prefix: str = "") -> tuple[CostComponent, ...]:
    zones = pool.zones
    notes = pool.notes
    if zones is not None and zones != 1:
        notes += (f"{zones} zones",)
    machine = MachineSpec(pool.machine.machine_type, pool.machine.purchase_option,
                          pool.machine.gpus, pool.machine.disks, pool.machine.local_ssd_gb,
                          pool.machine.notes + notes)
    low = None if zones is None or pool.per_zone_low is None else pool.per_zone_low * zones
    high = None if zones is None or pool.per_zone_high is None else pool.per_zone_high * zones
    why = pool.why or ("the number of zones is unknown" if zones is None else None)
    return scaled(region, machine, low, high, why, usage, prefix)


# --- google_container_node_pool -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodePoolSpec:
    region: str | None
    pool: PoolSpec


def _cluster_zones(view: SideView) -> tuple[int | None, str | None]:
    for cluster in view.related("google_container_cluster", "cluster"):
        return _zones(cluster)
    return None, "the cluster is not in this change and the pool names no location"


def extract_node_pool(view: SideView) -> NodePoolSpec:
    own = _zones(view)
    zones = own if own[0] is not None or own[1] else _cluster_zones(view)
    return NodePoolSpec(view.region, read_pool(view, zones=zones))


def node_pool_components(spec: NodePoolSpec, usage: Mapping[str, Decimal]
                         ) -> tuple[CostComponent, ...]:
    return pool_components(spec.region, spec.pool, usage)


def node_pool_launchable(view: SideView, *root: str | int) -> Launchable:
    base = (*root, "node_config", 0)
    mtype, why = soft(view.get, *base, "machine_type")
    if why:
        return Launchable(unknown=True)
    option, _ = read_purchase_option(view, *base, spot_field="spot")
    return Launchable((google_machine(str(mtype) if text(mtype) else DEFAULT_MACHINE_TYPE),),
                      purchase_options=(option,))


# --- google_container_cluster ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    region: str | None
    autopilot: bool
    pools: tuple[PoolSpec, ...]
    unknown_pools: tuple[tuple[str, str], ...] = ()  # (label, why): a pool whose machine is unknown


def extract_cluster(view: SideView) -> ClusterSpec:
    autopilot, _ = soft(view.get, "enable_autopilot")
    if autopilot is True:
        return ClusterSpec(view.region, True, ())
    zones = _zones(view)
    pools: list[PoolSpec] = []
    unknown: list[tuple[str, str]] = []
    remove, _ = soft(view.get, "remove_default_node_pool")
    # node_pool known only after apply: the configuration writes no inline pools.
    inline, _ = soft(view.blocks, "node_pool")
    inline = inline or []
    if remove is not True and not inline:
        count, why = soft(view.count, "initial_node_count")
        notes: tuple[str, ...] = ()
        if count is None:
            count = DEFAULT_NODES_PER_ZONE
            notes = (f"initial_node_count {'known after apply' if why else 'not set'}: "
                     f"{DEFAULT_NODES_PER_ZONE} per zone assumed",)
        try:
            pools.append(PoolSpec("default pool", read_node_config(view), zones[0], count,
                                  count, zones[1], notes))
        except UnknownAttribute as exc:
            unknown.append(("default pool", str(exc)))
    for i, _ in enumerate(inline):
        try:
            pools.append(read_pool(view, "node_pool", i, label=f"node_pool[{i}]", zones=zones))
        except UnknownAttribute as exc:
            unknown.append((f"node_pool[{i}]", str(exc)))
    return ClusterSpec(view.region, False, tuple(pools), tuple(unknown))


def cluster_components(spec: ClusterSpec, usage: Mapping[str, Decimal]
                       ) -> tuple[CostComponent, ...]:
    mode = "autopilot" if spec.autopilot else "standard"
    pods: list[CostComponent] = []
    if spec.autopilot:
        for field, product, unit in AUTOPILOT_USAGE:
            key = PriceKey.of("google", "gke", product, spec.region)
            value = usage.get(field.name)
            pods.append(CostComponent(
                f"Autopilot pods: {field.description}", key, unit, "month", None, "usage",
                f"Autopilot bills what the pods request, which the plan does not say; set "
                f"usage '{field.name}'") if value is None else
                CostComponent(f"Autopilot pods: {field.description}", key, unit, "month",
                              Decimal(value)))
    fee = CostComponent(f"cluster management fee ({mode})",
                        PriceKey.of("google", "gke", "cluster", None, mode=mode), "hour", "hour",
                        Decimal(1), scope="global",
                        reason=None if spec.autopilot else
                        "the free-tier credit (one zonal or Autopilot cluster per billing "
                        "account) is not applied")
    out = [fee, *pods]
    for pool in spec.pools:
        # Usage `nodes` is the default pool's; inline pools keep their configured counts.
        pool_usage = usage if pool.label == "default pool" else {}
        out.extend(pool_components(spec.region, pool, pool_usage, prefix=f"{pool.label}: "))
    for label, why in spec.unknown_pools:
        out.append(CostComponent(f"{label}: nodes", PriceKey.of(
            "google", "compute", "instance", spec.region, instance_type="unknown"), "hour",
            "hour", None, "unknown", why))
    return tuple(out)


def cluster_launchable(view: SideView) -> Launchable:
    machines, options = [], []
    remove, _ = soft(view.get, "remove_default_node_pool")
    inline = soft(view.blocks, "node_pool")[0] or []
    roots: list[tuple[str | int, ...]] = [("node_pool", i) for i in range(len(inline))]
    if remove is not True and not inline:
        roots.append(())
    for root in roots:
        found = node_pool_launchable(view, *root)
        machines += found.machines
        options += found.purchase_options
    return Launchable(tuple(machines), purchase_options=tuple(dict.fromkeys(options)))


# Autopilot bills the resources its pods request: usage field, catalog product, unit.
AUTOPILOT_USAGE = (
    (UsageField("autopilot_vcpu_count", "vCPUs requested (monthly average)"),
     "autopilot_vcpu", "vCPU-month"),
    (UsageField("autopilot_memory_gb", "GB of memory requested (monthly average)"),
     "autopilot_memory", "GB-month"),
    (UsageField("autopilot_ephemeral_storage_gb", "GB of ephemeral storage requested"),
     "autopilot_ephemeral_storage", "GB-month"),
)

MODELS: tuple[CostModel, ...] = (
    CostModel("google_container_cluster", extract_cluster, cluster_components, (UsageField(
        "nodes", "average number of running nodes of the default pool in all zones"),
        *(field for field, _, _ in AUTOPILOT_USAGE)),
              note="management fee, the default node pool (unless removed) and inline pools; "
                   "Autopilot pods from usage",
              launchable=cluster_launchable),
    CostModel("google_container_node_pool", extract_node_pool, node_pool_components, (NODES,),
              note="nodes per zone x zones; autoscaling min-max as a range",
              launchable=lambda view: node_pool_launchable(view)),
)
