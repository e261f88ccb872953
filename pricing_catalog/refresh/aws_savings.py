"""Compute Savings Plans rates from AWS's public Savings Plans price list, as catalog records.

The offer index names, on the `AmazonEC2` offer, `currentSavingsPlanIndexUrl`: the
region index of the `AWSComputeSavingsPlan` offer (`regions`, a list of
`{regionCode, versionUrl}`). A region file has `publicationDate`, `products` (a list:
`sku`, `productFamily` — `ComputeSavingsPlans` or `EC2InstanceSavingsPlans` — and
`attributes` with `purchaseOption` and `purchaseTerm`) and `terms.savingsPlan` (a
list: `sku` of the plan and its `rates`, each with the `discountedUsageType`,
`discountedOperation` and `discountedServiceCode` of the on-demand usage it
discounts and `discountedRate.price` in USD per `unit`). A rate for
`BoxUsage:<type>` / `DedicatedUsage:<type>` with operation `RunInstances` (Linux)
or `RunInstances:0002` (Windows) is the effective hourly price of that instance
under the plan. Only Compute Savings Plans with no upfront payment are kept: they
apply to any instance family and region, so the rate is all a plan needs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator, Mapping

from .aws_offers import usage_type
from .http import RefreshError

# (productFamily, purchaseTerm, purchaseOption) -> catalog purchase option
PLANS = {("ComputeSavingsPlans", "1yr", "No Upfront"): "savings_plan_compute_1y_no_upfront",
         ("ComputeSavingsPlans", "3yr", "No Upfront"): "savings_plan_compute_3y_no_upfront"}
_OS = {"RunInstances": "linux", "RunInstances:0002": "windows"}
_TENANCY = {"BoxUsage": "shared", "DedicatedUsage": "dedicated"}
MAX_RATES = 2_000_000
NOTE = "Compute Savings Plan, no upfront: effective $/h of usage the plan covers"


@dataclass
class SavingsPlanFile:
    publication: str | None = None
    region: str | None = None
    plans: dict[str, str] = field(default_factory=dict)  # plan sku -> purchase option
    skipped: set[str] = field(default_factory=set)  # plan skus of other plans
    # plan sku -> [(instance type, os, tenancy, price)]
    rates: dict[str, list[tuple[str, str, str, Decimal]]] = field(default_factory=dict)


def _plan(product: Any) -> str | None:
    if not isinstance(product, dict):
        return None
    attrs = product.get("attributes") or {}
    family = product.get("productFamily") or attrs.get("productFamily")
    return PLANS.get((family, attrs.get("purchaseTerm"), attrs.get("purchaseOption")))


def _instance_rates(term: Mapping[str, Any], where: str) -> list[tuple[str, str, str, Decimal]]:
    out = []
    rates = term.get("rates")
    if not isinstance(rates, list):
        raise RefreshError(f"{where}: a savingsPlan term has no 'rates' list")
    for rate in rates:
        if not isinstance(rate, dict) or rate.get("discountedServiceCode") != "AmazonEC2":
            continue
        os = _OS.get(rate.get("discountedOperation", ""))
        kind, _, itype = usage_type({"usagetype": str(rate.get("discountedUsageType", ""))}
                                    ).partition(":")
        tenancy = _TENANCY.get(kind)
        if os is None or tenancy is None or not itype:
            continue
        discounted = rate.get("discountedRate") or {}
        if rate.get("unit") != "Hrs" or discounted.get("currency") != "USD":
            raise RefreshError(f"{where}: rate {rate.get('rateCode', '?')} is not USD per hour")
        try:
            price = Decimal(str(discounted.get("price")))
        except InvalidOperation:
            price = Decimal("NaN")
        if not price.is_finite() or price <= 0:
            raise RefreshError(f"{where}: rate {rate.get('rateCode', '?')} has no positive price")
        out.append((itype, os, tenancy, price))
    return out


def read_savings_plans(fh: Any, where: str) -> SavingsPlanFile:
    """Stream one region's Savings Plans file, keeping only EC2 instance rates of the
    plans in PLANS; a term is built only when its plan is wanted or not yet known."""
    import ijson

    from .aws_bulk import MAX_OFFER_BYTES, _Capped, _value

    got = SavingsPlanFile()
    events = iter(ijson.parse(_Capped(fh, MAX_OFFER_BYTES, where)))
    kept = 0

    try:
        for prefix, event, value in events:
            if event == "string" and prefix == "publicationDate":
                got.publication = value
            elif event == "string" and prefix == "regionCode":
                got.region = value
            elif prefix == "products.item" and event == "start_map":
                product = _value(itertools.chain([(prefix, event, value)], events), True)
                sku = str(product.get("sku", ""))
                plan = _plan(product)
                if plan is not None:
                    got.plans[sku] = plan
                else:
                    got.skipped.add(sku)
            elif prefix == "terms.savingsPlan.item" and event == "start_map":
                term = _term(events, got.skipped)
                rates = _instance_rates(term, where)
                kept += len(rates)
                if kept > MAX_RATES:
                    raise RefreshError(f"{where}: more than {MAX_RATES:,} rates to keep")
                got.rates.setdefault(str(term.get("sku", "")), []).extend(rates)
    except ijson.JSONError as exc:
        first = (str(exc).splitlines() or [""])[0].strip()
        raise RefreshError(f"{where}: not valid JSON ({first})") from None
    except StopIteration:
        raise RefreshError(f"{where}: ends in the middle of a value") from None
    return got


def _term(events: Iterator[tuple[str, str, Any]], skipped: set[str]) -> dict[str, Any]:
    """One savingsPlan term, its `rates` left unbuilt when its plan is one not kept
    (a term's `sku` comes before its `rates` in AWS's files)."""
    from .aws_bulk import _value

    term: dict[str, Any] = {}
    for prefix, event, value in events:
        if prefix == "terms.savingsPlan.item" and event == "end_map":
            return term
        if event == "map_key":
            skip = value == "rates" and str(term.get("sku", "")) in skipped
            term[value] = [] if skip else _value(events, True)
            if skip:
                _value(events, False)
    raise StopIteration


def savings_plan_records(got: SavingsPlanFile, region: str, source: str,
                         as_of: str) -> list[dict[str, Any]]:
    """Catalog `ec2` instance records of the wanted plans' rates."""
    if got.region not in (None, region):
        raise RefreshError(f"Savings Plans file for {region} says regionCode {got.region!r}")
    out = []
    for sku, option in sorted(got.plans.items()):
        for itype, os, tenancy, price in got.rates.get(sku, []):
            out.append({"product": "instance", "region": region,
                        "attributes": {"instance_type": itype, "os": os, "tenancy": tenancy},
                        "purchase_option": option, "unit": "hour",
                        "price": format(price.normalize(), "f"), "source": source,
                        "as_of": as_of, "note": NOTE})
    return out
