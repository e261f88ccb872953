"""Azure Machine Learning compute: instances (one VM) and clusters (min–max nodes).

Azure ML bills its compute as the VMs it runs, with no surcharge of its own; a
low-priority cluster is billed on the low-priority meters.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from ...costs.base import CostComponent, CostModel, Launchable, SideView, UnknownAttribute, soft
from .common import INSTANCES, Count, fleet_components, machine_component, workspace_region
from .machines import azure_machine, priority_option


@dataclass(frozen=True, slots=True)
class ComputeSpec:
    region: str | None
    size: str
    purchase_option: str  # "on_demand" | "low_priority"
    count: Count
    notes: tuple[str, ...] = ()


def _size(view: SideView, attr: str = "vm_size") -> str:
    size, why = soft(view.instance_type, attr)
    if size is None:
        raise UnknownAttribute((attr,), "known after apply" if why else "not set")
    return size


def _region(view: SideView) -> tuple[str | None, tuple[str, ...]]:
    region = workspace_region(view)
    return region, (() if region == view.region or region is None
                    else (f"region {region} from its workspace",))


def extract_instance(view: SideView) -> ComputeSpec:
    region, notes = _region(view)
    return ComputeSpec(region, _size(view, "virtual_machine_size"), "on_demand",
                       Count.exact(Decimal(1)), notes)


def extract_cluster(view: SideView) -> ComputeSpec:
    region, notes = _region(view)
    priority, _ = soft(view.get, "vm_priority")
    root = ("scale_settings", 0)
    low, lwhy = soft(view.count, *root, "min_node_count")
    high, hwhy = soft(view.count, *root, "max_node_count")
    if low is None:
        count = Count(None, high, f"scale_settings.min_node_count "
                                  f"{'known after apply' if lwhy else 'not set'}")
    elif high is None:
        count = Count(low, None, "scale_settings.max_node_count "
                                 f"{'known after apply' if hwhy else 'not set'}")
    else:
        count = Count(low, high, "scale_settings min_node_count-max_node_count")
    return ComputeSpec(region, _size(view), priority_option(priority), count, notes)


def instance_components(spec: ComputeSpec,
                        usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (machine_component("compute instance", spec.region, spec.size, "linux",
                              spec.purchase_option, Decimal(1),
                              reason="; ".join(spec.notes) or None),)


def cluster_components(spec: ComputeSpec,
                       usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return fleet_components("nodes", spec.region, spec.size, "linux", spec.purchase_option,
                            spec.count, usage, spec.notes)


def _launchable(size_attr: str, priority_attr: str | None):  # type: ignore[no-untyped-def]
    def read(view: SideView) -> Launchable:
        size, why = soft(view.get, size_attr)
        if not isinstance(size, str) or not size:
            return Launchable(unknown=why is not None)
        priority = soft(view.get, priority_attr)[0] if priority_attr else None
        return Launchable((azure_machine(size),), purchase_options=(priority_option(priority),))
    return read


MODELS: tuple[CostModel, ...] = (
    CostModel("azurerm_machine_learning_compute_instance", extract_instance,
              instance_components, note="one VM of vm_size (Azure ML adds no compute "
                                        "surcharge)", launchable=_launchable("virtual_machine_size", None)),
    CostModel("azurerm_machine_learning_compute_cluster", extract_cluster, cluster_components,
              (INSTANCES,), note="nodes between scale_settings min and max x vm_size, "
                                 "dedicated or low-priority", launchable=_launchable("vm_size", "vm_priority")),
)
