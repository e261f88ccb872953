"""Vertex AI resources that carry a machine spec: deployment resource pools and
deployed vector-search indexes. Their nodes are billed at Vertex AI's own node-hour
rates, which no licensed source here states: each side lists its replicas and
accelerators (GPU totals and policies count them) and is unpriced with that reason."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import (ComponentFacts, CostComponent, CostModel, Launchable, SideView,
                           UnknownAttribute, soft)
from .common import text
from .machines import bundles_gpus, google_machine, gpu_accelerator
from .notebooks import accelerator_type

NO_PRICE = "no sourced Vertex AI node-hour price (Vertex bills its own rate, not Compute Engine's)"


@dataclass(frozen=True, slots=True)
class VertexSpec:
    region: str | None
    machine_type: str
    replicas: Decimal | None  # min_replica_count (the autoscaler may add up to max)
    max_replicas: Decimal | None
    accelerator: str | None  # Compute Engine name: nvidia-tesla-a100
    accelerator_count: Decimal


ROOT = ("dedicated_resources", 0)


def extract_vertex(view: SideView) -> VertexSpec:
    spec = (*ROOT, "machine_spec", 0)
    mtype, why = soft(view.get, *spec, "machine_type")
    if not text(mtype):
        raise UnknownAttribute((*spec, "machine_type"), "known after apply" if why else "not set")
    low, _ = soft(view.count, *ROOT, "min_replica_count")
    high, _ = soft(view.count, *ROOT, "max_replica_count")
    accel, _ = soft(view.get, *spec, "accelerator_type")
    count, _ = soft(view.count, *spec, "accelerator_count")
    name = accelerator_type(str(accel)) if text(accel) and accel != \
        "ACCELERATOR_TYPE_UNSPECIFIED" else None
    return VertexSpec(view.region, str(mtype), low if low is not None else Decimal(1), high,
                      name, count or (Decimal(1) if name else Decimal(0)))


def vertex_components(spec: VertexSpec, usage: Mapping[str, Decimal]
                      ) -> tuple[CostComponent, ...]:
    accelerators = ()
    # A machine type that bundles its GPUs (a2, a3, g2) brings them by its hardware facts.
    if spec.accelerator and not bundles_gpus(spec.machine_type):
        one = gpu_accelerator(spec.accelerator)
        accelerators = (type(one)(one.kind, one.vendor, one.model, one.label,
                                  int(spec.accelerator_count), one.memory_gb),)
    facts = ComponentFacts(machine=google_machine(spec.machine_type), purchase_option="on_demand",
                           region=spec.region, accelerators=accelerators)
    scale = f"{spec.replicas} to {spec.max_replicas if spec.max_replicas is not None else '?'}"
    gpus = f" with {spec.accelerator_count} x {spec.accelerator}" if spec.accelerator else ""
    return (CostComponent(
        f"prediction nodes ({spec.machine_type}{gpus})",
        PriceKey.of("google", "compute", "vertex_node", spec.region,
                    instance_type=spec.machine_type),
        "hour", "hour", spec.replicas, reason=f"{scale} replicas; {NO_PRICE}", facts=facts),)


def vertex_launchable(view: SideView) -> Launchable:
    mtype, why = soft(view.get, *ROOT, "machine_spec", 0, "machine_type")
    if not text(mtype):
        return Launchable(unknown=why is not None)
    return Launchable((google_machine(str(mtype)),), purchase_options=("on_demand",))


MODELS: tuple[CostModel, ...] = (
    CostModel("google_vertex_ai_deployment_resource_pool", extract_vertex, vertex_components,
              note="replicas x machine spec; Vertex node-hour prices are not sourced",
              launchable=vertex_launchable),
    CostModel("google_vertex_ai_index_endpoint_deployed_index", extract_vertex,
              vertex_components,
              note="replicas x machine spec; Vertex node-hour prices are not sourced",
              launchable=vertex_launchable),
)
