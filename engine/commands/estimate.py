"""`costwarden estimate PATH`: price a change before and after."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..redact import safe
from .options import add_input_options


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..report.formats import builtin_formats

    p = sub.add_parser("estimate", help="price a change: $/h and $/month before and after")
    add_input_options(p)
    (formats or builtin_formats()).add_option(p, "estimate", default="table")
    p.add_argument("--comment-key", metavar="KEY",
                   help="project key in the markdown comment's hidden marker")
    p.add_argument("--show-unchanged", action="store_true",
                   help="list unchanged resources in the table too")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import estimate_path
    from ..report.formats import Report
    from .options import estimate_options

    est = estimate_path(args.path, estimate_options(args))
    report = Report("estimate", estimate=est, options=args)
    sys.stdout.write(safe(args.output_formats.render(report, args.format)))
    return 0
