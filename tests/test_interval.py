"""engine.model.Interval: the money interval every total, report and limit uses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from engine.model import (AT_LEAST_ZERO, UNBOUNDED, ZERO_INTERVAL, Interval, ResourceChange,
                          ResourceCost, SideCost, delta_range, side_range)

D = Decimal
I = Interval  # noqa: E741


@pytest.mark.parametrize("a,b,total", [
    (I(D(1), D(1)), I(D(2), D(2)), I(D(3), D(3))),
    (I(D(1), None), I(D(2), D(2)), I(D(3), None)),
    (I(None, D(0)), I(D(14), D(14)), I(None, D(14))),
    (I(D(5), None), I(None, D(0)), UNBOUNDED),
    (I(D(1), D(2)), I(D(3), D(5)), I(D(4), D(7))),
])
def test_sum(a: Interval, b: Interval, total: Interval) -> None:
    assert a + b == total == b + a


@pytest.mark.parametrize("a,b,difference", [
    (I(D(10), D(10)), I(D(3), D(3)), I(D(7), D(7))),
    (I(D(30), None), I(D(10), D(10)), I(D(20), None)),   # update: lower bound after a figure
    (I(D(0), D(0)), I(D(0), None), I(None, D(0))),       # an unknown deletion
    (I(D(30), None), I(D(10), None), UNBOUNDED),         # two lower bounds say nothing
])
def test_difference(a: Interval, b: Interval, difference: Interval) -> None:
    assert a - b == difference


# (interval, operator, limit, verdict): decided only when it lies on one side
TESTS = [
    (I(D(14), D(14)), "lte", D(250), True), (I(None, D(14)), "lte", D(250), True),
    (I(D(220), None), "lte", D(250), None), (I(D(275), None), "lte", D(250), False),
    (I(D(250), None), "lte", D(250), None), (I(D(250), None), "lt", D(250), False),
    (I(None, D(250)), "lte", D(250), True), (I(None, D(250)), "lt", D(250), None),
    (UNBOUNDED, "lte", D(250), None), (AT_LEAST_ZERO, "gte", D(0), True),
    (I(D(5), None), "gt", D(4), True), (I(None, D(3)), "gt", D(4), False),
    (I(None, D(3)), "gte", D(3), None), (I(D(1), D(2)), "gte", D(3), False),
    (I(D(2), D(2)), "equals", D(2), True), (I(D(2), None), "equals", D(1), False),
    (I(D(2), None), "equals", D(3), None), (I(D(2), None), "not_equals", D(1), True),
    (I(D(2), D(2)), "not_equals", D(2), False), (I(D(2), None), "not_equals", D(3), None),
]


@pytest.mark.parametrize("interval,op,limit,verdict", TESTS)
def test_limit(interval: Interval, op: str, limit: Decimal, verdict: bool | None) -> None:
    assert interval.test(op, limit) is verdict


def test_an_empty_interval_is_refused() -> None:
    with pytest.raises(ValueError):
        I(D(2), D(1))


def test_scale_and_exactness() -> None:
    assert I(D(2), None).scale(D(3)) == I(D(6), None)
    assert UNBOUNDED.scale(D(0)) == ZERO_INTERVAL
    assert I.exact(D(4)).value == D(4) and I(D(4), None).value is None
    assert not UNBOUNDED.bounded and I(D(1), D(2)).bounded


finite = st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False,
                     allow_infinity=False)


@st.composite
def interval_and_point(draw):  # type: ignore[no-untyped-def]
    """An interval (ends maybe unbounded) and a point inside it."""
    point = draw(finite)
    lo = draw(st.one_of(st.none(), st.decimals(min_value=-10**6, max_value=point, places=4)))
    hi = draw(st.one_of(st.none(), st.decimals(min_value=point, max_value=10**6, places=4)))
    return I(lo, hi), point


def _contains(interval: Interval, x: Decimal) -> bool:
    return (interval.low is None or interval.low <= x) and (interval.high is None or x <= interval.high)


@given(interval_and_point(), interval_and_point())
def test_arithmetic_contains_the_true_figure(a, b) -> None:  # type: ignore[no-untyped-def]
    (ia, xa), (ib, xb) = a, b
    assert _contains(ia + ib, xa + xb)
    assert _contains(ia - ib, xa - xb)


@given(interval_and_point(), finite, st.sampled_from(["lt", "lte", "gt", "gte", "equals",
                                                      "not_equals"]))
def test_a_decided_limit_holds_for_the_true_figure(a, limit, op) -> None:  # type: ignore[no-untyped-def]
    interval, x = a
    truth = {"lt": x < limit, "lte": x <= limit, "gt": x > limit, "gte": x >= limit,
             "equals": x == limit, "not_equals": x != limit}[op]
    verdict = interval.test(op, limit)
    assert verdict is None or verdict is truth
    if interval.is_exact:
        assert verdict is truth  # an exact figure is always decided


# --- a resource's sides and delta ------------------------------------------------

def _side(hourly: str | None, status: str = "priced", complete: bool = True) -> SideCost:
    h = None if hourly is None else D(hourly)
    return SideCost(status=status, hourly=h, monthly=None if h is None else h * 730,  # type: ignore[arg-type]
                    complete=complete)


def _cost(action: str, before: SideCost | None, after: SideCost | None) -> ResourceCost:
    change = ResourceChange(address="aws_instance.x", type="aws_instance", name="x",
                            provider="aws", action=action, before={} if before else None,  # type: ignore[arg-type]
                            after={} if after else None)
    return ResourceCost(change=change, status="priced", before=before, after=after)


@pytest.mark.parametrize("action,before,after,delta", [
    ("create", None, _side("55.04"), I(D("55.04"), D("55.04"))),
    ("create", None, _side("55.04", "unpriced", complete=False), I(D("55.04"), None)),
    ("create", None, _side(None, "unknown"), AT_LEAST_ZERO),
    ("delete", _side(None, "unpriced"), None, I(None, D(0))),
    ("delete", _side("2", "unpriced", complete=False), None, I(None, D(-2))),
    ("update", _side("10"), _side("30", "unknown", complete=False), I(D(20), None)),
    ("replace", _side("10", "unknown", complete=False), _side("30"), I(None, D(20))),
    ("update", _side("10", complete=False), _side("30", complete=False), UNBOUNDED),
    ("create", None, _side(None, "unsupported"), ZERO_INTERVAL),  # left out, listed apart
    ("create", None, _side(None, "usage-needed"), ZERO_INTERVAL),
])
def test_resource_delta_range(action, before, after, delta) -> None:  # type: ignore[no-untyped-def]
    assert _cost(action, before, after).hourly_range == delta


def test_a_no_op_changes_nothing_even_when_its_cost_is_unknown() -> None:
    side = _side(None, "unpriced")
    rc = _cost("no-op", side, side)
    assert rc.hourly_range == ZERO_INTERVAL and rc.hourly_delta == 0
    # two distinct unknown sides of an update say nothing
    assert _cost("update", _side(None, "unknown"), _side(None, "unknown")).hourly_range == UNBOUNDED


def test_left_out_sides_are_unknown_for_a_resource_of_its_own() -> None:
    side = _side(None, "usage-needed")
    assert side_range(side, "hourly") == ZERO_INTERVAL
    assert side_range(side, "hourly", left_out_zero=False) == AT_LEAST_ZERO
    assert delta_range(None, side, "hourly", left_out_zero=False) == AT_LEAST_ZERO

