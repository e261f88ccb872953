"""Totals of an Estimate, shared by every renderer.

`before`/`after` add up the sides whose cost is known; `delta` adds up the
resources whose delta is known (both sides known, or one side absent). A
resource with an unknown or unpriced side is left out of the delta, and one
known only in part (a created resource with a size known after apply) counts
with its known part; both are listed in `incomplete`, so an unknown never shows
as a saving.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache

from ..model import Estimate, ResourceCost

ZERO = Decimal(0)
_MICRO = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Money:
    before: Decimal
    after: Decimal
    delta: Decimal


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
    gpus_before: Counter[str] = Counter()
    gpus_after: Counter[str] = Counter()
    incomplete = []
    gpus_unknown = []
    for r in estimate.resources:
        if r.before is not None:
            if r.before.hourly is not None:
                hb += r.before.hourly
                mb += r.before.monthly or ZERO
            gpus_before.update(r.before.gpus)
        if r.after is not None:
            if r.after.hourly is not None:
                ha += r.after.hourly
                ma += r.after.monthly or ZERO
            gpus_after.update(r.after.gpus)
        if any(s is not None and not s.gpus_known for s in (r.before, r.after)) \
                and r.status not in ("unsupported",):
            gpus_unknown.append(r)
        dh, dm = r.hourly_delta, r.monthly_delta
        if dh is None or dm is None:
            incomplete.append(r)
            continue
        if r.partial:
            incomplete.append(r)  # counted, but only its known part
        hd += dh
        md += dm
    return Totals(
        hourly=Money(hb, ha, hd), monthly=Money(mb, ma, md),
        gpus_before=dict(sorted(gpus_before.items())), gpus_after=dict(sorted(gpus_after.items())),
        by_status=dict(sorted(Counter(r.status for r in estimate.resources).items())),
        by_action=dict(sorted(Counter(r.change.action for r in estimate.resources).items())),
        incomplete=tuple(incomplete), gpus_unknown=tuple(gpus_unknown))


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
