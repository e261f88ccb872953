"""Cloud NAT (`google_compute_router_nat`) and static external addresses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField, soft, usage_component

DATA_PROCESSED = UsageField("monthly_data_processed_gb", "GB processed by the NAT gateway")


@dataclass(frozen=True, slots=True)
class NatSpec:
    region: str | None


def extract_nat(view: SideView) -> NatSpec:
    return NatSpec(view.region)


def nat_components(spec: NatSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    data = usage_component("data processed", PriceKey.of("google", "network", "nat_data",
                                                         spec.region), "GB", usage,
                           DATA_PROCESSED.name)
    return (CostComponent("NAT gateway", PriceKey.of("google", "network", "nat_gateway",
                                                     spec.region), "hour", "hour", Decimal(1),
                          reason="the per-gateway figure (Google bills per VM up to this cap)"),
            data)


@dataclass(frozen=True, slots=True)
class AddressSpec:
    region: str | None
    external: bool


def extract_address(view: SideView) -> AddressSpec:
    kind, _ = soft(view.get, "address_type")  # unset: EXTERNAL
    return AddressSpec(view.region, str(kind or "EXTERNAL").upper() == "EXTERNAL")


def address_components(spec: AddressSpec, usage: Mapping[str, Decimal]
                       ) -> tuple[CostComponent, ...]:
    if not spec.external:
        return ()
    return (CostComponent("static external IP (in use)", PriceKey.of(
        "google", "network", "external_ip", spec.region, state="in_use"), "hour", "hour",
        Decimal(1), reason="priced as attached to a VM; an unused address costs more"),)


MODELS: tuple[CostModel, ...] = (
    CostModel("google_compute_router_nat", extract_nat, nat_components, (DATA_PROCESSED,)),
    CostModel("google_compute_address", extract_address, address_components),
)
