"""`costwarden breakdown PATH`: per-group showback of one state, shared costs allocated."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, Iterable

from ..redact import safe
from .options import add_input_options

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import Breakdown
    from ..model import Interval

_ALLOCATE_TEXT = {"even": "split evenly", "gpu-hours": "split by GPU-hours"}


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..report.formats import builtin_formats

    p = sub.add_parser("breakdown",
                       help="showback: what each team/module/type burns, shared costs allocated")
    add_input_options(p)
    p.add_argument("--group-by", default="tag:team", metavar="tag:KEY|module|type",
                   help="grouping (default: tag:team)")
    p.add_argument("--state", choices=("after", "before"), default="after",
                   help="the state after the change (default) or the prior state")
    p.add_argument("--allocate", choices=("even", "gpu-hours"), default="even",
                   help="how a shared resource's cost is split across the tagged resources "
                        "that depend on it (default: even)")
    p.add_argument("--team-key", default="team", metavar="KEY",
                   help="tag that names a team, for telling shared resources (default: team)")
    (formats or builtin_formats()).add_option(p, "breakdown", default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..graph import breakdown, build_graph, parse_group_by
    from ..pipeline import estimate_path
    from ..report.formats import Report
    from .options import estimate_options

    group_by = parse_group_by(args.group_by)  # a bad grouping fails before pricing
    estimate = estimate_path(args.path, estimate_options(args))
    graph = build_graph(estimate, team_key=args.team_key)
    result = breakdown(graph, group_by, state=args.state, allocate=args.allocate)
    report = Report("breakdown", estimate=estimate, graph=graph, document=result, options=args)
    sys.stdout.write(safe(args.output_formats.render(report, args.format)))
    return 0


def breakdown_document(b: "Breakdown", currency: str) -> dict[str, Any]:
    """JSON: groups rounded to 1e-6 $/h and cents a month, adding up to the totals."""
    from ..graph import rounded_rows
    from ..report.summary import bounds, money

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
    from ..report.table import amount_text, grid

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
