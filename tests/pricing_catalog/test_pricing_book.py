"""User price books: discounts, absolute prices, new prices and malformed books."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pricing_catalog import CatalogError, PriceKey, load_catalog


def ec2_key(itype: str, region: str = "us-east-1", option: str = "on_demand") -> PriceKey:
    return PriceKey.of("aws", "ec2", "instance", region, option, instance_type=itype,
                       tenancy="shared", os="linux")


def book(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_discount_on_glob(tmp_path: Path) -> None:
    path = book(tmp_path, """\
version: 1
name: acme-edp
as_of: 2026-03-01
overrides:
  - service: ec2
    purchase_option: on_demand
    attributes: {instance_type: "p5.*"}
    discount_percent: 12.5
""")
    catalog = load_catalog([path])
    p5 = catalog.lookup(ec2_key("p5.48xlarge"))
    assert p5.price == Decimal("48.16") and p5.book == "acme-edp" and p5.source == "acme-edp"
    assert p5.as_of == "2026-03-01" and "12.5% off the catalog price 55.04 (K" in p5.note
    assert catalog.lookup(ec2_key("p5.4xlarge")).price == Decimal("6.02")
    untouched = catalog.lookup(ec2_key("p5.48xlarge", option="spot"))
    assert untouched.book is None and untouched.price == Decimal("28.106467")
    assert catalog.info.price_books == ("acme-edp",)
    assert catalog.info.version != load_catalog().info.version
    assert load_catalog().lookup(ec2_key("p5.48xlarge")).book is None  # bundled cache untouched


def test_discount_scales_tiers(tmp_path: Path) -> None:
    path = book(tmp_path, """\
version: 1
name: egress-deal
overrides:
  - service: data_transfer
    product: internet_egress
    region: "us-*"
    discount_percent: 10
