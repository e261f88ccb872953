"""The bundled data files: schema, provenance, coverage and internal consistency."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pricing_catalog import PriceKey, load_catalog
from pricing_catalog.datafile import DATA_SCHEMA, validate
from pricing_catalog.loader import DATA_DIR, LOCK_FILE, _lock, _rel, _sha256

DATA_FILES = sorted(DATA_DIR.glob("*/*.json"))
HARDWARE_FILE = "instances"  # hardware facts per provider, not a priced service

GPU_TYPES = [
    "p3.2xlarge", "p3.8xlarge", "p3.16xlarge", "p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge",
    "p5.4xlarge", "p5.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge",
    "g4dn.xlarge", "g4dn.2xlarge", "g4dn.4xlarge", "g4dn.8xlarge", "g4dn.12xlarge",
    "g4dn.16xlarge", "g4dn.metal",
    "g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.12xlarge", "g5.16xlarge",
    "g5.24xlarge", "g5.48xlarge",
    "g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.8xlarge", "g6.12xlarge", "g6.16xlarge",
    "g6.24xlarge", "g6.48xlarge",
    "g6e.xlarge", "g6e.2xlarge", "g6e.4xlarge", "g6e.8xlarge", "g6e.12xlarge", "g6e.16xlarge",
    "g6e.24xlarge", "g6e.48xlarge",
    "gr6.4xlarge", "gr6.8xlarge", "trn1.2xlarge", "trn1.32xlarge",
    "inf2.xlarge", "inf2.8xlarge", "inf2.24xlarge", "inf2.48xlarge", "dl1.24xlarge",
]
CPU_TYPES = [f"{fam}.{size}" for fam in ("m5", "m6i", "m7i", "c5", "r5")
             for size in ("large", "xlarge", "2xlarge", "4xlarge")] + [
    "t3.medium", "t3.large", "t3.xlarge", "t3.2xlarge"]


def ec2_key(itype: str, region: str = "us-east-1", option: str = "on_demand") -> PriceKey:
    return PriceKey.of("aws", "ec2", "instance", region, option, instance_type=itype,
                       tenancy="shared", os="linux")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def _owners(provider: str, service: str) -> list[str]:
    from engine.clouds import builtin_clouds

    return [c.name for c in builtin_clouds()
            if provider in c.providers and service in c.catalog_services]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_data_file_belongs_to_exactly_one_bundle(path: Path) -> None:
    if path.stem != HARDWARE_FILE:
        assert len(_owners(path.parent.name, path.stem)) == 1, path


def test_every_bundle_service_has_a_file() -> None:
    """A service a bundle prices has bundled data, or its cloud's refresher writes it
    (`FILLS`: services no licensed source covers, unpriced until refreshed)."""
    import importlib

    from engine.clouds import builtin_clouds

    files = {(p.parent.name, p.stem) for p in DATA_FILES}
    for cloud in builtin_clouds():
        fills: frozenset[str] = frozenset()
        if cloud.catalog_refresh:
            try:
                module = importlib.import_module(f"pricing_catalog.refresh.{cloud.catalog_refresh}")
                fills = getattr(module, "FILLS", frozenset())
            except ModuleNotFoundError:
                pass
        for service in cloud.catalog_services:
            assert any((p, service) in files for p in cloud.providers) or service in fills, \
                (cloud.name, service)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_data_file_matches_schema(path: Path) -> None:
    validate(_load(path), DATA_SCHEMA, path.name, None)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_source_id_is_declared_and_used(path: Path) -> None:
    doc = _load(path)
    items = doc.get("records", []) + doc.get("instances", [])
    used = {item["source"] for item in items}
    assert used <= set(doc["sources"]), used - set(doc["sources"])
    assert set(doc["sources"]) <= used, "declared but unused sources"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_records_are_sorted_and_money_is_a_string(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))  # floats would stay floats here
    records = doc.get("records", [])
    keys = [(r["product"], r["region"] or "", r["purchase_option"], sorted(r["attributes"].items()))
            for r in records]
    assert keys == sorted(keys)
    assert all(isinstance(r["price"], str) for r in records)
    names = [i["instance_type"] for i in doc.get("instances", [])]
    assert names == sorted(names)


def test_lock_is_current() -> None:
    """catalog.lock.json must list the current bytes (else loading pays for jsonschema)."""
    lock = _lock()
    assert lock, f"{LOCK_FILE.name} is stale: run `python -m pricing_catalog lock`"
    assert lock == {_rel(p): _sha256(p.read_bytes()) for p in DATA_FILES}


@pytest.mark.parametrize("itype", GPU_TYPES)
def test_gpu_type_has_hardware_and_us_east_1_price(itype: str) -> None:
    catalog = load_catalog()
    info = catalog.instance("aws", itype)
    assert info is not None and info.gpu_count >= 1 and info.gpu_model
    assert info.gpu_memory_gb and info.gpu_memory_gb > 0
    price = catalog.lookup(ec2_key(itype))
    assert price is not None and price.price > 0 and price.unit == "hour"


@pytest.mark.parametrize("itype", CPU_TYPES)
def test_cpu_type_priced_in_us_east_1_and_us_west_2(itype: str) -> None:
    catalog = load_catalog()
    east, west = catalog.lookup(ec2_key(itype)), catalog.lookup(ec2_key(itype, "us-west-2"))
    assert east is not None and west is not None and east.price == west.price
    info = catalog.instance("aws", itype)
    assert info is not None and info.gpu_count == 0 and info.vcpu


def test_p5e_has_hardware_but_no_on_demand_price() -> None:
    catalog = load_catalog()
    info = catalog.instance("aws", "p5e.48xlarge")
    assert info is not None and info.gpu_count == 8 and info.gpu_memory_gb == Decimal("141")
    key = ec2_key("p5e.48xlarge")
    assert catalog.lookup(key) is None
    assert catalog.explain_missing(key) == (
        "p5e.48xlarge: no public on-demand rate (Capacity Blocks only)")


@pytest.mark.parametrize("itype,price", [
    ("p5.48xlarge", "55.04"), ("p4d.24xlarge", "21.957642"), ("p5en.48xlarge", "63.296"),
    ("p6-b200.48xlarge", "113.9328"), ("g5.xlarge", "1.006"), ("dl1.24xlarge", "13.10904"),
    ("t3.medium", "0.0416"),
])
def test_known_prices(itype: str, price: str) -> None:
    got = load_catalog().lookup(ec2_key(itype))
    assert got is not None and got.price == Decimal(price) and got.source == "K"
    assert got.as_of == "2026-07-20" and not got.estimated


def test_spot_is_cheaper_than_on_demand() -> None:
    catalog = load_catalog()
    pairs = 0
    for price in catalog.prices():
        key = price.key
        if key.service != "ec2" or key.purchase_option == "on_demand":
            continue
        od = catalog.lookup(PriceKey(key.provider, key.service, key.product, key.region,
                                     key.attributes, "on_demand"))
        assert od is not None, f"{key} has no on-demand counterpart"
        assert price.price < od.price, key
        pairs += key.purchase_option == "spot"
    assert pairs >= 90


def test_reserved_3y_is_cheaper_than_1y() -> None:
    catalog = load_catalog()
    for itype in GPU_TYPES:
        one, three = (catalog.lookup(ec2_key(itype, option=o)) for o in ("reserved_1y", "reserved_3y"))
        if one and three:
            assert three.price < one.price


def test_sagemaker_hosting_and_estimated_training() -> None:
    catalog = load_catalog()

    def key(itype: str, component: str) -> PriceKey:
        return PriceKey.of("aws", "sagemaker", "instance", "us-east-1",
                           instance_type=itype, component=component)
    hosting = catalog.lookup(key("ml.g5.xlarge", "hosting"))
    training = catalog.lookup(key("ml.g5.xlarge", "training"))
    assert hosting is not None and hosting.price == Decimal("1.4084") and not hosting.estimated
    assert training is not None and training.estimated and training.note
    p5 = catalog.lookup(key("ml.p5.48xlarge", "hosting"))
    assert p5 is not None and p5.estimated  # pre-cut price
    assert catalog.instance("aws", "g5.xlarge").gpu_model == "NVIDIA A10G"


@pytest.mark.parametrize("quantity,expected", [
    ("0", "0"),
    ("100", "9.00"),
    ("10240", "921.60"),
    ("51200", str(Decimal("921.60") + Decimal(40960) * Decimal("0.085"))),
    ("153600", str(Decimal("921.60") + Decimal("3481.60") + Decimal(102400) * Decimal("0.07"))),
    ("200000", str(Decimal("921.60") + Decimal("3481.60") + Decimal("7168.00")
                   + Decimal(46400) * Decimal("0.05"))),
])
def test_internet_egress_tiers(quantity: str, expected: str) -> None:
    price = load_catalog().lookup(PriceKey.of("aws", "data_transfer", "internet_egress", "us-east-1"))
    assert price is not None and len(price.tiers) == 4
    assert price.cost(Decimal(quantity)) == Decimal(expected)


def test_s3_standard_tiers_are_flagged_estimated() -> None:
    price = load_catalog().lookup(PriceKey.of("aws", "s3", "storage", "us-east-1",
                                              storage_class="STANDARD"))
    assert price is not None and price.estimated
    assert price.cost(Decimal(10000)) == Decimal("230.000")  # IC: 10,000 GB -> $230
    assert price.cost(Decimal(60000)) == Decimal(51200) * Decimal("0.023") + Decimal(8800) * Decimal("0.022")


@pytest.mark.parametrize("service,product,attrs,price", [
    ("ebs", "storage", {"volume_type": "gp3"}, "0.08"),
    ("ebs", "iops", {"volume_type": "gp3"}, "0.005"),
    ("ebs", "throughput", {"volume_type": "gp3"}, "0.04"),
    ("ebs", "snapshot", {"tier": "standard"}, "0.05"),
    ("s3", "requests", {"storage_class": "STANDARD", "tier": "tier1"}, "0.005"),
    ("efs", "storage", {"storage_class": "standard"}, "0.30"),
    ("fsx_lustre", "storage", {"deployment_type": "SCRATCH_2", "storage_type": "SSD",
                               "throughput_per_tib": ""}, "0.140"),
    ("vpc", "nat_gateway", {}, "0.045"),
    ("vpc", "nat_gateway_data", {}, "0.045"),
    ("data_transfer", "inter_az", {}, "0.01"),
    ("data_transfer", "inter_region", {"destination": "us-east-2"}, "0.01"),
    ("data_transfer", "inter_region", {"destination": "other"}, "0.02"),
])
def test_storage_and_network_prices(service: str, product: str, attrs: dict, price: str) -> None:
    got = load_catalog().lookup(PriceKey.of("aws", service, product, "us-east-1", **attrs))
    assert got is not None and got.price == Decimal(price)
