"""`costwarden catalog refresh aws`: bulk files from a server on 127.0.0.1, the Query API
and spot history through botocore's Stubber. Nothing reaches the network.

The documents are built in the real formats by `aws_price_list.py` (its header says how).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("httpx")
pytest.importorskip("ijson")
boto3 = pytest.importorskip("boto3")
from botocore.stub import ANY, Stubber  # noqa: E402

from aws_price_list import OfferBuilder, product, serve, site, us_west_2  # noqa: E402
from engine import Session  # noqa: E402
from pricing_catalog import PriceKey, load_catalog  # noqa: E402
from pricing_catalog.datafile import PACKAGE_DIR  # noqa: E402
from pricing_catalog.refresh import aws as refresh  # noqa: E402
from pricing_catalog.refresh import aws_bulk  # noqa: E402

BUNDLED = PACKAGE_DIR / "data"
TODAY = "2026-12-01"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the bundled data directory to refresh into."""
    root = tmp_path / "data"
    shutil.copytree(BUNDLED, root)
    return root


def run(*argv: str, **kw) -> int:  # type: ignore[no-untyped-def]
    return refresh.main(list(argv), **kw)


def plan(region: str) -> dict:
    """A plan in `region` with the services a second-region refresh must fill."""
    def res(address: str, typ: str, after: dict) -> dict:
        return {"address": address, "mode": "managed", "type": typ, "name": address.split(".")[1],
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": None, "after": after,
                           "after_unknown": {}}}
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "configuration": {"provider_config": {"aws": {
                "name": "aws", "expressions": {"region": {"constant_value": region}}}}},
            "resource_changes": [
                res("aws_ebs_volume.data", "aws_ebs_volume", {"type": "gp3", "size": 500}),
                res("aws_s3_bucket.ckpt", "aws_s3_bucket", {"bucket": "ckpt"}),
                res("aws_efs_file_system.home", "aws_efs_file_system", {}),
                res("aws_fsx_lustre_file_system.scratch", "aws_fsx_lustre_file_system", {
                    "storage_capacity": 1200, "deployment_type": "PERSISTENT_2",
                    "per_unit_storage_throughput": 125, "storage_type": "SSD"}),
                res("aws_nat_gateway.nat", "aws_nat_gateway", {"connectivity_type": "public"}),
                res("aws_sagemaker_notebook_instance.nb", "aws_sagemaker_notebook_instance", {
                    "instance_type": "ml.g5.xlarge", "volume_size": 5}),
            ]}


def test_second_region_end_to_end(data: Path, tmp_path: Path, capsys) -> None:
    """us-west-2 has no EBS/S3/EFS/FSx/NAT/SageMaker prices bundled: unpriced with the
    command that fills them; after a refresh from the bulk files they are priced."""
    with serve(site(us_west_2())) as url:
        second_region(url, data, tmp_path, capsys)


