"""Cloud TPU: `google_tpu_node` and `google_tpu_v2_vm`, billed per chip-hour (the host
is included)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import (ComponentFacts, CostComponent, CostModel, Launchable, Machine,
                           SideView, UnknownAttribute, soft)
from .common import LABEL, text
from .machines import tpu_accelerator, tpu_slice


@dataclass(frozen=True, slots=True)
class TpuSpec:
    region: str | None
    accelerator_type: str
    version: str | None  # None: an accelerator type the engine does not understand
    chips: int | None
    purchase_option: str
    notes: tuple[str, ...] = ()


def _accelerator_type(view: SideView) -> str:
    for path in (("accelerator_type",), ("accelerator_config", 0, "type")):
        value, why = soft(view.get, *path)
        if why:
            raise UnknownAttribute(path)
        if text(value):
            if path[0] == "accelerator_config":
                topology, _ = soft(view.get, "accelerator_config", 0, "topology")
                return _from_topology(str(value), topology)
            return str(value)
    raise UnknownAttribute(("accelerator_type",), "not set")


def _from_topology(version: str, topology: object) -> str:
    """accelerator_config {type = "V5P", topology = "2x2x1"} -> "v5p-8" (cores)."""
    v = version.lower().replace("_", "")  # V5LITE_POD -> v5litepod
    chips = 1
    for part in str(topology or "").split("x"):
        if not part.isdigit():
            return f"{v}-?"
        chips *= int(part)
    cores = chips * (2 if v in ("v2", "v3", "v4", "v5p") else 1)  # see machines.tpu_slice
    return f"{v}-{cores}"


def extract_tpu(view: SideView) -> TpuSpec:
    atype = _accelerator_type(view)
    found = tpu_slice(atype)
    notes: list[str] = []
    spot = False
    for path in (("scheduling_config", 0, "preemptible"), ("scheduling_config", 0, "spot"),
                 ("scheduling_config", 0, "reserved")):
        value, _ = soft(view.get, *path)
        if value is True and path[-1] in ("preemptible", "spot"):
            spot = True
            if path[-1] == "preemptible":
                notes.append("preemptible: billed at the spot price")
        if value is True and path[-1] == "reserved":
            notes.append("runs on reserved capacity: priced at on-demand rates")
    if found is None:
        return TpuSpec(view.region, atype, None, None, "spot" if spot else "on_demand",
                       (f"accelerator type {atype!r} is not a known TPU type",))
    return TpuSpec(view.region, atype, found.version, found.chips,
                   "spot" if spot else "on_demand", tuple(notes))


def tpu_components(spec: TpuSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    label = LABEL.get(spec.purchase_option, spec.purchase_option)
    key = PriceKey.of("google", "tpu", "tpu", spec.region, spec.purchase_option,
                      tpu_version=spec.version or spec.accelerator_type)
    name = f"TPU {spec.accelerator_type} ({label})"
    reason = "; ".join(spec.notes) or None
    if spec.chips is None:
        return (CostComponent(name, key, "chip-hour", "hour", None, "unknown", reason),)
    facts = ComponentFacts(purchase_option=spec.purchase_option, region=spec.region,
                           accelerators=(tpu_accelerator(spec.version or ""),))
    reason = "; ".join((f"{spec.chips} chips", *spec.notes))
    return (CostComponent(name, key, "chip-hour", "hour", Decimal(spec.chips), reason=reason,
                          facts=facts),)


def tpu_launchable(view: SideView) -> Launchable:
    try:
        spec = extract_tpu(view)
    except UnknownAttribute:
        return Launchable(unknown=True)
    return Launchable((Machine("google", spec.accelerator_type, family=spec.version),),
                      purchase_options=(spec.purchase_option,))


MODELS: tuple[CostModel, ...] = (
    CostModel("google_tpu_node", extract_tpu, tpu_components,
              note="chips of the accelerator type x the chip-hour price",
              launchable=tpu_launchable),
    CostModel("google_tpu_v2_vm", extract_tpu, tpu_components,
              note="chips of the accelerator type (or accelerator_config) x the chip-hour price",
              launchable=tpu_launchable),
)
