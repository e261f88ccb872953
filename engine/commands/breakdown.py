"""`costwarden breakdown PATH`: per-group showback of one state, shared costs allocated."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..redact import safe
from .options import add_input_options


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..report.formats import builtin_formats

    p = sub.add_parser("breakdown",
                       help="showback: what each team/module/type burns, shared costs allocated")
    add_input_options(p)
    p.add_argument("--group-by", default="tag:team", metavar="tag:KEY|module|type|cloud|region",
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