def second_region(url: str, data: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan("us-west-2")))
    before = Session(catalog=load_catalog(data_dir=data)).estimate(str(path))
    reasons = [c.reason for r in before.resources for c in r.after.components
               if c.status == "unpriced"]
    assert reasons and all("(costwarden catalog refresh aws --regions us-west-2)" in r
                           for r in reasons), reasons
    assert {r.address for r in before.resources if r.status == "unpriced"} >= {
        "aws_ebs_volume.data", "aws_fsx_lustre_file_system.scratch", "aws_nat_gateway.nat",
        "aws_sagemaker_notebook_instance.nb"}

    code = run("--regions", "us-west-2", "--endpoint", url, "--data", str(data / "aws"),
               "--services", "ec2,ebs,nat,vpc,s3,efs,fsx,eks,sagemaker", "--today", TODAY)
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "AmazonEC2 us-west-2:" in out.err

    catalog = load_catalog(data_dir=data)

    def price(service: str, product_: str, option: str = "on_demand", **attrs: str):
        p = catalog.lookup(PriceKey.of("aws", service, product_, "us-west-2", option, **attrs))
        assert p is not None, (service, product_, attrs)
        assert p.source == "PL-2026-11-28" and p.as_of == "2026-11-28" and not p.estimated
        return p.price

    linux = dict(os="linux", tenancy="shared")
    assert price("ec2", "instance", instance_type="m5.large", **linux) == Decimal("0.096")
    assert price("ec2", "instance", "reserved_1y", instance_type="m5.large", **linux) == \
        Decimal("0.06")
    assert price("ec2", "instance", "reserved_3y", instance_type="m5.large", **linux) == \
        Decimal("0.04")
    assert price("ec2", "instance", instance_type="m5.large", os="windows",
                 tenancy="shared") == Decimal("0.188")
    assert price("ec2", "instance", instance_type="m5.large", os="linux",
                 tenancy="dedicated") == Decimal("0.106")
    assert price("ec2", "cpu_credits", family="t3", os="linux") == Decimal("0.05")
    assert price("ebs", "storage", volume_type="gp3") == Decimal("0.08")
    io2 = catalog.lookup(PriceKey.of("aws", "ebs", "iops", "us-west-2", volume_type="io2"))
    assert [(t.start, t.price) for t in io2.tiers] == [
        (Decimal(0), Decimal("0.065")), (Decimal(32000), Decimal("0.0455")),
        (Decimal(64000), Decimal("0.032"))]
    assert price("ebs", "throughput", volume_type="gp3") == Decimal("0.04")
    assert price("ebs", "snapshot", tier="standard") == Decimal("0.05")
    assert price("vpc", "nat_gateway") == Decimal("0.045")
    assert price("vpc", "public_ipv4") == Decimal("0.005")
    assert price("s3", "storage", storage_class="STANDARD") == Decimal("0.023")
    assert price("s3", "requests", storage_class="STANDARD", tier="tier1") == Decimal("0.005")
    assert price("efs", "storage", storage_class="standard_ia") == Decimal("0.016")
    assert price("fsx_lustre", "storage", deployment_type="PERSISTENT_2", storage_type="SSD",
                 throughput_per_tib="125") == Decimal("0.145")
    assert price("fsx_lustre", "storage", deployment_type="SCRATCH_2", storage_type="SSD",
                 throughput_per_tib="") == Decimal("0.14")
    assert price("eks", "cluster", support="extended") == Decimal("0.6")
    assert price("eks", "fargate_vcpu", architecture="x86_64") == Decimal("0.04048")
    assert price("sagemaker", "instance", component="notebook",
                 instance_type="ml.g5.xlarge") == Decimal("1.408")
    # not kept: capacity reservations, SQL Server, a zero placeholder, FSx for Windows
    assert catalog.lookup(PriceKey.of("aws", "ec2", "instance", "us-west-2",
                                      instance_type="c9.large", **linux)) is None
    # us-east-1 and the other regions are untouched
    assert catalog.lookup(PriceKey.of("aws", "ebs", "storage", "us-east-1",
                                      volume_type="gp3")).source == "IC"

    after = Session(catalog=catalog).estimate(str(path))
    statuses = {r.address: r.status for r in after.resources}
    for address in ("aws_ebs_volume.data", "aws_fsx_lustre_file_system.scratch",
                    "aws_nat_gateway.nat", "aws_sagemaker_notebook_instance.nb"):
        assert statuses[address] in ("priced", "usage-needed"), (address, statuses[address])
    volume = next(r for r in after.resources if r.address == "aws_ebs_volume.data")
    assert volume.after.monthly == Decimal("40.00")

    # Refreshing again from the same files changes nothing.
    snapshot = {p.name: p.read_text() for p in (data / "aws").iterdir()}
    assert run("--regions", "us-west-2", "--endpoint", url, "--data", str(data / "aws"),
               "--today", TODAY) == 0
    again = {p.name: p.read_text() for p in (data / "aws").iterdir()}
    for name in snapshot:
        assert again[name] == snapshot[name], name


