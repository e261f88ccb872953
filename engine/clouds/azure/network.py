"""azurerm_nat_gateway, azurerm_public_ip and the Azure data-transfer pseudo resource
(the usage file's `data_transfer` entries with `cloud: azure`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField, soft, usage_component
from .machines import PROVIDER

DATA_TRANSFER_TYPE = "costwarden_azure_data_transfer"
DATA_PROCESSED = UsageField("monthly_data_processed_gb", "GB processed by the NAT gateway")

# Azure region names by geography, from their spelling (eastus2, westeurope, uksouth).
_GEOGRAPHIES = (
    ("north_america", re.compile(r"^((east|west|central|northcentral|southcentral|westcentral)"
                                 r"us\d?|canada(central|east))$")),
    ("europe", re.compile(r"^(north|west)europe$|^(uk|france|germany|norway|switzerland|sweden|"
                          r"poland|italy|spain)[a-z]+$")),
)


def geography(region: str | None) -> str | None:
    for name, pattern in _GEOGRAPHIES:
        if region and pattern.match(region):
            return name
    return None


def _key(product: str, region: str | None = None, **attrs: str) -> PriceKey:
    return PriceKey.of(PROVIDER, "network", product, region, **attrs)


@dataclass(frozen=True, slots=True)
class RegionSpec:
    region: str | None


def extract_region(view: SideView) -> RegionSpec:
    return RegionSpec(view.region)


def nat_components(spec: RegionSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    processed = usage_component("data processed", _key("nat_gateway_data", spec.region), "GB",
                                usage, DATA_PROCESSED.name)
    return (CostComponent("NAT gateway", _key("nat_gateway", spec.region), "hour", "hour",
                          Decimal(1)), processed)


def public_ip_components(spec: RegionSpec,
                         usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (CostComponent("public IP address", _key("public_ip", spec.region), "hour", "hour",
                          Decimal(1)),)


@dataclass(frozen=True, slots=True)
class DataTransferSpec:
    """Monthly GB leaving `region`, as written in the usage file."""

    region: str | None
    internet_egress_gb: Decimal | None
    inter_region_gb: tuple[tuple[str, Decimal], ...]  # (destination region, GB)
    inter_az_gb: Decimal | None


def _inter_region(view: SideView) -> tuple[tuple[str, Decimal], ...]:
    value, _ = soft(view.get, "inter_region_gb")
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), gb) for k in value
                            if (gb := view.number("inter_region_gb", str(k))) is not None))
    gb = view.number("inter_region_gb")
    destination: Any = view.get("destination_region") or "other"
    return () if gb is None else ((str(destination), gb),)


def extract_data_transfer(view: SideView) -> DataTransferSpec:
    region = view.get("region") or view.region
    return DataTransferSpec(region if isinstance(region, str) else None,
                            view.number("internet_egress_gb"), _inter_region(view),
                            view.number("inter_az_gb"))


def data_transfer_components(spec: DataTransferSpec,
                             usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    out: list[CostComponent] = []
    if spec.internet_egress_gb is not None:
        out.append(CostComponent("internet egress", _key("internet_egress", spec.region), "GB",
                                 "month", spec.internet_egress_gb))
    source = geography(spec.region)
    for destination, gb in spec.inter_region_gb:
        target = geography(destination)
        area = source if source is not None and source == target else "intercontinental"
        out.append(CostComponent(f"inter-region to {destination}",
                                 _key("inter_region", geography=area), "GB", "month", gb,
                                 reason=f"{spec.region} to {destination}: {area.replace('_', ' ')}",
                                 scope="global"))
    if spec.inter_az_gb is not None:
        out.append(CostComponent("inter-AZ", _key("inter_az"), "GB", "month", spec.inter_az_gb,
                                 scope="global"))
    return tuple(out)


MODELS: tuple[CostModel, ...] = (
    CostModel("azurerm_nat_gateway", extract_region, nat_components, (DATA_PROCESSED,),
              note="hourly gateway plus GB processed (no sourced Azure price yet)"),
    CostModel("azurerm_public_ip", extract_region, public_ip_components,
              note="public IP address, hourly (no sourced Azure price yet)"),
    CostModel(DATA_TRANSFER_TYPE, extract_data_transfer, data_transfer_components,
              note="pseudo resource built from the usage file: monthly GB per direction"),
)
