"""Catalog API: lookup, explanations, info, staleness, and errors in data files."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pricing_catalog
from pricing_catalog import CatalogError, PriceKey, load_catalog
from pricing_catalog.loader import DATA_DIR

EC2 = dict(tenancy="shared", os="linux")


def ec2_key(itype: str, region: str = "us-east-1", option: str = "on_demand", **over: str) -> PriceKey:
    return PriceKey.of("aws", "ec2", "instance", region, option, instance_type=itype,
                       **{**EC2, **over})


def test_public_api() -> None:
    for name in pricing_catalog.__all__:
        assert hasattr(pricing_catalog, name)
    assert {"load_catalog", "Catalog", "CatalogError", "PriceKey", "Price"} <= set(pricing_catalog.__all__)


def test_bundled_catalog_is_cached_and_light() -> None:
    import sys

    assert load_catalog() is load_catalog()
    # the bundled data is trusted by digest: no jsonschema or boto3 on the hot path
    assert "boto3" not in sys.modules or "pricing_catalog.refresh.aws" in sys.modules


def test_lookup_is_exact() -> None:
    catalog = load_catalog()
    assert catalog.lookup(ec2_key("g5.xlarge")).price == Decimal("1.006")
    assert catalog.lookup(ec2_key("g5.xlarge", "eu-west-1")).price == Decimal("1.123")
    assert catalog.lookup(ec2_key("g5.xlarge", option="spot")).price == Decimal("0.39388")
    assert catalog.lookup(ec2_key("g5.xlarge", tenancy="dedicated")) is None
    assert catalog.lookup(PriceKey.of("aws", "ec2", "instance", "us-east-1",
                                      instance_type="g5.xlarge")) is None


@pytest.mark.parametrize("key,expected", [
    (ec2_key("p9.48xlarge"), "p9.48xlarge: no such instance type in the catalog"),
    (ec2_key("p5.48xlarge", "eu-west-1"),
     "p5.48xlarge: no on-demand price in eu-west-1; the catalog has on-demand in us-east-1, "
     "us-gov-west-1, us-west-2; spot in us-east-1, us-west-2; reserved-3y in us-east-1"),
    (ec2_key("p5.4xlarge", option="spot"), "p5.4xlarge: no spot price in us-east-1; "),
    (ec2_key("g5.xlarge", tenancy="dedicated"), "tenancy=dedicated"),
    (PriceKey.of("aws", "s3", "storage", "us-west-2", storage_class="STANDARD"),
     "no on-demand price in us-west-2; the catalog has on-demand in us-east-1"),
    (PriceKey.of("aws", "ebs", "storage", "us-east-1", volume_type="gp9"), "volume_type=gp9"),
    (PriceKey.of("gcp", "compute", "instance", "us-central1", instance_type="a2-highgpu-1g"),
     "the catalog has no gcp/compute prices"),
    # The cost model knows ml.g5.16xlarge runs a g5.16xlarge (pricing passes hardware_known).
    (PriceKey.of("aws", "sagemaker", "instance", "us-east-1", instance_type="ml.g5.16xlarge",
                 component="hosting"), "hardware is known but the catalog has no sagemaker price"),
    (PriceKey.of("aws", "sagemaker", "instance", "us-east-1", instance_type="ml.nope.large",
                 component="hosting"), "ml.nope.large: no such instance type in the catalog"),
    (ec2_key("trn2.48xlarge"), "no verified public on-demand rate"),
])
def test_explain_missing(key: PriceKey, expected: str) -> None:
    catalog = load_catalog()
    assert catalog.lookup(key) is None
    hardware = catalog.instance("aws", (key.attribute("instance_type") or "").removeprefix("ml."))
    message = catalog.explain_missing(key, hardware_known=hardware is not None
                                      if key.service == "sagemaker" else None)
    assert expected in message and "\n" not in message


def test_instance_facts_are_keyed_by_provider() -> None:
    catalog = load_catalog()
    p5 = catalog.instance("aws", "p5.48xlarge")
    assert (p5.vcpu, p5.memory_gib, p5.gpu_count, p5.gpu_model) == (192, Decimal(2048), 8, "NVIDIA H100")
    assert (p5.provider, p5.accelerator_kind, p5.accelerator_vendor, p5.accelerator_label) == (
        "aws", "gpu", "NVIDIA", "H100")
    trn = catalog.instance("aws", "trn1.32xlarge")
    assert (trn.gpu_count, trn.accelerator_kind, trn.accelerator_label) == (
        16, "trainium", "AWS Trainium")
    assert catalog.instance("google", "p5.48xlarge") is None  # providers are kept apart
    # SageMaker's ml.* names are the aws bundle's business, not the catalog's
    assert catalog.instance("aws", "ml.p5.48xlarge") is None
    assert catalog.instance("aws", "nope.large") is None


def test_info_and_staleness() -> None:
    catalog = load_catalog()
    info = catalog.info
    assert len(info.version) == 16 and info.currency == "USD" and info.price_books == ()
    assert info.oldest_as_of <= "2026-01-19" <= info.as_of
    assert catalog.staleness(date.fromisoformat(info.as_of), max_age_days=100000) == []
    stale = catalog.staleness(date(2026, 11, 25))
    ids = {s.source for s in stale}
    # K2601 (the 2026-01-19 Karpenter map) is stale; K (2026-07-20) and IC (2026-08-21) are not
    assert {"K2601", "V2"} <= ids and not {"K", "IC"} & ids
    assert all(s.age_days > 180 for s in stale) and stale == sorted(stale, key=lambda s: s.as_of)
    assert "days old" in str(stale[0])


@given(st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False))
def test_egress_cost_is_monotonic_and_bounded(quantity: Decimal) -> None:
    price = load_catalog().lookup(PriceKey.of("aws", "data_transfer", "internet_egress", "us-east-1"))
    cost = price.cost(quantity)
    assert quantity * Decimal("0.05") <= cost <= quantity * Decimal("0.09")
    assert price.cost(quantity + 1) > cost


# --- broken data files -------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


def _edit(path: Path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")


def test_copied_data_loads_with_full_validation(data_copy: Path) -> None:
    catalog = load_catalog(data_dir=data_copy)
    assert len(catalog) == len(load_catalog())


def test_schema_violation_names_file_path_and_line(data_copy: Path) -> None:
    path = data_copy / "aws" / "ebs.json"
    _edit(path, lambda d: d["records"][2].__setitem__("price", 0.065))  # a float, not a string
    with pytest.raises(CatalogError) as err:
        load_catalog(data_dir=data_copy)
    e = err.value
    assert e.file == str(path) and e.where == "$.records[2].price"
    assert e.line is not None and '"price": 0.065' in path.read_text().splitlines()[e.line - 1]
    assert str(e).startswith(f"{path}:{e.line}: $.records[2].price: ")


def test_unknown_field_is_named(data_copy: Path) -> None:
    path = data_copy / "aws" / "vpc.json"
    _edit(path, lambda d: d["records"][0].__setitem__("prise", "1"))
    with pytest.raises(CatalogError, match="unknown field 'prise'") as err:
        load_catalog(data_dir=data_copy)
    assert err.value.where == "$.records[0]"


def test_unknown_source_id(data_copy: Path) -> None:
    path = data_copy / "aws" / "vpc.json"
    _edit(path, lambda d: d["records"][1].__setitem__("source", "NOPE"))
    with pytest.raises(CatalogError, match="unknown source 'NOPE'") as err:
        load_catalog(data_dir=data_copy)
    assert err.value.where == "$.records[1].source" and err.value.line


def test_bad_tiers_and_duplicates(data_copy: Path) -> None:
    path = data_copy / "aws" / "data_transfer.json"

    def tiered(doc: dict) -> dict:
        return next(r for r in doc["records"] if "tiers" in r)
    _edit(path, lambda d: tiered(d)["tiers"].reverse())
    with pytest.raises(CatalogError, match="first tier must start at 0"):
        load_catalog(data_dir=data_copy)
    _edit(path, lambda d: (tiered(d)["tiers"].reverse(), d["records"].append(d["records"][0])))
    with pytest.raises(CatalogError, match="duplicate price"):
        load_catalog(data_dir=data_copy)


def test_invalid_json_and_wrong_service_name(data_copy: Path) -> None:
    path = data_copy / "aws" / "efs.json"
    path.write_text('{"schema_version": 1,\n "provider": "aws",,\n}', encoding="utf-8")
    with pytest.raises(CatalogError, match="invalid JSON") as err:
        load_catalog(data_dir=data_copy)
    assert err.value.line == 2
    shutil.copy(DATA_DIR / "aws" / "vpc.json", path)
    with pytest.raises(CatalogError, match="does not match the file name") as err:
        load_catalog(data_dir=data_copy)
    assert err.value.where == "$.service"


def test_bad_date(data_copy: Path) -> None:
    _edit(data_copy / "aws" / "vpc.json", lambda d: d["records"][0].__setitem__("as_of", "2026-02-30"))
    with pytest.raises(CatalogError, match="not a valid date"):
        load_catalog(data_dir=data_copy)


def test_empty_data_dir(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no catalog data files"):
        load_catalog(data_dir=tmp_path)


def test_inter_region_destination_falls_back_to_other() -> None:
    from pricing_catalog import PriceKey, load_catalog

    catalog = load_catalog()
    exact = catalog.lookup(PriceKey.of("aws", "data_transfer", "inter_region", "us-east-1",
                                       destination="us-east-2"))
    other = catalog.lookup(PriceKey.of("aws", "data_transfer", "inter_region", "us-east-1",
                                       destination="eu-west-1"))
    assert exact is not None and str(exact.price) == "0.01"
    assert other is not None and str(other.price) == "0.02"
    assert catalog.lookup(PriceKey.of("aws", "data_transfer", "inter_region", "mars-1",
                                      destination="eu-west-1")) is None
