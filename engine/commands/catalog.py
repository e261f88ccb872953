"""`costwarden catalog info|refresh`: what the offline catalog holds, and rebuilding it."""

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


def run_refresh(args: argparse.Namespace) -> int:
    from pricing_catalog.refresh import main as refresh_main  # dispatches on the cloud

    return refresh_main(args.rest)
