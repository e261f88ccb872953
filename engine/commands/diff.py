"""`costwarden diff OLD NEW`: compare two estimates, resource by resource.

What is compared and how lives in engine/estimate_diff.py; the text in
engine/report/diff_text.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..redact import safe


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..report.formats import builtin_formats
    from .options import add_input_options

    p = sub.add_parser("diff", help="compare two plans or saved JSON estimates")
    p.add_argument("old", help="plan JSON, .tf directory or saved `estimate --format json`")
    p.add_argument("new", help="plan JSON, .tf directory or saved `estimate --format json`")
    add_input_options(p, path=False, readers=False)
    (formats or builtin_formats()).add_option(p, "diff", default="table")
    p.add_argument("--comment-key", metavar="KEY", help="marker key for --format markdown")
    p.add_argument("--show-unchanged", action="store_true", help="list unchanged resources too")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..estimate_diff import diff_document
    from ..report.formats import Report

    old, new = _document(args.old, args), _document(args.new, args)
    doc = diff_document(old, new, args.old, args.new)
    sys.stdout.write(safe(args.output_formats.render(Report("diff", document=doc, options=args),
                                                     args.format)))
    return 0


def _document(path: str, args: argparse.Namespace) -> dict[str, Any]:
    from ..estimate_diff import saved_estimate

    p = Path(path)
    if p.is_file():
        doc = saved_estimate(p)
        if doc is not None:
            return doc
    from ..pipeline import estimate_path
    from ..report.json_report import estimate_document
    from .options import estimate_options

    return estimate_document(estimate_path(path, estimate_options(args)))
