"""`costwarden catalog info|coverage|diff|refresh`: what the offline catalog holds, what
moved between two sets of data files, and rebuilding it."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def add_parser(sub: argparse._SubParsersAction, formats: object = None) -> None:
    p = sub.add_parser("catalog", help="the offline pricing catalog: info, staleness, refresh")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True,
                             parser_class=type(p))
    info = verbs.add_parser("info", help="catalog version, sources with dates, staleness")
    info.add_argument("--price-book", metavar="FILE", action="append", default=[])
    info.add_argument("--max-age-days", type=int, default=180,
                      help="report sources older than this (default 180)")
    info.add_argument("--today", type=date.fromisoformat, default=None,
                      help="date to measure staleness from (default: today)")
    info.set_defaults(run=run_info)
    cov = verbs.add_parser("coverage", help="service × region: prices, purchase options, "
                                            "estimates, source dates")
    cov.add_argument("--cloud", help="one provider's prices (aws, gcp, azure; or a cloud name)")
    cov.add_argument("--region", help="one region ('global' for prices without one)")
    cov.add_argument("--format", choices=["table", "json"], default="table")
    cov.add_argument("--price-book", metavar="FILE", action="append", default=[])
    cov.set_defaults(run=run_coverage)
    dif = verbs.add_parser("diff", help="which prices moved between two sets of data files")
    dif.add_argument("old", metavar="OLD", help="data file, provider folder or data root")
    dif.add_argument("new", metavar="NEW")
    dif.add_argument("--format", choices=["table", "json"], default="table")
    dif.set_defaults(run=run_diff)
    refresh = verbs.add_parser(
        "refresh", add_help=False,
        help="rebuild data files from a cloud's price API: refresh {aws,gcp,azure} [options]")
    refresh.add_argument("rest", nargs=argparse.REMAINDER)
    refresh.set_defaults(run=run_refresh)


def run_info(args: argparse.Namespace) -> int:
    from ..pipeline import load_prices

    catalog = load_prices(tuple(args.price_book))
    info = catalog.info
    out = sys.stdout
    out.write(f"catalog {info.version}  currency {info.currency}  "
              f"{len(catalog)} prices, {len(catalog.instance_types())} instance types\n")
    out.write(f"sources dated {info.oldest_as_of} to {info.as_of}\n")
    if info.price_books:
        out.write("price books: " + ", ".join(info.price_books) + "\n")
    out.write("\n")
    for src in sorted(catalog.sources, key=lambda s: s.id):
        out.write(f"  {src.id:<6} {src.as_of}  {src.title}\n")
    stale = catalog.staleness(args.today or date.today(), args.max_age_days)
    out.write("\n")
    if stale:
        out.write(f"{len(stale)} source(s) older than {args.max_age_days} days:\n")
        for s in stale:
            out.write(f"  {s}\n")
    else:
        out.write(f"no source is older than {args.max_age_days} days\n")
    return 0


def _provider(name: str | None) -> str | None:
    """A catalog provider from `--cloud`: the catalog's own name (`azurerm`), a cloud
    bundle's (`azure`, `google`) or its refresh argument (`gcp`)."""
    if name is None:
        return None
    from ..clouds import builtin_clouds

    for cloud in builtin_clouds():
        if name in (cloud.name, cloud.catalog_refresh) and cloud.providers:
            return cloud.providers[0]
    return name


def run_coverage(args: argparse.Namespace) -> int:
    import json

    from pricing_catalog.report import coverage, coverage_table

    from ..pipeline import load_prices

    rows = coverage(load_prices(tuple(args.price_book)), _provider(args.cloud), args.region)
    if args.format == "json":
        sys.stdout.write(json.dumps([r.document() for r in rows], indent=2) + "\n")
    else:
        sys.stdout.write(coverage_table(rows))
    return 0


def run_diff(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from pricing_catalog import CatalogError
    from pricing_catalog.report import diff, diff_text, read_prices

    try:
        old, new = read_prices(Path(args.old)), read_prices(Path(args.new))
    except CatalogError as exc:
        print(f"costwarden: {exc}", file=sys.stderr)
        return 2
    moves = diff(old, new)
    if args.format == "json":
        sys.stdout.write(json.dumps({"old": len(old), "new": len(new),
                                     "moves": [m.document() for m in moves]}, indent=2) + "\n")
    else:
        sys.stdout.write(diff_text(moves, len(old), len(new)))
    return 0


def run_refresh(args: argparse.Namespace) -> int:
    from pricing_catalog.refresh import main as refresh_main  # dispatches on the cloud

    return refresh_main(args.rest)
