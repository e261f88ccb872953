"""`costwarden graph PATH`: the cost-diff graph as Mermaid, DOT, JSON or HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..redact import safe
from ..errors import InputError
from .estimate import add_common_input_options

FORMATS = ("mermaid", "dot", "json", "html")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("graph", help="the change as a cost-diff graph (mermaid, dot, json, html)")
    add_common_input_options(p)
    p.add_argument("--format", choices=FORMATS, default="mermaid")
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
    from .estimate import options_from

    estimate = estimate_path(args.path, options_from(args))
    graph = build_graph(estimate, team_key=args.team_key)
    if args.format == "mermaid":
        from ..report.mermaid import mermaid
        text = mermaid(graph, max_nodes=args.max_nodes or 50)
    elif args.format == "dot":
        from ..report.dot import dot
        text = dot(graph)
    elif args.format == "json":
        from ..graph import render_json
        text = render_json(graph)
    else:
        from ..report.html import DEFAULT_MAX_NODES, render_html
        findings = _findings(estimate, args) if args.findings or args.policies else ()
        text = render_html(graph, findings, max_nodes=args.max_nodes or DEFAULT_MAX_NODES)
    from ..report.safe_text import neutralise

    if args.output:
        try:
            Path(args.output).write_text(neutralise(safe(text)), encoding="utf-8")
        except OSError as exc:
            raise InputError(args.output, f"cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(safe(text))
    return 0


def _findings(estimate, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..policy import EvaluationOptions, evaluate, load_policies

    policies = load_policies(args.policies, [])
    return evaluate(estimate, policies, None, EvaluationOptions()).findings
