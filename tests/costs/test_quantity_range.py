"""A component whose quantity is a range (`quantity_low`…`quantity`) is priced at both
ends; with a price band (an estimated spot price) too, the low end is the fewest
machines at the band's low price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine import Session
from engine.clouds import Cloud
from engine.costs.base import ComponentFacts, CostComponent, CostModel, between
from engine.model import ChangeSet, Machine, ResourceChange, side_range
from engine.pricing import estimate
from pricing_catalog.keys import PriceKey

SPOT = PriceKey.of("aws", "ec2", "instance", "us-east-1", "spot", instance_type="m5.large",
                   os="linux", tenancy="shared")
ON_DEMAND = PriceKey.of("aws", "ec2", "instance", "us-east-1", instance_type="m5.large",
                        os="linux", tenancy="shared")


def _price(key: PriceKey, low: int, high: int):  # type: ignore[no-untyped-def]
    facts = ComponentFacts(machine=Machine("aws", "m5.large", "m5"))

    def components(spec, usage):  # type: ignore[no-untyped-def]
        return (CostComponent("nodes", key, "hour", "hour", Decimal(high), facts=facts,
                              quantity_low=Decimal(low)),)
    toy = Cloud(name="toy", providers=("toy",),
                models=(CostModel("toy_group", lambda view: None, components),))
    session = Session(clouds=[toy])
    change = ResourceChange("toy_group.g", "toy_group", "g", "toy", "create", None, {})
    est = estimate(ChangeSet("terraform-plan", "x", (change,)), catalog=session.catalog,
                   usage=session.usage, registry=session.registry)
    return est.resources[0]


def test_a_quantity_range_is_priced_at_both_ends() -> None:
    r = _price(ON_DEMAND, 1, 4)
    (c,) = r.after.components
    assert c.unit_price_range is None and c.quantity_low == 1
    assert c.hourly == 4 * c.unit_price and c.hourly_low == c.unit_price
    assert (r.after.hourly_low, r.after.hourly) == (c.unit_price, 4 * c.unit_price)
    assert r.after.monthly_low * 4 == r.after.monthly
    assert side_range(r.after, "hourly").low == c.unit_price


def test_a_quantity_range_combines_with_a_price_band() -> None:
    r = _price(SPOT, 2, 5)
    (c,) = r.after.components
    low, high = c.unit_price_range
    assert low < high == c.unit_price
    assert c.hourly == 5 * high
    assert c.hourly_low == 2 * high * (low / high)
    assert side_range(r.after, "hourly").low == c.hourly_low


def test_a_range_starting_at_zero_is_zero_to_max() -> None:
    r = _price(ON_DEMAND, 0, 3)
    assert r.status == "priced" and r.after.hourly_low == 0 and r.after.hourly > 0


def test_between_needs_the_same_components() -> None:
    one = (CostComponent("a", ON_DEMAND, "hour", "hour", Decimal(1)),)
    two = (CostComponent("b", ON_DEMAND, "hour", "hour", Decimal(2)),)
    with pytest.raises(ValueError):
        between(one, two)
    (same,) = between(one, one)
    assert same.quantity_low is None  # an exact count stays exact
