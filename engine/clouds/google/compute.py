"""Compute Engine: VMs, instance templates priced on their managed instance groups,
and persistent disks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from ...costs.base import CostComponent, CostModel, Launchable, SideView, UnknownAttribute, soft
from ...costs.numbers import SIZE_GB
from .common import (LOCAL_SSD_GB, NODES, DiskSpec, MachineSpec, disk_components,
                     machine_components, read_disk, read_gpus, read_purchase_option, scaled,
                     text)
from .machines import google_machine

# GCE's default type for a new persistent disk (the API's, when none is given).
DEFAULT_DISK_TYPE = "pd-standard"
IMAGE_SIZE = "the boot disk takes the image's size"


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    region: str | None
    machine: MachineSpec


def _machine_type(view: SideView) -> str:
    mtype, why = soft(view.get, "machine_type")
    if not text(mtype):
        raise UnknownAttribute(("machine_type",), "known after apply" if why else "not set")
    return str(mtype)


def read_instance(view: SideView) -> MachineSpec:
    mtype = _machine_type(view)
    option, notes = read_purchase_option(view)
    boot = read_disk(view, ("boot_disk", 0, "initialize_params", 0), "boot disk", size="size",
                     kind="type", default_type=DEFAULT_DISK_TYPE, default_size=None,
                     default_why=IMAGE_SIZE)
    scratch = view.blocks("scratch_disk")
    local = sum((soft(view.number, "scratch_disk", i, "size", kind=SIZE_GB)[0] or LOCAL_SSD_GB
                 for i in range(len(scratch))), Decimal(0))
    attached = view.blocks("attached_disk")
    if attached:
        notes += (f"{len(attached)} attached disk(s) priced on their own google_compute_disk",)
    gpus, more = read_gpus(view, ("guest_accelerator",))
    return MachineSpec(mtype, option, gpus, (boot,), local, notes + more)


def extract_instance(view: SideView) -> InstanceSpec:
    return InstanceSpec(view.region, read_instance(view))


def instance_components(spec: InstanceSpec, usage: Mapping[str, Decimal]
                        ) -> tuple[CostComponent, ...]:
    return machine_components(spec.region, spec.machine, Decimal(1))


def instance_launchable(view: SideView) -> Launchable:
    mtype, why = soft(view.get, "machine_type")
    if not text(mtype):
        return Launchable(unknown=why is not None)
    option, _ = read_purchase_option(view)
    return Launchable((google_machine(str(mtype)),), purchase_options=(option,))


# --- instance templates and groups ----------------------------------------------------


def read_template(view: SideView) -> MachineSpec:
    """An instance template's machine: `disk` blocks (boot and attached, `local-ssd`
    ones are scratch), accelerators and scheduling."""
    mtype = _machine_type(view)
    option, notes = read_purchase_option(view)
    disks: list[DiskSpec] = []
    local = Decimal(0)
    for i, _ in enumerate(view.blocks("disk")):
        dtype, _ = soft(view.get, "disk", i, "disk_type")
        if dtype == "local-ssd" or soft(view.get, "disk", i, "type")[0] == "SCRATCH":
            local += soft(view.number, "disk", i, "disk_size_gb", kind=SIZE_GB)[0] or LOCAL_SSD_GB
            continue
        boot = soft(view.get, "disk", i, "boot")[0]
        label = "boot disk" if boot is not False and i == 0 else f"disk {i}"
        if soft(view.get, "disk", i, "source")[0]:
            notes += (f"{label}: an existing disk, priced on its own resource",)
            continue
        disks.append(read_disk(view, ("disk", i), label, size="disk_size_gb", kind="disk_type",
                               default_type=DEFAULT_DISK_TYPE, default_size=None,
                               default_why=IMAGE_SIZE if label == "boot disk" else ""))
    gpus, more = read_gpus(view, ("guest_accelerator",))
    return MachineSpec(mtype, option, gpus, tuple(disks), local, notes + more)


TEMPLATE_TYPES = ("google_compute_instance_template", "google_compute_region_instance_template")


def _template_of(view: SideView) -> SideView:
    for resource_type in TEMPLATE_TYPES:
        for ref in ("version.instance_template", "instance_template"):
            found = view.related(resource_type, ref)
            if found:
                return found[0]
    raise UnknownAttribute(("version", 0, "instance_template"),
                           "not resolvable: the instance template is not in this change")


@dataclass(frozen=True, slots=True)
class GroupSpec:
    region: str | None
    machine: MachineSpec
    low: Decimal | None  # the target size, or the autoscaler's minimum
    high: Decimal | None  # the autoscaler's maximum (= low without one)
    why: str | None = None


AUTOSCALERS = ("google_compute_autoscaler", "google_compute_region_autoscaler")


def _scales(group: SideView, scaler: SideView) -> bool:
    """Whether `scaler` targets `group` (by reference, self link, id or name)."""
    if group.refers_to_me(scaler):
        return True
    target, _ = soft(scaler.get, "target")
    names = {v for a in ("self_link", "id", "name") if isinstance(v := soft(group.get, a)[0], str)}
    return isinstance(target, str) and (target in names or target.rsplit("/", 1)[-1] in names)


def extract_group(view: SideView) -> GroupSpec:
    template = _template_of(view)
    machine = read_template(template)
    target, why = soft(view.count, "target_size")
    for resource_type in AUTOSCALERS:
        for scaler in view.peers(resource_type):
            if not _scales(view, scaler):
                continue
            low, _ = soft(scaler.count, "autoscaling_policy", 0, "min_replicas")
            high, _ = soft(scaler.count, "autoscaling_policy", 0, "max_replicas")
            return GroupSpec(view.region, machine, low if low is not None else Decimal(1), high,
                             None if high is not None else "the autoscaler's maximum is unknown")
    if target is None:
        why = ("target_size is known after apply" if why else
               "target_size is not set (an autoscaler decides)") + "; set usage 'nodes'"
    return GroupSpec(view.region, machine, target, target, why)


def group_components(spec: GroupSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return scaled(spec.region, spec.machine, spec.low, spec.high, spec.why, usage)


def group_launchable(view: SideView) -> Launchable:
    try:
        template = _template_of(view)
    except UnknownAttribute:
        return Launchable(unknown=True)
    return instance_launchable(template) if soft(template.get, "machine_type")[0] else \
        Launchable(unknown=True)


# --- persistent disks -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiskResourceSpec:
    region: str | None
    disk: DiskSpec


def _disk(replication: str):
    def extract(view: SideView) -> DiskResourceSpec:
        image = soft(view.get, "image")[0] or soft(view.get, "snapshot")[0]
        disk = read_disk(view, (), "disk", size="size", kind="type",
                         default_type=DEFAULT_DISK_TYPE, default_size=None,
                         default_why="taken from its image or snapshot" if image else "",
                         replication=replication)
        return DiskResourceSpec(view.region, disk)
    return extract


def disk_cost(spec: DiskResourceSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return disk_components(spec.disk, spec.region)


GROUP_NOTE = "target size (or the autoscaler's min-max as a range) x its instance template"

MODELS: tuple[CostModel, ...] = (
    CostModel("google_compute_instance", extract_instance, instance_components,
              note="machine hours, attached N1 GPUs, boot disk and scratch local SSD",
              launchable=instance_launchable),
    CostModel("google_compute_instance_group_manager", extract_group, group_components, (NODES,),
              note=GROUP_NOTE, launchable=group_launchable),
    CostModel("google_compute_region_instance_group_manager", extract_group, group_components,
              (NODES,), note=GROUP_NOTE,
              launchable=group_launchable),
    CostModel("google_compute_disk", _disk("zonal"), disk_cost),
    CostModel("google_compute_region_disk", _disk("regional"), disk_cost),
)
