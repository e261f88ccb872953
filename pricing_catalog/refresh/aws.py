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
import contextlib
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..datafile import PACKAGE_DIR
from ..errors import CatalogError
from ..records import merge_into, record_key, write
from . import http
from .aws_offers import DEFAULT_SERVICES, FILLS, OFFERS, Target, records, target
from .aws_savings import read_savings_plans, savings_plan_records
from .http import RefreshError

BULK_ENDPOINT = "https://pricing.us-east-1.amazonaws.com"
OFFER_INDEX = "/offers/v1.0/aws/index.json"
PRICING_REGION = "us-east-1"  # the Price List Query API is served from a few regions only
DATA_DIR = PACKAGE_DIR / "data" / "aws"
MAX_SPOT_TYPES = 2000
MAX_OFFER_BYTES = 20 * 1024 ** 3  # the largest region offer files are a few GB
MAX_KEPT_PRODUCTS = 1_000_000


class _Capped:
    """`read(n)` of a stream that fails past `limit` bytes (a bounded refresh)."""

    def __init__(self, fh: Any, limit: int, what: str) -> None:
        self.fh, self.left, self.what = fh, limit, what

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.left -= len(data)
        if self.left < 0:
            raise RefreshError(f"{self.what}: larger than {MAX_OFFER_BYTES:,} bytes")
        return data

# Which catalog services each --services name writes (for the summary line).
__all__ = ["main", "Collected", "FILLS", "read_offer", "refresh_bulk", "refresh_api",
           "spot_records"]


@dataclass
class Collected:
    """Records gathered in one run, per catalog key; conflicting figures are dropped."""

    by_key: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = field(default_factory=dict)
    conflicts: set[tuple[str, tuple[Any, ...]]] = field(default_factory=set)
    sources: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def add(self, service: str, rec: dict[str, Any], source_meta: dict[str, str]) -> None:
        key = (service, record_key(rec))
        self.sources.setdefault(service, {})[rec["source"]] = source_meta
        old = self.by_key.get(key)
        if old is not None and (old["price"], old.get("tiers")) != (rec["price"], rec.get("tiers")):
            self.conflicts.add(key)
        self.by_key.setdefault(key, rec)

    def services(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for (service, _), rec in self.by_key.items():
            if (service, record_key(rec)) not in self.conflicts:
                out.setdefault(service, []).append(rec)
        return out


# --- bulk files ---------------------------------------------------------------


_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})


def _value(events: Iterator[tuple[str, str, Any]], build: bool) -> Any:
    """The next JSON value of `events`, built, or skipped (None) without building."""
    import ijson

    _, event, value = next(events)
    if event not in _OPEN:
        return value
    depth = 1
    if not build:
        for _, event, _ in events:
            if event in _OPEN:
                depth += 1
            elif event in _CLOSE:
                depth -= 1
                if not depth:
                    return None
        raise StopIteration
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    for _, event, value in events:
        builder.event(event, value)
        if event in _OPEN:
            depth += 1
        elif event in _CLOSE:
            depth -= 1
            if not depth:
                return builder.value
    raise StopIteration


@dataclass
class Offer:
    publication: str | None
    products: dict[str, tuple[Target, dict[str, Any]]]
    terms: dict[str, dict[str, dict[str, Any]]]  # sku -> term type -> terms


def read_offer(fh: Any, offer: str, wanted: Callable[[Target], bool]) -> Offer:
    """Stream one region offer file: the products the catalog holds and their terms.

    Memory holds only the kept products and their terms, never the whole file."""
    import ijson

    events = iter(ijson.parse(_Capped(fh, MAX_OFFER_BYTES, f"{offer} offer file")))
    publication = None
    products: dict[str, tuple[Target, dict[str, Any]]] = {}
    terms: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        for prefix, event, value in events:
            if prefix == "publicationDate" and event == "string":
                publication = value
            elif event == "map_key" and prefix == "products":
                product = _value(events, True)
                t = target(offer, product) if isinstance(product, dict) else None
                if t is not None and wanted(t):
                    products[str(value)] = (t, product)
                    if len(products) > MAX_KEPT_PRODUCTS:
                        raise RefreshError(f"{offer} offer file: more than "
                                           f"{MAX_KEPT_PRODUCTS:,} products to keep")
            elif event == "map_key" and prefix in ("terms.OnDemand", "terms.Reserved"):
                keep = value in products
                got = _value(events, keep)
                if keep and isinstance(got, dict):
                    terms.setdefault(str(value), {})[prefix.split(".")[1]] = got
    except ijson.JSONError as exc:
        first = (str(exc).splitlines() or [""])[0].strip()
        raise RefreshError(f"{offer} offer file: not valid JSON ({first})") from None
    except StopIteration:
        raise RefreshError(f"{offer} offer file: ends in the middle of a value") from None
    return Offer(publication, products, terms)


