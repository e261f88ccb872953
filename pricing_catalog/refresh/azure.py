"""Rebuild Azure records from the Azure Retail Prices API (public, no authentication).

    costwarden catalog refresh azure --regions eastus,westeurope \
        --sizes Standard_NC24ads_A100_v4,Standard_ND96isr_H100_v5 --out azure-refresh/

asks `GET https://prices.azure.com/api/retail/prices?$filter=...` per service and
region (`serviceName`, `armRegionName`, `priceType`, optionally `armSkuName`),
follows `NextPageLink` to the last page, and writes data files in the bundled shape
(`compute.json`, `managed_disks.json`) with the fetch date as source date. Overlay
them on the bundled catalog with `python -m pricing_catalog build azure --refresh
azure-refresh/compute.json ...`.

Each item is mapped by its documented fields: `armSkuName` (the size), `productName`
("... Windows" -> Windows; "Dedicated" hosts are skipped), `skuName`/`meterName`
("Spot", "Low Priority"), `type` (Consumption; Reservation with `reservationTerm`,
whose price is the whole term), `unitOfMeasure` ("1 Hour", "1/Month", "1 GiB/Hour"),
`tierMinimumUnits` (tiers).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import parse_qsl, urlsplit

from ..datafile import DATA_SCHEMA, format_data_file, validate
from ..errors import CatalogError
from .http import RefreshError, client, pages

ENDPOINT = "https://prices.azure.com"
PATH = "/api/retail/prices"
API_VERSION = "2023-01-01-preview"
PROVIDER = "azurerm"
SOURCE_ID = "azure-retail-prices"
HOURS_PER_MONTH = Decimal(730)
TERM_HOURS = {"1 Year": ("reserved_1y", Decimal(8760)), "3 Years": ("reserved_3y", Decimal(26280))}
SERVICES = {"compute": "Virtual Machines", "managed_disks": "Storage"}
# A filter value: OData string literals are quoted, so only plain names are accepted.
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_. -]{0,99}$")
_DISK_METER = re.compile(r"^(?P<tier>[PES]\d+) (?P<redundancy>LRS|ZRS) Disk$")
_ULTRA = {"Provisioned Capacity": ("ultra_capacity", "GiB-month"),
          "Provisioned IOPS": ("ultra_iops", "IOPS-month"),
          "Provisioned Throughput (MBps)": ("ultra_throughput", "MBps-month")}


@dataclass(frozen=True)
class Query:
    service: str  # our service: "compute" | "managed_disks"
    region: str
    price_type: str  # "Consumption" | "Reservation"
    size: str | None = None

    def filter(self) -> str:
        parts = [f"serviceName eq '{SERVICES[self.service]}'",
                 f"armRegionName eq '{self.region}'", f"priceType eq '{self.price_type}'"]
        if self.size:
            parts.append(f"armSkuName eq '{self.size}'")
        if self.service == "managed_disks":
            parts.append("(contains(productName, 'Managed Disks') or productName eq 'Ultra Disks')")
        return " and ".join(parts)


def fetch(http: Any, query: Query) -> Iterator[dict[str, Any]]:
    """Every item of a filtered query, following NextPageLink on the same host."""
    host = urlsplit(str(http.base_url)).netloc

    def next_page(doc: Any) -> tuple[str, dict[str, str]] | None:
        link = doc.get("NextPageLink") if isinstance(doc, dict) else None
        if not link:
            return None
        parts = urlsplit(link) if isinstance(link, str) else None
        if parts is None or parts.netloc != host or parts.path != PATH:
            raise RefreshError("the Azure Retail Prices API: NextPageLink points elsewhere "
                               "than the prices endpoint")
        # The query ($skip) travels as parameters: the pager tells pages apart by them.
        return PATH, dict(parse_qsl(parts.query, keep_blank_values=True))

    params = {"api-version": API_VERSION, "$filter": query.filter()}
    for doc in pages(http, PATH, params, next_page):
        items = doc.get("Items") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise RefreshError("the Azure Retail Prices API: a page without an Items list")
        yield from (item for item in items if isinstance(item, dict))


def _price(item: dict[str, Any]) -> Decimal:
    try:
        value = Decimal(str(item["retailPrice"]))
    except (KeyError, InvalidOperation):
        raise RefreshError(f"meter {item.get('meterId', '?')}: no readable retailPrice") from None
    if not value.is_finite() or value < 0:
        raise RefreshError(f"meter {item.get('meterId', '?')}: retailPrice {value}")
    return value


def _option(item: dict[str, Any]) -> str | None:
    """The purchase option of a row, or None for rows the catalog does not keep."""
    kind = item.get("type")
    names = f"{item.get('skuName', '')} {item.get('meterName', '')}"
    if kind == "Reservation":
        term = TERM_HOURS.get(str(item.get("reservationTerm")))
        return term[0] if term else None
    if kind != "Consumption":
        return None  # DevTestConsumption
    if "Low Priority" in names:
        return "low_priority"
    if "Spot" in names:
        return "spot"
    return "on_demand"


def compute_record(item: dict[str, Any]) -> dict[str, Any] | None:
    """One VM meter as an `instance` record (None: not a VM size price we keep)."""
    size, product = item.get("armSkuName"), str(item.get("productName", ""))
    option = _option(item)
    if not size or option is None or "Dedicated" in product or "Cloud Services" in product:
        return None
    price = _price(item)
    if option.startswith("reserved"):
        price = price / TERM_HOURS[str(item["reservationTerm"])][1]
    elif item.get("unitOfMeasure") != "1 Hour":
        return None
    if price == 0:
        return None
    return {"product": "instance", "region": str(item.get("armRegionName", "")),
            "attributes": {"instance_type": str(size).lower(),
                           "os": "windows" if "Windows" in product else "linux"},
            "purchase_option": option, "unit": "hour", "price": _text(price)}


def disk_record(item: dict[str, Any]) -> dict[str, Any] | None:
    """A managed-disk tier ("P30 LRS Disk", 1/Month) or an Ultra Disk rate."""
    if _option(item) != "on_demand":
        return None
    meter, unit = str(item.get("meterName", "")), item.get("unitOfMeasure")
    region = str(item.get("armRegionName", ""))
    tier = _DISK_METER.match(meter)
    if tier and unit == "1/Month":
        return {"product": "disk", "region": region,
                "attributes": {"tier": tier["tier"], "redundancy": tier["redundancy"]},
                "purchase_option": "on_demand", "unit": "disk-month",
                "price": _text(_price(item))}
    if item.get("productName") == "Ultra Disks" and meter in _ULTRA:
        product, unit_name = _ULTRA[meter]
        price = _price(item)
        if unit and "/Hour" in str(unit):
            price *= HOURS_PER_MONTH  # the API quotes Ultra rates per hour
        return {"product": product, "region": region, "attributes": {"redundancy": "LRS"},
                "purchase_option": "on_demand", "unit": unit_name, "price": _text(price)}
    return None


def _text(value: Decimal) -> str:
    out = format(value.normalize(), "f")
    return out


MAPPERS = {"compute": compute_record, "managed_disks": disk_record}


def records(items: Iterable[dict[str, Any]], service: str, today: date) -> list[dict[str, Any]]:
    """One record per key; rows that disagree keep the one in effect last (the API
    lists a meter's price history by effectiveStartDate)."""
    chosen: dict[tuple, tuple[str, dict[str, Any]]] = {}
    for item in items:
        rec = MAPPERS[service](item)
        if rec is None or not rec["region"]:
            continue
        rec.update(source=SOURCE_ID, as_of=today.isoformat())
        key = (rec["product"], rec["region"], rec["purchase_option"],
               tuple(sorted(rec["attributes"].items())))
        start = str(item.get("effectiveStartDate", ""))
        if key not in chosen or start >= chosen[key][0]:
            chosen[key] = (start, rec)
    return sorted((rec for _, rec in chosen.values()),
                  key=lambda r: (r["product"], r["region"], r["purchase_option"],
                                 sorted(r["attributes"].items())))


def data_file(service: str, recs: list[dict[str, Any]], today: date,
              endpoint: str) -> dict[str, Any]:
    return {
        "schema_version": 1, "provider": PROVIDER, "service": service, "currency": "USD",
        "sources": {SOURCE_ID: {
            "title": "Azure Retail Prices API (prices.azure.com/api/retail/prices)",
            "location": endpoint.rstrip("/") + PATH, "as_of": today.isoformat(),
            "licence": "Microsoft Azure public retail prices"}},
        "records": recs,
    }


def _names(values: Sequence[str], what: str) -> list[str]:
    out = [v.strip() for arg in values for v in arg.split(",") if v.strip()]
    for v in out:
        if not _SAFE.match(v):
            raise RefreshError(f"--{what}: {v[:40]!r} is not a plain name")
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="costwarden catalog refresh azure",
        description="Rebuild Azure catalog records from the Azure Retail Prices API.")
    parser.add_argument("--regions", action="append", required=True,
                        help="armRegionName values, comma-separated or repeated (eastus)")
    parser.add_argument("--services", action="append", default=[],
                        help=f"of {', '.join(SERVICES)} (default: all)")
    parser.add_argument("--sizes", action="append", default=[],
                        help="VM sizes (armSkuName) to fetch; default: every size")
    parser.add_argument("--reservations", action="store_true",
                        help="also fetch 1- and 3-year reservation prices (per hour)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write data files in")
    parser.add_argument("--endpoint", default=ENDPOINT, help=argparse.SUPPRESS)
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="as-of date to record (default: today)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    today = args.today or date.today()
    try:
        regions = _names(args.regions, "regions")
        services = _names(args.services, "services") or list(SERVICES)
        unknown = [s for s in services if s not in SERVICES]
        if unknown:
            raise RefreshError(f"--services: {', '.join(unknown)} (one of {', '.join(SERVICES)})")
        sizes = _names(args.sizes, "sizes")
        files = {}
        with client(args.endpoint) as http:
            for service in services:
                items: list[dict[str, Any]] = []
                for region in regions:
                    kinds = ["Consumption"] + (["Reservation"] if args.reservations
                                               and service == "compute" else [])
                    for kind in kinds:
                        for size in (sizes if service == "compute" and sizes else [None]):
                            items.extend(fetch(http, Query(service, region, kind, size)))
                doc = data_file(service, records(items, service, today), today, args.endpoint)
                validate(doc, DATA_SCHEMA, f"{service}.json", None)
                files[service] = doc
    except (RefreshError, CatalogError) as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for service, doc in files.items():
        path = args.out / f"{service}.json"
        path.write_text(format_data_file(doc), encoding="utf-8")
        print(f"refresh: wrote {len(doc['records'])} records to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
