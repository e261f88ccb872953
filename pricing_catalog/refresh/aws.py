"""`costwarden catalog refresh aws`: rebuild AWS data files from AWS's own price lists.

Three ways in, one product shape (`aws_offers`):

- `--from bulk` (default, no credentials): the public Price List bulk files. The offer
  index names each offer's region index, which names one offer file per region; an
  EC2 region file is hundreds of MB, so it is streamed once with ijson, keeping only
  the products the catalog holds and their terms.
- `--from api` (credentials allowed `pricing:GetProducts`): `pricing.get_products`,
  paginated, one region filter per offer; each PriceList entry is one product.
- Savings Plans (with `ec2`, from the bulk files): the Compute Savings Plans
  region file the offer index names, streamed the same way (`aws_savings`).
- `--spot` (credentials allowed `ec2:DescribeSpotPriceHistory`): the current observed
  spot price per instance type; it replaces an estimated Spot Advisor band.

Records are merged into `--data DIR/<service>.json` (by default the bundled
`pricing_catalog/data/aws`): a newer observed price replaces an older or estimated
one; other records stay. boto3 is imported only in `make_client`. Examples:

    costwarden catalog refresh aws --regions us-west-2
    costwarden catalog refresh aws --services ec2,sagemaker --regions eu-west-1 --from api
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..datafile import PACKAGE_DIR
from ..errors import CatalogError
from ..records import merge_into, write
from .aws_bulk import BULK_ENDPOINT, Collected, Offer, _add_offer, _services_of, refresh_bulk
from .aws_offers import FILLS  # noqa: F401  (a refresher names the services it fills)
from .aws_offers import DEFAULT_SERVICES, OFFERS, target
from .http import RefreshError

PRICING_REGION = "us-east-1"  # the Price List Query API is served from a few regions only
DATA_DIR = PACKAGE_DIR / "data" / "aws"
MAX_SPOT_TYPES = 2000


# --- Query API ------------------------------------------------------------------


def make_client(service: str = "pricing", region: str = PRICING_REGION) -> Any:
    try:
        import boto3  # lazy: an optional dependency (costwarden[refresh])
    except ImportError:
        raise RefreshError("boto3 is not installed (pip install 'costwarden[refresh]')") from None
    return boto3.client(service, region_name=region)


def refresh_api(client: Any, names: Sequence[str], regions: Sequence[str], today: date,
                log: Callable[[str], None]) -> Collected:
    """Every product of each offer in each region through `pricing.get_products`."""
    collected = Collected()
    as_of = today.isoformat()
    source = f"PLAPI-{as_of}"
    meta = {"title": "AWS Price List Query API (pricing.get_products)",
            "location": f"https://api.pricing.{PRICING_REGION}.amazonaws.com", "as_of": as_of,
            "licence": "AWS public price list"}
    for offer_code, services in sorted(_services_of(names).items()):
        for region in regions:
            offer = Offer(None, {}, {})
            paginator = client.get_paginator("get_products")
            pages = paginator.paginate(ServiceCode=offer_code, FormatVersion="aws_v1", Filters=[
                {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}])
            for page in pages:
                for raw in page.get("PriceList", []):
                    try:
                        item = json.loads(raw) if isinstance(raw, str) else raw
                    except ValueError:
                        raise RefreshError(f"{offer_code} {region}: a PriceList entry is not "
                                           "JSON") from None
                    product = item.get("product") if isinstance(item, dict) else None
                    if not isinstance(product, dict):
                        raise RefreshError(f"{offer_code} {region}: a PriceList entry has no "
                                           "product")
                    t = target(offer_code, product)
                    if t is not None and t.service in services:
                        sku = str(product.get("sku", len(offer.products)))
                        offer.products[sku] = (t, product)
                        offer.terms[sku] = item.get("terms") or {}
            n = _add_offer(collected, offer_code, offer, region, source, meta)
            log(f"{offer_code} {region}: {n} records (Query API)")
    return collected


# --- spot -------------------------------------------------------------------------


def spot_records(client: Any, region: str, instance_types: Sequence[str],
                 now: datetime) -> list[dict[str, Any]]:
    """Observed Linux spot prices: per type, the latest price of each availability zone;
    the record is the highest zone's (what a fleet spread over zones may pay)."""
    latest: dict[tuple[str, str], tuple[datetime, Decimal]] = {}
    paginator = client.get_paginator("describe_spot_price_history")
    for page in paginator.paginate(InstanceTypes=list(instance_types), StartTime=now,
                                   ProductDescriptions=["Linux/UNIX"]):
        for row in page.get("SpotPriceHistory", []):
            try:
                key = (row["InstanceType"], row["AvailabilityZone"])
                stamp, price = row["Timestamp"], Decimal(row["SpotPrice"])
            except (KeyError, ArithmeticError):
                raise RefreshError(f"spot price history ({region}): unreadable row") from None
            if key not in latest or stamp > latest[key][0]:
                latest[key] = (stamp, price)
    by_type: dict[str, list[tuple[str, Decimal]]] = {}
    for (itype, zone), (_, price) in latest.items():
        by_type.setdefault(itype, []).append((zone, price))
    out = []
    as_of = now.date().isoformat()
    for itype in sorted(by_type):
        zones = sorted(by_type[itype], key=lambda z: (z[1], z[0]))
        low, high = zones[0], zones[-1]
        out.append({"product": "instance", "region": region,
                    "attributes": {"instance_type": itype, "os": "linux", "tenancy": "shared"},
                    "purchase_option": "spot", "unit": "hour",
                    "price": format(high[1].normalize(), "f"), "source": f"SPOT-{as_of}",
                    "as_of": as_of,
                    "note": f"highest current zone price ({high[0]}); lowest "
                            f"{format(low[1].normalize(), 'f')} in {low[0]}"})
    return out


