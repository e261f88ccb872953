"""`costwarden scan TREE|MANIFEST`: showback, GPU inventory and policy posture of a fleet."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..redact import safe


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    from ..fleet.engines import ENGINES
    from ..report.formats import builtin_formats
    from .options import add_policy_options

    p = sub.add_parser("scan", help="fleet scan: showback, GPU inventory and policy posture "
                                    "of many workspaces (a directory tree or a manifest)")
    p.add_argument("path", help="directory of workspaces (plans, states, .tf folders, Pulumi "
                                "exports), a manifest file (YAML/JSON), or a URL of either")
    p.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: this machine (default); dask: a Dask cluster "
                        "(costwarden[fleet])")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="processes (local) or LocalCluster workers (dask); default 1")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine "
                        "dask)")
    p.add_argument("--baseline", metavar="OLD.json",
                   help="an earlier `scan --format json`: what moved per team, which GPUs "
                        "appeared")
    p.add_argument("--tag", action="append", metavar="KEY",
                   help="tag key to show back by (repeatable; default: team, project, "
                        "environment)")
    p.add_argument("--team-key", default="team", metavar="KEY",
                   help="tag that names a team, for telling shared resources (default: team)")
    p.add_argument("--allocate", choices=("even", "gpu-hours"), default="even",
                   help="how a shared resource's cost is split (as in breakdown)")
    p.add_argument("--usage", metavar="FILE", help="usage file (YAML) for every workspace")
    p.add_argument("--price-book", metavar="FILE", action="append", default=[],
                   help="price book overlaying the bundled catalog (repeatable)")
    p.add_argument("--region", metavar="REGION",
                   help="region for resources whose provider region cannot be known")
    add_policy_options(p)
    p.add_argument("--waivers", metavar="FILE", help="waivers file (YAML)")
    p.add_argument("--env", metavar="NAME", help="environment for level overrides")
    p.add_argument("--env-tag", metavar="KEY", default="environment",
                   help="tag that names a resource's environment (default: environment)")
    (formats or builtin_formats()).add_option(p, "scan", default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..errors import InputError
    from ..fleet import ScanConfig, discover, load_manifest, scan
    from ..fleet.baseline import compare, load_baseline
    from ..fleet.progress import Progress
    from ..report.formats import Report
    from ..fleet.task import DEFAULT_TAGS
    from ..fleet.workspaces import is_url

    if args.workers < 1:
        raise InputError(None, f"--workers must be 1 or more, not {args.workers}")
    if args.scheduler and args.engine != "dask":
        raise InputError(None, "--scheduler needs --engine dask")
    settings = replace(args.settings, parallel=0)  # the workers are the parallelism
    baseline = load_baseline(args.baseline, settings.limits) if args.baseline else None
    config = ScanConfig(policies=tuple(args.policies) or None, data=tuple(args.data),
                        waivers=args.waivers, usage=args.usage,
                        price_books=tuple(args.price_book), region=args.region, env=args.env,
                        env_tag=args.env_tag, tags=tuple(args.tag or DEFAULT_TAGS),
                        team_key=args.team_key, allocate=args.allocate, settings=settings)
    path = args.path
    tree = _is_tree(path) if is_url(path) else os.path.isdir(path)
    workspaces = discover(path) if tree else load_manifest(path, settings.limits)
    progress = Progress(len(workspaces), sys.stderr) if sys.stderr.isatty() and \
        not args.no_progress else None
    try:
        document = scan(workspaces, config, engine=args.engine, workers=args.workers,
                        scheduler=args.scheduler, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if baseline is not None:
        document["comparison"] = compare(document, baseline, args.baseline)
    text = safe(args.output_formats.render(Report("scan", document=document, options=args),
                                           args.format))
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise InputError(args.output, f"cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return 0


def _is_tree(url: str) -> bool:
    from ..fleet.workspaces import filesystem

    fs, inner = filesystem(url)
    try:
        return bool(fs.isdir(inner))
    except OSError:
        return False
