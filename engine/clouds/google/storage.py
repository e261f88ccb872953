"""google_storage_bucket: storage per class and location, retrieval and egress, all
from usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField, soft, usage_component
from .common import GB_MONTH, text

STORAGE = UsageField("storage_gb", "GB stored per month")
RETRIEVAL = UsageField("monthly_data_retrieval_gb",
                       "GB read from Nearline, Coldline or Archive objects per month")
EGRESS = UsageField("monthly_egress_gb", "GB sent to the internet per month (Premium tier)")
CLASS_A = UsageField("monthly_class_a_operations",
                     "Class A operations (insert, list, …) per month")
CLASS_B = UsageField("monthly_class_b_operations", "Class B operations (get, …) per month")
THOUSAND = Decimal(1000)
RETRIEVED = frozenset({"NEARLINE", "COLDLINE", "ARCHIVE"})
# Legacy class names that bill as today's ones.
ALIASES = {"MULTI_REGIONAL": "STANDARD", "REGIONAL": "STANDARD"}


@dataclass(frozen=True, slots=True)
class BucketSpec:
    location: str | None  # "us-central1", "us", "nam4": lowercase, as the catalog keys it
    storage_class: str
    notes: tuple[str, ...] = ()


def extract_bucket(view: SideView) -> BucketSpec:
    location, _ = soft(view.get, "location")
    sclass, _ = soft(view.get, "storage_class")
    notes: tuple[str, ...] = ()
    name = str(sclass).upper() if text(sclass) else "STANDARD"
    if name in ALIASES:
        notes += (f"{name} is billed as {ALIASES[name]}",)
        name = ALIASES[name]
    return BucketSpec(str(location).lower() if text(location) else view.region, name, notes)


def bucket_components(spec: BucketSpec, usage: Mapping[str, Decimal]
                      ) -> tuple[CostComponent, ...]:
    c = spec.storage_class
    out = [usage_component(f"storage ({c})", PriceKey.of("google", "storage", "storage", spec.location,
                                                 storage_class=c), GB_MONTH, usage, STORAGE.name)]
    if spec.notes and out[0].quantity is not None:
        out[0] = CostComponent(out[0].name, out[0].key, out[0].unit, "month", out[0].quantity,
                               reason="; ".join(spec.notes))
    if c in RETRIEVED:
        out.append(usage_component(f"retrieval ({c})", PriceKey.of(
            "google", "storage", "retrieval", spec.location, storage_class=c), "GB", usage,
            RETRIEVAL.name))
    for field, op_class in ((CLASS_A, "A"), (CLASS_B, "B")):
        if usage.get(field.name) is not None:
            out.append(usage_component(f"class {op_class} operations ({c})", PriceKey.of(
                "google", "storage", "operations", spec.location, storage_class=c,
                operation_class=op_class), "1k operations", usage, field.name, scale=THOUSAND))
    out.append(usage_component("internet egress", PriceKey.of(
        "google", "network", "internet_egress", spec.location, destination="worldwide"), "GB",
        usage, EGRESS.name))
    return tuple(out)


MODELS: tuple[CostModel, ...] = (
    CostModel("google_storage_bucket", extract_bucket, bucket_components,
              (STORAGE, RETRIEVAL, EGRESS, CLASS_A, CLASS_B)),
)
