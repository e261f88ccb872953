"""aws_ecr_repository (image storage) and aws_cloudwatch_log_group (ingestion and
storage): both priced from usage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping
from decimal import Decimal

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField
from .common import GB_MONTH, soft, text, usage_component

STORAGE_GB = UsageField("storage_gb", "GB stored (monthly average)")
INGESTION_GB = UsageField("monthly_ingestion_gb", "GB of log events ingested per month")
LOG_CLASS = {"STANDARD": "standard", "INFREQUENT_ACCESS": "infrequent_access"}


@dataclass(frozen=True, slots=True)
class RepositorySpec:
    region: str | None


def extract_repository(view: SideView) -> RepositorySpec:
    return RepositorySpec(view.region)


def repository_components(spec: RepositorySpec,
                          usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (usage_component("image storage", PriceKey.of("aws", "ecr", "storage", spec.region),
                            GB_MONTH, usage, STORAGE_GB.name),)


@dataclass(frozen=True, slots=True)
class LogGroupSpec:
    region: str | None
    log_class: str  # standard, infrequent_access


def extract_log_group(view: SideView) -> LogGroupSpec:
    raw = (text(soft(view.get, "log_group_class")[0]) or "STANDARD").upper()
    return LogGroupSpec(view.region, LOG_CLASS.get(raw, raw.lower()))


def log_group_components(spec: LogGroupSpec,
                         usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (
        usage_component(f"ingestion ({spec.log_class})",
                        PriceKey.of("aws", "cloudwatch", "log_ingestion", spec.region,
                                    log_class=spec.log_class), "GB", usage, INGESTION_GB.name),
        usage_component("storage", PriceKey.of("aws", "cloudwatch", "log_storage", spec.region),
                        GB_MONTH, usage, STORAGE_GB.name),
    )


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_ecr_repository", extract_repository, repository_components, (STORAGE_GB,),
              note="image storage from usage"),
    CostModel("aws_cloudwatch_log_group", extract_log_group, log_group_components,
              (INGESTION_GB, STORAGE_GB), note="ingestion and storage from usage"),
)
