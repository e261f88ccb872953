"""Plain-text terminal table of an Estimate."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from ..model import Estimate, Interval, ResourceCost, side_range
from .summary import STALE_AFTER_DAYS, stale_prices, totals

_ACTION_MARK = {"create": "+ create", "delete": "- delete", "update": "~ update",
                "replace": "± replace", "no-op": "  no-op", "read": "  read"}
_SECTIONS = (
    ("unknown", "Unknown (cost depends on values known only after apply)"),
    ("unpriced", "Unpriced (no price in the catalog)"),
    ("usage-needed", "Depends on usage (add it to a usage file to price it)"),
    ("unsupported", "Unsupported resource types (not priced)"),
)


def render_estimate(estimate: Estimate, *, show_unchanged: bool = False) -> str:
    t = totals(estimate)
    rows = [r for r in estimate.resources
            if show_unchanged or r.change.action not in ("no-op", "read") or _moves(r)]
    priced_rows = [r for r in rows if r.status not in ("free", "unsupported")]
    lines: list[str] = []
    cs = estimate.changeset
    lines.append(f"costwarden estimate: {cs.source_path} ({cs.source_format}"
                 + (f", {cs.tool_version}" if cs.tool_version else "") + ")")
    for w in cs.warnings:
        lines.append(f"warning: {w}")
    lines.append("")
    header = ("Resource", "Action", "$/h before → after", "Δ $/h", "Δ $/month", "GPUs")
    body = [(_label(r), _ACTION_MARK.get(r.change.action, r.change.action), before_after(r),
             range_text(r.hourly_range), range_text(r.monthly_range, monthly), gpu_cell(r))
            for r in priced_rows]
    if body:
        lines.extend(grid(header, body, right=(2, 3, 4)))
    else:
        lines.append("No priced resources in this change.")
    lines.append("")
    lines.append(f"Hourly:  {amount_text(t.hourly.before_range)} → "
                 f"{amount_text(t.hourly.after_range)} $/h   "
                 f"Δ {range_text(t.hourly.delta_range)} $/h{known_part(t.hourly)}")
    lines.append(f"Monthly: {amount_text(t.monthly.before_range, monthly)} → "
                 f"{amount_text(t.monthly.after_range, monthly)} $/month   "
                 f"Δ {range_text(t.monthly.delta_range, monthly)} $/month"
                 f"{known_part(t.monthly, monthly)} (730 h unless usage says otherwise)")
    gpu_delta = {m: d for m, d in t.gpus_delta.items() if d}
    if gpu_delta:
        lines.append("GPUs:    " + ", ".join(f"{d:+d} × {m}" for m, d in gpu_delta.items()))
    runs = [r for r in estimate.resources if r.cost_per_run is not None]
    for r in runs:
        lines.append(f"Per run: {r.address}: {amount_text(r.cost_per_run_range, monthly)} $ "  # type: ignore[arg-type]
                     f"({amount_text(side_range(r.after, 'hourly'))} $/h × {r.run_hours} h)")
    counts = ", ".join(f"{n} {s}" for s, n in t.by_status.items())
    lines.append(f"Resources: {len(estimate.resources)} ({counts})")
    if t.incomplete:
        lines.append(f"Δ is not complete: {len(t.incomplete)} resource(s) are left out or "
                     "counted only in part (≥), see below.")
    for status, title in _SECTIONS:
        group = [r for r in estimate.resources if r.status == status]
        if not group:
            continue
        lines.append("")
        lines.append(f"{title}: {len(group)}")
        if status == "unsupported":
            by_type: dict[str, int] = {}
            for r in group:
                by_type[r.change.type] = by_type.get(r.change.type, 0) + 1
            lines.extend(f"  {n:>4} × {typ}" for typ, n in sorted(by_type.items()))
            continue
        for r in group[:50]:
            lines.append(f"  {r.address}: {first_reason(r)}")
        if len(group) > 50:
            lines.append(f"  … and {len(group) - 50} more (see --format json)")
    lines.append("")
    lines.append(f"Prices: catalog {estimate.catalog.version}, sources dated "
                 f"{estimate.catalog.oldest_as_of} to {estimate.catalog.as_of}, "
                 f"{estimate.currency}" + (", price book: " + ", ".join(estimate.catalog.price_books)
                                           if estimate.catalog.price_books else ""))
    stale = stale_prices(estimate)
    if stale:
        lines.append(f"Stale: prices from sources more than {STALE_AFTER_DAYS} days older than "
                     "the catalog: " + ", ".join(map(str, stale)))
    return "\n".join(lines) + "\n"


def _moves(r: ResourceCost) -> bool:
    return r.hourly_range != Interval.exact(Decimal(0))


def _label(r: ResourceCost) -> str:
    return r.address if len(r.address) <= 70 else "…" + r.address[-69:]


def before_after(r: ResourceCost) -> str:
    def side(s, absent: str) -> str:  # type: ignore[no-untyped-def]
        if s is None:
            return absent
        if s.hourly is None:
            return s.status
        return amount_text(side_range(s, "hourly"))  # `≥` a lower bound, `…` a range
    return f"{side(r.before, '-')} → {side(r.after, '-')}"


def hourly(value: Decimal | None) -> str:
    """$/h for people: cents above $1, four decimals below."""
    if value is None:
        return "?"
    return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:,.4f}"


def monthly(value: Decimal | None) -> str:
    return "?" if value is None else f"{value:,.2f}"


def signed(value: Decimal | None, fmt=hourly) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return "?"
    text = fmt(value)
    if text.strip("-0.,") == "":
        return text.lstrip("-")
    return text if text.startswith("-") else f"+{text}"


def range_text(value: Interval, fmt=hourly) -> str:  # type: ignore[no-untyped-def]
    """A signed change: `+1.20`, `≥+220.16` (a lower bound), `≤-3.00` (an upper bound),
    `+1.00…+2.00`, or `?` when nothing bounds it."""
    return interval_text(value, lambda v: signed(v, fmt))


def amount_text(value: Interval, fmt=hourly) -> str:  # type: ignore[no-untyped-def]
    """A cost (unsigned) with the same marks as `range_text`."""
    return interval_text(value, fmt)


def interval_text(value: Interval, show) -> str:  # type: ignore[no-untyped-def]
    """An interval in words, each end shown by `show`."""
    lo, hi = value.low, value.high
    if lo is not None and hi is not None:
        return show(lo) if lo == hi else f"{show(lo)}…{show(hi)}"
    if lo is not None:
        return "≥" + show(lo)
    if hi is not None:
        return "≤" + show(hi)
    return "?"


def known_part(m, fmt=hourly) -> str:  # type: ignore[no-untyped-def]
    """`(known part +X)` when nothing bounds a total but some of it is known."""
    r = m.delta_range
    return f" (known part {signed(m.delta, fmt)})" if r.low is None and r.high is None \
        and m.delta else ""


def gpu_cell(r: ResourceCost) -> str:
    before = r.before.gpus if r.before else {}
    after = r.after.gpus if r.after else {}
    # short names ("H100") from the accelerators the components bring
    labels = {a.model: a.label for s in (r.before, r.after) if s is not None
              for c in s.components for a in c.facts.accelerators}
    parts = []
    for model in sorted(set(before) | set(after)):
        d = after.get(model, 0) - before.get(model, 0)
        if d:
            parts.append(f"{d:+d} {labels.get(model, model)}")
    if not parts and any(s is not None and not s.gpus_known for s in (r.before, r.after)):
        return "?"
    return ", ".join(parts)


def first_reason(r: ResourceCost) -> str:
    for side in (r.after, r.before):
        if side is not None and side.reasons:
            return side.reasons[0]
    return r.status


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()
    return [fmt(header), "  ".join("─" * w for w in widths), *(fmt(r) for r in rows)]
