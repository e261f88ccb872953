"""`costwarden graph PATH`: the cost-diff graph as Mermaid, DOT, JSON or HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..redact import safe
from ..errors import InputError
from .options import add_input_options


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..report.formats import builtin_formats

    p = sub.add_parser("graph", help="the change as a cost-diff graph (mermaid, dot, json, html)")
    add_input_options(p)
    (formats or builtin_formats()).add_option(p, "graph", default="mermaid")
    p.add_argument("--max-nodes", type=positive_int, metavar="N",
                   help="largest picture: the rest folds into one summary node "
                        "(default: 50 for mermaid, 1000 for html; dot and json are complete)")
    p.add_argument("--team-key", default="team", metavar="KEY",
                   help="tag that names a resource's team (default: team)")
    p.add_argument("--findings", action="store_true",
                   help="evaluate policies and show the findings in the html page")
    p.add_argument("--policies", metavar="DIR_OR_FILE", action="append", default=[],
                   help="policy file or folder for --findings (default: the bundled pack)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..graph import build_graph
    from ..pipeline import estimate_path
    from ..report.formats import Report
    from .options import estimate_options

    estimate = estimate_path(args.path, estimate_options(args))
    graph = build_graph(estimate, team_key=args.team_key)
    fmt = args.output_formats.get("graph", args.format)
    result = _evaluation(estimate, args) if fmt.uses_findings and (
        args.findings or args.policies) else None
    text = fmt.render(Report("graph", estimate=estimate, result=result, graph=graph,
                             options=args))
    from ..report.safe_text import neutralise

    if args.output:
        try:
            Path(args.output).write_text(neutralise(safe(text)), encoding="utf-8")
        except OSError as exc:
            raise InputError(args.output, f"cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(safe(text))
    return 0


def _evaluation(estimate: Any, args: argparse.Namespace) -> Any:
    from ..policy import EvaluationOptions, evaluate, load_policies
    from ..policy.taggable import load_taggable

    policies = load_policies(args.policies, [], settings=args.settings)
    options = EvaluationOptions(taggable=load_taggable(settings=args.settings))
    return evaluate(estimate, policies, None, options)
