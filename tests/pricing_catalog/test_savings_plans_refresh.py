"""Compute Savings Plans: `catalog refresh aws` reads them from the Savings Plans bulk files
(served from 127.0.0.1, built in the documented format by `aws_savings_plans.py`), and the
`purchase_option` usage key prices an instance and a node group under them."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("httpx")
pytest.importorskip("ijson")

from aws_price_list import serve, site, us_west_2  # noqa: E402
from aws_savings_plans import INDEX, VERSION, add_to, us_west_2_file  # noqa: E402
from engine import Session  # noqa: E402
from pricing_catalog import PriceKey, load_catalog  # noqa: E402
from pricing_catalog.datafile import PACKAGE_DIR  # noqa: E402
from pricing_catalog.refresh import aws as refresh  # noqa: E402

TODAY = "2026-12-01"
FILE = f"/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/{VERSION}/us-west-2/index.json"
SP1 = "savings_plan_compute_1y_no_upfront"
SP3 = "savings_plan_compute_3y_no_upfront"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(PACKAGE_DIR / "data", root)
    return root


def files() -> dict[str, bytes]:
    return add_to(site(us_west_2()), {"us-west-2": us_west_2_file()})


def run(url: str, data: Path, services: str = "ec2") -> int:
    return refresh.main(["--regions", "us-west-2", "--endpoint", url, "--data",
                         str(data / "aws"), "--services", services, "--today", TODAY])


def key(option: str, os: str = "linux", tenancy: str = "shared",
        itype: str = "m5.large") -> PriceKey:
    return PriceKey.of("aws", "ec2", "instance", "us-west-2", option, instance_type=itype,
                       os=os, tenancy=tenancy)


def test_refresh_reads_compute_savings_plans(data: Path, capsys) -> None:
    before = load_catalog(data_dir=data)
    assert before.lookup(key(SP1)) is None
    with serve(files()) as url:
        assert run(url, data) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "AWSComputeSavingsPlan us-west-2: 5 records (2 Compute Savings Plans kept)" in err
    catalog = load_catalog(data_dir=data)

    def price(option: str, **kw: str) -> Decimal:
        p = catalog.lookup(key(option, **kw))
        assert p is not None, (option, kw)
        assert (p.source, p.as_of, p.estimated) == ("PLSP-2026-11-27", "2026-11-27", False)
        assert "Savings Plan" in (p.note or "")
        return p.price

    assert price(SP1) == Decimal("0.0696")
    assert price(SP1, os="windows") == Decimal("0.1616")
    assert price(SP1, tenancy="dedicated") == Decimal("0.0769")
    assert price(SP1, itype="p5.48xlarge") == Decimal("40.9")
    assert price(SP3) == Decimal("0.048")
    # on demand from the EC2 offer file beside it, untouched by the plan rates
    assert catalog.lookup(key("on_demand")).price == Decimal("0.096")
    # not kept: partial upfront, EC2 Instance Savings Plans, RHEL, Fargate, unused usage
    assert catalog.lookup(key(SP3, os="windows")) is None
    written = json.loads((data / "aws" / "ec2.json").read_text())
    plans = [r for r in written["records"] if r["purchase_option"].startswith("savings_plan")]
    assert len(plans) == 5 and written["sources"]["PLSP-2026-11-27"]["as_of"] == "2026-11-27"


def test_refresh_without_a_savings_plans_index_says_so(data: Path, capsys) -> None:
    with serve(site(us_west_2())) as url:
        assert run(url, data) == 0
    assert "names no Savings Plans region index for AmazonEC2" in capsys.readouterr().err
    assert load_catalog(data_dir=data).lookup(key(SP1)) is None


def _truncated(f: dict[str, bytes]) -> None:
    f[FILE] = f[FILE][:-300]


def _wrong_unit(f: dict[str, bytes]) -> None:
    f[FILE] = f[FILE].replace(b'"unit": "Hrs"', b'"unit": "Quantity"', 1)


def _negative(f: dict[str, bytes]) -> None:
    f[FILE] = f[FILE].replace(b'"price": "0.0696"', b'"price": "-1"', 1)


def _regions_map(f: dict[str, bytes]) -> None:
    f[INDEX] = json.dumps({"regions": {"us-west-2": {"versionUrl": FILE}}}).encode()


def _elsewhere(f: dict[str, bytes]) -> None:
    f[INDEX] = json.dumps({"regions": [{"regionCode": "us-west-2",
                                        "versionUrl": "https://elsewhere/x.json"}]}).encode()


def _other_region(f: dict[str, bytes]) -> None:
    f[FILE] = f[FILE].replace(b'"regionCode": "us-west-2"', b'"regionCode": "eu-west-1"', 1)


@pytest.mark.parametrize("mutate,message", [
    (_truncated, "AWSComputeSavingsPlan us-west-2 file: not valid JSON"),
    (_wrong_unit, "is not USD per hour"),
    (_negative, "has no positive price"),
    (_regions_map, "no 'regions' list"),
    (_elsewhere, "not a path on the price list endpoint"),
    (_other_region, "says regionCode 'eu-west-1'"),
])
def test_bad_savings_plans_files_fail_in_one_line(data: Path, capsys, mutate, message) -> None:
    f = files()
    mutate(f)
    snapshot = (data / "aws" / "ec2.json").read_text()
    with serve(f) as url:
        assert run(url, data) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("refresh: ") and message in err[-1], err
    assert "Traceback" not in "\n".join(err)
    assert (data / "aws" / "ec2.json").read_text() == snapshot


def _plan(path: Path) -> None:
    def res(address: str, typ: str, after: dict) -> dict:
        return {"address": address, "mode": "managed", "type": typ, "name": address.split(".")[1],
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": None, "after": after,
                           "after_unknown": {}}}
    path.write_text(json.dumps({
        "format_version": "1.2", "terraform_version": "1.9.8",
        "configuration": {"provider_config": {"aws": {
            "name": "aws", "expressions": {"region": {"constant_value": "us-west-2"}}}}},
        "resource_changes": [
            res("aws_instance.web", "aws_instance", {"instance_type": "m5.large"}),
            res("aws_eks_node_group.workers", "aws_eks_node_group", {
                "instance_types": ["m5.large"], "capacity_type": "ON_DEMAND",
                "scaling_config": [{"desired_size": 3, "min_size": 1, "max_size": 5}]}),
        ]}))


def _instances(result, address: str):  # type: ignore[no-untyped-def]
    res = next(r for r in result.resources if r.address == address)
    return [c for c in res.after.components if c.price_key.startswith("aws/ec2/instance[")]


def test_usage_selects_a_savings_plan_priced_after_refresh(data: Path, tmp_path: Path,
                                                            capsys) -> None:
    plan = tmp_path / "plan.json"
    _plan(plan)
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 1\nresources:\n"
                     f"  aws_instance.web: {{purchase_option: {SP1}}}\n"
                     f"  aws_eks_node_group.workers: {{purchase_option: {SP3}}}\n")

    before = Session(catalog=load_catalog(data_dir=data), usage=str(usage)).estimate(str(plan))
    for address, option in (("aws_instance.web", SP1), ("aws_eks_node_group.workers", SP3)):
        [comp] = _instances(before, address)
        assert comp.price_key.endswith(f"@us-west-2:{option}")
        assert comp.facts.purchase_option == option
        assert comp.status == "unpriced" and comp.monthly is None, comp
        assert f"no {option.replace('_', '-')} price in us-west-2" in comp.reason
        assert comp.reason.endswith("(costwarden catalog refresh aws --regions us-west-2)")

    with serve(files()) as url:
        assert run(url, data) == 0, capsys.readouterr().err
    after = Session(catalog=load_catalog(data_dir=data), usage=str(usage)).estimate(str(plan))
    [web] = _instances(after, "aws_instance.web")
    assert web.status == "priced" and web.price_key.endswith(SP1)
    assert (web.price_source, web.price_as_of) == ("PLSP-2026-11-27", "2026-11-27")
    assert web.unit_price == Decimal("0.0696") and web.monthly == Decimal("0.0696") * 730
    [workers] = _instances(after, "aws_eks_node_group.workers")
    assert workers.status == "priced" and workers.price_key.endswith(SP3)
    assert workers.monthly == Decimal("0.048") * 3 * 730
