"""azurerm_storage_account: Blob capacity per access tier, from usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField, soft
from .machines import PROVIDER

TIERS = ("hot", "cool")
USAGE = tuple(UsageField(f"{tier}_storage_gb", f"average GB stored in the {tier.title()} tier "
                                               "(Blob, per month)") for tier in TIERS)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    region: str | None
    redundancy: str  # account_replication_type: "LRS", "GRS", ...
    access_tier: str  # the account's default tier: "hot" | "cool"


def extract_account(view: SideView) -> AccountSpec:
    replication, _ = soft(view.get, "account_replication_type")
    tier, _ = soft(view.get, "access_tier")  # computed; Hot unless set
    return AccountSpec(view.region, str(replication or "LRS").upper(),
                       str(tier).lower() if isinstance(tier, str) and tier else "hot")


def account_components(spec: AccountSpec,
                       usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    out = []
    for tier in TIERS:
        key = PriceKey.of(PROVIDER, "storage", "blob_storage", spec.region, tier=tier,
                          redundancy=spec.redundancy)
        name = f"Blob {tier.title()} storage ({spec.redundancy})"
        field = f"{tier}_storage_gb"
        if field in usage:
            out.append(CostComponent(name, key, "GB-month", "month", Decimal(usage[field])))
        elif tier == spec.access_tier:
            out.append(CostComponent(name, key, "GB-month", "month", None, "usage",
                                     f"set usage '{field}' to price it (the account's "
                                     f"default tier is {tier})"))
    return tuple(out)


MODELS: tuple[CostModel, ...] = (
    CostModel("azurerm_storage_account", extract_account, account_components, USAGE,
              note="Blob GB per access tier from usage; operations and egress not priced"),
)
