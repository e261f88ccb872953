"""aws_efs_file_system: storage from usage, provisioned throughput from attributes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField
from ...costs.numbers import THROUGHPUT
from .common import GB_MONTH, soft, text, usage_component, with_notes

STORAGE = UsageField("storage_gb", "GB stored in the file system (monthly average, all classes)")
IA_ACCESS = UsageField("monthly_infrequent_access_gb",
                       "GB read from or written to Infrequent Access storage per month")
# Throughput the data stored in the Standard class earns: 50 KiB/s per GiB (AWS EFS pricing),
# the 0.05 MB/s per GB Infracost's golden test bills by (100 MB/s, 230 GB -> 88.5 MB/s).
EARNED_MBPS_PER_GB = Decimal("0.05")
ZERO = Decimal(0)
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
        out.append(_provisioned_throughput(spec, usage))
    return tuple(out)


def _provisioned_throughput(spec: EfsSpec, usage: Mapping[str, Decimal]) -> CostComponent:
    """Provisioned MB/s above what the Standard-class data earns (50 KiB/s per GiB, 0.05 MB/s/GB).

    Without storage usage the whole provisioned figure is billed: an upper bound,
    said so in the reason.
    """
    key = PriceKey.of("aws", "efs", "provisioned_throughput", spec.region)
    name = "provisioned throughput"
    if spec.provisioned_mibps is None:
        return CostComponent(name, key, "MBps-month", "month", None, "unknown",
                             "provisioned_throughput_in_mibps is known after apply")
    total, ia = usage.get(STORAGE.name), usage.get(IA_STORAGE.name)
    if total is None:
        return CostComponent(name, key, "MBps-month", "month", spec.provisioned_mibps,
                             reason=f"at most: all {spec.provisioned_mibps} MB/s billed; set usage "
                                    f"'{STORAGE.name}' to subtract the throughput stored data "
                                    f"earns ({EARNED_MBPS_PER_GB} MB/s per GB)")
    standard = max(Decimal(total) - Decimal(ia or 0), ZERO)
    earned = standard * EARNED_MBPS_PER_GB
    billable = max(spec.provisioned_mibps - earned, ZERO)
    return CostComponent(name, key, "MBps-month", "month", billable,
                         reason=f"{spec.provisioned_mibps} MB/s provisioned − {earned} MB/s "
                                f"earned by {standard} GB in the Standard class")


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_efs_file_system", extract_file_system, file_system_components,
              (STORAGE, IA_STORAGE, IA_ACCESS)),
)
