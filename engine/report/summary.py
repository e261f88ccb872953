"""Totals of an Estimate, shared by every renderer.

Every total is an `Interval` (`Money.*_range`): exact figures are both ends, a
resource known only in part (a size known after apply, a component without a
price) counts from its known part up, an unknown created resource as
[0, +inf), an unknown deleted one as (-inf, 0]. `before`/`after`/`delta` are
the sums of the known parts (the contract's point figures). Resources left out
of a figure or counted only in part are listed in `incomplete`, so an unknown
never shows as a saving.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache
from typing import Any

from ..model import ZERO_INTERVAL, Estimate, Interval, ResourceCost, side_range

ZERO = Decimal(0)
_MICRO = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Money:
    before: Decimal  # sums of the known parts
    after: Decimal
    delta: Decimal
    before_range: Interval = ZERO_INTERVAL  # where the true figures lie
    after_range: Interval = ZERO_INTERVAL
    delta_range: Interval = ZERO_INTERVAL


@dataclass(frozen=True, slots=True)
class Totals:
    hourly: Money
    monthly: Money
    gpus_before: dict[str, int]
    gpus_after: dict[str, int]
    by_status: dict[str, int]
    by_action: dict[str, int]
    incomplete: tuple[ResourceCost, ...]  # left out of the delta, or counted in part
    gpus_unknown: tuple[ResourceCost, ...] = field(default=())

    @property
    def gpus_delta(self) -> dict[str, int]:
        models = sorted(set(self.gpus_before) | set(self.gpus_after))
        return {m: self.gpus_after.get(m, 0) - self.gpus_before.get(m, 0) for m in models}


def totals(estimate: Estimate) -> Totals:
    hb = ha = hd = mb = ma = md = ZERO
    rhb = rha = rhd = rmb = rma = rmd = ZERO_INTERVAL
    gpus_before: Counter[str] = Counter()
    gpus_after: Counter[str] = Counter()
    incomplete = []
    gpus_unknown = []
    # A resource's figures are a function of its two sides, which resources of one
    # spec share (the same SideCost objects): computed once per pair.
    figures: dict[tuple[int, int, bool], tuple[Any, ...]] = {}
    for r in estimate.resources:
        before, after = r.before, r.after
        key = (id(before), id(after), r.unchanged)
        f = figures.get(key)
        if f is None:
            f = figures[key] = (
                side_range(before, "hourly"), side_range(before, "monthly"),
                side_range(after, "hourly"), side_range(after, "monthly"),
                r.hourly_range, r.monthly_range, r.hourly_delta, r.monthly_delta, r.partial,
                any(s is not None and not s.gpus_known for s in (before, after)))
        s_hb, s_mb, s_ha, s_ma, s_hd, s_md, dh, dm, partial, no_gpus = f
        if before is not None:
            if before.hourly is not None:
                hb += before.hourly
                mb += before.monthly or ZERO
            rhb += s_hb
            rmb += s_mb
            gpus_before.update(before.gpus)
        if after is not None:
            if after.hourly is not None:
                ha += after.hourly
                ma += after.monthly or ZERO
            rha += s_ha
            rma += s_ma
            gpus_after.update(after.gpus)
        if no_gpus and r.status not in ("unsupported",):
            gpus_unknown.append(r)
        rhd += s_hd
        rmd += s_md
        if dh is None or dm is None:
            incomplete.append(r)
            continue
        if partial:
            incomplete.append(r)  # counted, but only its known part
        hd += dh
        md += dm
    return Totals(
        hourly=Money(hb, ha, hd, rhb, rha, rhd), monthly=Money(mb, ma, md, rmb, rma, rmd),
        gpus_before=dict(sorted(gpus_before.items())), gpus_after=dict(sorted(gpus_after.items())),
        by_status=dict(sorted(Counter(r.status for r in estimate.resources).items())),
        by_action=dict(sorted(Counter(r.change.action for r in estimate.resources).items())),
        incomplete=tuple(incomplete), gpus_unknown=tuple(gpus_unknown))


def bounds(name: str, interval: Interval) -> dict[str, Any]:
    """The JSON form of an interval: `NAME_low`/`NAME_high`, null for an unbounded end."""
    return {f"{name}_low": money(interval.low), f"{name}_high": money(interval.high)}


def money_fields(m: Money) -> dict[str, Any]:
    """before/after/delta and their bounds, as the JSON contract writes a summary."""
    return {"before": money(m.before), "after": money(m.after), "delta": money(m.delta),
            **bounds("before", m.before_range), **bounds("after", m.after_range),
            **bounds("delta", m.delta_range)}


@lru_cache(maxsize=4096)  # large plans repeat the same few prices many times
def money(value: Decimal | None) -> str | None:
    """Decimal string rounded to a millionth, at least two decimals: '55.04', '0.045'."""
    if value is None or not value.is_finite():
        return None  # never "NaN.00" or "Infinity": such a figure is unknown
    # Enough precision for any finite figure: quantize never raises InvalidOperation.
    ctx = Context(prec=max(28, value.adjusted() + 10), rounding=ROUND_HALF_EVEN)
    q = value.quantize(_MICRO, context=ctx)
    text = format(q, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if len(frac) < 2:
        frac = frac.ljust(2, "0")
    if whole == "-0" and set(frac) == {"0"}:
        whole = "0"
    return f"{whole}.{frac}"


def quantity(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


# A source is flagged once it is this much older than the catalog's newest source.
STALE_AFTER_DAYS = 180


@dataclass(frozen=True, slots=True)
class StalePrice:
    source: str
    as_of: str
    age_days: int  # days before the catalog's newest source date

    def __str__(self) -> str:
        return f"{self.source} ({self.as_of}, {self.age_days} days older than the catalog)"


def stale_prices(estimate: Estimate, max_age_days: int = STALE_AFTER_DAYS) -> list[StalePrice]:
    """The sources of the prices this estimate used that are more than `max_age_days`
    older than the catalog's newest source (a fixed reference, so a report of one
    catalog reads the same on any day; `costwarden catalog info` measures from today)."""
    import datetime as dt

    try:
        newest = dt.date.fromisoformat(estimate.catalog.as_of)
    except ValueError:
        return []
    used = {(p.price_source, p.price_as_of) for r in estimate.resources
            for side in (r.before, r.after) if side is not None
            for p in side.components if p.price_source and p.price_as_of}
    out = []
    for source, as_of in used:
        try:
            age = (newest - dt.date.fromisoformat(as_of)).days  # type: ignore[arg-type]
        except ValueError:
            continue
        if age > max_age_days:
            out.append(StalePrice(source, as_of, age))  # type: ignore[arg-type]
    return sorted(out, key=lambda s: (s.as_of, s.source))
