"""The public Price List bulk files, streamed: what `costwarden catalog refresh aws
--from bulk` reads (see `pricing_catalog.refresh.aws`).

The offer index names each offer's region index, which names one offer file per
region; an EC2 region file is hundreds of MB, so it is read once with ijson,
keeping only the products the catalog holds and their terms, within byte and
product bounds.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterator, Sequence

from ..records import record_key
from . import http
from .aws_offers import OFFERS, Target, records, target
from .aws_savings import read_savings_plans, savings_plan_records
from .http import RefreshError

BULK_ENDPOINT = "https://pricing.us-east-1.amazonaws.com"
OFFER_INDEX = "/offers/v1.0/aws/index.json"
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


