"""AWS Price List documents for tests, built (not recorded) in the bulk files' format.

How they are made: from the documented shape of the Price List bulk API
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html
and the offer-file reference): the offer index (`offers` → offer code →
`currentRegionIndexUrl`), a region index (`regions` → region → `currentVersionUrl`)
and a region offer file (`formatVersion`, `offerCode`, `publicationDate`, `products`
keyed by SKU with `productFamily` and `attributes`, then `terms.OnDemand` /
`terms.Reserved` keyed by SKU → offer term → `priceDimensions` with `unit`,
`beginRange`, `pricePerUnit.USD`). Product attributes use the names and values of
public offer files (usagetype with its region prefix, instanceType, volumeApiName, …);
the rates are ordinary list prices of the kind those files hold, chosen for the tests.
The same product documents, as JSON strings, are what `pricing.get_products` returns.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from contextlib import contextmanager
from typing import Any, Iterator

ON_DEMAND_CODE = "JRTCKXETXF"
RESERVED_1Y_NO_UPFRONT = "4NA7Y494T4"
RATE_CODE = "6YS6EN2CT7"


def sku_of(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16].upper()


def product(family: str, **attributes: str) -> dict[str, Any]:
    sku = sku_of(family, *sorted(f"{k}={v}" for k, v in attributes.items()))
    return {"sku": sku, "productFamily": family, "attributes": attributes}


def dimension(sku: str, code: str, unit: str, usd: str, begin: str = "0", end: str = "Inf",
              n: int = 0) -> tuple[str, dict[str, Any]]:
    rate = f"{sku}.{code}.{RATE_CODE}{n or ''}"
    return rate, {"rateCode": rate, "description": f"${usd} per {unit}", "beginRange": begin,
                  "endRange": end, "unit": unit, "pricePerUnit": {"USD": usd}, "appliesTo": []}


def on_demand(sku: str, unit: str, *tiers: tuple[str, str]) -> dict[str, Any]:
    """OnDemand terms of one SKU; `tiers` are (beginRange, usd)."""
    dims = {}
    for i, (begin, usd) in enumerate(tiers):
        end = tiers[i + 1][0] if i + 1 < len(tiers) else "Inf"
        k, v = dimension(sku, ON_DEMAND_CODE, unit, usd, begin, end, i)
        dims[k] = v
    return {f"{sku}.{ON_DEMAND_CODE}": {"offerTermCode": ON_DEMAND_CODE, "sku": sku,
                                        "effectiveDate": "2026-11-01T00:00:00Z",
                                        "priceDimensions": dims, "termAttributes": {}}}


def reserved(sku: str, usd: str, years: str = "1yr", option: str = "No Upfront",
             klass: str = "standard") -> dict[str, Any]:
    code = RESERVED_1Y_NO_UPFRONT if (years, option, klass) == ("1yr", "No Upfront", "standard") \
        else sku_of(years, option, klass)[:10]
    k, v = dimension(sku, code, "Hrs", usd)
    dims = {k: v}
    if option != "No Upfront":
        k2, v2 = dimension(sku, code, "Quantity", "1000", n=9)
        dims[k2] = v2
    return {f"{sku}.{code}": {"offerTermCode": code, "sku": sku,
                              "effectiveDate": "2026-11-01T00:00:00Z", "priceDimensions": dims,
                              "termAttributes": {"LeaseContractLength": years,
                                                 "OfferingClass": klass,
                                                 "PurchaseOption": option}}}


class OfferBuilder:
    """One region offer file of one offer code."""

    def __init__(self, offer: str, region: str, publication: str = "2026-11-28T18:10:05Z"):
        self.offer, self.region, self.publication = offer, region, publication
        self.products: dict[str, Any] = {}
        self.terms: dict[str, dict[str, Any]] = {"OnDemand": {}, "Reserved": {}}

    def add(self, prod: dict[str, Any], unit: str, *tiers: tuple[str, str],
            reserved_terms: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
        sku = prod["sku"]
        prod["attributes"].setdefault("regionCode", self.region)
        prod["attributes"].setdefault("servicecode", self.offer)
        self.products[sku] = prod
        if tiers:
            self.terms["OnDemand"][sku] = on_demand(sku, unit, *tiers)
        for r in reserved_terms:
            self.terms["Reserved"].setdefault(sku, {}).update(r)
        return prod

    def document(self) -> dict[str, Any]:
        return {"formatVersion": "v1.0", "disclaimer": "This pricing list is for informational "
                "purposes only.", "offerCode": self.offer, "version": "20261128181005",
                "publicationDate": self.publication, "products": self.products,
                "terms": self.terms}

    def price_list(self) -> list[str]:
        """The same products as `pricing.get_products` PriceList entries (JSON strings)."""
        out = []
        for sku, prod in self.products.items():
            terms = {kind: {k: v for k, v in by_sku[sku].items()}
                     for kind, by_sku in self.terms.items() if sku in by_sku}
            out.append(json.dumps({"product": prod, "serviceCode": self.offer, "terms": terms,
                                   "version": "20261128181005",
                                   "publicationDate": self.publication}))
        return out


def site(offers: list[OfferBuilder]) -> dict[str, bytes]:
    """path -> body of the offer index, region indexes and offer files."""
    files: dict[str, bytes] = {}
    codes = sorted({o.offer for o in offers})
    files["/offers/v1.0/aws/index.json"] = json.dumps({
        "formatVersion": "v1.0", "disclaimer": "…", "publicationDate": "2026-11-28T18:10:05Z",
        "offers": {c: {"offerCode": c, "versionIndexUrl": f"/offers/v1.0/aws/{c}/index.json",
                       "currentVersionUrl": f"/offers/v1.0/aws/{c}/current/index.json",
                       "currentRegionIndexUrl": f"/offers/v1.0/aws/{c}/current/region_index.json",
                       "savingsPlanVersionIndexUrl": None} for c in codes}}).encode()
    for c in codes:
        regions = {}
        for o in offers:
            if o.offer == c:
                path = f"/offers/v1.0/aws/{c}/20261128181005/{o.region}/index.json"
                files[path] = json.dumps(o.document(), indent=4).encode()
                regions[o.region] = {"regionCode": o.region, "currentVersionUrl": path}
        files[f"/offers/v1.0/aws/{c}/current/region_index.json"] = json.dumps({
            "formatVersion": "v1.0", "disclaimer": "…", "publicationDate": "2026-11-28T18:10:05Z",
            "regions": regions}).encode()
    return files


@contextmanager
def serve(files: dict[str, bytes]) -> Iterator[str]:
    """A server on 127.0.0.1 answering GET with `files` (404 otherwise); yields its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = files.get(self.path.split("?", 1)[0])
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def us_west_2() -> list[OfferBuilder]:
    """The offers a us-west-2 refresh reads: EC2 (instances, EBS, NAT), VPC, S3, EFS, FSx,
    EKS, SageMaker, with the kinds of products that are not kept beside them."""
    r = "us-west-2"
    ec2 = OfferBuilder("AmazonEC2", r)
    common = dict(location="US West (Oregon)", locationType="AWS Region", operation="RunInstances",
                  preInstalledSw="NA", capacitystatus="Used", marketoption="OnDemand")
    m5 = product("Compute Instance", instanceType="m5.large", operatingSystem="Linux",
                 licenseModel="No License required", tenancy="Shared",
                 usagetype="USW2-BoxUsage:m5.large", vcpu="2", memory="8 GiB", **common)
    ec2.add(m5, "Hrs", ("0", "0.0960000000"),
            reserved_terms=(reserved(m5["sku"], "0.0600000000"),
                            reserved(m5["sku"], "0.0400000000", "3yr"),
                            reserved(m5["sku"], "0.0550000000", "1yr", "Partial Upfront")))
    ec2.add(product("Compute Instance", instanceType="m5.large", operatingSystem="Windows",
                    licenseModel="License Included", tenancy="Shared",
                    usagetype="USW2-BoxUsage:m5.large", **common), "Hrs", ("0", "0.1880000000"))
    ec2.add(product("Compute Instance", instanceType="m5.large", operatingSystem="Linux",
                    licenseModel="No License required", tenancy="Dedicated",
                    usagetype="USW2-DedicatedUsage:m5.large", **common),
            "Hrs", ("0", "0.1060000000"))
    ec2.add(product("Compute Instance", instanceType="p5.48xlarge", operatingSystem="Linux",
                    licenseModel="No License required", tenancy="Shared",
                    usagetype="USW2-BoxUsage:p5.48xlarge", gpu="8", **common),
            "Hrs", ("0", "55.0400000000"))
    # not kept: capacity-reservation rows, SQL Server, a zero-rate placeholder
    ec2.add(product("Compute Instance", instanceType="m5.large", operatingSystem="Linux",
                    licenseModel="No License required", tenancy="Shared",
                    usagetype="USW2-Reservation:m5.large",
                    **{**common, "capacitystatus": "AllocatedCapacityReservation"}),
            "Hrs", ("0", "0.0960000000"))
    ec2.add(product("Compute Instance", instanceType="m5.large", operatingSystem="Windows",
                    licenseModel="License Included", tenancy="Shared",
                    usagetype="USW2-BoxUsage:m5.large", **{**common, "preInstalledSw": "SQL Std"}),
            "Hrs", ("0", "0.6680000000"))
    ec2.add(product("Compute Instance", instanceType="c9.large", operatingSystem="Linux",
                    licenseModel="No License required", tenancy="Shared",
                    usagetype="USW2-BoxUsage:c9.large", **common), "Hrs", ("0", "0.0000000000"))
    ec2.add(product("CPU Credits", operatingSystem="Linux", usagetype="USW2-CPUCredits:t3",
                    operation="RunInstances"), "vCPU-Hours", ("0", "0.0500000000"))
    ec2.add(product("Storage", volumeApiName="gp3", volumeType="General Purpose",
                    storageMedia="SSD-backed", usagetype="USW2-EBS:VolumeUsage.gp3"),
            "GB-Mo", ("0", "0.0800000000"))
    ec2.add(product("Storage", volumeApiName="gp2", volumeType="General Purpose",
                    usagetype="USW2-EBS:VolumeUsage.gp2"), "GB-Mo", ("0", "0.1000000000"))
    ec2.add(product("System Operation", volumeApiName="gp3", group="EBS IOPS",
                    usagetype="USW2-EBS:VolumeP-IOPS.gp3"), "IOPS-Mo", ("0", "0.0050000000"))
    ec2.add(product("System Operation", volumeApiName="io2", group="EBS IOPS",
                    usagetype="USW2-EBS:VolumeP-IOPS.io2"), "IOPS-Mo",
            ("0", "0.0650000000"), ("32000", "0.0455000000"), ("64000", "0.0320000000"))
    ec2.add(product("Provisioned Throughput", volumeApiName="gp3",
                    usagetype="USW2-EBS:VolumeP-Throughput.gp3"), "MiBps-Mo", ("0", "0.0400000000"))
    ec2.add(product("Storage Snapshot", usagetype="USW2-EBS:SnapshotUsage"), "GB-Mo",
            ("0", "0.0500000000"))
    ec2.add(product("NAT Gateway", usagetype="USW2-NatGateway-Hours", group="NGW:NatGateway"),
            "Hrs", ("0", "0.0450000000"))
    ec2.add(product("NAT Gateway", usagetype="USW2-NatGateway-Bytes", group="NGW:NatGateway"),
            "GB", ("0", "0.0450000000"))
    ec2.add(product("Data Transfer", usagetype="USW2-DataTransfer-Out-Bytes",
                    transferType="AWS Outbound"), "GB", ("0", "0.0900000000"))

    vpc = OfferBuilder("AmazonVPC", r)
    vpc.add(product("VpcPublicIPv4Address", group="VPCPublicIPv4Address",
                    usagetype="USW2-PublicIPv4:InUseAddress"), "Hrs", ("0", "0.0050000000"))

    s3 = OfferBuilder("AmazonS3", r)
    s3.add(product("Storage", storageClass="General Purpose", volumeType="Standard",
                   usagetype="USW2-TimedStorage-ByteHrs"), "GB-Mo",
           ("0", "0.0230000000"), ("51200", "0.0220000000"), ("512000", "0.0210000000"))
    s3.add(product("Storage", storageClass="Infrequent Access",
                   volumeType="Standard - Infrequent Access",
                   usagetype="USW2-TimedStorage-SIA-ByteHrs"), "GB-Mo", ("0", "0.0125000000"))
    s3.add(product("API Request", group="S3-API-Tier1", usagetype="USW2-Requests-Tier1"),
           "Requests", ("0", "0.0000050000"))
    s3.add(product("API Request", group="S3-API-Tier2", usagetype="USW2-Requests-Tier2"),
           "Requests", ("0", "0.0000004000"))

    efs = OfferBuilder("AmazonEFS", r)
    efs.add(product("Storage", storageClass="General Purpose",
                    usagetype="USW2-TimedStorage-ByteHrs"), "GB-Mo", ("0", "0.3000000000"))
    efs.add(product("Storage", storageClass="Infrequent Access",
                    usagetype="USW2-IATimedStorage-ByteHrs"), "GB-Mo", ("0", "0.0160000000"))
    efs.add(product("Provisioned Throughput", usagetype="USW2-ProvisionedTP-MiBpsHrs"),
            "MiBps-Mo", ("0", "6.0000000000"))

    fsx = OfferBuilder("AmazonFSx", r)
    fsx.add(product("Storage", fileSystemType="Lustre", deploymentOption="Persistent_2",
                    storageType="SSD", throughputCapacity="125",
                    usagetype="USW2-Lustre-Storage-Persistent_2-125"), "GB-Mo",
            ("0", "0.1450000000"))
    fsx.add(product("Storage", fileSystemType="Lustre", deploymentOption="Scratch_2",
                    storageType="SSD", throughputCapacity="N/A",
                    usagetype="USW2-Lustre-Storage-Scratch_2"), "GB-Mo", ("0", "0.1400000000"))
    fsx.add(product("Storage", fileSystemType="Windows", deploymentOption="Single-AZ",
                    storageType="SSD", usagetype="USW2-Windows-Storage"), "GB-Mo",
            ("0", "0.1300000000"))

    eks = OfferBuilder("AmazonEKS", r)
    eks.add(product("Compute", usagetype="USW2-AmazonEKS-Hours:perCluster",
                    operation="CreateOperation"), "Hrs", ("0", "0.1000000000"))
    eks.add(product("Compute", usagetype="USW2-AmazonEKS-Hours:extendedSupport",
                    operation="ExtendedSupport"), "Hrs", ("0", "0.6000000000"))
    eks.add(product("Compute", usagetype="USW2-Fargate-vCPU-Hours:perCPU",
                    operatingSystem="Linux", cputype="perCPU"), "hours", ("0", "0.0404800000"))
    eks.add(product("Compute", usagetype="USW2-Fargate-GB-Hours", operatingSystem="Linux",
                    memorytype="perGB"), "hours", ("0", "0.0044450000"))

    sm = OfferBuilder("AmazonSageMaker", r)
    for component, usd in (("Hosting", "1.4080000000"), ("Training", "1.4080000000"),
                           ("Notebook", "1.4080000000")):
        prefix = {"Hosting": "Host", "Training": "Train", "Notebook": "Notebk"}[component]
        sm.add(product("ML Instance", instanceName="ml.g5.xlarge", instanceType="ml.g5.xlarge",
                       component=component, usagetype=f"USW2-{prefix}:ml.g5.xlarge"),
               "Hrs", ("0", usd))
    sm.add(product("ML Storage", volumeType="General Purpose",
                   usagetype="USW2-Notebk:VolumeUsage.gp2"), "GB-Mo", ("0", "0.1400000000"))
    sm.add(product("ML Storage", volumeType="General Purpose",
                   usagetype="USW2-Host:VolumeUsage.gp2"), "GB-Mo", ("0", "0.1400000000"))
    return [ec2, vpc, s3, efs, fsx, eks, sm]
