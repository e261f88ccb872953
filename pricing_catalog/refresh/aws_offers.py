"""What a product of an AWS Price List offer is in the catalog, and its price records.

The bulk offer files and the Query API describe a product the same way: a `product`
(sku, productFamily, attributes such as usagetype, instanceType, volumeApiName) and
its `terms` (OnDemand, Reserved: offer terms whose priceDimensions carry a unit and a
USD rate, tiered by beginRange). `target(offer, product)` names the catalog price a
product is (service, product, attributes, unit) or None; `records(...)` turns its
terms into catalog records. The usage-type names are the offer files' own, with the
region prefix (`USW2-`, `EUC1-`) removed; this table is the one place that knows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from .http import RefreshError

# `--services` name -> offer code of the Price List.
OFFERS = {
    "ec2": "AmazonEC2", "ebs": "AmazonEC2", "nat": "AmazonEC2", "vpc": "AmazonVPC",
    "s3": "AmazonS3", "efs": "AmazonEFS", "fsx": "AmazonFSx", "eks": "AmazonEKS",
    "ecs": "AmazonECS", "elb": "AWSELB", "ecr": "AmazonECR", "logs": "AmazonCloudWatch",
    "sagemaker": "AmazonSageMaker",
}
DEFAULT_SERVICES = ("ec2", "ebs", "nat", "vpc", "s3", "efs", "fsx", "eks", "sagemaker")
# The catalog services a refresh writes (`pricing_catalog/data/aws/<service>.json`).
FILLS = frozenset({"ec2", "ebs", "vpc", "s3", "efs", "fsx_lustre", "eks", "ecs", "elb", "ecr",
                   "cloudwatch", "sagemaker"})

_REGION_PREFIX = re.compile(r"^[A-Z]{2,4}[0-9]*-")
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class Target:
    """The catalog price a product is: catalog `unit` price = AWS rate × `scale`."""

    service: str
    product: str
    attributes: Mapping[str, str]
    unit: str
    aws_units: frozenset[str]  # the offer's unit names this target accepts
    scale: Decimal = Decimal(1)
    reserved: bool = False  # also read standard No Upfront reserved terms
    extra: Mapping[str, Any] = field(default_factory=dict)


def usage_type(attrs: Mapping[str, str]) -> str:
    return _REGION_PREFIX.sub("", attrs.get("usagetype", ""), count=1)


_HOURS = frozenset({"Hrs", "Hours", "hours"})
_GB_MONTH = frozenset({"GB-Mo", "GB-month"})
_GB = frozenset({"GB"})


def _t(service: str, product: str, unit: str, units: frozenset[str], scale: Decimal = Decimal(1),
       **attributes: str) -> Target:
    return Target(service, product, attributes, unit, units, scale)


_EC2_OS = {("Linux", "No License required"): "linux", ("Windows", "License Included"): "windows"}
_TENANCY = {"Shared": "shared", "Dedicated": "dedicated"}
_S3_STORAGE = {
    "TimedStorage-ByteHrs": "STANDARD", "TimedStorage-SIA-ByteHrs": "STANDARD_IA",
    "TimedStorage-ZIA-ByteHrs": "ONEZONE_IA", "TimedStorage-GlacierByteHrs": "GLACIER",
    "TimedStorage-GDA-ByteHrs": "DEEP_ARCHIVE", "TimedStorage-GIR-ByteHrs": "GLACIER_IR",
    "TimedStorage-INT-FA-ByteHrs": "INTELLIGENT_TIERING_FA",
    "TimedStorage-INT-IA-ByteHrs": "INTELLIGENT_TIERING_IA",
    "TimedStorage-INT-AA-ByteHrs": "INTELLIGENT_TIERING_AA",
    "TimedStorage-INT-DAA-ByteHrs": "INTELLIGENT_TIERING_DAA",
}
_S3_REQUESTS = {"Requests-Tier1": ("STANDARD", "tier1"), "Requests-Tier2": ("STANDARD", "tier2"),
                "Requests-SIA-Tier1": ("STANDARD_IA", "tier1"),
                "Requests-SIA-Tier2": ("STANDARD_IA", "tier2"),
                "Requests-ZIA-Tier1": ("ONEZONE_IA", "tier1"),
                "Requests-ZIA-Tier2": ("ONEZONE_IA", "tier2")}
_EFS = {"TimedStorage-ByteHrs": "standard", "IATimedStorage-ByteHrs": "standard_ia",
        "TimedStorage-Z-ByteHrs": "one_zone", "IATimedStorage-Z-ByteHrs": "one_zone_ia"}
_FARGATE = {"Fargate-vCPU-Hours:perCPU": ("fargate_vcpu", "x86_64", "vCPU-hour"),
            "Fargate-ARM-vCPU-Hours:perCPU": ("fargate_vcpu", "arm64", "vCPU-hour"),
            "Fargate-GB-Hours": ("fargate_memory", "x86_64", "GB-hour"),
            "Fargate-ARM-GB-Hours": ("fargate_memory", "arm64", "GB-hour")}
_SAGEMAKER = {"Hosting": "hosting", "Training": "training", "Notebook": "notebook",
              "Processing": "processing"}
_LB = {"Load Balancer-Application": "application", "Load Balancer-Network": "network"}


def target(offer: str, product: Mapping[str, Any]) -> Target | None:
    """The catalog price this product is, or None (not one the catalog holds)."""
    family = product.get("productFamily", "")
    attrs = product.get("attributes") or {}
    usage = usage_type(attrs)
    if offer == "AmazonEC2":
        return _ec2(family, attrs, usage)
    if offer == "AmazonVPC":
        if usage == "PublicIPv4:InUseAddress":
            return _t("vpc", "public_ipv4", "hour", _HOURS)
        return None
    if offer == "AmazonS3":
        if usage in _S3_STORAGE:
            return _t("s3", "storage", "GB-month", _GB_MONTH, storage_class=_S3_STORAGE[usage])
        if usage in _S3_REQUESTS:
            cls, tier = _S3_REQUESTS[usage]
            return _t("s3", "requests", "1k requests", frozenset({"Requests"}), THOUSAND,
                      storage_class=cls, tier=tier)
        return None
    if offer == "AmazonEFS":
        if usage in _EFS:
            return _t("efs", "storage", "GB-month", _GB_MONTH, storage_class=_EFS[usage])
        if usage == "ProvisionedTP-MiBpsHrs":
            return _t("efs", "provisioned_throughput", "MBps-month", frozenset({"MiBps-Mo"}))
        if usage == "IADataAccess-Bytes":
            return _t("efs", "ia_access", "GB", _GB)
        return None
    if offer == "AmazonFSx":
        return _fsx(family, attrs)
    if offer in ("AmazonEKS", "AmazonECS"):
        service = "eks" if offer == "AmazonEKS" else "ecs"
        if offer == "AmazonEKS" and usage == "AmazonEKS-Hours:perCluster":
            return _t("eks", "cluster", "hour", _HOURS, support="standard")
        if offer == "AmazonEKS" and usage == "AmazonEKS-Hours:extendedSupport":
            return _t("eks", "cluster", "hour", _HOURS, support="extended")
        if usage in _FARGATE and attrs.get("operatingSystem", "Linux") == "Linux":
            product_name, arch, unit = _FARGATE[usage]
            return _t(service, product_name, unit, _HOURS, architecture=arch)
        return None
    if offer == "AWSELB":
        lb = _LB.get(family)
        if lb is None:
            return None
        if usage == "LoadBalancerUsage":
            return _t("elb", "load_balancer", "hour", _HOURS, type=lb)
        if usage in ("LCUUsage", "LCU-Hrs"):
            return _t("elb", "lcu", "LCU-hour", frozenset({"LCU-Hrs"}), type=lb)
        return None
    if offer == "AmazonECR":
        if usage == "TimedStorage-ByteHrs":
            return _t("ecr", "storage", "GB-month", _GB_MONTH)
        return None
    if offer == "AmazonCloudWatch":
        if usage == "DataProcessing-Bytes":
            return _t("cloudwatch", "log_ingestion", "GB", _GB, log_class="standard")
        if usage == "TimedStorage-ByteHrs":
            return _t("cloudwatch", "log_storage", "GB-month", _GB_MONTH)
        return None
    if offer == "AmazonSageMaker":
        component = _SAGEMAKER.get(attrs.get("component", ""))
        itype = attrs.get("instanceName") or attrs.get("instanceType")
        if usage == "Notebk:VolumeUsage.gp2":  # a notebook instance's ML storage volume
            return _t("sagemaker", "ml_storage", "GB-month", _GB_MONTH)
        if family == "ML Instance" and component and itype and itype.startswith("ml."):
            return _t("sagemaker", "instance", "hour", _HOURS, component=component,
                      instance_type=itype)
        return None
    return None


def _ec2(family: str, attrs: Mapping[str, str], usage: str) -> Target | None:
    if family.startswith("Compute Instance"):
        os = _EC2_OS.get((attrs.get("operatingSystem", ""), attrs.get("licenseModel", "")))
        tenancy = _TENANCY.get(attrs.get("tenancy", ""))
        if (os is None or tenancy is None or attrs.get("preInstalledSw") != "NA"
                or attrs.get("capacitystatus") != "Used"
                or attrs.get("marketoption", "OnDemand") != "OnDemand"
                or not attrs.get("instanceType")):
            return None
        return Target("ec2", "instance", {"instance_type": attrs["instanceType"], "os": os,
                                          "tenancy": tenancy}, "hour", _HOURS, reserved=True)
    if family == "CPU Credits" and usage.startswith("CPUCredits:"):
        os = {"Linux": "linux", "Windows": "windows"}.get(attrs.get("operatingSystem", ""))
        return _t("ec2", "cpu_credits", "vCPU-hour", frozenset({"vCPU-Hours"}),
                  family=usage.split(":", 1)[1], os=os) if os else None
    volume = attrs.get("volumeApiName")
    if family == "Storage" and volume:
        return _t("ebs", "storage", "GB-month", _GB_MONTH, volume_type=volume)
    if family == "System Operation" and volume and attrs.get("group") == "EBS IOPS":
        return _t("ebs", "iops", "IOPS-month", frozenset({"IOPS-Mo"}), volume_type=volume)
    if family == "Provisioned Throughput" and volume:
        return _t("ebs", "throughput", "MBps-month", frozenset({"MiBps-Mo", "GiBps-mo"}),
                  volume_type=volume)
    if family == "Storage Snapshot":
        tier = {"EBS:SnapshotUsage": "standard", "EBS:SnapshotArchiveStorage": "archive"}.get(usage)
        return _t("ebs", "snapshot", "GB-month", _GB_MONTH, tier=tier) if tier else None
    if family == "NAT Gateway":
        if usage == "NatGateway-Hours":
            return _t("vpc", "nat_gateway", "hour", _HOURS)
        if usage == "NatGateway-Bytes":
            return _t("vpc", "nat_gateway_data", "GB", _GB)
    return None


_FSX_DEPLOYMENT = {"Scratch_1": "SCRATCH_1", "Scratch_2": "SCRATCH_2",
                   "Persistent_1": "PERSISTENT_1", "Persistent_2": "PERSISTENT_2"}


def _fsx(family: str, attrs: Mapping[str, str]) -> Target | None:
    if attrs.get("fileSystemType") != "Lustre":
        return None
    if family == "Storage":
        deployment = _FSX_DEPLOYMENT.get(attrs.get("deploymentOption", ""))
        storage = attrs.get("storageType", "SSD")
        if deployment is None or storage not in ("SSD", "HDD"):
            return None
        throughput = attrs.get("throughputCapacity", "")
        throughput = "" if deployment.startswith("SCRATCH") or throughput in ("N/A", "NA") \
            else throughput
        return _t("fsx_lustre", "storage", "GB-month", _GB_MONTH, deployment_type=deployment,
                  storage_type=storage, throughput_per_tib=throughput)
    if family == "Storage Snapshot" or attrs.get("usagetype", "").endswith("BackupUsage"):
        return _t("fsx_lustre", "backup", "GB-month", _GB_MONTH)
    return None


def _rate(dim: Mapping[str, Any], sku: str) -> Decimal:
    try:
        value = Decimal(str(dim["pricePerUnit"]["USD"]))
    except (KeyError, TypeError, InvalidOperation):
        raise RefreshError(f"SKU {sku}: a price dimension without a USD rate") from None
    if not value.is_finite() or value < 0:
        raise RefreshError(f"SKU {sku}: USD rate {value} is not a price")
    return value


def _money(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def price_of(term: Mapping[str, Any], t: Target, sku: str) -> tuple[Decimal, list[dict]] | None:
    """(first-tier price, tiers) of one offer term in the target's unit; None when its
    dimensions are in another unit (an upfront fee, a different meter)."""
    dims = [d for d in (term.get("priceDimensions") or {}).values() if d.get("unit") in t.aws_units]
    if not dims:
        return None
    tiers = []
    for d in dims:
        try:
            start = Decimal(str(d.get("beginRange", "0")))
        except InvalidOperation:
            raise RefreshError(f"SKU {sku}: beginRange {d.get('beginRange')!r} is not a number") \
                from None
        tiers.append((start, _rate(d, sku) * t.scale))
    tiers.sort()
    if tiers[0][0] != 0 or len({s for s, _ in tiers}) != len(tiers):
        raise RefreshError(f"SKU {sku}: price tiers do not start at 0 or repeat a start")
    first = tiers[0][1]
    if len(tiers) == 1:
        return first, []
    return first, [{"start": _money(s), "price": _money(p)} for s, p in tiers]


def records(t: Target, product: Mapping[str, Any], terms: Mapping[str, Mapping[str, Any]],
            region: str, source: str, as_of: str) -> list[dict[str, Any]]:
    """Catalog records of one product: on-demand, and standard No Upfront reserved terms.

    A free (zero) on-demand rate of an instance is a placeholder row, not a price."""
    sku = str(product.get("sku", "?"))
    out = []

    def add(purchase_option: str, term: Mapping[str, Any]) -> None:
        got = price_of(term, t, sku)
        if got is None:
            return
        price, tiers = got
        if t.product == "instance" and price == 0:
            return
        rec = {"product": t.product, "region": region, "attributes": dict(t.attributes),
               "purchase_option": purchase_option, "unit": t.unit, "price": _money(price),
               "source": source, "as_of": as_of}
        if tiers:
            rec["tiers"] = tiers
        if purchase_option.startswith("reserved"):
            rec["note"] = "standard reserved instance, no upfront, effective $/h"
        out.append(rec)

    for term in (terms.get("OnDemand") or {}).values():
        add("on_demand", term)
    if t.reserved:
        for term in (terms.get("Reserved") or {}).values():
            a = term.get("termAttributes") or {}
            if a.get("OfferingClass") == "standard" and a.get("PurchaseOption") == "No Upfront":
                years = {"1yr": "reserved_1y", "3yr": "reserved_3y"}.get(a.get("LeaseContractLength"))
                if years:
                    add(years, term)
    return out
