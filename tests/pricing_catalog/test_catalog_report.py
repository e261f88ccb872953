"""`costwarden catalog coverage` and `costwarden catalog diff`, for any provider's files."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

SOURCES = {"S": {"title": "t", "location": "l", "as_of": "2026-01-01", "licence": "x"}}


def data_file(provider: str, service: str, records: list[dict]) -> dict:
    return {"schema_version": 1, "provider": provider, "service": service, "currency": "USD",
            "sources": SOURCES, "records": records}


def rec(product: str, region: str | None, price: str, option: str = "on_demand",
        **attrs: str) -> dict:
    return {"product": product, "region": region, "attributes": attrs, "purchase_option": option,
            "unit": "hour", "price": price, "source": "S", "as_of": "2026-01-01"}


def test_coverage_table_and_json() -> None:
    table = run_cli("catalog", "coverage", "--cloud", "aws", "--region", "us-east-1")
    assert table.code == 0, table.err
    ec2 = next(line for line in table.out.splitlines() if line.startswith("aws       ec2"))
    assert "on_demand 1367" in ec2 and "SA 2025-06-28" in ec2 and "K 2026-07-20" in ec2
    doc = json.loads(run_cli("catalog", "coverage", "--cloud", "aws", "--format", "json").out)
    rows = {(r["service"], r["region"]): r for r in doc}
    assert rows[("ec2", "us-east-1")]["by_purchase_option"]["on_demand"] == 1367
    assert rows[("ec2", "us-east-1")]["estimated"] == rows[("ec2", "us-east-1")][
        "by_purchase_option"]["spot"] - 48  # the observed V2 spot prices are not estimates
    assert rows[("ec2", "us-gov-west-1")]["sources"] == [{"id": "KGOV", "as_of": "2026-07-20"}]
    assert ("data_transfer", "ap-northeast-1") in rows
    assert {r["provider"] for r in doc} == {"aws"}
    # a cloud bundle's name, or its refresh argument, means its catalog provider
    for cloud, provider in (("google", "google"), ("gcp", "google"), ("azure", "azurerm")):
        rows = json.loads(run_cli("catalog", "coverage", "--cloud", cloud, "--format", "json").out)
        assert rows and {r["provider"] for r in rows} == {provider}, cloud
    assert "no prices match" in run_cli("catalog", "coverage", "--region", "nowhere-1").out


def test_diff_says_what_moved(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "gcp", tmp_path / "new" / "gcp"
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    (old / "compute.json").write_text(json.dumps(data_file("gcp", "compute", [
        rec("instance", "us-central1", "3.5", instance_type="a2-highgpu-1g"),
        rec("instance", "us-central1", "1.0", instance_type="g2-standard-4"),
        rec("instance", "us-central1", "0.2", "spot", instance_type="g2-standard-4")])))
    (new / "compute.json").write_text(json.dumps(data_file("gcp", "compute", [
        rec("instance", "us-central1", "3.673385", instance_type="a2-highgpu-1g"),
        rec("instance", "us-central1", "1.0", instance_type="g2-standard-4"),
        rec("instance", "europe-west4", "1.1", instance_type="g2-standard-4")])))
    text = run_cli("catalog", "diff", tmp_path / "old", tmp_path / "new")
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert lines[-1] == "1 changed, 1 added, 1 removed (3 → 3 prices)"
    assert any(line.startswith("~ gcp/compute/instance[instance_type=a2-highgpu-1g]") and
               "3.5 → 3.673385" in line and "+0.173385, +4.95%" in line for line in lines)
    doc = json.loads(run_cli("catalog", "diff", old / "compute.json", new, "--format",
                             "json").out)
    assert {m["change"] for m in doc["moves"]} == {"changed", "added", "removed"}
    assert not any("g2-standard-4]@us-central1:on_demand" in m["key"] for m in doc["moves"])


def test_diff_bad_input_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"schema_version": 1}')
    r = run_cli("catalog", "diff", tmp_path / "bad.json", tmp_path / "missing")
    assert r.code == 2 and r.err.count("\n") == 1 and "bad.json" in r.err
    (tmp_path / "bad.json").unlink()
    (tmp_path / "ok.json").write_text(json.dumps(data_file("aws", "ec2", [])))
    r = run_cli("catalog", "diff", tmp_path, tmp_path / "missing")
    assert r.code == 2 and "no such file or directory" in r.err
