"""Rebuild EC2 on-demand records from the AWS Price List Query API.

The only module that imports boto3, and only inside `make_client`. Needs
credentials allowed to call `pricing:GetProducts`. Example:

    costwarden catalog refresh aws --service ec2 --region us-east-1 \
        --instance-types p5.48xlarge,g6e.xlarge --out ec2-refresh.json
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..datafile import DATA_SCHEMA, format_data_file, validate
from ..errors import CatalogError

SOURCE_ID = "aws-price-list-api"
PRICING_REGION = "us-east-1"  # the Price List API is served from a few regions only

# Linux, shared tenancy, no pre-installed software, on-demand capacity actually used.
EC2_FILTERS = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
    "licenseModel": "No License required",
    "marketoption": "OnDemand",
}


class RefreshError(Exception):
    """The API answered with something that cannot be turned into one price."""


def make_client() -> Any:
    try:
        import boto3  # lazy: an optional dependency (costwarden[refresh])
    except ImportError:
        raise RefreshError("boto3 is not installed (pip install 'costwarden[refresh]')") from None
    return boto3.client("pricing", region_name=PRICING_REGION)


def ec2_filters(instance_type: str, region: str) -> list[dict[str, str]]:
    fields = {"instanceType": instance_type, "regionCode": region, **EC2_FILTERS}
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in fields.items()]


def fetch_products(client: Any, service_code: str, filters: list[dict[str, str]]) -> list[dict]:
    """Every product of a filtered get_products query; each PriceList entry is a JSON string."""
    products: list[dict] = []
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(ServiceCode=service_code, Filters=filters,
                                   FormatVersion="aws_v1"):
        for raw in page.get("PriceList", []):
            products.append(json.loads(raw) if isinstance(raw, str) else raw)
    return products


def on_demand_hourly(product: dict) -> Decimal:
    """The single USD hourly rate in a product's OnDemand terms."""
    rates: set[Decimal] = set()
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        for dim in term.get("priceDimensions", {}).values():
            if dim.get("unit") not in ("Hrs", "Hours"):
                continue
            try:
                rates.add(Decimal(dim["pricePerUnit"]["USD"]))
            except (KeyError, InvalidOperation) as exc:
                raise RefreshError(f"unreadable price dimension: {exc}") from None
    if len(rates) != 1:
        sku = product.get("product", {}).get("sku", "?")
        raise RefreshError(f"SKU {sku}: expected one hourly USD rate, found {sorted(rates)}")
    return rates.pop()


def ec2_records(client: Any, instance_types: Iterable[str], regions: Iterable[str],
                today: date) -> tuple[list[dict], list[str]]:
    """On-demand records for every (type, region) pair, and the pairs the API had no price for."""
    records, missing = [], []
    for region in sorted(set(regions)):
        for itype in sorted(set(instance_types)):
            products = fetch_products(client, "AmazonEC2", ec2_filters(itype, region))
            rates = {on_demand_hourly(p) for p in products}
            rates.discard(Decimal(0))  # zero-rate rows are reservation placeholders
            if not rates:
                missing.append(f"{itype}@{region}")
                continue
            if len(rates) > 1:
                raise RefreshError(f"{itype} in {region}: several on-demand rates "
                                   f"{sorted(str(r) for r in rates)}")
            price = rates.pop().normalize()
            records.append({
                "product": "instance", "region": region,
                "attributes": {"instance_type": itype, "os": "linux", "tenancy": "shared"},
                "purchase_option": "on_demand", "unit": "hour",
                "price": format(price, "f"), "source": SOURCE_ID, "as_of": today.isoformat()})
    return records, missing


def data_file(service: str, records: list[dict], today: date) -> dict[str, Any]:
    """A complete data file (header + records in the catalog's stable order)."""
    records = sorted(records, key=lambda r: (r["product"], r["region"] or "",
                                             r["purchase_option"], sorted(r["attributes"].items())))
    return {
        "schema_version": 1, "provider": "aws", "service": service, "currency": "USD",
        "sources": {SOURCE_ID: {
            "title": "AWS Price List Query API (pricing.get_products, ServiceCode AmazonEC2)",
            "location": "https://api.pricing.us-east-1.amazonaws.com",
            "as_of": today.isoformat(), "licence": "AWS public pricing data"}},
        "records": records,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="costwarden catalog refresh aws",
        description="Rebuild catalog records from the AWS Price List API.")
    parser.add_argument("--service", choices=["ec2"], default="ec2")
    parser.add_argument("--region", action="append", required=True,
                        help="region code; repeat or comma-separate for several")
    parser.add_argument("--instance-types", required=True, help="comma-separated instance types")
    parser.add_argument("--out", required=True, type=Path, help="data file to write")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="as-of date to record (default: today)")
    return parser


def main(argv: Sequence[str] | None = None, *, client: Any = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    regions = [r.strip() for arg in args.region for r in arg.split(",") if r.strip()]
    types = [t.strip() for t in args.instance_types.split(",") if t.strip()]
    today = args.today or date.today()
    try:
        client = client if client is not None else make_client()
        records, missing = ec2_records(client, types, regions, today)
        doc = data_file(args.service, records, today)
        validate(doc, DATA_SCHEMA, str(args.out), None)
    except (RefreshError, CatalogError) as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # botocore errors: no credentials, throttling, access denied
        if type(exc).__module__.startswith(("botocore", "boto3")):
            print(f"refresh: AWS Price List API: {exc}", file=sys.stderr)
            return 2
        raise
    args.out.write_text(format_data_file(doc), encoding="utf-8")
    for pair in missing:
        print(f"refresh: no on-demand price for {pair}", file=sys.stderr)
    print(f"refresh: wrote {len(records)} records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