""")
    catalog = load_catalog([path])
    price = catalog.lookup(PriceKey.of("aws", "data_transfer", "internet_egress", "us-west-2"))
    assert price.cost(Decimal(10240)) == Decimal("829.440")
    assert catalog.lookup(PriceKey.of("aws", "data_transfer", "internet_egress", "eu-west-1")).book is None


def test_absolute_price_and_new_price(tmp_path: Path) -> None:
    path = book(tmp_path, json.dumps({
        "version": 1, "name": "private-rates", "as_of": "2026-05-01",
        "overrides": [
            {"service": "ec2", "product": "instance", "region": "us-east-1",
             "attributes": {"instance_type": "g6e.xlarge"}, "price": "1.50", "unit": "hour"},
            {"service": "ec2", "product": "instance", "region": "us-east-1",
             "purchase_option": "on_demand",
             "attributes": {"instance_type": "p5e.48xlarge", "tenancy": "shared", "os": "linux"},
             "price": 41.5, "unit": "hour", "note": "capacity block contract"},
        ]}), "rates.json")
    catalog = load_catalog([path])
    g6e = catalog.lookup(ec2_key("g6e.xlarge"))
    assert g6e.price == Decimal("1.50") and g6e.book == "private-rates" and not g6e.estimated
    assert catalog.lookup(ec2_key("g6e.xlarge", option="spot")).price == Decimal("1.50")
    p5e = catalog.lookup(ec2_key("p5e.48xlarge"))
    assert p5e.price == Decimal("41.5") and p5e.note == "capacity block contract"
    assert p5e.as_of == "2026-05-01"


def test_books_apply_in_order(tmp_path: Path) -> None:
    first = book(tmp_path, "version: 1\nname: a\noverrides:\n  - attributes: {instance_type: g5.xlarge}\n"
                           "    purchase_option: on_demand\n    region: us-east-1\n"
                           "    price: '1.00'\n    unit: hour\n", "a.yaml")
    second = book(tmp_path, "version: 1\nname: b\noverrides:\n  - attributes: {instance_type: g5.xlarge}\n"
                            "    purchase_option: on_demand\n    region: us-east-1\n"
                            "    discount_percent: 50\n", "b.yaml")
    price = load_catalog([first, second]).lookup(ec2_key("g5.xlarge"))
    assert price.price == Decimal("0.50") and price.book == "b"


@pytest.mark.parametrize("text,where,line,message", [
    ("version: 2\nname: x\noverrides: [{service: ec2, discount_percent: 5}]\n", "$.version", 1, None),
    ("version: 1\nname: x\noverrides: []\n", "$.overrides", 3, "should be non-empty"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    price: '1'\n", "$.overrides[0]", 4,
     "give either 'price' with 'unit', or 'discount_percent'"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    discount_percent: 10\n    price: 3\n"
     "    unit: hour\n", "$.overrides[0]", 4, "give either"),
    ("version: 1\nname: x\noverrides:\n  - discount_percent: 10\n", "$.overrides[0]", 4,
     "at least one of provider"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    discount_percent: 150\n",
     "$.overrides[0].discount_percent", 5, None),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    discont_percent: 5\n", "$.overrides[0]",
     4, "unknown field 'discont_percent'"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    price: abc\n    unit: hour\n",
     "$.overrides[0].price", 5, "not a non-negative price"),
    # Hostile numbers: NaN, infinity and absurd prices never reach a figure.
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    discount_percent: .nan\n",
     "$.overrides[0].discount_percent", 5, "is not a discount"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    price: .nan\n    unit: hour\n",
     "$.overrides[0].price", 5, "not a non-negative price"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    price: -.inf\n    unit: hour\n",
     "$.overrides[0].price", 5, "not a non-negative price"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    price: '1e30'\n    unit: hour\n",
     "$.overrides[0].price", 5, "a finite number up to 10000000"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    price: 'Infinity'\n"
     "    unit: hour\n", "$.overrides[0].price", 5, "not a non-negative price"),
])
def test_malformed_book(tmp_path: Path, text: str, where: str, line: int, message: str | None) -> None:
    path = book(tmp_path, text)
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    e = err.value
    assert (e.file, e.where, e.line) == (str(path), where, line)
    if message:
        assert message in e.message
    assert str(e) == f"{path}:{line}: {where}: {e.message}"


@pytest.mark.parametrize("text,where,message", [
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    attributes: {instance_type: 'zz.*'}\n"
     "    discount_percent: 5\n", "$.overrides[0]", "matches no catalog price"),
    ("version: 1\nname: x\noverrides:\n  - service: ebs\n    product: storage\n    price: '0.05'\n"
     "    unit: hour\n", "$.overrides[0].unit", "does not match the catalog unit 'GB-month'"),
    ("version: 1\nname: x\ncurrency: EUR\noverrides:\n  - service: ec2\n    discount_percent: 5\n",
     "$.currency", "currency conversion is not supported"),
    ("version: 1\nname: x\noverrides:\n  - service: ec2\n    product: instance\n    region: us-east-1\n"
     "    attributes: {instance_type: zz.large}\n    price: '1'\n    unit: hour\n", "$.overrides[0]",
     "give the book an 'as_of' date"),
])
def test_book_that_cannot_apply(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = book(tmp_path, text)
    with pytest.raises(CatalogError, match=message) as err:
        load_catalog([path])
    assert err.value.where == where and err.value.line is not None


def test_unreadable_books(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="price book not found"):
        load_catalog([tmp_path / "missing.yaml"])
    bad = book(tmp_path, "version: 1\nname: [unclosed\n")
    with pytest.raises(CatalogError, match="invalid YAML") as err:
        load_catalog([bad])
    assert err.value.line is not None
    not_a_map = book(tmp_path, "- 1\n- 2\n", "list.yaml")
    with pytest.raises(CatalogError, match="is not of type 'object'") as err:
        load_catalog([not_a_map])
    assert err.value.where == "$"


def test_json_book_with_nan_discount(tmp_path: Path) -> None:
    path = book(tmp_path, '{"version": 1, "name": "x", "overrides": '
                          '[{"service": "ec2", "discount_percent": NaN}]}', "book.json")
    with pytest.raises(CatalogError, match="is not a discount"):
        load_catalog([path])


_ENTRY = "  - {service: ec2, discount_percent: 5, attributes: {instance_type: 'p5.*'}}\n"
_LAUGHS = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n"
                  for i in range(1, 10))


@pytest.mark.parametrize("text, name, message, line", [
    ("version: 1\nname: b\noverrides:\n  - &o {service: ec2, discount_percent: 5}\n  - *o\n",
     "book.yaml", "anchors and aliases are not allowed", 4),
    ("version: 1\nname: b\nl0: &l0 lol\n" + _LAUGHS + "overrides:\n" + _ENTRY,
     "book.yaml", "anchors and aliases are not allowed", 3),
    ("version: 1\nname: b\nname: c\noverrides:\n" + _ENTRY,
     "book.yaml", "duplicate key 'name'", 3),
    ("version: 1\nname: d\noverrides: " + "[" * 100_000 + "]" * 100_000 + "\n",
     "book.yaml", "nesting deeper than 64 levels", 3),
    ('{"version": 1, "name": "b", "name": "c", "overrides": []}', "book.json",
     "duplicate key 'name'", None),
    ('{"version": 1, "overrides": ' + "[" * 100_000 + "]" * 100_000 + "}", "book.json",
     "nesting is too deep", None),
])
def test_hostile_book_is_one_error(tmp_path: Path, text: str, name: str, message: str,
                                   line: int | None) -> None:
    with pytest.raises(CatalogError, match=message) as err:
        load_catalog([book(tmp_path, text, name)])
    assert err.value.line == line


def test_binary_book_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_bytes(b"\xed\x9f\xbf\xff\x00binary")
    with pytest.raises(CatalogError, match="not valid UTF-8 text .*binary file"):
        load_catalog([path])
