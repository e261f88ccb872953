"""The lookup vocabulary of the catalog: what a price is asked for by, and what comes back.

This module is the whole contract between the engine and the catalog; the engine
never reads the data files itself. See `PRICE_KEYS.md` for every service,
product and attribute in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

# Every purchase option the catalog knows: the one list. Each cloud bundle names the
# ones it prices (engine.clouds, Cloud.purchase_options); the JSON schemas' enums are
# checked against it by tests/costs/test_cloud_catalog.py.
PURCHASE_OPTIONS = ("on_demand", "spot", "reserved_1y", "reserved_3y", "low_priority",
                    "committed_1y", "committed_3y", "savings_plan_compute_1y_no_upfront",
                    "savings_plan_compute_3y_no_upfront")


@dataclass(frozen=True, slots=True)
class PriceKey:
    """Exact-match key of one price: provider/service/product, region, attributes."""

    provider: str  # "aws"
    service: str  # "ec2", "sagemaker", "ebs", "s3", "efs", "fsx_lustre", "vpc", "data_transfer"
    product: str  # e.g. "instance", "storage", "iops"
    region: str | None
    attributes: tuple[tuple[str, str], ...] = ()  # sorted (name, value) pairs
    purchase_option: str = "on_demand"

    @classmethod
    def of(cls, provider: str, service: str, product: str, region: str | None,
           purchase_option: str = "on_demand", **attributes: str) -> "PriceKey":
        return cls(provider, service, product, region,
                   tuple(sorted((k, str(v)) for k, v in attributes.items())), purchase_option)

    def attribute(self, name: str) -> str | None:
        for key, value in self.attributes:
            if key == name:
                return value
        return None

    def __str__(self) -> str:
        attrs = ",".join(f"{k}={v}" for k, v in self.attributes)
        return (f"{self.provider}/{self.service}/{self.product}"
                f"[{attrs}]@{self.region or '?'}:{self.purchase_option}")


@dataclass(frozen=True, slots=True)
class PriceTier:
    """Price for the quantity from `start` (inclusive) up to the next tier's start."""

    start: Decimal
    price: Decimal


@dataclass(frozen=True, slots=True)
class Price:
    """One catalog price with its provenance."""

    key: PriceKey
    unit: str  # "hour", "GB-month", "IOPS-month", "MBps-month", "GB", "1k requests", ...
    price: Decimal  # first tier's price when tiered
    currency: str
    source: str  # source id, e.g. "K"
    source_title: str
    as_of: str  # ISO date of the source
    estimated: bool = False  # not pinned by a machine-readable source: shown as estimate
    tiers: tuple[PriceTier, ...] = ()  # non-empty for tiered prices (monthly quantity)
    note: str | None = None
    book: str | None = None  # name of the user price book that overrode it, if any
    # (low, high) where an estimated price lies (a spot band); `price` is the high end
    price_range: tuple[Decimal, Decimal] | None = None

    def cost(self, quantity: Decimal) -> Decimal:
        """Cost of `quantity` units, walking the tiers when the price is tiered."""
        if not self.tiers:
            return quantity * self.price
        total = Decimal(0)
        for i, tier in enumerate(self.tiers):
            if quantity <= tier.start:
                break
            end = self.tiers[i + 1].start if i + 1 < len(self.tiers) else None
            upper = quantity if end is None else min(quantity, end)
            total += (upper - tier.start) * tier.price
        return total


@dataclass(frozen=True, slots=True)
class InstanceInfo:
    """Hardware facts of one machine type of one provider, keyed by (provider, type).

    A type billed under another name (SageMaker's `ml.p5.48xlarge` runs a
    `p5.48xlarge`) is mapped to its hardware by the cost model, not here.
    """

    provider: str  # "aws"
    instance_type: str
    vcpu: int | None
    memory_gib: Decimal | None
    gpu_count: int  # accelerators per instance: GPUs, Trainium/Inferentia chips, Gaudi cards
    gpu_model: str | None  # "NVIDIA H100", "AWS Trainium", ...
    gpu_memory_gb: Decimal | None  # per accelerator
    source: str
    accelerator_kind: str | None = None  # "gpu", "tpu", "trainium", "inferentia", "gaudi"
    accelerator_vendor: str | None = None  # "NVIDIA", "AWS", "Habana"
    accelerator_label: str | None = None  # short name shown in tables: "H100"


# Model-name prefix -> (kind, vendor, whether the table label drops the prefix), for
# hardware rows that do not spell out accelerator_kind/_vendor/_label.
ACCELERATOR_PREFIXES: Mapping[str, tuple[str, str, bool]] = MappingProxyType({
    "NVIDIA ": ("gpu", "NVIDIA", True),
    "AWS Trainium": ("trainium", "AWS", False),
    "AWS Inferentia": ("inferentia", "AWS", False),
    "Habana Gaudi": ("gaudi", "Habana", False),
    "Google TPU": ("tpu", "Google", False),
})


def accelerator_facts(model: str) -> tuple[str | None, str | None, str | None]:
    """(kind, vendor, short label) of an accelerator model from its vendor prefix."""
    for prefix, (kind, vendor, strip) in ACCELERATOR_PREFIXES.items():
        if model.startswith(prefix):
            return kind, vendor, model[len(prefix):] if strip else model
    return None, None, None
