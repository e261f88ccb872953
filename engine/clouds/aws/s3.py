"""aws_s3_bucket: storage per class, requests and retrievals, all from usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField
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
# Requests are billed per class: (usage prefix, catalog storage_class, label, lifecycle
# transitions into it are billed). Standard keeps the short keys monthly_tier1_requests and
# monthly_tier2_requests; every other class has <prefix>_tier1_requests and so on.
REQUEST_CLASSES: tuple[tuple[str, str, str, bool], ...] = (
    ("standard", "STANDARD", "Standard", False),
    ("intelligent_tiering", "INTELLIGENT_TIERING", "Intelligent-Tiering", True),
    ("standard_ia", "STANDARD_IA", "Standard-IA", True),
    ("onezone_ia", "ONEZONE_IA", "One Zone-IA", True),
    ("glacier_ir", "GLACIER_IR", "Glacier Instant Retrieval", True),
    ("glacier", "GLACIER", "Glacier Flexible Retrieval", True),
    ("deep_archive", "DEEP_ARCHIVE", "Glacier Deep Archive", True),
    ("express_onezone", "EXPRESS_ONEZONE", "Express One Zone", False),
)
TIERS = (("tier1", "PUT, COPY, POST and LIST"), ("tier2", "GET, SELECT and all other"))


def request_key(prefix: str, tier: str) -> str:
    return f"monthly_{tier}_requests" if prefix == "standard" else f"{prefix}_{tier}_requests"


def transition_key(prefix: str) -> str:
    return f"{prefix}_transition_requests"


REQUEST_USAGE: tuple[UsageField, ...] = tuple(
    UsageField(request_key(prefix, tier), f"{what} requests to {label} objects per month")
    for prefix, _c, label, _t in REQUEST_CLASSES for tier, what in TIERS
) + tuple(
    UsageField(transition_key(prefix), f"lifecycle transition requests into {label} per month")
    for prefix, _c, label, transition in REQUEST_CLASSES if transition
)
MONITORED_OBJECTS = UsageField("intelligent_tiering_objects",
                               "objects monitored by Intelligent-Tiering (monthly average)")
USAGE: tuple[UsageField, ...] = tuple(
    UsageField(f"{prefix}_storage_gb", f"GB stored in {label} (monthly average)")
    for prefix, _c, label, _r in STORAGE_CLASSES
) + tuple(
    UsageField(f"{prefix}_retrieval_gb", f"GB retrieved from {label} per month")
    for prefix, _c, label, retrieval in STORAGE_CLASSES if retrieval
) + REQUEST_USAGE + (MONITORED_OBJECTS,)


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
    out.extend(request_components(spec.region, usage))
    return tuple(out)


def request_components(region: str | None,
                       usage: Mapping[str, Decimal]) -> list[CostComponent]:
    """Requests at each class's own rates; Standard always (usage needed without usage),
    other classes and lifecycle transitions when their usage is given."""
    out: list[CostComponent] = []
    for prefix, storage_class, label, transition in REQUEST_CLASSES:
        for tier, _what in TIERS:
            name = request_key(prefix, tier)
            if prefix == "standard" or usage.get(name) is not None:
                key = PriceKey.of("aws", "s3", "requests", region, storage_class=storage_class,
                                  tier=tier)
                out.append(usage_component(f"requests ({label}, {tier})", key, "1k requests",
                                           usage, name, scale=THOUSAND))
        if transition and usage.get(transition_key(prefix)) is not None:
            key = PriceKey.of("aws", "s3", "lifecycle_transition", region,
                              storage_class=storage_class)
            out.append(usage_component(f"lifecycle transitions (into {label})", key,
                                       "1k requests", usage, transition_key(prefix),
                                       scale=THOUSAND))
    return out


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_s3_bucket", extract_bucket, bucket_components, USAGE,
              note="usage-based: storage per class and requests; egress is data transfer"),
)
