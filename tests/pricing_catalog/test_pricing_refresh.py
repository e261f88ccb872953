"""Refresh from the AWS Price List API, with botocore's Stubber (never the network)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

boto3 = pytest.importorskip("boto3")
from botocore.stub import ANY, Stubber  # noqa: E402

from pricing_catalog import PriceKey, load_catalog  # noqa: E402
from pricing_catalog.refresh.aws import RefreshError, ec2_filters, main, on_demand_hourly  # noqa: E402


def price_list_entry(itype: str, region: str, usd: str, sku: str = "ABCDEFGH12345678") -> str:
    """One PriceList element as the API returns it: a JSON *string*."""
    prefix = "" if region == "us-east-1" else "USW2-"
    doc = {
        "product": {
            "productFamily": "Compute Instance",
            "sku": sku,
            "attributes": {
                "instanceType": itype, "regionCode": region, "operatingSystem": "Linux",
                "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
                "licenseModel": "No License required", "marketoption": "OnDemand",
                "usagetype": f"{prefix}BoxUsage:{itype}", "operation": "RunInstances",
                "vcpu": "192", "memory": "2048 GiB", "gpu": "8", "servicecode": "AmazonEC2",
            },
        },
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": {
                f"{sku}.JRTCKXETXF": {
                    "offerTermCode": "JRTCKXETXF", "sku": sku,
                    "effectiveDate": "2026-01-01T00:00:00Z", "termAttributes": {},
                    "priceDimensions": {
                        f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                            "unit": "Hrs", "endRange": "Inf", "beginRange": "0",
                            "description": f"${usd} per On Demand Linux {itype} Instance Hour",
                            "appliesTo": [], "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7",
                            "pricePerUnit": {"USD": usd},
                        }
                    },
                }
            },
            "Reserved": {
                f"{sku}.4NA7Y494T4": {
                    "offerTermCode": "4NA7Y494T4", "sku": sku,
                    "termAttributes": {"LeaseContractLength": "1yr", "OfferingClass": "standard",
                                       "PurchaseOption": "No Upfront"},
                    "priceDimensions": {f"{sku}.4NA7Y494T4.6YS6EN2CT7": {
                        "unit": "Hrs", "pricePerUnit": {"USD": "1.0000000000"}}},
                }
            },
        },
        "version": "20260115000000",
        "publicationDate": "2026-01-15T00:00:00Z",
    }
    return json.dumps(doc)


@pytest.fixture
def client():
    c = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing")
    with Stubber(c) as stub:
        c.stub = stub  # type: ignore[attr-defined]
        yield c
        stub.assert_no_pending_responses()


def expect(client, itype: str, region: str, pages: list[list[str]]) -> None:
    for i, page in enumerate(pages):
        response = {"FormatVersion": "aws_v1", "PriceList": page}
        params = {"ServiceCode": "AmazonEC2", "Filters": ec2_filters(itype, region),
                  "FormatVersion": "aws_v1"}
        if i + 1 < len(pages):
            response["NextToken"] = f"token-{i + 1}"
        if i > 0:
            params["NextToken"] = f"token-{i}"
        client.stub.add_response("get_products", response, params)


def test_refresh_writes_a_loadable_data_file(client, tmp_path: Path, capsys) -> None:
    # us-east-1: p5 on page 2 of a paginated answer; g5 on one page; us-west-2: nothing for p5.
    expect(client, "g5.xlarge", "us-east-1", [[price_list_entry("g5.xlarge", "us-east-1", "1.0060000000")]])
    expect(client, "p5.48xlarge", "us-east-1",
           [[], [price_list_entry("p5.48xlarge", "us-east-1", "55.0400000000")]])
    expect(client, "g5.xlarge", "us-west-2", [[price_list_entry("g5.xlarge", "us-west-2", "1.0060000000")]])
    expect(client, "p5.48xlarge", "us-west-2", [[]])
    out = tmp_path / "data" / "aws" / "ec2.json"
    out.parent.mkdir(parents=True)
    code = main(["--service", "ec2", "--region", "us-east-1,us-west-2",
                 "--instance-types", "p5.48xlarge,g5.xlarge", "--out", str(out),
                 "--today", "2026-11-25"], client=client)
    assert code == 0
    captured = capsys.readouterr()
    assert "no on-demand price for p5.48xlarge@us-west-2" in captured.err
    doc = json.loads(out.read_text())
    assert doc["sources"]["aws-price-list-api"]["as_of"] == "2026-11-25"
    assert [(r["region"], r["attributes"]["instance_type"], r["price"]) for r in doc["records"]] == [
        ("us-east-1", "g5.xlarge", "1.006"), ("us-east-1", "p5.48xlarge", "55.04"),
        ("us-west-2", "g5.xlarge", "1.006")]
    # stable output: the same input gives the same bytes
    first = out.read_bytes()
    (out.parent / "instances.json").write_text("""{"schema_version": 1, "provider": "aws",
      "service": "instances", "sources": {"X": {"title": "t", "location": "l",
      "as_of": "2026-01-01", "licence": "x"}}, "instances": []}""")
    catalog = load_catalog(data_dir=tmp_path / "data")
    price = catalog.lookup(PriceKey.of("aws", "ec2", "instance", "us-east-1",
                                       instance_type="p5.48xlarge", tenancy="shared", os="linux"))
    assert price.price == Decimal("55.04") and price.source == "aws-price-list-api"
    assert price.as_of == "2026-11-25"
    assert out.read_bytes() == first


def test_ambiguous_rates_are_an_error(client, tmp_path: Path, capsys) -> None:
    expect(client, "g5.xlarge", "us-east-1", [[
        price_list_entry("g5.xlarge", "us-east-1", "1.006", sku="A" * 16),
        price_list_entry("g5.xlarge", "us-east-1", "1.106", sku="B" * 16)]])
    out = tmp_path / "ec2.json"
    code = main(["--region", "us-east-1", "--instance-types", "g5.xlarge", "--out", str(out)],
                client=client)
    assert code == 2 and not out.exists()
    assert "several on-demand rates" in capsys.readouterr().err


def test_api_errors_exit_2(client, tmp_path: Path, capsys) -> None:
    client.stub.add_client_error("get_products", service_error_code="AccessDeniedException",
                                 service_message="not authorized", expected_params={
                                     "ServiceCode": "AmazonEC2", "Filters": ANY,
                                     "FormatVersion": "aws_v1"})
    code = main(["--region", "us-east-1", "--instance-types", "g5.xlarge",
                 "--out", str(tmp_path / "x.json")], client=client)
    assert code == 2 and "AccessDeniedException" in capsys.readouterr().err


def test_on_demand_hourly_reads_the_documented_path() -> None:
    product = json.loads(price_list_entry("m5.large", "us-east-1", "0.0960000000"))
    assert on_demand_hourly(product) == Decimal("0.096")
    product["terms"]["OnDemand"] = {}
    with pytest.raises(RefreshError, match="expected one hourly USD rate"):
        on_demand_hourly(product)
