"""The showback of `costwarden breakdown`: its JSON document and its terminal table."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import Breakdown
    from ..model import Interval

_ALLOCATE_TEXT = {"even": "split evenly", "gpu-hours": "split by GPU-hours"}


def breakdown_document(b: "Breakdown", currency: str) -> dict[str, Any]:
    """JSON: groups rounded to 1e-6 $/h and cents a month, adding up to the totals."""
    from ..graph import rounded_rows
    from .summary import bounds, money

    rows = rounded_rows(b, Decimal("0.000001"), Decimal("0.01"))
    total_h, total_m = _sum(r.hourly for r in rows), _sum(r.monthly for r in rows)
    return {
        "version": "1", "currency": currency, "state": b.state, "group_by": b.group_by,
        "allocate": b.allocate, "resources": b.resources,
        "total": {"hourly": money(total_h), "monthly": money(total_m),
                  **bounds("hourly", _range(total_h, b.lower_bound)),
                  **bounds("monthly", _range(total_m, b.lower_bound))},
        "groups": [{"group": r.group, "resources": r.resources, "gpus": r.gpus,
                    "unknown": r.unknown,
                    "hourly": {"own": money(r.own_hourly), "shared": money(r.shared_hourly),
                               "total": money(r.hourly), **bounds("total", r.range("hourly"))},
                    "monthly": {"own": money(r.own_monthly), "shared": money(r.shared_monthly),
                                "total": money(r.monthly), **bounds("total", r.range("monthly"))}}
                   for r in rows],
        "shares": [{"from": s.source, "to": s.target, "group": s.group,
                    "hourly": money(s.hourly), "monthly": money(s.monthly)} for s in b.shares],
        "unknown": list(b.unknown), "partial": list(b.partial),
    }


def render_table(b: "Breakdown", source: str, currency: str) -> str:
    """Table: $/h to 1e-4 and $/month to the cent, rows adding up to the total row."""
    from ..graph import rounded_rows
    from .table import amount_text, grid

    lines = [f"costwarden breakdown: {source} (state {b.state}, by {b.group_by}, "
             f"shared costs {_ALLOCATE_TEXT[b.allocate]})", ""]
    if not b.rows:
        lines.append(f"No resources in the {b.state} state.")
        return "\n".join(lines) + "\n"
    rows = rounded_rows(b, Decimal("0.0001"), Decimal("0.01"))
    header = ("Group", "Resources", "GPUs", "$/h own", "$/h shared", "$/h", "$/month")
    # "≥": some cost of the group is unknown or known only in part (listed below)
    body = [(r.group, str(r.resources), str(r.gpus or ""), _h(r.own_hourly),
             _h(r.shared_hourly) if r.shared_hourly else "",
             amount_text(r.range("hourly"), _h), amount_text(r.range("monthly"), _m))
            for r in rows]
    total_h, total_m = _sum(r.hourly for r in rows), _sum(r.monthly for r in rows)
    body.append(("Total", str(b.resources), str(sum(r.gpus for r in rows) or ""), "", "",
                 amount_text(_range(total_h, b.lower_bound), _h),
                 amount_text(_range(total_m, b.lower_bound), _m)))
    table = grid(header, body, right=(1, 2, 3, 4, 5, 6))
    lines.extend(table[:-1])
    lines.append(table[1])  # a rule above the total
    lines.append(table[-1])
    lines.append("")
    lines.append(f"Money in {currency}; $/month is 730 h unless usage says otherwise.")
    if b.shared:
        lines.append("")
        lines.append("Shared costs allocated ($/h):")
        by_source: dict[str, list[Any]] = {}
        for s in b.shares:
            by_source.setdefault(s.source, []).append(s)
        for source_address in b.shared:
            parts = by_source[source_address]
            groups: dict[str, Decimal] = {}
            for s in parts:
                groups[s.group] = groups.get(s.group, Decimal(0)) + s.hourly
            text = ", ".join(f"{g} {_h(v)}" for g, v in sorted(groups.items()))
            lines.append(f"  {source_address} → {len(parts)} resource(s): {text}")
    if b.unknown:
        lines.append("")
        lines.append(f"Not in the totals (cost unknown): {len(b.unknown)} resource(s)")
        lines.extend(f"  {a}" for a in b.unknown[:50])
        if len(b.unknown) > 50:
            lines.append(f"  … and {len(b.unknown) - 50} more (see --format json)")
    if b.partial:
        lines.append(f"Counted with their known part only (≥): {len(b.partial)} resource(s)")
    return "\n".join(lines) + "\n"


def _h(value: Decimal) -> str:
    return f"{value:,.4f}"


def _m(value: Decimal) -> str:
    return f"{value:,.2f}"


def _sum(values: Iterable[Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return sum(values, Decimal(0))


def _range(value: Decimal, lower_bound: bool) -> "Interval":
    from ..model import Interval

    return Interval(value, None if lower_bound else value)
