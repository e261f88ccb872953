"""`costwarden estimate PATH`: price a change before and after."""

from __future__ import annotations

import argparse
import sys

from ..redact import safe
from ..errors import InputError


def add_common_input_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that reads and prices a change."""
    p.add_argument("path", help="plan JSON file (terraform show -json), or a directory of "
                                "Terraform .tf files")
    p.add_argument("--usage", metavar="FILE", help="usage file (YAML): duty cycle, storage, traffic")
    p.add_argument("--region", metavar="REGION",
                   help="region for resources whose provider region cannot be known")
    p.add_argument("--price-book", metavar="FILE", action="append", default=[],
                   help="price book overlaying the bundled catalog (repeatable)")
    p.add_argument("--base", metavar="DIR",
                   help="directory of .tf files to compare with (e.g. the target branch)")
    p.add_argument("--var", metavar="NAME=VALUE", action="append", default=[],
                   help="Terraform variable for a .tf directory (repeatable)")
    p.add_argument("--var-file", metavar="FILE", action="append", default=[],
                   help="Terraform .tfvars file for a .tf directory (repeatable)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("estimate", help="price a change: $/h and $/month before and after")
    add_common_input_options(p)
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    p.add_argument("--comment-key", metavar="KEY",
                   help="project key in the markdown comment's hidden marker")
    p.add_argument("--show-unchanged", action="store_true",
                   help="list unchanged resources in the table too")
    p.set_defaults(run=run)


def options_from(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..pipeline import EstimateOptions

    variables = []
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(None, f"--var {item!r}: expected NAME=VALUE")
        variables.append((name, value))
    return EstimateOptions(usage_file=args.usage, default_region=args.region,
                           price_books=tuple(args.price_book), base=args.base,
                           var_files=tuple(args.var_file), variables=tuple(variables),
                           limits=args.settings.limits)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import estimate_path

    est = estimate_path(args.path, options_from(args))
    if args.format == "json":
        from ..report.json_report import render
        sys.stdout.write(safe(render(est)))
    elif args.format == "markdown":
        from ..report.markdown import render as markdown
        sys.stdout.write(safe(markdown(est, comment_key=args.comment_key)))
    else:
        from ..report.table import render_estimate
        sys.stdout.write(safe(render_estimate(est, show_unchanged=args.show_unchanged)))
    return 0
