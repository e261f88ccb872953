"""SageMaker real-time endpoints (via their configuration) and notebook instances."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import (CostComponent, CostModel, Launchable, SideView, UnknownAttribute,
                          UsageField)
from ...costs.numbers import MEMORY_MB, SIZE_GB
from .common import (GB_MONTH, first_related, machine_facts, sagemaker_key, sagemaker_machine,
                     soft, text, usage_component, with_notes)
from .machines import variant_machines

INFERENCE_SECONDS = UsageField(
    "monthly_inference_seconds",
    "compute seconds per month of the endpoint's serverless variant")
NOTEBOOK_DEFAULT_VOLUME_GB = Decimal(5)  # provider default of volume_size


@dataclass(frozen=True, slots=True)
class VariantSpec:
    name: str
    shadow: bool
    instance_type: str | None  # None for serverless
    count: Decimal | None  # initial_instance_count; None when unknown
    count_why: str | None = None
    memory_mb: str | None = None  # serverless memory_size_in_mb
    notes: tuple[str, ...] = ()
    scaling: tuple[Decimal, Decimal] | None = None  # (min, max) of an auto scaling target


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    region: str | None
    config: str  # address of the endpoint configuration
    variants: tuple[VariantSpec, ...]


def _variant(cfg: SideView, attr: str, i: int) -> VariantSpec:
    path: tuple[str | int, ...] = (attr, i)
    name = text(cfg.get(*path, "variant_name")) or f"{attr}[{i}]"
    shadow = attr == "shadow_production_variants"
    serverless, _ = soft(cfg.block, *path, "serverless_config")
    if serverless is not None:
        memory, _ = soft(cfg.number, *path, "serverless_config", 0, "memory_size_in_mb",
                         kind=MEMORY_MB)
        return VariantSpec(name, shadow, None, None, memory_mb=None if memory is None
                           else str(int(memory)))
    itype, why = soft(cfg.instance_type, *path, "instance_type")
    if itype is None:
        raise UnknownAttribute(path + ("instance_type",),
                               f"{'known after apply' if why else 'not set'} in {cfg.address}")
    count, cwhy = soft(cfg.count, *path, "initial_instance_count")
    notes: tuple[str, ...] = ()
    if soft(cfg.block, *path, "managed_instance_scaling")[0] is not None:
        notes = ("managed instance scaling: priced at initial_instance_count",)
    if count is None:
        cwhy = f"initial_instance_count {'is known after apply' if cwhy else 'is not set'}"
    return VariantSpec(name, shadow, str(itype), count, cwhy, notes=notes)


def extract_endpoint(view: SideView) -> EndpointSpec:
    cfg = first_related(view, "aws_sagemaker_endpoint_configuration", "endpoint_config_name",
                        "endpoint configuration")
    variants = [
        _variant(cfg, attr, i)
        for attr in ("production_variants", "shadow_production_variants")
        for i, _v in enumerate(cfg.blocks(attr))
    ]
    if not variants:
        # AWS requires at least one variant: an empty list means the plan does not show it.
        raise UnknownAttribute(("production_variants",), f"not set in {cfg.address}")
    return EndpointSpec(view.region, cfg.address, tuple(with_scaling(view, variants)))


SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def with_scaling(view: SideView, variants: list[VariantSpec]) -> list[VariantSpec]:
    """Variants with the min-max of the aws_appautoscaling_target that scales them.

    A target belongs to a variant when its resource_id is endpoint/<name>/variant/<variant>
    with this endpoint's name, or when it references this endpoint and names the variant
    (or its resource_id is unknown and the endpoint has one instance variant). The
    variant is then priced at min_capacity, the least it runs; the range is in the note.
    """
    name, _ = soft(view.get, "name")
    hosted = [v for v in variants if v.instance_type is not None and not v.shadow]
    found: dict[str, tuple[str, Decimal | None, Decimal | None, str | None]] = {}
    for target in view.peers("aws_appautoscaling_target"):
        namespace, _ = soft(target.get, "service_namespace")
        dimension, _ = soft(target.get, "scalable_dimension")
        if namespace not in (None, "sagemaker") or dimension not in (None, SCALABLE_DIMENSION):
            continue
        rid, rid_why = soft(target.get, "resource_id")
        mine = view.refers_to_me(target)
        parts = str(rid).split("/") if text(rid) else []
        if len(parts) == 4 and parts[0] == "endpoint" and parts[2] == "variant":
            if not (mine or (text(name) and parts[1] == name)):
                continue
            variant = parts[3]
        elif mine and rid_why and len(hosted) == 1:
            variant = hosted[0].name
        else:
            continue
        low, low_why = soft(target.count, "min_capacity")
        high, high_why = soft(target.count, "max_capacity")
        found[variant] = (target.address, low, high, low_why or high_why)
    return [_scaled(v, found[v.name]) if v in hosted and v.name in found else v
            for v in variants]


def _scaled(v: VariantSpec, target: tuple[str, Decimal | None, Decimal | None, str | None]
            ) -> VariantSpec:
    address, low, high, why = target
    if low is None or high is None:
        note = (f"scaled by {address}, whose min/max capacity is {why or 'not set'}: priced "
                "at initial_instance_count")
        return replace(v, notes=(*v.notes, note))
    note = (f"scaled by {address} between {low} and {high} instances: priced at the "
            f"minimum, {low}" + ("" if v.count is None or v.count == low else
                                 f" (initial_instance_count {v.count})"))
    return replace(v, count=low, count_why=None, notes=(*v.notes, note), scaling=(low, high))


def endpoint_components(spec: EndpointSpec,
                        usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    out: list[CostComponent] = []
    serverless = [v for v in spec.variants if v.instance_type is None]
    for v in spec.variants:
        label = f"{'shadow ' if v.shadow else ''}variant {v.name}"
        if v.instance_type is not None:
            key = sagemaker_key(spec.region, v.instance_type, "hosting")
            scales = "" if v.scaling is None else f", scales {v.scaling[0]}–{v.scaling[1]}"
            out.append(with_notes(CostComponent(
                f"hosting {label} ({v.instance_type}{scales})", key, "hour", "hour", v.count,
                None if v.count is not None else "unknown", v.count_why,
                machine_facts(sagemaker_machine(v.instance_type), spec.region)), v.notes))
            continue
        key = PriceKey.of("aws", "sagemaker", "serverless_inference", spec.region,
                          memory_size_mb=v.memory_mb or "unknown")
        name = f"serverless inference {label} ({v.memory_mb or '?'} MB)"
        if v.memory_mb is None:
            out.append(CostComponent(name, key, "second", "month", None, "unknown",
                                     "serverless memory_size_in_mb is known after apply"))
        elif len(serverless) > 1:
            out.append(CostComponent(name, key, "second", "month", None, "usage",
                                     f"'{INFERENCE_SECONDS.name}' cannot be split between "
                                     f"{len(serverless)} serverless variants"))
        else:
            out.append(usage_component(name, key, "second", usage, INFERENCE_SECONDS.name))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class NotebookSpec:
    region: str | None
    instance_type: str
    volume_gb: Decimal | None
    volume_why: str | None = None


def extract_notebook(view: SideView) -> NotebookSpec:
    itype = view.instance_type("instance_type")
    if itype is None:
        raise UnknownAttribute(("instance_type",), "not set")
    size, why = soft(view.number, "volume_size", kind=SIZE_GB)
    if size is None and why is None:
        size = NOTEBOOK_DEFAULT_VOLUME_GB
    return NotebookSpec(view.region, str(itype), size, why)


def notebook_components(spec: NotebookSpec,
                        usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    storage_key = PriceKey.of("aws", "sagemaker", "ml_storage", spec.region)
    return (
        CostComponent(f"notebook ({spec.instance_type})",
                      sagemaker_key(spec.region, spec.instance_type, "notebook"),
                      "hour", "hour", Decimal(1),
                      facts=machine_facts(sagemaker_machine(spec.instance_type), spec.region)),
        CostComponent("ML storage", storage_key, GB_MONTH, "month", spec.volume_gb,
                      None if spec.volume_gb is not None else "unknown", spec.volume_why),
    )


def endpoint_launchable(view: SideView) -> Launchable:
    """An endpoint runs the variants of its configuration (another resource)."""
    found = view.related("aws_sagemaker_endpoint_configuration", "endpoint_config_name")
    return variant_machines(found[0]) if found else Launchable()


def notebook_launchable(view: SideView) -> Launchable:
    itype, why = soft(view.instance_type, "instance_type")
    if itype is None:
        return Launchable(unknown=why is not None)
    return Launchable((sagemaker_machine(itype),), purchase_options=("on_demand",))


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_sagemaker_endpoint", extract_endpoint, endpoint_components,
              (INFERENCE_SECONDS,),
              note="priced from its aws_sagemaker_endpoint_configuration variants",
              launchable=endpoint_launchable),
    CostModel("aws_sagemaker_notebook_instance", extract_notebook, notebook_components,
              note="runs until stopped: set usage hours_per_month for auto-stopped notebooks",
              launchable=notebook_launchable),
)
