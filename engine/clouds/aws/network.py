"""aws_nat_gateway, aws_eip and the costwarden_data_transfer pseudo resource."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField
from . import DATA_TRANSFER_TYPE
from .common import dec, text, usage_component

DATA_PROCESSED = UsageField("monthly_data_processed_gb", "GB processed by the NAT gateway")
TWO = Decimal(2)


@dataclass(frozen=True, slots=True)
class NatSpec:
    region: str | None


def extract_nat(view: SideView) -> NatSpec:
    # Public and private NAT gateways have the same hourly and per-GB charges.
    return NatSpec(view.region)


def nat_components(spec: NatSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (
        CostComponent("NAT gateway", PriceKey.of("aws", "vpc", "nat_gateway", spec.region),
                      "hour", "hour", Decimal(1)),
        usage_component("data processed", PriceKey.of("aws", "vpc", "nat_gateway_data",
                                                      spec.region),
                        "GB", usage, DATA_PROCESSED.name),
    )


@dataclass(frozen=True, slots=True)
class DataTransferSpec:
    """Monthly GB leaving `region`, as written in the usage file."""

    region: str | None
    internet_egress_gb: Decimal | None
    inter_region_gb: tuple[tuple[str, Decimal], ...]  # (destination region or "other", GB)
    inter_az_gb: Decimal | None  # GB crossing AZs, counted once


def _inter_region(value: Any, destination: Any) -> tuple[tuple[str, Decimal], ...]:
    """`inter_region_gb` as one number with `destination_region`, or a mapping region -> GB."""
    if isinstance(value, Mapping):
        pairs = ((str(k), dec(v)) for k, v in value.items())
        return tuple(sorted((k, v) for k, v in pairs if v is not None))
    gb = dec(value)
    return () if gb is None else ((text(destination) or "other", gb),)


def extract_data_transfer(view: SideView) -> DataTransferSpec:
    region = text(view.get("region")) or view.region
    return DataTransferSpec(region, view.number("internet_egress_gb"),
                            _inter_region(view.get("inter_region_gb"),
                                          view.get("destination_region")
                                          or view.get("destination")),
                            view.number("inter_az_gb"))


def data_transfer_components(spec: DataTransferSpec,
                             usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    out: list[CostComponent] = []
    if spec.internet_egress_gb is not None:
        out.append(CostComponent("internet egress",
                                 PriceKey.of("aws", "data_transfer", "internet_egress",
                                             spec.region),
                                 "GB", "month", spec.internet_egress_gb))
    for destination, gb in spec.inter_region_gb:
        out.append(CostComponent(f"inter-region to {destination}",
                                 PriceKey.of("aws", "data_transfer", "inter_region", spec.region,
                                             destination=destination),
                                 "GB", "month", gb))
    if spec.inter_az_gb is not None:
        out.append(CostComponent("inter-AZ", PriceKey.of("aws", "data_transfer", "inter_az",
                                                         spec.region),
                                 "GB", "month", spec.inter_az_gb * TWO,
                                 reason="billed on both sides: GB × 2"))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class EipSpec:
    region: str | None


def extract_eip(view: SideView) -> EipSpec:
    # Every public IPv4 address is billed hourly, attached or idle (since 2024-02-01).
    return EipSpec(view.region)


def eip_components(spec: EipSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (public_ipv4(spec.region),)


def public_ipv4(region: str | None) -> CostComponent:
    return CostComponent("public IPv4 address", PriceKey.of("aws", "vpc", "public_ipv4", region),
                         "hour", "hour", Decimal(1))


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_nat_gateway", extract_nat, nat_components, (DATA_PROCESSED,)),
    CostModel("aws_eip", extract_eip, eip_components, note="public IPv4 address, hourly"),
    CostModel(DATA_TRANSFER_TYPE, extract_data_transfer, data_transfer_components,
              note="pseudo resource built from the usage file: monthly GB per direction"),
)
