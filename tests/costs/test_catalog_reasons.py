"""What a report says about the catalog: spot bands as ranges, the refresh command in an
unpriced reason (for any cloud with a refresher), stale sources."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from engine import Session
from engine.clouds import Cloud, cost_registry
from engine.costs.base import CostComponent, CostModel
from engine.report.summary import stale_prices
from pricing_catalog.keys import PriceKey
from support import run_cli


def plan(region: str, *resources: tuple[str, str, dict]) -> dict:
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "configuration": {"provider_config": {"aws": {
                "name": "aws", "expressions": {"region": {"constant_value": region}}}}},
            "resource_changes": [
                {"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": None, "after": a,
                            "after_unknown": {}}} for t, n, a in resources]}


ROOT = {"root_block_device": [{"volume_type": "gp3", "volume_size": 20}]}


def test_spot_band_is_a_range(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan("us-east-1", ("aws_instance", "spot", {
        "instance_type": "m5.large", "instance_market_options": [{"market_type": "spot"}],
        **ROOT}))))
    est = Session().estimate(str(path))
    (r,) = est.resources
    band = next(c for c in r.after.components if c.name.startswith("instance"))
    assert band.price_estimated and band.price_source == "SA"
    low, high = band.unit_price_range
    assert low < high == band.unit_price
    disk = r.after.hourly - band.hourly
    assert r.hourly_range.low == band.hourly_low + disk and r.hourly_range.high == r.after.hourly
    doc = json.loads(run_cli("estimate", path, "--format", "json").out)
    comp = next(c for c in doc["resources"][0]["components"] if c["name"] == band.name)
    assert comp["unit_price_range"] == {"low": str(low), "high": str(high)}
    assert doc["summary"]["hourly"]["after_low"] != doc["summary"]["hourly"]["after_high"]
    table = run_cli("estimate", path).out
    assert "…" in table.splitlines()[4], table  # the resource row shows low…high


def test_unpriced_reason_names_the_refresh_command(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan("us-west-2", ("aws_ebs_volume", "data",
                                                  {"type": "gp3", "size": 100}),
                                    ("aws_instance", "h200", {"instance_type": "p5e.48xlarge",
                                                              **ROOT}))))
    est = Session().estimate(str(path))
    by = {r.address: r for r in est.resources}
    (volume,) = by["aws_ebs_volume.data"].after.components
    assert volume.status == "unpriced"
    assert volume.reason.endswith("(costwarden catalog refresh aws --regions us-west-2)")
    # a price the catalog lacks on purpose says why, with no command that cannot help
    reasons = [c.reason for c in by["aws_instance.h200"].after.components
               if c.status == "unpriced"]
    assert any("Capacity Blocks only" in r and "catalog refresh" not in r for r in reasons)


def test_every_cloud_with_a_refresher_names_it() -> None:
    def components(spec, usage):  # type: ignore[no-untyped-def]
        return (CostComponent("thing", PriceKey.of("toy", "svc", "thing", "r1"), "hour", "hour",
                              Decimal(1)),)
    toy = Cloud(name="toy", providers=("toy",), catalog_refresh="toy",
                models=(CostModel("toy_thing", lambda v: None, components),))
    quiet = Cloud(name="quiet", providers=("quiet",),
                  models=(CostModel("quiet_thing", lambda v: None, components),))
    registry = cost_registry([toy, quiet])
    assert registry.catalog_refresh == {"toy_thing": "toy"}


def test_stale_sources_are_measured_against_the_catalog(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan("us-east-1", ("aws_instance", "a", {
        "instance_type": "p5.48xlarge", "instance_market_options": [{"market_type": "spot"}],
        **ROOT}))))
    est = Session().estimate(str(path))
    stale = stale_prices(est)
    assert [s.source for s in stale] == ["V2"] and stale[0].as_of == "2025-11-30"
    assert stale[0].age_days == 360  # the catalog's newest source is 2026-11-25
    out = run_cli("estimate", path).out
    assert out.splitlines()[-1].startswith("Stale: prices from sources more than 180 days")
    doc = json.loads(run_cli("estimate", path, "--format", "json").out)
    assert doc["catalog"]["stale_sources"] == [
        {"source": "V2", "as_of": "2025-11-30", "days_older_than_catalog": 360}]
