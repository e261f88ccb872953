"""aws_fsx_lustre_file_system: provisioned capacity (not usage) plus backups from usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UnknownAttribute, UsageField
from ...costs.numbers import DAYS, SIZE_GB, THROUGHPUT
from .common import GB_MONTH, soft, text, usage_component

BACKUP_STORAGE = UsageField("backup_storage_gb", "GB of automatic and user backups")


@dataclass(frozen=True, slots=True)
class LustreSpec:
    region: str | None
    capacity_gb: Decimal
    deployment_type: str  # SCRATCH_1, SCRATCH_2, PERSISTENT_1, PERSISTENT_2
    storage_type: str  # SSD, HDD
    throughput_per_tib: str  # "" for scratch
    backups: bool
    notes: tuple[str, ...] = ()


def extract_lustre(view: SideView) -> LustreSpec:
    capacity = view.number("storage_capacity", kind=SIZE_GB)
    if capacity is None:
        raise UnknownAttribute(("storage_capacity",), "not set")
    deployment = str(view.get("deployment_type") or "SCRATCH_1")  # provider default
    storage_type = str(view.get("storage_type") or "SSD")
    throughput = ""
    notes: list[str] = []
    if deployment.startswith("PERSISTENT"):
        per_unit = view.number("per_unit_storage_throughput", kind=THROUGHPUT)
        if per_unit is None:
            raise UnknownAttribute(("per_unit_storage_throughput",),
                                   "not set (required for persistent file systems)")
        throughput = str(int(per_unit)) if per_unit == int(per_unit) else str(per_unit)
    if storage_type == "HDD" and text(soft(view.get, "drive_cache_type")[0]):
        notes.append("SSD read cache of HDD file systems is not priced")
    retention, _ = soft(view.number, "automatic_backup_retention_days", kind=DAYS)
    return LustreSpec(view.region, capacity, deployment, storage_type, throughput,
                      bool(retention), tuple(notes))


def lustre_components(spec: LustreSpec,
                      usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    attrs = {"deployment_type": spec.deployment_type, "storage_type": spec.storage_type,
             "throughput_per_tib": spec.throughput_per_tib}
    tput = f", {spec.throughput_per_tib} MB/s/TiB" if spec.throughput_per_tib else ""
    out = [CostComponent(f"storage ({spec.deployment_type}, {spec.storage_type}{tput})",
                         PriceKey.of("aws", "fsx_lustre", "storage", spec.region, **attrs),
                         GB_MONTH, "month", spec.capacity_gb, reason="; ".join(spec.notes) or None)]
    if spec.backups or usage.get(BACKUP_STORAGE.name) is not None:
        out.append(usage_component("backup storage",
                                   PriceKey.of("aws", "fsx_lustre", "backup", spec.region),
                                   GB_MONTH, usage, BACKUP_STORAGE.name))
    return tuple(out)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_fsx_lustre_file_system", extract_lustre, lustre_components,
              (BACKUP_STORAGE,), note="billed on provisioned storage_capacity"),
)
