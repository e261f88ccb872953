"""Money known to lie in an interval: part of the canonical model (re-exported by
`engine.model`), kept in its own module so the model stays small."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Interval:
    """An amount of money known to lie in [low, high]; None is an unbounded end.

    Exact figures are both ends; a lower bound is [known, +inf); a deleted
    resource whose cost is unknown lowers a total by (-inf, 0]. Sums and
    differences are interval arithmetic, so one unknown never turns into $0
    and never into a saving. A limit test is decided only when the whole
    interval lies on one side of the limit (see `test`).
    """

    low: Decimal | None  # None: -infinity
    high: Decimal | None  # None: +infinity

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"empty interval [{self.low}, {self.high}]")

    @classmethod
    def exact(cls, value: Decimal) -> "Interval":
        return cls(value, value)

    @classmethod
    def at_least(cls, value: Decimal) -> "Interval":
        return cls(value, None)

    @property
    def is_exact(self) -> bool:
        return self.low is not None and self.low == self.high

    @property
    def value(self) -> Decimal | None:
        """The figure when it is exact, else None."""
        return self.low if self.is_exact else None

    @property
    def bounded(self) -> bool:
        """Both ends finite."""
        return self.low is not None and self.high is not None

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(None if self.low is None or other.low is None else self.low + other.low,
                        None if self.high is None or other.high is None
                        else self.high + other.high)

    def __neg__(self) -> "Interval":
        return Interval(None if self.high is None else -self.high,
                        None if self.low is None else -self.low)

    def __sub__(self, other: "Interval") -> "Interval":
        return self + (-other)

    def scale(self, factor: Decimal) -> "Interval":
        """The interval times a factor >= 0 (hours of a run, a share)."""
        if factor < 0:
            raise ValueError("scale() takes a factor >= 0")
        if factor == 0:
            return ZERO_INTERVAL
        return Interval(None if self.low is None else self.low * factor,
                        None if self.high is None else self.high * factor)

    def map(self, fn: Any) -> "Interval":
        """Both finite ends through a monotone increasing function (rounding)."""
        return Interval(None if self.low is None else fn(self.low),
                        None if self.high is None else fn(self.high))

    def test(self, op: str, limit: Decimal) -> bool | None:
        """`value <op> limit` for every value in the interval (True), for none (False),
        or for some only (None: unknown). op: lt, lte, gt, gte, equals, not_equals."""
        lo, hi = self.low, self.high
        if op in ("lt", "lte"):
            inside = (lambda v: v < limit) if op == "lt" else (lambda v: v <= limit)
            if hi is not None and inside(hi):
                return True
            if lo is not None and not inside(lo):
                return False
            return None
        if op in ("gt", "gte"):
            inside = (lambda v: v > limit) if op == "gt" else (lambda v: v >= limit)
            if lo is not None and inside(lo):
                return True
            if hi is not None and not inside(hi):
                return False
            return None
        if op in ("equals", "not_equals"):
            outside = (lo is not None and limit < lo) or (hi is not None and limit > hi)
            same = self.is_exact and lo == limit
            result = True if same else False if outside else None
            return result if op == "equals" or result is None else not result
        raise ValueError(f"no interval test for operator {op!r}")


ZERO_INTERVAL = Interval(Decimal(0), Decimal(0))
AT_LEAST_ZERO = Interval(Decimal(0), None)  # a cost nothing is known about
UNBOUNDED = Interval(None, None)
