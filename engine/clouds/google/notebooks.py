"""Vertex AI Workbench instances (`google_workbench_instance`) and user-managed
notebooks (`google_notebooks_instance`): the Compute Engine VM they run, its
accelerators and disks. The Workbench management fee has no sourced price: it is
listed as unpriced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, Launchable, SideView, UnknownAttribute, soft
from ...costs.numbers import SIZE_GB
from .common import DiskSpec, GpuSpec, MachineSpec, machine_components, text
from .machines import google_machine

DEFAULT_DISK_GB = Decimal(150)  # Workbench's default boot and data disk size
_DISK_TYPES = {"PD_STANDARD": "pd-standard", "PD_BALANCED": "pd-balanced", "PD_SSD": "pd-ssd",
               "PD_EXTREME": "pd-extreme"}


def accelerator_type(value: str) -> str:
    """`NVIDIA_TESLA_T4` -> `nvidia-tesla-t4` (the Compute Engine accelerator name)."""
    return value.strip().lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class NotebookSpec:
    region: str | None
    machine: MachineSpec
    workbench: bool


def _disk(view: SideView, label: str, type_path: tuple, size_path: tuple) -> DiskSpec | None:
    dtype, _ = soft(view.get, *type_path)
    size, why = soft(view.number, *size_path, kind=SIZE_GB)
    if not text(dtype) and size is None and not why:
        return None
    disk_type = _DISK_TYPES.get(str(dtype).upper(), "pd-standard") if text(dtype) else \
        "pd-standard"
    note = None if text(dtype) else "disk type not set: pd-standard assumed"
    if size is None:
        return DiskSpec(label, disk_type, DEFAULT_DISK_GB,
                        note="; ".join(filter(None, (note, f"size not set: {DEFAULT_DISK_GB} GB "
                                                           "(the Workbench default)"))))
    return DiskSpec(label, disk_type, size, note=note)


def _gpus(view: SideView, path: tuple) -> tuple[GpuSpec, ...]:
    out = []
    for i, _ in enumerate(view.blocks(*path)):
        gtype, twhy = soft(view.get, *path, i, "type")
        count, cwhy = soft(view.count, *path, i, "core_count")
        if twhy or cwhy:
            raise UnknownAttribute((*path, i))
        if text(gtype) and count:
            out.append(GpuSpec(accelerator_type(str(gtype)), count))
    return tuple(out)


def extract_workbench(view: SideView) -> NotebookSpec:
    root = ("gce_setup", 0)
    mtype, why = soft(view.get, *root, "machine_type")
    if not text(mtype):
        raise UnknownAttribute((*root, "machine_type"), "known after apply" if why else "not set")
    disks = [d for d in (
        _disk(view, "boot disk", (*root, "boot_disk", 0, "disk_type"),
              (*root, "boot_disk", 0, "disk_size_gb")),
        _disk(view, "data disk", (*root, "data_disks", 0, "disk_type"),
              (*root, "data_disks", 0, "disk_size_gb"))) if d is not None]
    return NotebookSpec(view.region, MachineSpec(str(mtype), "on_demand",
                                                 _gpus(view, (*root, "accelerator_configs")),
                                                 tuple(disks)), True)


def extract_notebook(view: SideView) -> NotebookSpec:
    mtype, why = soft(view.get, "machine_type")
    if not text(mtype):
        raise UnknownAttribute(("machine_type",), "known after apply" if why else "not set")
    disks = [d for d in (
        _disk(view, "boot disk", ("boot_disk_type",), ("boot_disk_size_gb",)),
        _disk(view, "data disk", ("data_disk_type",), ("data_disk_size_gb",))) if d is not None]
    return NotebookSpec(view.region, MachineSpec(str(mtype), "on_demand",
                                                 _gpus(view, ("accelerator_config",)),
                                                 tuple(disks)), False)


def notebook_components(spec: NotebookSpec, usage: Mapping[str, Decimal]
                        ) -> tuple[CostComponent, ...]:
    out = machine_components(spec.region, spec.machine, Decimal(1))
    if spec.workbench:
        out += (CostComponent("Workbench management fee", PriceKey.of(
            "google", "compute", "workbench_management", spec.region), "hour", "hour", None,
            "unknown", "no sourced price for the Workbench management fee"),)
    return out


def _launchable(*path: str | int):
    def read(view: SideView) -> Launchable:
        mtype, why = soft(view.get, *path)
        if not text(mtype):
            return Launchable(unknown=why is not None)
        return Launchable((google_machine(str(mtype)),), purchase_options=("on_demand",))
    return read


MODELS: tuple[CostModel, ...] = (
    CostModel("google_workbench_instance", extract_workbench, notebook_components,
              note="its Compute Engine VM, accelerators and disks; the management fee unpriced",
              launchable=_launchable("gce_setup", 0, "machine_type")),
    CostModel("google_notebooks_instance", extract_notebook, notebook_components,
              note="its Compute Engine VM, accelerators and disks",
              launchable=_launchable("machine_type")),
)
