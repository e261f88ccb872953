"""What Google Cloud VMs, templates and node pools share: one machine's spec (type,
purchase option, GPUs, disks, local SSD) read from its attributes, and the cost
components of N such machines.

Only the `read_*` functions look at attribute names; `machine_components` and
`disk_components` are pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal, Mapping, Sequence

from pricing_catalog.keys import PriceKey

from ...costs.base import (ComponentFacts, CostComponent, SideView, UnknownAttribute,
                           UsageField, _path_str, between, soft)
from ...costs.numbers import SIZE_GB
from .machines import (bundles_gpus, custom_shape, google_machine, gpu_accelerator,
                       tpu_accelerator, tpu_machine_chips)

ZERO = Decimal(0)
GB_MONTH = "GB-month"
LOCAL_SSD_GB = Decimal(375)  # one local SSD partition (GCE's fixed size)
LABEL = {"on_demand": "on-demand", "spot": "spot"}

NODES = UsageField("nodes", "average number of running nodes or instances in all zones "
                            "(overrides the configured or minimum count of a group that scales)")

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class DiskSpec:
    """One persistent disk. None fields are unknown; `unknown` says why."""

    label: str  # "boot disk", "disk"
    disk_type: str | None
    size_gb: Decimal | None
    replication: str = "zonal"  # "zonal" | "regional"
    unknown: str | None = None
    note: str | None = None  # an assumption the price rests on


@dataclass(frozen=True, slots=True)
class GpuSpec:
    """GPUs attached to one machine (a guest_accelerator block)."""

    gpu_type: str
    count: Decimal
    partition: str | None = None  # gpu_partition_size (MIG): noted, billed as whole GPUs


@dataclass(frozen=True, slots=True)
class MachineSpec:
    """What one VM or node runs and is billed for."""

    machine_type: str
    purchase_option: str  # "on_demand" | "spot"
    gpus: tuple[GpuSpec, ...] = ()
    disks: tuple[DiskSpec, ...] = ()
    local_ssd_gb: Decimal = ZERO
    notes: tuple[str, ...] = ()


def text(value: object) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def instance_key(region: str | None, machine_type: str, option: str) -> PriceKey:
    return PriceKey.of("google", "compute", "instance", region, option, instance_type=machine_type)


# --- reading ------------------------------------------------------------------------


def read_purchase_option(view: SideView, *root: str | int,
                         spot_field: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Spot for `scheduling.provisioning_model = "SPOT"`, `scheduling.preemptible`, or
    (node pools) `spot`/`preemptible` on `root`; preemptible VMs bill at the spot price."""
    notes: tuple[str, ...] = ()
    if spot_field is not None:
        spot, _ = soft(view.get, *root, spot_field)
        preemptible, _ = soft(view.get, *root, "preemptible")
    else:
        model, _ = soft(view.get, *root, "scheduling", 0, "provisioning_model")
        spot = str(model).upper() == "SPOT"
        preemptible, _ = soft(view.get, *root, "scheduling", 0, "preemptible")
    if spot is True:
        return "spot", notes
    if preemptible is True:
        return "spot", ("preemptible: billed at the spot price",)
    return "on_demand", notes


def read_gpus(view: SideView, path: Path) -> tuple[tuple[GpuSpec, ...], tuple[str, ...]]:
    """guest_accelerator blocks at `path`: (type and count of each, notes). A whole list
    known only after apply is one the configuration leaves unset (the provider computes
    it): no attached GPUs. An unknown type or count is unknown."""
    blocks, why = soft(view.blocks, *path)
    if why:
        return (), (f"{_path_str(path)} is known after apply: the configuration attaches no "
                    "GPUs",)
    out = []
    for i, _ in enumerate(blocks or ()):
        gtype, twhy = soft(view.get, *path, i, "type")
        count, cwhy = soft(view.count, *path, i, "count")
        if twhy or not text(gtype):
            raise UnknownAttribute((*path, i, "type"), "known after apply" if twhy else "not set")
        if cwhy:
            raise UnknownAttribute((*path, i, "count"))
        if count is None or count == 0:
            continue
        partition, _ = soft(view.get, *path, i, "gpu_partition_size")
        out.append(GpuSpec(str(gtype), count, text(partition)))
    return tuple(out), ()