@pytest.mark.parametrize("mutate,message", [
    (lambda f: f.__setitem__("/offers/v1.0/aws/index.json", b"{}"), "no 'offers' object"),
    (lambda f: f.__setitem__("/offers/v1.0/aws/index.json", b"[1,"), "not JSON"),
    (lambda f: f.pop("/offers/v1.0/aws/AmazonS3/current/region_index.json"), "HTTP 404"),
    (lambda f: f.__setitem__(
        "/offers/v1.0/aws/AmazonS3/current/region_index.json",
        json.dumps({"regions": {"us-west-2": {"currentVersionUrl": "http://elsewhere/x.json"}}})
        .encode()), "not a path on the price list endpoint"),
    (lambda f: f.__setitem__(
        "/offers/v1.0/aws/AmazonS3/20261128181005/us-west-2/index.json",
        f["/offers/v1.0/aws/AmazonS3/20261128181005/us-west-2/index.json"][:-200]),
     "offer file: not valid JSON (parse error: premature EOF)"),
])
def test_bad_answers_fail_in_one_line(data: Path, capsys, mutate, message: str) -> None:
    files = site(us_west_2())
    mutate(files)
    before = (data / "aws" / "s3.json").read_bytes()
    with serve(files) as url:
        code = run("--regions", "us-west-2", "--endpoint", url, "--data", str(data / "aws"),
                   "--services", "s3", "--today", TODAY)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err, err
    assert err.strip().count("\n") == 0 or all(line.startswith("refresh: ")
                                               for line in err.splitlines())
    assert (data / "aws" / "s3.json").read_bytes() == before


