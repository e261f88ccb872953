"""Checked readers for every number that enters a cost: plan attributes and usage values.

A number from an input document is hostile until checked. Each reader here
turns a raw value (JSON/YAML number or numeric string) into a Decimal or
refuses it with a `NumberError` saying what is wrong: not a number, NaN or
infinite, negative, fractional where a count is meant, or beyond the
plausible bound of its kind. Callers attach the file and place (a plan
address and attribute, or a usage file line) and raise it as an InputError,
so a bad number ends the run with exit 2 instead of becoming `NaN.00`,
negative dollars or a crash further down.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import InputError


@dataclass(frozen=True, slots=True)
class Kind:
    """What a number measures: its unit word, its plausible maximum, whether it is whole."""

    name: str
    maximum: Decimal
    whole: bool = False


# Bounds are far above any real resource (so they never reject a real plan) and
# low enough that figures stay exact in 28-digit Decimal arithmetic.
COUNT = Kind("count", Decimal(1_000_000), whole=True)  # instances, nodes, volumes
AVERAGE_COUNT = Kind("average count", Decimal(1_000_000))  # usage `instances`
SIZE_GB = Kind("size in GB", Decimal(10) ** 9)  # 1 EB
IOPS = Kind("IOPS", Decimal(10) ** 7)
THROUGHPUT = Kind("throughput in MB/s", Decimal(10) ** 7)
HOURS_PER_MONTH = Kind("hours per month", Decimal(744))  # 31 days x 24 h
RUN_HOURS = Kind("hours", Decimal(10) ** 6)
PERCENT = Kind("percentage", Decimal(100))
DAYS = Kind("days", Decimal(100_000), whole=True)
QUANTITY = Kind("monthly quantity", Decimal(10) ** 15)  # requests, seconds, objects, GB moved
MEMORY_MB = Kind("memory in MB", Decimal(10) ** 7, whole=True)
PRICE = Kind("price", Decimal(10) ** 7)  # per unit of a price book entry
COST = Kind("cost", Decimal(10) ** 12)  # one resource's hourly or monthly dollars


class NumberError(ValueError):
    """A raw value that is not an acceptable number of its kind (the message says why)."""


def to_decimal(value: Any) -> Decimal:
    """A finite Decimal from a JSON/YAML number or a numeric string, else NumberError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise NumberError(f"expected a number, not {_kind(value)}")
    if isinstance(value, str) and len(value) > 100:
        raise NumberError("expected a number, not a long string")
    if isinstance(value, int) and value.bit_length() > 128:
        raise NumberError(f"a {value.bit_length()}-bit integer is too large")
    try:
        result = Decimal(value.strip().replace("_", "") if isinstance(value, str) else
                         str(value))
    except (InvalidOperation, ValueError):
        raise NumberError(f"expected a number, not {_short(value)!r}") from None
    if result.is_nan():
        raise NumberError("NaN is not a number")
    if result.is_infinite():
        raise NumberError("infinity is not a valid value")
    return result


def checked(value: Any, kind: Kind) -> Decimal:
    """`value` as a non-negative Decimal within `kind`'s bound (whole if `kind.whole`)."""
    number = to_decimal(value)
    if number < 0:
        raise NumberError(f"{kind.name} must not be negative, not {_show(number)}")
    if number > kind.maximum:
        raise NumberError(f"{kind.name} {_show(number)} is beyond the plausible maximum "
                          f"{_show(kind.maximum)}")
    if kind.whole and number != number.to_integral_value():
        raise NumberError(f"{kind.name} must be a whole number, not {_show(number)}")
    return number + 0  # normalises -0 to 0


def instance_type(value: Any) -> str:
    """An instance type must be a non-empty string (a number is not a type)."""
    if not isinstance(value, str) or not value.strip():
        raise NumberError(f"instance type must be a non-empty string, not {_short(value)!r}"
                          if isinstance(value, str) else
                          f"instance type must be a string, not {_kind(value)}")
    return value


def input_error(exc: NumberError, file: str | None, where: str,
                line: int | None = None) -> InputError:
    return InputError(file, str(exc), line=line, where=where)


def _show(number: Decimal) -> str:
    if abs(number.adjusted()) > 12:
        return f"{number:.3E}"
    return format(number.normalize(), "f")


def _short(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 128:
        return "a huge integer"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), type(value).__name__)
