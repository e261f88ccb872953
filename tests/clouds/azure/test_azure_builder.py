"""`python -m pricing_catalog build azure`: excerpts in, data files out; the bundled
Azure files are exactly what the builder makes from the real sources."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from support import require_corpus

from pricing_catalog.builders import azure as builder
from pricing_catalog.builders import main as build_main
from pricing_catalog.datafile import PACKAGE_DIR

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED = PACKAGE_DIR / "data" / "azurerm"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("azure")
    assert build_main(["azure", "--facts", str(FIXTURES / "pricing-facts-excerpt.md"),
                       "--infracost", str(FIXTURES / "infracost"), "--out", str(out)]) == 0
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


def _price(doc: dict, product: str, option: str = "on_demand", **attrs: str) -> dict:
    (rec,) = [r for r in doc["records"] if r["product"] == product
              and r["purchase_option"] == option and all(r["attributes"].get(k) == v
                                                         for k, v in attrs.items())]
    return rec


def test_gpu_sizes_hardware_and_prices(built: dict[str, dict]) -> None:
    hardware = {h["instance_type"]: h for h in built["instances"]["instances"]}
    a100 = hardware["standard_nc24ads_a100_v4"]
    assert (a100["gpu_model"], a100["gpu_count"], a100["vcpu"]) == ("NVIDIA A100 80GB", 1, 24)
    assert hardware["standard_nd96isr_h100_v5"]["gpu_model"] == "NVIDIA H100"
    assert "1/6" in hardware["standard_nv6ads_a10_v5"]["note"]
    # A size Infracost prices that is not N-family: no accelerator, by the naming rule.
    assert hardware["standard_ds1_v2"]["gpu_count"] == 0
    compute = built["compute"]
    spot = _price(compute, "instance", "spot", instance_type="standard_nc24ads_a100_v4")
    assert (spot["price"], spot["source"], spot["as_of"]) == ("0.444433", "SK6A", "2026-11-25")
    reasons = {(u["attributes"].get("instance_type"), u.get("purchase_option")): u["reason"]
               for u in compute["unavailable"]}
    # Priced by CR alone: hardware kept, price left out with the reason.
    assert hardware["standard_nv6ads_a10_v5"]["source"] == "MSD"
    assert "advise against" in reasons[("standard_nv6ads_a10_v5", "on_demand")]
    assert not [r for r in compute["records"]
                if r["attributes"]["instance_type"] == "standard_nv6ads_a10_v5"]
    assert "no spot price" in reasons[("standard_nd96isr_h100_v5", "spot")]


def test_infracost_lines_are_inverted_and_disagreements_left_unpriced(built: dict) -> None:
    compute = built["compute"]
    ds1 = _price(compute, "instance", instance_type="standard_ds1_v2", os="linux")
    assert (ds1["price"], ds1["region"], ds1["source"]) == ("0.073", "eastus", "IC")
    win = _price(compute, "instance", instance_type="standard_ds1_v2", os="windows")
    assert win["price"] == "0.119"  # $11.90 over 100 hours
    # The facts price the H100 already: Infracost's line is not added twice.
    h100 = [r for r in compute["records"]
            if r["attributes"]["instance_type"] == "standard_nd96isr_h100_v5"]
    assert [r["source"] for r in h100] == ["SK6A"]
    (nv24,) = [u for u in compute["unavailable"]
               if u["attributes"].get("instance_type") == "standard_nv24"]
    assert "disagree" in nv24["reason"] and "4.56" in nv24["reason"] and "5.46" in nv24["reason"]


def test_disks_and_blob(built: dict[str, dict]) -> None:
    disks = built["managed_disks"]
    p10 = _price(disks, "disk", tier="P10")
    assert (p10["price"], p10["source"]) == ("19.71", "IC") and "estimated" not in p10
    p30 = _price(disks, "disk", tier="P30")
    assert p30["source"] == "THIRDPARTY" and p30["estimated"] is True
    assert _price(disks, "ultra_iops")["price"] == "0.04964"
    hot = _price(built["storage"], "blob_storage", tier="hot")
    assert hot["region"] == "westus"
    assert [t["start"] for t in hot["tiers"]] == ["0", "51200", "512000"]
    assert any(u["region"] == "eastus" for u in built["storage"]["unavailable"])
    network = built["network"]
    europe = _price(network, "inter_region", geography="europe")
    assert (europe["price"], europe["region"], europe["estimated"]) == ("0.02", None, True)
    assert _price(network, "inter_az")["price"] == "0"
    assert {u["product"] for u in network["unavailable"]} >= {"internet_egress", "nat_gateway",
                                                              "public_ip"}


@pytest.mark.parametrize("cost, quantity, price", [
    ("71773.60", "730", "98.32"), ("53.29", "730", "0.073"), ("11.90", "100", "0.119"),
    ("63772.80", "11680", "5.46"), ("1.00", "3", "0.333")])
def test_unit_price_inverts_the_rounding(cost: str, quantity: str, price: str) -> None:
    got = builder.unit_price(Decimal(cost), Decimal(quantity))
    assert got == Decimal(price)
    assert (got * Decimal(quantity)).quantize(Decimal("0.01")) == Decimal(cost)


def test_a_source_that_does_not_read_is_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    facts = tmp_path / "facts.md"
    facts.write_text((FIXTURES / "pricing-facts-excerpt.md").read_text(encoding="utf-8")
                     .replace("| 1/6 |", "| some |"), encoding="utf-8")
    code = build_main(["azure", "--facts", str(facts), "--infracost",
                       str(FIXTURES / "infracost"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "GPU count 'some'" in err and len(err.strip().splitlines()) == 1
    missing = build_main(["azure", "--facts", str(tmp_path / "absent.md"), "--out",
                          str(tmp_path / "out")])
    assert missing == 2


def test_the_bundled_files_are_the_builders_output(tmp_path: Path) -> None:
    require_corpus()
    if not builder.DEFAULT_FACTS.is_file():
        pytest.fail(f"pricing facts missing at {builder.DEFAULT_FACTS}")
    assert build_main(["azure", "--out", str(tmp_path)]) == 0
    made = sorted(p.name for p in tmp_path.glob("*.json"))
    assert made == sorted(p.name for p in BUNDLED.glob("*.json"))
    for name in made:
        assert (tmp_path / name).read_text(encoding="utf-8") == \
            (BUNDLED / name).read_text(encoding="utf-8"), name
