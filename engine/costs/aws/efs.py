"""aws_efs_file_system: storage from usage, provisioned throughput from attributes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ..base import CostComponent, CostModel, SideView, UsageField
from ..numbers import THROUGHPUT
from .common import GB_MONTH, soft, text, usage_component, with_notes

STORAGE = UsageField("storage_gb", "GB stored in the file system (monthly average, all classes)")
IA_ACCESS = UsageField("monthly_infrequent_access_gb",
                       "GB read from or written to Infrequent Access storage per month")
IA_STORAGE = UsageField("infrequent_access_storage_gb",
                        "GB of storage_gb held in the Infrequent Access class")


@dataclass(frozen=True, slots=True)
class EfsSpec:
    region: str | None
    one_zone: bool
    ia_lifecycle: bool  # a lifecycle policy moves files to Infrequent Access
    throughput_mode: str  # "bursting" | "provisioned" | "elastic"
    provisioned_mibps: Decimal | None  # None: unknown (provisioned mode only)
    notes: tuple[str, ...] = ()


def extract_file_system(view: SideView) -> EfsSpec:
    notes: list[str] = []
    az, az_why = soft(view.get, "availability_zone_name")
    if az_why:
        # Unset shows as known after apply; regional is the case when it is not set.
        notes.append("availability_zone_name known after apply: regional storage assumed")
    policies, _ = soft(view.blocks, "lifecycle_policy")
    ia = any(text(p.get("transition_to_ia")) for p in policies or ())
    mode, _ = soft(view.get, "throughput_mode")
    mode = str(mode or "bursting")
    mibps = None
    if mode == "provisioned":
        mibps, _ = soft(view.number, "provisioned_throughput_in_mibps", kind=THROUGHPUT)
    elif mode == "elastic":
        notes.append("elastic throughput bills reads and writes per GB: not priced")
    return EfsSpec(view.region, text(az) is not None, ia, mode, mibps, tuple(notes))


def file_system_components(spec: EfsSpec,
                           usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    standard_class, ia_class = (("one_zone", "one_zone_ia") if spec.one_zone
                                else ("standard", "standard_ia"))
    standard_key = PriceKey.of("aws", "efs", "storage", spec.region, storage_class=standard_class)
    ia_key = PriceKey.of("aws", "efs", "storage", spec.region, storage_class=ia_class)
    total, ia = usage.get(STORAGE.name), usage.get(IA_STORAGE.name)
    out: list[CostComponent] = []
    if total is not None and ia is not None:
        out.append(CostComponent(f"storage ({standard_class})", standard_key, GB_MONTH, "month",
                                 max(Decimal(total) - Decimal(ia), Decimal(0))))
    else:
        out.append(usage_component(f"storage ({standard_class})", standard_key, GB_MONTH,
                                   usage, STORAGE.name))
    if ia is not None or spec.ia_lifecycle:
        out.append(usage_component(f"storage ({ia_class})", ia_key, GB_MONTH, usage,
                                   IA_STORAGE.name))
        out.append(usage_component("Infrequent Access reads and writes",
                                   PriceKey.of("aws", "efs", "ia_access", spec.region),
                                   "GB", usage, IA_ACCESS.name))
    out[0] = with_notes(out[0], spec.notes)
    if spec.throughput_mode == "provisioned":
        key = PriceKey.of("aws", "efs", "provisioned_throughput", spec.region)
        out.append(CostComponent(
            "provisioned throughput", key, "MBps-month", "month", spec.provisioned_mibps,
            None if spec.provisioned_mibps is not None else "unknown",
            "provisioned_throughput_in_mibps is known after apply"
            if spec.provisioned_mibps is None else
            "AWS bills only throughput above what the stored data earns by bursting"))
    return tuple(out)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_efs_file_system", extract_file_system, file_system_components,
              (STORAGE, IA_STORAGE, IA_ACCESS)),
)
