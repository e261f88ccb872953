"""AWS Savings Plans price list documents for tests, built (not recorded) in the bulk format.

How they are made: from AWS's documentation of the Savings Plans bulk files
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/service-region-index-files-for-savings-plan.html
and .../reading-service-price-list-file-for-savings-plans.html) and the shape of public
files as quoted in public repositories: the offer index's `AmazonEC2` entry names
`savingsPlanVersionIndexUrl` and `currentSavingsPlanIndexUrl`
(`/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json`); the region
index has `regions`, a list of `{regionCode, versionUrl}`; a region file has `version`,
`publicationDate`, `regionCode`, `products` (a list: `sku`, `productFamily`
`ComputeSavingsPlans` / `EC2InstanceSavingsPlans`, `serviceCode`, `usageType` such as
`ComputeSP:1yrNoUpfront`, `attributes` with `purchaseOption`, `purchaseTerm`,
`granularity`, `location`) and `terms.savingsPlan` (a list: `sku`, `description`,
`effectiveDate`, `leaseContractLength` {duration, unit}, `rates`: `discountedSku`,
`discountedUsageType`, `discountedOperation`, `discountedServiceCode`, `rateCode`,
`unit`, `discountedRate` {price, currency}). The rates are ordinary discounts of the kind
those files hold, chosen for the tests.
"""

from __future__ import annotations

import json
from typing import Any

from aws_price_list import sku_of

VERSION = "20261127093015"
PUBLICATION = "2026-11-27T09:30:15Z"
INDEX = "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json"


def plan_product(family: str, term: str, option: str, instance_family: str = "") -> dict[str, Any]:
    detail = term + option.replace(" ", "")
    usage = (f"ComputeSP:{detail}" if family == "ComputeSavingsPlans"
             else f"USW2-EC2SP:{instance_family}.{detail}")
    attrs = {"purchaseOption": option, "productFamily": family,
             "serviceCode": "ComputeSavingsPlans", "usageType": usage, "operation": "",
             "granularity": "hourly", "locationType": "AWS Region", "purchaseTerm": term,
             "location": "Any" if family == "ComputeSavingsPlans" else "US West (Oregon)"}
    if instance_family:
        attrs["instanceType"] = instance_family
    return {"sku": sku_of("sp", family, term, option, instance_family), "productFamily": family,
            "serviceCode": "ComputeSavingsPlans", "usageType": usage, "operation": "",
            "attributes": attrs}


def rate(plan_sku: str, usage: str, operation: str, usd: str, service: str = "AmazonEC2",
         unit: str = "Hrs") -> dict[str, Any]:
    discounted = sku_of(usage, operation)
    return {"discountedSku": discounted, "discountedUsageType": usage,
            "discountedOperation": operation, "discountedServiceCode": service,
            "rateCode": f"{plan_sku}.{discounted}", "unit": unit,
            "discountedRate": {"price": usd, "currency": "USD"}}


def term(product: dict[str, Any], *rates: dict[str, Any]) -> dict[str, Any]:
    years = 1 if product["attributes"]["purchaseTerm"] == "1yr" else 3
    return {"sku": product["sku"],
            "description": f"{years} year {product['attributes']['purchaseOption']} "
                           f"{product['productFamily']}",
            "effectiveDate": "2026-11-01T00:00:00Z",
            "leaseContractLength": {"duration": years, "unit": "year"}, "rates": list(rates)}


def us_west_2_file() -> dict[str, Any]:
    """Compute Savings Plans (1 and 3 years no upfront, 1 year partial upfront) and an EC2
    Instance Savings Plan, with rates of m5.large on Linux and Windows, shared and dedicated,
    and rates not kept (RHEL, Fargate, an unused-reservation usage type)."""
    c1 = plan_product("ComputeSavingsPlans", "1yr", "No Upfront")
    c3 = plan_product("ComputeSavingsPlans", "3yr", "No Upfront")
    c1p = plan_product("ComputeSavingsPlans", "1yr", "Partial Upfront")
    e1 = plan_product("EC2InstanceSavingsPlans", "1yr", "No Upfront", "m5")
    return {
        "version": VERSION, "publicationDate": PUBLICATION, "regionCode": "us-west-2",
        "products": [c1, c3, c1p, e1],
        "terms": {"savingsPlan": [
            term(c1, rate(c1["sku"], "USW2-BoxUsage:m5.large", "RunInstances", "0.0696"),
                 rate(c1["sku"], "USW2-BoxUsage:m5.large", "RunInstances:0002", "0.1616"),
                 rate(c1["sku"], "USW2-DedicatedUsage:m5.large", "RunInstances", "0.0769"),
                 rate(c1["sku"], "USW2-BoxUsage:p5.48xlarge", "RunInstances", "40.9"),
                 rate(c1["sku"], "USW2-BoxUsage:m5.large", "RunInstances:0010", "0.1186"),
                 rate(c1["sku"], "USW2-UnusedBox:m5.large", "RunInstances", "0.0696"),
                 rate(c1["sku"], "USW2-Fargate-vCPU-Hours:perCPU", "FargateTask", "0.03238",
                      service="AmazonECS")),
            term(c3, rate(c3["sku"], "USW2-BoxUsage:m5.large", "RunInstances", "0.0480")),
            term(c1p, rate(c1p["sku"], "USW2-BoxUsage:m5.large", "RunInstances", "0.0664")),
            term(e1, rate(e1["sku"], "USW2-BoxUsage:m5.large", "RunInstances", "0.0600")),
        ]}}


def add_to(files: dict[str, bytes], regions: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """`files` (a bulk site from aws_price_list.site) with the Savings Plans index and the
    region files `regions` (region -> document) added and named by the offer index."""
    index = json.loads(files["/offers/v1.0/aws/index.json"])
    index["offers"]["AmazonEC2"].update({
        "savingsPlanVersionIndexUrl": "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/index.json",
        "currentSavingsPlanIndexUrl": INDEX})
    files["/offers/v1.0/aws/index.json"] = json.dumps(index).encode()
    listed = []
    for region, doc in regions.items():
        path = f"/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/{VERSION}/{region}/index.json"
        files[path] = json.dumps(doc, indent=2).encode()
        listed.append({"regionCode": region, "versionUrl": path})
    files[INDEX] = json.dumps({"disclaimer": "This pricing list is for informational purposes "
                               "only.", "publicationDate": PUBLICATION,
                               "regions": listed}).encode()
    return files
