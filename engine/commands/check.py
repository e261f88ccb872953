"""`costwarden check PATH`: the estimate plus policy findings; exit 1 when blocking."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..redact import safe
from .options import add_checkov_options, add_evaluation_options, add_input_options, \
    check_from_args


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..report.formats import builtin_formats

    p = sub.add_parser("check", help="price a change and evaluate cost policies")
    add_input_options(p, pulumi=True)
    add_evaluation_options(p)
    (formats or builtin_formats()).add_option(p, "check", default="table")
    p.add_argument("--show-passes", action="store_true",
                   help="list passing findings too (counts are always shown)")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write the report to FILE instead of standard output")
    p.add_argument("--comment-key", metavar="KEY",
                   help="project key in the markdown comment's hidden marker (one comment "
                        "per key on a pull request)")
    add_checkov_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..report.formats import Report

    estimate, result = check_from_args(args)
    fmt = args.output_formats.get("check", args.format)
    text = fmt.render(Report("check", estimate=estimate, result=result, options=args))
    from ..report import annotations
    from ..report.safe_text import neutralise

    notes = safe(annotations.render_result(result, estimate.changeset.source_path) \
        if annotations.enabled() else "")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(neutralise(safe(text)))  # a file may be printed by a later step
        annotations.emit(sys.stdout, notes)
    else:
        sys.stdout.write(safe(text))
        # workflow commands on stdout would corrupt a machine-readable document there;
        # the runner reads them from stderr too
        annotations.emit(sys.stderr if fmt.machine_readable else sys.stdout, notes)
    return 1 if result.blocking else 0
