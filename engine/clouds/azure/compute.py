"""Azure virtual machines and scale sets: machine hours by size, OS and priority,
plus the OS and data disks they declare."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from ...costs.base import CostComponent, CostModel, Launchable, SideView, UnknownAttribute, soft
from .common import (INSTANCES, Count, DiskSpec, disk_components, fleet_components,
                     machine_component, read_disk)
from .machines import azure_machine, priority_option


@dataclass(frozen=True, slots=True)
class MachineSpec:
    region: str | None
    size: str
    os: str  # "linux" | "windows"
    purchase_option: str  # "on_demand" | "spot"
    count: Count
    disks: tuple[DiskSpec, ...]  # per machine
    notes: tuple[str, ...] = ()


def _size(view: SideView, attr: str) -> str:
    size, why = soft(view.instance_type, attr)
    if size is None:
        raise UnknownAttribute((attr,), "known after apply" if why else "not set")
    return size


def _spot(view: SideView) -> tuple[str, tuple[str, ...]]:
    """(purchase option, notes) from `priority` and `max_bid_price`."""
    priority, _ = soft(view.get, "priority")
    option = priority_option(priority)
    if option != "spot":
        return option, ()
    bid, _ = soft(view.get, "max_bid_price")
    if bid is None or str(bid) in ("-1", "-1.0"):
        return option, ("spot at the catalog price; max_bid_price -1: evicted only for "
                        "capacity, never above the pay-as-you-go price",)
    return option, (f"spot at the catalog price; max_bid_price {bid} $/h is the ceiling of "
                    "the spot band (evicted above it)",)


def _windows_os(view: SideView, default: str) -> tuple[str, tuple[str, ...]]:
    """Windows priced as Linux under Azure Hybrid Benefit (license_type Windows_*)."""
    if default != "windows":
        return default, ()
    license_type, _ = soft(view.get, "license_type")
    if isinstance(license_type, str) and license_type.lower().startswith("windows_"):
        return "linux", (f"license_type {license_type}: Azure Hybrid Benefit, billed at the "
                         "Linux rate",)
    return "windows", ()


def _os_disk(view: SideView, path: tuple[str | int, ...]) -> DiskSpec:
    return read_disk(view, path, "OS disk")


def _vm(os_name: str):  # type: ignore[no-untyped-def]
    def extract(view: SideView) -> MachineSpec:
        size = _size(view, "size")
        option, spot_notes = _spot(view)
        os, os_notes = _windows_os(view, os_name)
        return MachineSpec(view.region, size, os, option, Count.exact(Decimal(1)),
                           (_os_disk(view, ("os_disk", 0)),), spot_notes + os_notes)
    return extract


def extract_classic_vm(view: SideView) -> MachineSpec:
    """azurerm_virtual_machine: `vm_size`, storage_os_disk and storage_data_disk blocks."""
    size = _size(view, "vm_size")
    os_type, _ = soft(view.get, "storage_os_disk", 0, "os_type")
    windows = (isinstance(os_type, str) and os_type.lower() == "windows") or \
        bool(view.blocks("os_profile_windows_config"))
    os, notes = _windows_os(view, "windows" if windows else "linux")
    disks = [read_disk(view, ("storage_os_disk", 0), "OS disk", type_attr="managed_disk_type")]
    data, why = soft(view.blocks, "storage_data_disk")
    if why:
        disks.append(DiskSpec("data disks", None, None, unknown=why))
    for i, _d in enumerate(data or ()):
        disks.append(read_disk(view, ("storage_data_disk", i), f"data disk {i + 1}",
                               type_attr="managed_disk_type"))
    return MachineSpec(view.region, size, os, "on_demand", Count.exact(Decimal(1)),
                       tuple(disks), notes)


def machine_components(spec: MachineSpec,
                       usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return fleet_components("instance", spec.region, spec.size, spec.os, spec.purchase_option,
                            spec.count, usage, spec.notes,
                            lambda n: [c for d in spec.disks
                                       for c in disk_components(d, spec.region, n)])


def single_machine_components(spec: MachineSpec,
                              usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    comp = machine_component("instance", spec.region, spec.size, spec.os, spec.purchase_option,
                             Decimal(1), reason="; ".join(spec.notes) or None)
    return (comp, *[c for d in spec.disks for c in disk_components(d, spec.region)])


# --- scale sets ---------------------------------------------------------------------


def autoscale_count(view: SideView, count: Count) -> Count:
    """The min–max of an `azurerm_monitor_autoscale_setting` that targets the set (its
    first profile's capacity), else `count`."""
    for setting in view.peers("azurerm_monitor_autoscale_setting"):
        if not view.refers_to_me(setting):
            continue
        path = ("profile", 0, "capacity", 0)
        low, lwhy = soft(setting.count, *path, "minimum")
        high, hwhy = soft(setting.count, *path, "maximum")
        if low is None:
            return Count(None, high, f"{setting.address} capacity minimum "
                                     f"{'is known after apply' if lwhy else 'is not set'}")
        if high is None and hwhy is None:
            high = low
        return Count(low, high, f"{setting.address} capacity")
    return count


def _scale_set(os_name: str | None):  # type: ignore[no-untyped-def]
    def extract(view: SideView) -> MachineSpec:
        size_attr = "sku" if os_name is not None else "sku_name"
        size = _size(view, size_attr)
        option, spot_notes = _spot(view)
        os = os_name
        if os is None:  # orchestrated: the OS profile says which
            windows = bool(view.blocks("os_profile", 0, "windows_configuration"))
            os = "windows" if windows else "linux"
        os, os_notes = _windows_os(view, os)
        instances, why = soft(view.count, "instances")
        count = Count.exact(instances) if instances is not None else Count(
            None, None, "instances known after apply" if why else "instances not set")
        count = autoscale_count(view, count)
        return MachineSpec(view.region, size, os, option, count,
                           (_os_disk(view, ("os_disk", 0)),), spot_notes + os_notes)
    return extract


def launchable(size_attr: str, priority_attr: str = "priority"):  # type: ignore[no-untyped-def]
    def read(view: SideView) -> Launchable:
        size, why = soft(view.get, size_attr)
        if not isinstance(size, str) or not size:
            return Launchable(unknown=why is not None)
        priority, pwhy = soft(view.get, priority_attr)
        return Launchable((azure_machine(size),), purchase_options=(priority_option(priority),),
                          options_unknown=pwhy is not None)
    return read


MODELS: tuple[CostModel, ...] = (
    CostModel("azurerm_linux_virtual_machine", _vm("linux"), single_machine_components,
              note="VM hours by size and priority, plus the OS disk",
              launchable=launchable("size")),
    CostModel("azurerm_windows_virtual_machine", _vm("windows"), single_machine_components,
              note="Windows VM hours where a Windows price is sourced, plus the OS disk",
              launchable=launchable("size")),
    CostModel("azurerm_virtual_machine", extract_classic_vm, single_machine_components,
              note="vm_size hours, OS and data disks", launchable=launchable("vm_size")),
    CostModel("azurerm_linux_virtual_machine_scale_set", _scale_set("linux"),
              machine_components, (INSTANCES,),
              note="instances (or an autoscale setting's min-max) x size, plus OS disks",
              launchable=launchable("sku")),
    CostModel("azurerm_windows_virtual_machine_scale_set", _scale_set("windows"),
              machine_components, (INSTANCES,),
              note="instances (or an autoscale setting's min-max) x size, plus OS disks",
              launchable=launchable("sku")),
    CostModel("azurerm_orchestrated_virtual_machine_scale_set", _scale_set(None),
              machine_components, (INSTANCES,),
              note="instances (or an autoscale setting's min-max) x sku_name, plus OS disks",
              launchable=launchable("sku_name")),
)
