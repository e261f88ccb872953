"""aws_s3_bucket: storage per class, requests and retrievals, all from usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ..base import CostComponent, CostModel, SideView, UsageField
from .common import GB_MONTH, usage_component

THOUSAND = Decimal(1000)

# (usage prefix, catalog storage_class, label, has a per-GB retrieval charge).
STORAGE_CLASSES: tuple[tuple[str, str, str, bool], ...] = (
    ("standard", "STANDARD", "Standard", False),
    ("intelligent_tiering_fa", "INTELLIGENT_TIERING_FA", "Intelligent-Tiering frequent", False),
    ("intelligent_tiering_ia", "INTELLIGENT_TIERING_IA", "Intelligent-Tiering infrequent", False),
    ("intelligent_tiering_aa", "INTELLIGENT_TIERING_AA",
     "Intelligent-Tiering archive access", False),
    ("intelligent_tiering_daa", "INTELLIGENT_TIERING_DAA",
     "Intelligent-Tiering deep archive access", False),
    ("express_onezone", "EXPRESS_ONEZONE", "Express One Zone", False),
    ("standard_ia", "STANDARD_IA", "Standard-IA", True),
    ("onezone_ia", "ONEZONE_IA", "One Zone-IA", True),
    ("glacier_ir", "GLACIER_IR", "Glacier Instant Retrieval", True),
    ("glacier", "GLACIER", "Glacier Flexible Retrieval", True),
    ("deep_archive", "DEEP_ARCHIVE", "Glacier Deep Archive", True),
)
REQUESTS = (
    ("tier1", UsageField("monthly_tier1_requests", "PUT, COPY, POST and LIST requests per month")),
    ("tier2", UsageField("monthly_tier2_requests", "GET and all other requests per month")),
)
MONITORED_OBJECTS = UsageField("intelligent_tiering_objects",
                               "objects monitored by Intelligent-Tiering (monthly average)")
USAGE: tuple[UsageField, ...] = tuple(
    UsageField(f"{prefix}_storage_gb", f"GB stored in {label} (monthly average)")
    for prefix, _c, label, _r in STORAGE_CLASSES
) + tuple(
    UsageField(f"{prefix}_retrieval_gb", f"GB retrieved from {label} per month")
    for prefix, _c, label, retrieval in STORAGE_CLASSES if retrieval
) + tuple(field for _t, field in REQUESTS) + (MONITORED_OBJECTS,)


@dataclass(frozen=True, slots=True)
class BucketSpec:
    region: str | None


def extract_bucket(view: SideView) -> BucketSpec:
    return BucketSpec(view.region)


def bucket_components(spec: BucketSpec,
                      usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    """Storage classes with usage; Standard (usage needed) when no storage usage is given."""
    given = {c[0] for c in STORAGE_CLASSES if usage.get(f"{c[0]}_storage_gb") is not None}
    out: list[CostComponent] = []
    for prefix, storage_class, label, retrieval in STORAGE_CLASSES:
        if prefix in given or (not given and prefix == "standard"):
            key = PriceKey.of("aws", "s3", "storage", spec.region, storage_class=storage_class)
            out.append(usage_component(f"storage ({label})", key, GB_MONTH, usage,
                                       f"{prefix}_storage_gb"))
        if retrieval and usage.get(f"{prefix}_retrieval_gb") is not None:
            key = PriceKey.of("aws", "s3", "retrieval", spec.region, storage_class=storage_class)
            out.append(usage_component(f"retrieval ({label})", key, "GB", usage,
                                       f"{prefix}_retrieval_gb"))
    if any(p.startswith("intelligent_tiering") for p in given) or \
            usage.get(MONITORED_OBJECTS.name) is not None:
        key = PriceKey.of("aws", "s3", "monitoring", spec.region,
                          storage_class="INTELLIGENT_TIERING")
        out.append(usage_component("Intelligent-Tiering monitoring", key, "1k objects", usage,
                                   MONITORED_OBJECTS.name, scale=THOUSAND))
    for tier, field in REQUESTS:
        key = PriceKey.of("aws", "s3", "requests", spec.region, tier=tier)
        out.append(usage_component(f"requests ({tier})", key, "1k requests", usage,
                                   field.name, scale=THOUSAND))
    return tuple(out)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_s3_bucket", extract_bucket, bucket_components, USAGE,
              note="usage-based: storage per class and requests; egress is data transfer"),
)