def _types_in(data: Path, region: str) -> list[str]:
    from ..records import read_data_file

    doc = read_data_file(data / "ec2.json") or {}
    return sorted({r["attributes"]["instance_type"] for r in doc.get("records", [])
                   if r["region"] == region and r["purchase_option"] == "on_demand"
                   and "instance_type" in r["attributes"]})


# --- command ------------------------------------------------------------------------


def _split(values: Iterable[str]) -> list[str]:
    return [v.strip() for arg in values for v in arg.split(",") if v.strip()]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="costwarden catalog refresh aws",
        description="Rebuild AWS catalog records from AWS's public price lists.")
    p.add_argument("--services", action="append", default=[],
                   help=f"comma-separated, of {', '.join(OFFERS)} "
                        f"(default: {','.join(DEFAULT_SERVICES)})")
    p.add_argument("--regions", "--region", action="append", required=True,
                   help="region codes, comma-separated or repeated")
    p.add_argument("--from", dest="origin", choices=["bulk", "api"], default="bulk",
                   help="bulk: the public offer files (no credentials); api: pricing.get_products")
    p.add_argument("--spot", action="store_true",
                   help="also read observed spot prices (ec2.describe_spot_price_history)")
    p.add_argument("--endpoint", default=BULK_ENDPOINT, help="bulk files' base URL")
    p.add_argument("--data", type=Path, default=DATA_DIR,
                   help="directory of the AWS data files to merge into (default: the bundled one)")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="date to record where a source gives none (default: today)")
    return p


def main(argv: Sequence[str] | None = None, *, client: Any = None,
         spot_client: Callable[[str], Any] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    names = _split(args.services) or list(DEFAULT_SERVICES)
    unknown = [n for n in names if n not in OFFERS]
    if unknown:
        print(f"refresh: unknown service {unknown[0]!r} (one of {', '.join(OFFERS)})",
              file=sys.stderr)
        return 2
    regions = _split(args.regions)
    today = args.today or date.today()

    def log(message: str) -> None:
        print(f"refresh: {message}", file=sys.stderr)

    try:
        if args.origin == "bulk":
            collected = refresh_bulk(args.endpoint, names, regions, today, log)
        else:
            collected = refresh_api(client if client is not None else make_client(),
                                    names, regions, today, log)
        if args.spot:
            now = datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc)
            for region in regions:
                types = sorted(set(_types_in(args.data, region)) | {
                    r["attributes"]["instance_type"] for (service, _), r in
                    collected.by_key.items() if service == "ec2" and r["region"] == region})
                if not types:
                    continue
                ec2 = (spot_client or (lambda r: make_client("ec2", r)))(region)
                for start in range(0, min(len(types), MAX_SPOT_TYPES), 100):
                    for rec in spot_records(ec2, region, types[start:start + 100], now):
                        collected.add("ec2", rec, {
                            "title": "EC2 DescribeSpotPriceHistory (observed spot prices)",
                            "location": f"https://ec2.{region}.amazonaws.com",
                            "as_of": rec["as_of"], "licence": "AWS public price data"})
        if collected.conflicts:
            for service, key in sorted(collected.conflicts):
                log(f"{service} {key}: several different prices for one key; left out")
        docs = {service: merge_into(args.data / f"{service}.json", "aws", service, recs,
                                    collected.sources[service])
                for service, recs in sorted(collected.services().items())}
    except CatalogError as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # botocore errors: no credentials, throttling, access denied
        if type(exc).__module__.startswith(("botocore", "boto3")):
            print(f"refresh: AWS API: {exc}", file=sys.stderr)
            return 2
        raise
    for service, doc in docs.items():
        write(args.data / f"{service}.json", doc)
        new = sum(1 for k in collected.by_key if k[0] == service)
        print(f"refresh: {service}.json: {new} records refreshed, {len(doc['records'])} in the file")
    if not docs:
        print("refresh: no records found; nothing written")
    if args.data.resolve() == DATA_DIR.resolve() and docs:
        from ..loader import update_lock

        update_lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