def read_disk(view: SideView, path: Path, label: str, *, size: str, kind: str,
              default_type: str | None, default_size: Decimal | None,
              default_why: str = "", replication: str = "zonal") -> DiskSpec:
    """A disk from `path` (a block, or () for the resource itself); a type or size the plan
    leaves unset takes the given default (noted), else is unknown."""
    dtype, twhy = soft(view.get, *path, kind)
    dsize, swhy = soft(view.number, *path, size, kind=SIZE_GB)
    notes = []
    if not text(dtype):
        if default_type is None:
            return DiskSpec(label, None, None, replication,
                            f"{_path_str((*path, kind))} is {'known after apply' if twhy else 'not set'}")
        dtype = default_type
        notes.append(f"{kind} {'known after apply' if twhy else 'not set'}: {default_type} "
                     "assumed")
    if dsize is None:
        where = _path_str((*path, size))
        if default_size is None:
            return DiskSpec(label, str(dtype), None, replication,
                            f"{where} is {'known after apply' if swhy else 'not set'}"
                            f"{' (' + default_why + ')' if default_why else ''}")
        dsize = default_size
        notes.append(f"{size} {'known after apply' if swhy else 'not set'}: {default_size} GB"
                     f"{' (' + default_why + ')' if default_why else ''}")
    return DiskSpec(label, str(dtype), dsize, replication, note="; ".join(notes) or None)


# --- components ---------------------------------------------------------------------


def disk_components(disk: DiskSpec, region: str | None, count: Decimal | None = Decimal(1),
                    prefix: str = "") -> tuple[CostComponent, ...]:
    name = f"{prefix}{disk.label} ({disk.disk_type or 'type unknown'}"
    name += ", regional)" if disk.replication == "regional" else ")"
    key = PriceKey.of("google", "compute", "disk", region, disk_type=disk.disk_type or "unknown",
                      replication=disk.replication)
    if disk.disk_type is None or disk.size_gb is None or count is None:
        return (CostComponent(name, key, GB_MONTH, "month", None, "unknown",
                              disk.unknown or "the machine count is unknown"),)
    return (CostComponent(name, key, GB_MONTH, "month", disk.size_gb * count, reason=disk.note),)


def machine_components(region: str | None, spec: MachineSpec, count: Decimal | None,
                       count_why: str | None = None, prefix: str = "",
                       extra: Sequence[CostComponent] = ()) -> tuple[CostComponent, ...]:
    """`count` machines of `spec`: machine hours (TPU chip-hours for a TPU machine type),
    attached GPUs (never for types that bundle them), disks and local SSD."""
    option = spec.purchase_option
    label = LABEL.get(option, option)
    notes = list(spec.notes)
    out: list[CostComponent] = []
    tpu = tpu_machine_chips(spec.machine_type)
    if tpu is not None:
        key = PriceKey.of("google", "tpu", "tpu", region, option, tpu_version=tpu.version)
        chips = None if count is None else count * tpu.chips
        # The chips are the accelerators; a TPU machine type has no hardware row of its own.
        facts = ComponentFacts(purchase_option=option, region=region,
                               accelerators=(tpu_accelerator(tpu.version),))
        notes.append(f"{tpu.chips} TPU {tpu.version} chips per node, billed per chip-hour")
        out.append(_counted(f"{prefix}TPU {tpu.version} chips ({spec.machine_type}, {label})",
                            key, "chip-hour", chips, count_why, facts))
    else:
        facts = ComponentFacts(machine=google_machine(spec.machine_type), purchase_option=option,
                               region=region)
        shape = custom_shape(spec.machine_type)
        if shape is not None:
            notes.append(f"custom machine type ({shape[1]} vCPU, {shape[2]} GB): billed per vCPU "
                         "and GB, priced only where the catalog lists the type")
        out.append(_counted(f"{prefix}instance ({spec.machine_type}, {label})",
                            instance_key(region, spec.machine_type, option), "hour", count,
                            count_why, facts))
    out[0] = _with_notes(out[0], notes)
    for gpu in spec.gpus:
        if bundles_gpus(spec.machine_type):
            out[0] = _with_notes(out[0], [f"guest_accelerator {gpu.gpu_type} x {gpu.count} is "
                                          f"included in {spec.machine_type}"])
            continue
        per = gpu.count
        key = PriceKey.of("google", "compute", "gpu", region, option, gpu_type=gpu.gpu_type)
        facts = ComponentFacts(purchase_option=option, region=region,
                               accelerators=(gpu_accelerator(gpu.gpu_type),))
        c = _counted(f"{prefix}GPU {gpu.gpu_type} x {per} ({label})", key, "hour",
                     None if count is None else count * per, count_why, facts)
        if gpu.partition:
            c = _with_notes(c, [f"gpu_partition_size {gpu.partition}: partitions share one "
                                "GPU, billed as the whole GPU"])
        out.append(c)
    for disk in spec.disks:
        out.extend(disk_components(disk, region, count, prefix))
    if spec.local_ssd_gb:
        key = PriceKey.of("google", "compute", "local_ssd", region, option)
        out.append(_counted(f"{prefix}local SSD ({label})", key, GB_MONTH,
                            None if count is None else count * spec.local_ssd_gb, count_why,
                            per="month"))
    out.extend(extra)
    return tuple(out)