def _date_of(publication: str | None, today: date) -> str:
    if publication:
        try:
            return datetime.fromisoformat(publication.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            raise RefreshError(f"publicationDate {publication!r} is not a date") from None
    return today.isoformat()


def _services_of(names: Sequence[str]) -> dict[str, set[str]]:
    """offer code -> the catalog services wanted from it."""
    catalog_service = {"ec2": {"ec2"}, "ebs": {"ebs"}, "nat": {"vpc"}, "vpc": {"vpc"},
                       "s3": {"s3"}, "efs": {"efs"}, "fsx": {"fsx_lustre"}, "eks": {"eks"},
                       "ecs": {"ecs"}, "elb": {"elb"}, "ecr": {"ecr"}, "logs": {"cloudwatch"},
                       "sagemaker": {"sagemaker"}}
    out: dict[str, set[str]] = {}
    for name in names:
        out.setdefault(OFFERS[name], set()).update(catalog_service[name])
    return out


def _add_offer(collected: Collected, offer_code: str, offer: Offer, region: str,
               source: str, meta: dict[str, str]) -> int:
    n = 0
    for sku, (t, product) in offer.products.items():
        for rec in records(t, product, offer.terms.get(sku, {}), region, source, meta["as_of"]):
            collected.add(t.service, rec, meta)
            n += 1
    return n


def _path(url: Any, what: str) -> str:
    """A link inside the bulk files: a path on the same endpoint, never another host."""
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//") \
            or len(url) > 500:
        raise RefreshError(f"{what}: not a path on the price list endpoint")
    return url


def refresh_bulk(endpoint: str, names: Sequence[str], regions: Sequence[str], today: date,
                 log: Callable[[str], None]) -> Collected:
    collected = Collected()
    with contextlib.closing(http.client(endpoint)) as client:
        index = http.get_json(client, OFFER_INDEX)
        offers = index.get("offers") if isinstance(index, dict) else None
        if not isinstance(offers, dict):
            raise RefreshError(f"{endpoint}{OFFER_INDEX}: no 'offers' object")
        for offer_code, services in sorted(_services_of(names).items()):
            entry = offers.get(offer_code)
            url = _path(entry.get("currentRegionIndexUrl") if isinstance(entry, dict) else None,
                        f"offer index: currentRegionIndexUrl of {offer_code}")
            region_index = http.get_json(client, url)
            by_region = region_index.get("regions") if isinstance(region_index, dict) else None
            if not isinstance(by_region, dict):
                raise RefreshError(f"{url}: no 'regions' object")
            for region in regions:
                found = by_region.get(region)
                if not isinstance(found, dict):
                    log(f"{offer_code} has no offer file for {region}")
                    continue
                offer_url = _path(found.get("currentVersionUrl"),
                                  f"{url}: currentVersionUrl of {region}")
                with http.stream(client, offer_url) as fh:
                    offer = read_offer(fh, offer_code, lambda t: t.service in services)
                as_of = _date_of(offer.publication, today)
                source = f"PL-{as_of}"
                meta = {"title": "AWS Price List bulk offer files", "location":
                        endpoint.rstrip("/") + "/offers/v1.0/aws/", "as_of": as_of,
                        "licence": "AWS public price list"}
                n = _add_offer(collected, offer_code, offer, region, source, meta)
                log(f"{offer_code} {region}: {n} records ({len(offer.products)} products kept)")
        if "ec2" in names:
            _savings_plans(client, endpoint, offers.get("AmazonEC2"), regions, today, log,
                           collected)
    return collected


def _savings_plans(client: Any, endpoint: str, entry: Any, regions: Sequence[str], today: date,
                   log: Callable[[str], None], collected: Collected) -> None:
    """Compute Savings Plans rates of EC2 instances (`aws_savings`), per region."""
    url = entry.get("currentSavingsPlanIndexUrl") if isinstance(entry, dict) else None
    if url is None:
        log("the offer index names no Savings Plans region index for AmazonEC2")
        return
    url = _path(url, "offer index: currentSavingsPlanIndexUrl of AmazonEC2")
    region_index = http.get_json(client, url)
    listed = region_index.get("regions") if isinstance(region_index, dict) else None
    if not isinstance(listed, list):
        raise RefreshError(f"{url}: no 'regions' list")
    by_region = {r.get("regionCode"): r for r in listed if isinstance(r, dict)}
    for region in regions:
        if region not in by_region:
            log(f"AWSComputeSavingsPlan has no file for {region}")
            continue
        file_url = _path(by_region[region].get("versionUrl"), f"{url}: versionUrl of {region}")
        with http.stream(client, file_url) as fh:
            got = read_savings_plans(fh, f"AWSComputeSavingsPlan {region} file")
        as_of = _date_of(got.publication, today)
        meta = {"title": "AWS Savings Plans price list (AWSComputeSavingsPlan bulk files)",
                "location": endpoint.rstrip("/") + "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/",
                "as_of": as_of, "licence": "AWS public price list"}
        recs = savings_plan_records(got, region, f"PLSP-{as_of}", as_of)
        for rec in recs:
            collected.add("ec2", rec, meta)
        log(f"AWSComputeSavingsPlan {region}: {len(recs)} records "
            f"({len(got.plans)} Compute Savings Plans kept)")


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
