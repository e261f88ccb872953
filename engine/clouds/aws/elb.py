"""aws_lb / aws_alb: load balancer hours plus capacity units (LCUs) from usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField
from .common import soft, text, usage_component

CAPACITY_UNITS = UsageField("capacity_units", "average load balancer capacity units (LCU/NLCU) "
                                              "per hour")


@dataclass(frozen=True, slots=True)
class LoadBalancerSpec:
    region: str | None
    lb_type: str  # application, network, gateway


def extract_lb(view: SideView) -> LoadBalancerSpec:
    kind = text(soft(view.get, "load_balancer_type")[0]) or "application"  # provider default
    return LoadBalancerSpec(view.region, kind)


def lb_components(spec: LoadBalancerSpec,
                  usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (
        CostComponent(f"load balancer ({spec.lb_type})",
                      PriceKey.of("aws", "elb", "load_balancer", spec.region, type=spec.lb_type),
                      "hour", "hour", Decimal(1)),
        usage_component("capacity units", PriceKey.of("aws", "elb", "lcu", spec.region,
                                                      type=spec.lb_type),
                        "LCU-hour", usage, CAPACITY_UNITS.name, per="hour"),
    )


MODELS: tuple[CostModel, ...] = tuple(
    CostModel(t, extract_lb, lb_components, (CAPACITY_UNITS,),
              note="hourly plus capacity units from usage") for t in ("aws_lb", "aws_alb"))