def _counted(name: str, key: PriceKey, unit: str, quantity: Decimal | None,
             why: str | None, facts: ComponentFacts | None = None,
             per: Literal["hour", "month"] = "hour") -> CostComponent:
    if quantity is None:
        return CostComponent(name, key, unit, per, None, "unknown",
                             why or "the machine count is unknown", **_facts(facts))
    return CostComponent(name, key, unit, per, quantity, **_facts(facts))


def _facts(facts: ComponentFacts | None) -> dict[str, ComponentFacts]:
    return {"facts": facts} if facts is not None else {}


def _with_notes(component: CostComponent, notes: Sequence[str]) -> CostComponent:
    parts = [p for p in (component.reason, *notes) if p]
    return replace(component, reason="; ".join(parts) if parts else None)


def headroom(region: str | None, spec: MachineSpec, low: Decimal,
             usage_name: str = NODES.name) -> CostComponent:
    """The nodes an autoscaler without a known maximum may add above its minimum:
    usage needed."""
    return CostComponent(
        f"scaled-up {spec.machine_type} nodes above the minimum {low}",
        instance_key(region, spec.machine_type, spec.purchase_option), "hour", "hour", None,
        "usage", f"the autoscaler runs {low} to an unbounded number of machines; priced at "
                 f"the minimum, set usage '{usage_name}' for the average",
        facts=ComponentFacts(machine=google_machine(spec.machine_type),
                             purchase_option=spec.purchase_option, region=region))


def scaled(region: str | None, spec: MachineSpec, low: Decimal | None, high: Decimal | None,
           why: str | None, usage: Mapping[str, Decimal], prefix: str = ""
           ) -> tuple[CostComponent, ...]:
    """Machines of a group: usage `nodes` when given, else the fixed count, or the
    autoscaler's min–max as a range (with no maximum known: the minimum, and the
    headroom as a usage-needed line)."""
    if usage.get(NODES.name) is not None:
        return machine_components(region, spec, Decimal(usage[NODES.name]), prefix=prefix)
    if low is None or high == low:
        return machine_components(region, spec, low, why, prefix)
    if high is None:
        return machine_components(region, spec, low, why, prefix, (headroom(region, spec, low),))
    note = (f"the autoscaler runs {low} to {high} machines: priced as a range, set usage "
            f"'{NODES.name}' for the average",)
    ranged = replace(spec, notes=spec.notes + note)
    return between(machine_components(region, ranged, low, why, prefix),
                   machine_components(region, ranged, high, why, prefix))