def test_offer_files_are_bounded(data: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(aws_bulk, "MAX_OFFER_BYTES", 2000)
    with serve(site(us_west_2())) as url:
        code = run("--regions", "us-west-2", "--endpoint", url, "--data", str(data / "aws"),
                   "--services", "s3", "--today", TODAY)
    err = capsys.readouterr().err
    assert code == 2 and "AmazonS3 offer file: larger than 2,000 bytes" in err


def test_conflicting_rates_for_one_key_are_left_out(data: Path, capsys) -> None:
    s3 = OfferBuilder("AmazonS3", "us-west-2")
    s3.add(product("Storage", storageClass="General Purpose",
                   usagetype="USW2-TimedStorage-ByteHrs"), "GB-Mo", ("0", "0.023"))
    s3.add(product("Storage", storageClass="General Purpose", volumeType="x",
                   usagetype="USW2-TimedStorage-ByteHrs"), "GB-Mo", ("0", "0.025"))
    s3.add(product("Storage", storageClass="Infrequent Access",
                   usagetype="USW2-TimedStorage-SIA-ByteHrs"), "GB-Mo", ("0", "0.0125"))
    with serve(site([s3])) as url:
        assert run("--regions", "us-west-2", "--endpoint", url, "--data", str(data / "aws"),
                   "--services", "s3", "--today", TODAY) == 0
    assert "several different prices for one key; left out" in capsys.readouterr().err
    catalog = load_catalog(data_dir=data)
    assert catalog.lookup(PriceKey.of("aws", "s3", "storage", "us-west-2",
                                      storage_class="STANDARD")) is None
    assert catalog.lookup(PriceKey.of("aws", "s3", "storage", "us-west-2",
                                      storage_class="STANDARD_IA")).price == Decimal("0.0125")


def test_unknown_service_and_missing_region(data: Path, capsys) -> None:
    assert run("--regions", "us-west-2", "--services", "lambda", "--data", str(data)) == 2
    assert "unknown service 'lambda'" in capsys.readouterr().err
    with serve(site(us_west_2())) as url:
        assert run("--regions", "xx-nowhere-1", "--endpoint", url, "--services", "eks",
                   "--data", str(data / "aws"), "--today", TODAY) == 0
    captured = capsys.readouterr()
    assert "AmazonEKS has no offer file for xx-nowhere-1" in captured.err
    assert "nothing written" in captured.out


# --- Query API and spot history (botocore Stubber) ------------------------------------


@pytest.fixture
def pricing():
    c = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing")
    with Stubber(c) as stub:
        c.stub = stub  # type: ignore[attr-defined]
        yield c
        stub.assert_no_pending_responses()


def expect_pages(client, offer: str, region: str, pages: list[list[str]]) -> None:
    for i, page in enumerate(pages):
        response = {"FormatVersion": "aws_v1", "PriceList": page}
        params = {"ServiceCode": offer, "FormatVersion": "aws_v1", "Filters": [
            {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]}
        if i + 1 < len(pages):
            response["NextToken"] = f"token-{i + 1}"
        if i > 0:
            params["NextToken"] = f"token-{i}"
        client.stub.add_response("get_products", response, params)


def test_query_api_pages(pricing, data: Path, capsys) -> None:
    offers = {o.offer: o for o in us_west_2()}
    entries = offers["AmazonSageMaker"].price_list()
    expect_pages(pricing, "AmazonSageMaker", "us-west-2", [entries[:1], [], entries[1:]])
    code = run("--from", "api", "--services", "sagemaker", "--regions", "us-west-2",
               "--data", str(data / "aws"), "--today", TODAY, client=pricing)
    assert code == 0, capsys.readouterr().err
    catalog = load_catalog(data_dir=data)
    for component in ("hosting", "training", "notebook"):
        p = catalog.lookup(PriceKey.of("aws", "sagemaker", "instance", "us-west-2",
                                       component=component, instance_type="ml.g5.xlarge"))
        assert p.price == Decimal("1.408") and p.source == f"PLAPI-{TODAY}"


def test_query_api_errors_exit_2(pricing, data: Path, capsys) -> None:
    pricing.stub.add_client_error("get_products", service_error_code="AccessDeniedException",
                                  service_message="not authorized", expected_params={
                                      "ServiceCode": "AmazonEC2", "Filters": ANY,
                                      "FormatVersion": "aws_v1"})
    code = run("--from", "api", "--services", "ec2", "--regions", "us-east-1",
               "--data", str(data / "aws"), client=pricing)
    err = capsys.readouterr().err
    assert code == 2 and "AccessDeniedException" in err and "Traceback" not in err


def test_observed_spot_replaces_the_band(data: Path, capsys) -> None:
    key = PriceKey.of("aws", "ec2", "instance", "us-east-1", "spot", instance_type="m5.large",
                      os="linux", tenancy="shared")
    band = load_catalog(data_dir=data).lookup(key)
    assert band.estimated and band.price_range is not None and band.source == "SA"

    ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    rows = [{"AvailabilityZone": zone, "InstanceType": "m5.large",
             "ProductDescription": "Linux/UNIX", "SpotPrice": price,
             "Timestamp": datetime(2026, 11, 30, hour, tzinfo=timezone.utc)}
            for zone, price, hour in (("us-east-1a", "0.0350", 1), ("us-east-1a", "0.0361", 9),
                                      ("us-east-1b", "0.0342", 5))]
    types = refresh._types_in(data / "aws", "us-east-1")
    with Stubber(ec2) as stub:
        for start in range(0, len(types), 100):
            stub.add_response("describe_spot_price_history",
                              {"SpotPriceHistory": rows if "m5.large" in types[start:start + 100]
                               else []},
                              {"InstanceTypes": types[start:start + 100], "StartTime": now,
                               "ProductDescriptions": ["Linux/UNIX"]})
        # only the spot history is asked for: no offers
        code = run("--services", "ec2", "--regions", "us-east-1", "--data", str(data / "aws"),
                   "--spot", "--today", TODAY, "--from", "api",
                   client=_empty_pricing("AmazonEC2", "us-east-1"), spot_client=lambda r: ec2)
        stub.assert_no_pending_responses()
    assert code == 0, capsys.readouterr().err
    observed = load_catalog(data_dir=data).lookup(key)
    assert (observed.price, observed.estimated, observed.price_range) == \
        (Decimal("0.0361"), False, None)
    assert observed.source == f"SPOT-{TODAY}" and "0.0342 in us-east-1b" in observed.note


def _empty_pricing(offer: str, region: str):  # type: ignore[no-untyped-def]
    c = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing")
    stub = Stubber(c)
    expect_pages(type("C", (), {"stub": stub})(), offer, region, [[]])
    stub.activate()
    return c
