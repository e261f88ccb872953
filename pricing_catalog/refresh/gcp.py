"""Rebuild Google Cloud data files from the Cloud Billing Catalog API.

`GET {endpoint}/v1/services/{service}/skus?key=…&pageSize=5000&pageToken=…` lists a
service's SKUs (`{"skus": [...], "nextPageToken": "..."}`); the API key is read from
an environment variable (default `GOOGLE_API_KEY`) and never printed. SKUs are
mapped by category and description:

- Compute Engine GPUs (`resourceGroup` GPU, "Nvidia Tesla T4 GPU running in …") ->
  `gpu` records; machine types -> `instance` records composed as Google bills them:
  vCPUs x the family's core SKU + GB x its RAM SKU ("N2 Instance Core/Ram running in
  …"), for every machine type of the catalog's hardware table in that family;
  persistent disks and local SSD -> `disk` / `local_ssd` records;
- Cloud TPU chips ("… TPU v5p chip …") -> `tpu` records per chip-hour;
- Cloud Storage classes ("Standard Storage …") -> `storage` records per location.

`usageType` OnDemand / Preemptible / Commit1Yr / Commit3Yr become on_demand / spot /
committed_1y / committed_3y. Records keep the catalog's shape with the fetch date as
their date. Example:

    GOOGLE_API_KEY=… costwarden catalog refresh gcp --services compute,tpu \
        --regions us-central1,us-east5 --out refreshed/
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..datafile import DATA_SCHEMA, format_data_file, validate
from ..errors import CatalogError
from . import http

ENDPOINT = "https://cloudbilling.googleapis.com"
SOURCE_ID = "gcp-billing-catalog"
PAGE_SIZE = 5000
HOURS_PER_MONTH = Decimal(730)
# The services by display name: their ids are looked up in `GET /v1/services`, except
# Compute Engine's, which is known (gpuhunt, pricing facts §6.3); --service-id NAME=ID
# gives one directly.
SERVICE_NAMES = {"compute": "Compute Engine", "tpu": "Cloud TPU", "storage": "Cloud Storage"}
KNOWN_IDS = {"compute": "6F81-5844-456A"}
USAGE_TYPES = {"OnDemand": "on_demand", "Preemptible": "spot", "Commit1Yr": "committed_1y",
               "Commit3Yr": "committed_3y"}
DISKS = (  # description prefix -> (product, attributes); first match wins
    ("Regional Storage PD Capacity", "disk", {"disk_type": "pd-standard", "replication": "regional"}),
    ("Regional SSD backed PD Capacity", "disk", {"disk_type": "pd-ssd", "replication": "regional"}),
    ("Regional Balanced PD Capacity", "disk", {"disk_type": "pd-balanced", "replication": "regional"}),
    ("Storage PD Capacity", "disk", {"disk_type": "pd-standard", "replication": "zonal"}),
    ("SSD backed PD Capacity", "disk", {"disk_type": "pd-ssd", "replication": "zonal"}),
    ("Balanced PD Capacity", "disk", {"disk_type": "pd-balanced", "replication": "zonal"}),
    ("Extreme PD Capacity", "disk", {"disk_type": "pd-extreme", "replication": "zonal"}),
    ("SSD backed Local Storage", "local_ssd", {}),
)
STORAGE_CLASSES = {"standard": "STANDARD", "nearline": "NEARLINE", "coldline": "COLDLINE",
                   "archive": "ARCHIVE"}
_GPU = re.compile(r"^(?:spot preemptible |preemptible |commitment v1: )?(nvidia .+?) gpu\b", re.I)
_FAMILY = re.compile(r"^(?:spot preemptible |preemptible |commitment v1: )?"
                     r"([a-z0-9]+) (?:instance|predefined instance) (core|ram)\b", re.I)
_TPU = re.compile(r"\btpu[- ]?(v\d+[a-z]*)\b", re.I)
_TPU_ALIASES = {"v5lite": "v5e", "v5litepod": "v5e"}


class RefreshError(http.RefreshError):
    pass


def price_of(sku: Mapping[str, Any]) -> tuple[Decimal, str] | None:
    """(price, usage unit) of a SKU's current pricing: the first tier with a price
    (gpuhunt's rule); None when it has none."""
    infos = sku.get("pricingInfo") or []
    if not infos:
        return None
    expr = infos[-1].get("pricingExpression") or {}
    for rate in expr.get("tieredRates") or []:
        unit_price = rate.get("unitPrice") or {}
        try:
            value = Decimal(str(unit_price.get("units") or 0)) + \
                Decimal(int(unit_price.get("nanos") or 0)) / Decimal(10 ** 9)
        except (ArithmeticError, ValueError):
            raise RefreshError(f"SKU {sku.get('skuId', '?')}: unreadable unitPrice") from None
        if value > 0:
            if unit_price.get("currencyCode", "USD") != "USD":
                raise RefreshError(f"SKU {sku.get('skuId', '?')}: not priced in USD")
            return value, str(expr.get("usageUnit", ""))
    return None


def _per(unit: str, price: Decimal, wanted: str, sku: Mapping[str, Any]) -> Decimal:
    """`price` per `unit` as a price per `wanted` (hour or GB-month)."""
    table = {("h", "hour"): Decimal(1), ("GiBy.mo", "GB-month"): Decimal(1),
             ("GiBy.h", "GB-month"): HOURS_PER_MONTH, ("GiBy", "GB"): Decimal(1)}
    factor = table.get((unit, wanted))
    if factor is None:
        raise RefreshError(f"SKU {sku.get('skuId', '?')} ({sku.get('description', '')!r}): "
                           f"unit {unit!r} is not {wanted}")
    return price * factor


def skus(client: Any, service_id: str, key: str) -> Iterator[dict[str, Any]]:
    """Every SKU of a service, page by page (`pageToken` / `nextPageToken`)."""
    url = f"/v1/services/{service_id}/skus"
    base = {"key": key, "pageSize": PAGE_SIZE, "currencyCode": "USD"}

    def next_page(doc: Any) -> tuple[str, Mapping[str, Any]] | None:
        token = doc.get("nextPageToken") if isinstance(doc, dict) else None
        return (url, dict(base, pageToken=token)) if token else None

    for doc in http.pages(client, url, base, next_page):
        if not isinstance(doc, dict) or not isinstance(doc.get("skus", []), list):
            raise RefreshError(f"{url}: not a list of SKUs")
        yield from (s for s in doc.get("skus", []) if isinstance(s, dict))


def service_ids(client: Any, key: str, wanted: Sequence[str],
                known: Mapping[str, str]) -> dict[str, str]:
    """Service id of each wanted service: `known`, else by display name in the list."""
    out = {name: known[name] for name in wanted if name in known}
    missing = {SERVICE_NAMES[n]: n for n in wanted if n not in out}
    if not missing:
        return out

    def next_page(doc: Any) -> tuple[str, Mapping[str, Any]] | None:
        token = doc.get("nextPageToken") if isinstance(doc, dict) else None
        return ("/v1/services", {"key": key, "pageToken": token}) if token else None

    for doc in http.pages(client, "/v1/services", {"key": key}, next_page):
        for service in (doc.get("services") or []) if isinstance(doc, dict) else []:
            name = missing.get(service.get("displayName")) if isinstance(service, dict) else None
            if name and isinstance(service.get("serviceId"), str):
                out[name] = service["serviceId"]
    absent = [n for n in wanted if n not in out]
    if absent:
        raise RefreshError(f"/v1/services: no service named {SERVICE_NAMES[absent[0]]!r}")
    return out


def _regions(sku: Mapping[str, Any], wanted: set[str] | None) -> list[str]:
    regions = [r for r in sku.get("serviceRegions") or [] if isinstance(r, str)]
    return sorted(r for r in regions if wanted is None or r in wanted)


def _option(sku: Mapping[str, Any]) -> str | None:
    return USAGE_TYPES.get((sku.get("category") or {}).get("usageType", ""))


def _record(product: str, region: str, attributes: Mapping[str, str], option: str, unit: str,
            price: Decimal, today: str, note: str | None = None) -> dict[str, Any]:
    out = {"product": product, "region": region, "attributes": dict(attributes),
           "purchase_option": option, "unit": unit,
           "price": format(price.quantize(Decimal("1e-9")).normalize(), "f"),
           "source": SOURCE_ID, "as_of": today}
    return out | ({"note": note} if note else {})


def compute_records(items: Iterable[Mapping[str, Any]], machines: Mapping[str, tuple[int, Decimal]],
                    regions: set[str] | None, today: str) -> list[dict[str, Any]]:
    """GPU, disk and local-SSD records, and machine types composed from core and RAM
    SKUs (`machines`: type -> (vCPU, GB), the catalog's hardware table)."""
    out: list[dict[str, Any]] = []
    parts: dict[tuple[str, str, str], dict[str, Decimal]] = {}  # (family, region, option)
    for sku in items:
        option, found = _option(sku), price_of(sku)
        description = str(sku.get("description", ""))
        group = (sku.get("category") or {}).get("resourceGroup", "")
        if option is None or found is None:
            continue
        price, unit = found
        if group == "GPU" and (m := _GPU.match(description)):
            gpu_type = re.sub(r"\s+", "-", m.group(1).strip().lower())
            out += [_record("gpu", r, {"gpu_type": gpu_type}, option, "hour",
                            _per(unit, price, "hour", sku), today) for r in _regions(sku, regions)]
        elif (m := _FAMILY.match(description)) and group in ("CPU", "RAM", "N1Standard", ""):
            for r in _regions(sku, regions):
                parts.setdefault((m.group(1).lower(), r, option), {})[m.group(2).lower()] = \
                    _per(unit, price, "hour", sku)
        else:
            for prefix, product, attrs in DISKS:
                if description.startswith(prefix) and option in ("on_demand", "spot"):
                    out += [_record(product, r, attrs, option, "GB-month",
                                    _per(unit, price, "GB-month", sku), today)
                            for r in _regions(sku, regions)]
                    break
    for (family, region, option), rates in sorted(parts.items()):
        if {"core", "ram"} - set(rates):
            continue
        for mtype, (vcpu, memory) in sorted(machines.items()):
            if mtype.split("-", 1)[0] != family:
                continue
            out.append(_record("instance", region, {"instance_type": mtype}, option, "hour",
                               vcpu * rates["core"] + memory * rates["ram"], today,
                               f"{vcpu} x core + {memory} GB x RAM SKU"))
    return out


def tpu_records(items: Iterable[Mapping[str, Any]], regions: set[str] | None,
                today: str) -> list[dict[str, Any]]:
    out = []
    for sku in items:
        option, found = _option(sku), price_of(sku)
        m = _TPU.search(str(sku.get("description", "")))
        if option is None or found is None or m is None:
            continue
        version = m.group(1).lower()
        version = _TPU_ALIASES.get(version, version)
        out += [_record("tpu", r, {"tpu_version": version}, option, "chip-hour",
                        _per(found[1], found[0], "hour", sku), today)
                for r in _regions(sku, regions)]
    return out


def storage_records(items: Iterable[Mapping[str, Any]], regions: set[str] | None,
                    today: str) -> list[dict[str, Any]]:
    out = []
    for sku in items:
        found = price_of(sku)
        words = str(sku.get("description", "")).split()
        if found is None or len(words) < 2 or words[1] != "Storage" or \
                words[0].lower() not in STORAGE_CLASSES or _option(sku) != "on_demand":
            continue
        locations = [r.lower() for r in (sku.get("serviceRegions") or []) if isinstance(r, str)]
        out += [_record("storage", r, {"storage_class": STORAGE_CLASSES[words[0].lower()]},
                        "on_demand", "GB-month", _per(found[1], found[0], "GB-month", sku), today)
                for r in sorted(locations) if regions is None or r in regions]
    return out


def data_file(service: str, records: list[dict[str, Any]], today: str,
              service_id: str) -> dict[str, Any]:
    unique = {(r["product"], r["region"], r["purchase_option"],
               tuple(sorted(r["attributes"].items()))): r for r in records}
    rows = [unique[k] for k in sorted(unique)]
    return {"schema_version": 1, "provider": "google", "service": service, "currency": "USD",
            "sources": {SOURCE_ID: {
                "title": "Google Cloud Billing Catalog API (services.skus.list)",
                "location": f"{ENDPOINT}/v1/services/{service_id}/skus",
                "as_of": today, "licence": "Google Cloud public pricing data"}},
            "records": rows}


def _machines() -> dict[str, tuple[int, Decimal]]:
    """vCPU and memory of each catalog machine type without accelerators or bundled
    local SSD (those are priced with more SKUs than core and RAM)."""
    from ..loader import load_catalog

    catalog = load_catalog()
    out = {}
    for mtype in catalog.instance_types("google"):
        info = catalog.instance("google", mtype)
        if info and info.vcpu and info.memory_gib is not None and not info.gpu_count \
                and "lssd" not in mtype:
            out[mtype] = (info.vcpu, info.memory_gib)
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="costwarden catalog refresh gcp",
                                description="Rebuild Google Cloud data files from the Cloud "
                                            "Billing Catalog API.")
    p.add_argument("--services", default="compute,tpu,storage",
                   help="comma-separated: compute, tpu, storage")
    p.add_argument("--regions", default=None, help="comma-separated regions (default: all)")
    p.add_argument("--out", required=True, type=Path, help="folder to write the data files to")
    p.add_argument("--endpoint", default=ENDPOINT, help=argparse.SUPPRESS)
    p.add_argument("--api-key-env", default="GOOGLE_API_KEY",
                   help="environment variable holding the API key (default GOOGLE_API_KEY)")
    p.add_argument("--service-id", action="append", default=[], metavar="NAME=ID",
                   help="override a service id (e.g. tpu=XXXX-XXXX-XXXX)")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="as-of date to record (default: today)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    services = [s.strip() for s in args.services.split(",") if s.strip()]
    unknown = [s for s in services if s not in SERVICE_NAMES]
    if unknown:
        print(f"refresh gcp: unknown service {unknown[0]!r} (one of "
              f"{', '.join(SERVICE_NAMES)})", file=sys.stderr)
        return 2
    key = os.environ.get(args.api_key_env, "")
    if not key:
        print(f"refresh gcp: set {args.api_key_env} to a Google Cloud API key", file=sys.stderr)
        return 2
    given = dict(KNOWN_IDS)
    for item in args.service_id:
        name, _, value = item.partition("=")
        given[name] = value
        if name not in SERVICE_NAMES or not value:
            print(f"refresh gcp: --service-id {item!r}: write NAME=ID", file=sys.stderr)
            return 2
    regions = {r.strip() for r in args.regions.split(",") if r.strip()} if args.regions else None
    today = (args.today or date.today()).isoformat()
    written = []
    try:
        with http.client(args.endpoint) as client:
            ids = service_ids(client, key, services, given)
            for service in services:
                items = skus(client, ids[service], key)
                if service == "compute":
                    records = compute_records(items, _machines(), regions, today)
                elif service == "tpu":
                    records = tpu_records(items, regions, today)
                else:
                    records = storage_records(items, regions, today)
                doc = data_file(service, records, today, ids[service])
                path = args.out / f"{service}.json"
                validate(doc, DATA_SCHEMA, str(path), None)
                written.append((path, doc))
    except CatalogError as exc:
        print(f"refresh gcp: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for path, doc in written:
        path.write_text(format_data_file(doc), encoding="utf-8")
        print(f"refresh gcp: wrote {len(doc['records'])} records to {path}")
    return 0
