"""Checked number readers: every number that enters a cost is finite, non-negative and plausible."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costkit import kit  # noqa: F401  (fixture)
from engine.costs import numbers
from engine.costs.numbers import NumberError, checked
from engine.errors import InputError

KINDS = [numbers.COUNT, numbers.AVERAGE_COUNT, numbers.SIZE_GB, numbers.IOPS,
         numbers.THROUGHPUT, numbers.HOURS_PER_MONTH, numbers.RUN_HOURS, numbers.PERCENT,
         numbers.DAYS, numbers.QUANTITY, numbers.MEMORY_MB]


@pytest.mark.parametrize("value, kind, fragment", [
    (float("nan"), numbers.SIZE_GB, "NaN"),
    ("NaN", numbers.SIZE_GB, "NaN"),
    ("sNaN", numbers.SIZE_GB, "NaN"),
    (float("inf"), numbers.QUANTITY, "infinity"),
    ("-Infinity", numbers.QUANTITY, "infinity"),
    (-1, numbers.COUNT, "must not be negative"),
    ("-0.5", numbers.SIZE_GB, "must not be negative"),
    (2.5, numbers.COUNT, "whole number"),
    (1e18, numbers.COUNT, "plausible maximum"),
    (1e30, numbers.SIZE_GB, "plausible maximum"),
    (745, numbers.HOURS_PER_MONTH, "plausible maximum"),
    (101, numbers.PERCENT, "plausible maximum"),
    pytest.param(10 ** 5000, numbers.QUANTITY, "too large", id="huge-int"),
    ("1e999999999", numbers.QUANTITY, "plausible maximum"),
    ("abc", numbers.SIZE_GB, "expected a number"),
    ("", numbers.SIZE_GB, "expected a number"),
    ("9" * 200, numbers.SIZE_GB, "long string"),
    (True, numbers.COUNT, "a boolean"),
    ([1], numbers.COUNT, "an array"),
    ({"a": 1}, numbers.COUNT, "an object"),
])
def test_hostile_numbers_are_refused(value: Any, kind: numbers.Kind, fragment: str) -> None:
    with pytest.raises(NumberError, match=fragment):
        checked(value, kind)


@pytest.mark.parametrize("value, kind, expected", [
    (3, numbers.COUNT, Decimal(3)),
    (3.0, numbers.COUNT, Decimal(3)),
    ("12", numbers.COUNT, Decimal(12)),
    (-0.0, numbers.SIZE_GB, Decimal(0)),
    (0.1, numbers.SIZE_GB, Decimal("0.1")),
    (744, numbers.HOURS_PER_MONTH, Decimal(744)),
    ("1_000", numbers.QUANTITY, Decimal(1000)),
    (Decimal("2.5"), numbers.AVERAGE_COUNT, Decimal("2.5")),
])
def test_plausible_numbers_are_read_exactly(value: Any, kind: numbers.Kind,
                                           expected: Decimal) -> None:
    result = checked(value, kind)
    assert result == expected and not result.is_signed()


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=30)),
       st.sampled_from(KINDS))
def test_checked_never_lets_a_bad_number_through(value: Any, kind: numbers.Kind) -> None:
    try:
        result = checked(value, kind)
    except NumberError:
        return
    assert result.is_finite()
    assert Decimal(0) <= result <= kind.maximum
    assert not kind.whole or result == result.to_integral_value()
    # Exact enough for money: a quantity times a large price is rendered as money (the
    # reports' own rounding, to a millionth) without error.
    from engine.report.summary import money

    assert money(result * numbers.PRICE.maximum * 744) is not None


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_checked_keeps_every_plausible_float(value: float) -> None:
    assert math.isclose(float(checked(value, numbers.AVERAGE_COUNT)), value)


@pytest.mark.parametrize("value", [5, 5.0, None, True, ["p5.48xlarge"], {"a": 1}, "", "  "])
def test_instance_type_must_be_a_string(value: Any) -> None:
    with pytest.raises(NumberError, match="instance type"):
        numbers.instance_type(value)


def test_side_view_names_file_and_place(kit: Any) -> None:
    view = kit.view("aws_ebs_volume", {"size": float("nan")})
    with pytest.raises(InputError) as err:
        view.number("size", kind=numbers.SIZE_GB)
    assert err.value.where == "aws_ebs_volume.this.size"
    assert "NaN" in err.value.message


@pytest.mark.parametrize("value, expected", [
    (Decimal("1e30"), "1" + "0" * 30 + ".00"),
    (Decimal("123456789012345678901234.5678915"), "123456789012345678901234.567892"),
    (Decimal("NaN"), None),
    (Decimal("-Infinity"), None),
    (Decimal("-0.0000001"), "0.00"),
])
def test_money_formatting_never_raises(value: Decimal, expected: str | None) -> None:
    from engine.report.summary import money

    assert money(value) == expected
