"""AKS: the cluster's default node pool and tier fee, and extra node pools."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, Launchable, SideView, UnknownAttribute, soft
from ...costs.numbers import SIZE_GB
from .common import INSTANCES, Count, DiskSpec, disk_components, fleet_components
from .machines import PROVIDER, azure_machine, priority_option

# AKS node OS disks: 128 GiB managed by default; Premium SSD assumed where the plan
# does not say (the node image and VM size decide).
DEFAULT_OS_DISK_GB = Decimal(128)
ASSUMED_DISK_TYPE = "Premium_LRS"
PAID_TIERS = {"standard": "standard", "paid": "standard", "premium": "premium"}


@dataclass(frozen=True, slots=True)
class PoolSpec:
    region: str | None
    size: str
    os: str
    purchase_option: str
    count: Count
    disk: DiskSpec | None  # None: ephemeral OS disk (on the VM's local storage)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    region: str | None
    tier: str  # "free" | "standard" | "premium"
    pool: PoolSpec | None  # None: default_node_pool unknown
    pool_why: str | None = None


def read_pool(view: SideView, root: tuple[str | int, ...]) -> PoolSpec:
    size, why = soft(view.instance_type, *root, "vm_size")
    if size is None:
        raise UnknownAttribute((*root, "vm_size"), "known after apply" if why else "not set")
    priority, _ = soft(view.get, *root, "priority")
    option = priority_option(priority)
    notes: list[str] = []
    if option == "spot":
        cap, _ = soft(view.get, *root, "spot_max_price")
        notes.append(f"spot at the catalog price; spot_max_price {cap} $/h is the ceiling of "
                     "the spot band" if cap not in (None, -1, "-1") else
                     "spot at the catalog price (spot_max_price -1: up to pay-as-you-go)")
    os_type, _ = soft(view.get, *root, "os_type")
    os = "windows" if isinstance(os_type, str) and os_type.lower() == "windows" else "linux"
    auto = any(soft(view.get, *root, a)[0] is True
               for a in ("auto_scaling_enabled", "enable_auto_scaling"))
    nodes, nwhy = soft(view.count, *root, "node_count")
    if auto:
        low, _ = soft(view.count, *root, "min_count")
        high, _ = soft(view.count, *root, "max_count")
        count = Count(low, high, "cluster autoscaler min_count-max_count")
        if low is None:
            count = Count(None, high, "min_count is not set or known after apply")
    elif nodes is not None:
        count = Count.exact(nodes)
    else:
        count = Count(None, None, "node_count known after apply" if nwhy else
                      "node_count not set")
    disk_type, _ = soft(view.get, *root, "os_disk_type")
    disk = None
    if isinstance(disk_type, str) and disk_type.lower() == "ephemeral":
        notes.append("ephemeral OS disk: on the VM's local storage, no disk charge")
    else:
        disk = _os_disk(view, root)
    return PoolSpec(view.region, size, os, option, count, disk, tuple(notes))


def _os_disk(view: SideView, root: tuple[str | int, ...]) -> DiskSpec:
    """A managed node OS disk: its size, or the AKS default when unset; Premium SSD is
    assumed (the plan does not name the disk type)."""
    assumed = "Premium SSD assumed (the plan does not say)"
    size, why = soft(view.number, *root, "os_disk_size_gb", kind=SIZE_GB)
    if why:
        return DiskSpec("node OS disk", ASSUMED_DISK_TYPE, None, unknown=why)
    if size is None:
        return DiskSpec("node OS disk", ASSUMED_DISK_TYPE, DEFAULT_OS_DISK_GB,
                        note=f"os_disk_size_gb not set: {DEFAULT_OS_DISK_GB} GiB (the AKS "
                             f"default); {assumed}")
    return DiskSpec("node OS disk", ASSUMED_DISK_TYPE, size, note=assumed)


def pool_components(label: str, pool: PoolSpec,
                    usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    def disks(nodes: Decimal | None) -> tuple[CostComponent, ...]:
        return () if pool.disk is None else disk_components(pool.disk, pool.region, nodes)
    return fleet_components(label, pool.region, pool.size, pool.os, pool.purchase_option,
                            pool.count, usage, pool.notes, disks)


def extract_cluster(view: SideView) -> ClusterSpec:
    tier, _ = soft(view.get, "sku_tier")
    tier_name = PAID_TIERS.get(str(tier).lower(), "free") if isinstance(tier, str) else "free"
    try:
        pool = read_pool(view, ("default_node_pool", 0))
        why = None
    except UnknownAttribute as exc:
        pool, why = None, str(exc)
    return ClusterSpec(view.region, tier_name, pool, why)


def cluster_components(spec: ClusterSpec,
                       usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    out: list[CostComponent] = []
    if spec.tier != "free":
        out.append(CostComponent(
            f"cluster management ({spec.tier.title()} tier)",
            PriceKey.of(PROVIDER, "compute", "aks_management", spec.region, tier=spec.tier),
            "hour", "hour", Decimal(1)))
    if spec.pool is None:
        out.append(CostComponent(
            "default node pool", PriceKey.of(PROVIDER, "compute", "instance", spec.region,
                                             instance_type="unknown", os="linux"),
            "hour", "hour", None, "unknown", spec.pool_why or "default_node_pool unknown"))
    else:
        out.extend(pool_components("default pool nodes", spec.pool, usage))
    return tuple(out)


def extract_node_pool(view: SideView) -> PoolSpec:
    """A node pool runs in its cluster's region (it has no location of its own)."""
    pool = read_pool(view, ())
    if pool.region is None:
        for cluster in view.related("azurerm_kubernetes_cluster", "kubernetes_cluster_id"):
            if cluster.region:
                return replace(pool, region=cluster.region,
                               notes=pool.notes + (f"region {cluster.region} from "
                                                   f"{cluster.address}",))
    return pool


def node_pool_components(spec: PoolSpec,
                         usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return pool_components("nodes", spec, usage)


def _launchable(root: tuple[str | int, ...]):  # type: ignore[no-untyped-def]
    def read(view: SideView) -> Launchable:
        size, why = soft(view.get, *root, "vm_size")
        if not isinstance(size, str) or not size:
            return Launchable(unknown=why is not None)
        priority, pwhy = soft(view.get, *root, "priority")
        return Launchable((azure_machine(size),), purchase_options=(priority_option(priority),),
                          options_unknown=pwhy is not None)
    return read


MODELS: tuple[CostModel, ...] = (
    CostModel("azurerm_kubernetes_cluster", extract_cluster, cluster_components, (INSTANCES,),
              note="default node pool nodes (count or autoscaler min-max) and disks, plus "
                   "the Standard/Premium tier fee",
              launchable=_launchable(("default_node_pool", 0))),
    CostModel("azurerm_kubernetes_cluster_node_pool", extract_node_pool, node_pool_components,
              (INSTANCES,), note="nodes (count or autoscaler min-max) x vm_size, priority Spot",
              launchable=_launchable(())),
)
