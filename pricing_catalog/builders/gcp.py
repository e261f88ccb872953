"""`python -m pricing_catalog build gcp`: Google Cloud data files from licensed sources.

Reads
- Cyclenerd's `pricing.yml` (source CY, Apache-2.0): machine types per region
  (on-demand, spot, 1- and 3-year commitments), their vCPU, memory and bundled GPUs;
  persistent disks, local SSD, snapshots; Cloud Storage classes and retrieval; Cloud
  NAT, IP addresses and internet egress tiers;
- the sourced facts file's Google Cloud tables (`pricing-facts.md` §4.2): GPUs
  attached to N1 per GPU-hour (KA) and TPU per chip-hour (GH), with the source
  registry rows (§0) that name each source's location, date and licence;
- the GKE cluster management fee from Infracost's golden output (IC), the one
  licensed file that states it.

and writes `pricing_catalog/data/google/{instances,compute,tpu,gke,storage,network}.json`
in the catalog's stable format. A known disagreement between sources is written into
the records' notes, never resolved by guessing.
"""

from __future__ import annotations

import argparse
import re
import sys
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..datafile import PACKAGE_DIR
from ..errors import CatalogError
from . import DEFAULT_SOURCES, write_data_files
from .facts import fact_sources, gpu_facts, tpu_facts

PROVIDER = "google"
HOURS_PER_MONTH = Decimal(730)
CYCLENERD = Path("gcp") / "cyclenerd-pricing.yml"
FACTS = DEFAULT_SOURCES.parent / "pricing-facts.md"
INFRACOST_GOLDEN = (DEFAULT_SOURCES.parents[1] / "corpus" / "public" / "infracost" / "internal"
                    / "providers" / "terraform" / "google" / "testdata"
                    / "container_cluster_test" / "container_cluster_test.golden")

CY_SOURCE = {
    "title": "Cyclenerd Google Cloud pricing (machine types, disks, Cloud Storage, network "
             "per region)",
    "location": "https://github.com/Cyclenerd/google-cloud-pricing-cost-calculator/blob/"
                "fd66b26ff84fee5cdd94f341ea89206e76c06b99/pricing.yml",
    "licence": "Apache-2.0",
}
# The disagreement the price-source manifest names: recorded, not resolved.
A3_DISAGREEMENT = (
    "sources disagree: a SkyPilot-format catalog without a licence adds up to 43.07 $/h "
    "(host + 8 x H100) in us-central1; the licensed figure is kept")

# Cyclenerd's bundled-accelerator keys -> (model, memory GB per device). Memory from the
# sourced facts (§4.1); None where no source states it.
BUNDLED_GPUS: Mapping[str, tuple[str, str | None]] = {
    "a100": ("NVIDIA A100 40GB", "40"),
    "a100-80gb": ("NVIDIA A100 80GB", "80"),
    "h100-80gb": ("NVIDIA H100", "80"),
    "h100-80gb-mega": ("NVIDIA H100", "80"),
    "l4": ("NVIDIA L4", "24"),
    "rtx6000": ("NVIDIA RTX PRO 6000", None),
}
MACHINE_FIELDS = {"cost", "cpu", "ram", "local-ssd", "type", *BUNDLED_GPUS}
OPTIONS = (("hour", "on_demand", Decimal(1)), ("hour_spot", "spot", Decimal(1)),
           ("month_1y", "committed_1y", HOURS_PER_MONTH),
           ("month_3y", "committed_3y", HOURS_PER_MONTH))
DISKS = {  # Cyclenerd compute.storage key -> (product, attributes)
    "hdd": ("disk", {"disk_type": "pd-standard", "replication": "zonal"}),
    "hdd-replicated": ("disk", {"disk_type": "pd-standard", "replication": "regional"}),
    "balanced": ("disk", {"disk_type": "pd-balanced", "replication": "zonal"}),
    "balanced-replicated": ("disk", {"disk_type": "pd-balanced", "replication": "regional"}),
    "ssd": ("disk", {"disk_type": "pd-ssd", "replication": "zonal"}),
    "ssd-replicated": ("disk", {"disk_type": "pd-ssd", "replication": "regional"}),
    "extreme": ("disk", {"disk_type": "pd-extreme", "replication": "zonal"}),
    "hyperdisk-extreme": ("disk", {"disk_type": "hyperdisk-extreme", "replication": "zonal"}),
    "local": ("local_ssd", {}),
    "snapshot": ("snapshot", {}),
}
BUCKET_CLASSES = {"standard": "STANDARD", "nearline": "NEARLINE", "coldline": "COLDLINE",
                  "archiv": "ARCHIVE", "dra": "DURABLE_REDUCED_AVAILABILITY"}
# Cyclenerd multi-region names -> Cloud Storage location (lowercase, as regions are keyed).
MULTI_REGIONS = {"us-multi": "us", "europe-multi": "eu", "asia-multi": "asia"}
EGRESS_TIERS_TB = {"0-1": 0, "1-10": 1, "10n": 10}
GIB_PER_TIB = 1024


class BuildError(CatalogError):
    """A source does not have the shape the builder reads."""


# --- sources -----------------------------------------------------------------------


def read_cyclenerd(path: Path) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise BuildError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise BuildError(str(path), f"invalid YAML: {exc}") from None
    if not isinstance(doc, dict) or "compute" not in doc or "about" not in doc:
        raise BuildError(str(path), "not a Cyclenerd pricing file (no about/compute)")
    return doc


_MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def generated_date(doc: Mapping[str, Any], file: str) -> str:
    """`generated: Thu Jul 30 06:13:17 2026` -> 2026-07-30."""
    m = re.match(r"^\w{3} (\w{3}) +(\d{1,2}) [\d:]+ (\d{4})$", str(doc["about"].get("generated")))
    if not m or m.group(1) not in _MONTHS:
        raise BuildError(file, f"about.generated {doc['about'].get('generated')!r} is not a date")
    return f"{m.group(3)}-{_MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"


# Infracost's Autopilot lines for us-central1: (line name, product, unit per month).
AUTOPILOT_LINES = (("Autopilot vCPU", "autopilot_vcpu", "vCPU"),
                   ("Autopilot memory", "autopilot_memory", "GB"),
                   ("Autopilot ephemeral storage", "autopilot_ephemeral_storage", "GB"))


def autopilot_prices(path: Path) -> tuple[Decimal, list[tuple[str, Decimal, str, str]]]:
    """The Autopilot fee per hour (`Autopilot  730 hours  $73.00`) and the pod resource
    prices per unit-month (`Autopilot vCPU ... depends on usage: $32.49 per vCPU`)."""
    text = path.read_text(encoding="utf-8")
    fee = re.search(r"Autopilot\s+([\d,]+)\s+hours\s+\$([\d,.]+)", text)
    if not fee:
        raise BuildError(str(path), "no 'Autopilot ... hours' line")
    out = []
    for name, product, unit in AUTOPILOT_LINES:
        m = re.search(re.escape(name) + r"\s+Monthly cost depends on usage: \$([\d,.]+) per "
                      + unit + r"\b", text)
        if not m:
            raise BuildError(str(path), f"no {name!r} per-{unit} line")
        out.append((product, Decimal(m.group(1).replace(",", "")), f"{unit}-month",
                    " ".join(m.group(0).split())))
    hours, cost = (Decimal(g.replace(",", "")) for g in fee.groups())
    return (cost / hours).normalize(), out


def gke_fee(path: Path) -> tuple[Decimal, str]:
    """The cluster management fee per hour from Infracost's golden table
    (`Cluster management fee   730  hours   $73.00`), and the line it came from."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(str(path), f"cannot read: {exc.strerror or exc}") from None
    m = re.search(r"Cluster management fee\s+([\d,]+)\s+hours\s+\$([\d,.]+)", text)
    if not m:
        raise BuildError(str(path), "no 'Cluster management fee' line")
    hours, cost = Decimal(m.group(1).replace(",", "")), Decimal(m.group(2).replace(",", ""))
    return (cost / hours).normalize(), " ".join(m.group(0).split())


# --- records -----------------------------------------------------------------------


def _price(value: Any) -> Decimal:
    return Decimal(str(value))


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def record(product: str, region: str | None, attributes: Mapping[str, str], option: str,
           unit: str, price: Decimal, source: str, as_of: str, note: str | None = None,
           tiers: Sequence[tuple[Decimal, Decimal]] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"product": product, "region": region, "attributes": dict(attributes),
                           "purchase_option": option, "unit": unit, "price": _fmt(price),
                           "source": source, "as_of": as_of}
    if tiers:
        out["tiers"] = [{"start": _fmt(s), "price": _fmt(p)} for s, p in tiers]
    if note:
        out["note"] = note
    return out


def _per_hour(cost: Mapping[str, Any], field: str, divisor: Decimal) -> Decimal | None:
    value = cost.get(field)
    if value is None:
        return None
    price = _price(value) / divisor
    return price.quantize(Decimal("1e-9")) if divisor != 1 else price


# Custom machine types (custom-6-20480, n2-custom-8-32768, ...-ext) are billed per
# vCPU-hour and per GB-hour of memory; no bundled source gives those unit prices and
# the refresh fills named machine types only.
CUSTOM_GAP = {
    "product": "instance", "attributes": {}, "patterns": {"instance_type": "*custom-*"},
    "reason": "custom machine type: billed per vCPU-hour and GB-hour, which neither a "
              "bundled source nor the refresh gives"}

COMMITMENT_GAP = {
    "product": "instance", "attributes": {},
    "reason": "commitment prices are bundled for accelerator machine types only (the catalog "
              "stays small); rebuild with `python -m pricing_catalog build gcp --commitments "
              "all` or refresh from the Cloud Billing Catalog API"}


def machine_records(doc: Mapping[str, Any], as_of: str, commitments: str = "accelerators"
                    ) -> tuple[list[dict], list[dict]]:
    """(compute instance records, hardware rows) for every Cyclenerd machine type: on-demand
    and spot everywhere; 1- and 3-year commitments for every type (`commitments="all"`) or
    for those with accelerators only."""
    records, hardware = [], []
    for mtype, spec in sorted(doc["compute"]["instance"].items()):
        unknown = sorted(set(spec) - MACHINE_FIELDS)
        if unknown:
            raise BuildError(str(CYCLENERD), f"compute.instance.{mtype}: unknown field "
                                             f"{unknown[0]!r}")
        gpus = [(k, _price(spec[k])) for k in BUNDLED_GPUS if spec.get(k)]
        model, memory = BUNDLED_GPUS[gpus[0][0]] if gpus else (None, None)
        cpu = _price(spec["cpu"])
        shared = cpu != cpu.to_integral_value() or cpu < 1
        row: dict[str, Any] = {
            "instance_type": mtype, "vcpu": None if shared else int(cpu),
            "memory_gib": _fmt(_price(spec["ram"])),
            # A fractional share of one GPU (g4-standard-12: 0.5) counts as one device.
            "gpu_count": int(gpus[0][1].to_integral_value(ROUND_CEILING)) if gpus else 0,
            "gpu_model": model,
            "gpu_memory_gb": memory if gpus else None, "source": "CY"}
        notes = [f"shared core: {_fmt(cpu)} vCPU"] if shared else []
        if gpus and gpus[0][1] != gpus[0][1].to_integral_value():
            notes.append(f"a {_fmt(gpus[0][1])} share of one GPU")
        if spec.get("local-ssd"):
            notes.append(f"{spec['local-ssd']} GB local SSD included in the price")
        if notes:
            row["note"] = "; ".join(notes)
        hardware.append(row)
        for region, cost in sorted((spec.get("cost") or {}).items()):
            for field, option, divisor in OPTIONS:
                if divisor != 1 and not gpus and commitments != "all":
                    continue
                price = _per_hour(cost, field, divisor)
                if price is None:
                    continue
                note = None
                if divisor != 1:
                    note = f"{field} / 730"
                if mtype == "a3-highgpu-8g" and region == "us-central1":
                    note = "; ".join(filter(None, (note, A3_DISAGREEMENT)))
                records.append(record("instance", region, {"instance_type": mtype}, option,
                                      "hour", price, "CY", as_of, note))
    return records, hardware


def disk_records(doc: Mapping[str, Any], as_of: str) -> list[dict]:
    out = []
    for name, (product, attrs) in DISKS.items():
        entry = doc["compute"]["storage"].get(name)
        if entry is None:
            raise BuildError(str(CYCLENERD), f"compute.storage.{name} is missing")
        for region, cost in sorted(entry["cost"].items()):
            for field, option in (("month", "on_demand"), ("month_spot", "spot"),
                                  ("month_1y", "committed_1y"), ("month_3y", "committed_3y")):
                if cost.get(field) is not None:
                    out.append(record(product, region, attrs, option, "GB-month",
                                      _price(cost[field]), "CY", as_of))
    return out


def storage_records(doc: Mapping[str, Any], as_of: str) -> list[dict]:
    out = []
    for section, product in (("bucket", "storage"), ("retrieval", "retrieval")):
        for name, entry in sorted(doc["storage"][section].items()):
            base, _, kind = name.partition("-")
            storage_class = BUCKET_CLASSES.get(base)
            if storage_class is None:
                raise BuildError(str(CYCLENERD), f"storage.{section}.{name}: unknown class")
            for location, cost in sorted(entry["cost"].items()):
                region = MULTI_REGIONS.get(location, location)
                unit = "GB-month" if product == "storage" else "GB"
                out.append(record(product, region, {"storage_class": storage_class}, "on_demand",
                                  unit, _price(cost["month"]), "CY", as_of,
                                  {"dual": "dual-region", "multi": "multi-region"}.get(kind)))
    return out


def network_records(doc: Mapping[str, Any], as_of: str) -> list[dict]:
    net = doc["compute"]["network"]
    flat = (("nat_gateway", {}, net["nat"]["gateway"], "hour", "hour"),
            ("nat_data", {}, net["nat"]["data"], "month", "GB"),
            ("external_ip", {"state": "in_use"}, net["ip"]["vm"], "hour", "hour"),
            ("external_ip", {"state": "unused"}, net["ip"]["unused"], "hour", "hour"))
    out = [record(product, region, attrs, "on_demand", unit, _price(cost[field]), "CY", as_of)
           for product, attrs, entry, field, unit in flat
           for region, cost in sorted(entry["cost"].items())]
    egress = net["traffic"]["egress"]["internet"]
    # Cyclenerd: `cost` is every destination but China and Australia.
    for name, tiers in (("worldwide", egress["cost"]), ("china", egress["china"]["cost"]),
                        ("australia", egress["australia"]["cost"])):
        if set(tiers) != set(EGRESS_TIERS_TB):
            raise BuildError(str(CYCLENERD), f"egress {name}: tiers {sorted(tiers)}")
        for region in sorted(tiers["0-1"]):
            steps = [(Decimal(EGRESS_TIERS_TB[t] * GIB_PER_TIB), _price(tiers[t][region]["month"]))
                     for t in sorted(EGRESS_TIERS_TB, key=EGRESS_TIERS_TB.__getitem__)]
            out.append(record("internet_egress", region, {"destination": name}, "on_demand",
                              "GB", steps[0][1], "CY", as_of,
                              "Premium tier; tiers in GB per month (1 TB = 1024 GB)", steps))
    return out


# --- files -------------------------------------------------------------------------


def data_file(service: str, sources: Mapping[str, Mapping[str, str]], records: Iterable[dict],
              unavailable: Iterable[dict] = ()) -> dict[str, Any]:
    rows = sorted(records, key=lambda r: (r["product"], r["region"] or "", r["purchase_option"],
                                          sorted(r["attributes"].items())))
    doc: dict[str, Any] = {"schema_version": 1, "provider": PROVIDER, "service": service,
                           "currency": "USD", "sources": dict(sorted(sources.items())),
                           "records": rows}
    gaps = list(unavailable)
    if gaps:
        doc["unavailable"] = gaps
    return doc


def build(sources_dir: Path, facts_file: Path, infracost_golden: Path,
          commitments: str = "accelerators") -> dict[str, dict]:
    """Every Google Cloud data file, by file name."""
    cy_path = sources_dir / CYCLENERD
    doc = read_cyclenerd(cy_path)
    cy_date = generated_date(doc, str(cy_path))
    cy = dict(CY_SOURCE, as_of=cy_date,
              note=f"a3-highgpu-8g: {A3_DISAGREEMENT} (see the price-source manifest)")
    try:
        facts = facts_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(str(facts_file), f"cannot read: {exc.strerror or exc}") from None
    compiled = re.search(r"Compiled (\d{4}-\d{2}-\d{2})", facts)
    registry = fact_sources(facts, str(facts_file), compiled.group(1) if compiled else cy_date)
    for sid in ("KA", "GH", "IC"):
        if sid not in registry:
            raise BuildError(str(facts_file), f"source registry has no {sid} row")

    instances, hardware = machine_records(doc, cy_date, commitments)
    gpus, bundled = gpu_facts(facts, str(facts_file))
    ka = registry["KA"]
    gpu_rows = []
    for g in gpus:
        gpu_rows.append(record("gpu", "us-central1", {"gpu_type": g.gpu_type}, "on_demand",
                               "hour", g.on_demand, "KA", ka.as_of,
                               "a list price without regions: recorded for us-central1"))
        if g.spot is not None:
            gpu_rows.append(record("gpu", "us-central1", {"gpu_type": g.gpu_type}, "spot", "hour",
                                   g.spot, "KA", ka.as_of, g.spot_note))
    gaps = [{"product": "gpu", "attributes": {"gpu_type": name}, "reason": why}
            for name, why in bundled] + [CUSTOM_GAP]
    if commitments != "all":
        gaps += [dict(COMMITMENT_GAP, purchase_option=option)
                 for option in ("committed_1y", "committed_3y")]
    compute = data_file("compute", {"CY": cy, "KA": ka.entry()},
                        instances + disk_records(doc, cy_date) + gpu_rows, gaps)

    gh = registry["GH"]
    tpu_rows, tpu_gaps = [], []
    for t in tpu_facts(facts, str(facts_file)):
        for region, option, price in t.prices:
            tpu_rows.append(record("tpu", region, {"tpu_version": t.version}, option,
                                   "chip-hour", price, "GH", gh.as_of))
        tpu_gaps += [{"product": "tpu", "attributes": {"tpu_version": t.version},
                      "purchase_option": option, "reason": why} for option, why in t.unavailable]
    tpu = data_file("tpu", {"GH": gh.entry()}, tpu_rows, tpu_gaps)

    ic = registry["IC"]
    fee, line = gke_fee(infracost_golden)
    ic_entry = dict(ic.entry(), note=f"GKE fee from container_cluster_test.golden: '{line}'")
    autopilot_fee, pods = autopilot_prices(infracost_golden)
    gke = data_file("gke", {"IC": ic_entry}, [
        record("cluster", None, {"mode": "standard"}, "on_demand", "hour", fee, "IC", ic.as_of,
               "cluster management fee, the same in every region"),
        record("cluster", None, {"mode": "autopilot"}, "on_demand", "hour", autopilot_fee, "IC",
               ic.as_of, "cluster management fee, the same in every region"),
        *(record(product, "us-central1", {}, "on_demand", unit, price, "IC", ic.as_of,
                 f"Infracost's us-central1 figure: '{line}'") for product, price, unit, line in pods)])
    return {
        "instances.json": {"schema_version": 1, "provider": PROVIDER, "service": "instances",
                           "sources": {"CY": cy}, "instances": hardware},
        "compute.json": compute,
        "tpu.json": tpu,
        "gke.json": gke,
        "storage.json": data_file("storage", {"CY": cy}, storage_records(doc, cy_date)),
        "network.json": data_file("network", {"CY": cy}, network_records(doc, cy_date)),
    }


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pricing_catalog build gcp",
                                description="Build the Google Cloud data files from the "
                                            "licensed sources.")
    p.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                   help="price-sources folder (holds gcp/cyclenerd-pricing.yml)")
    p.add_argument("--facts", type=Path, default=FACTS, help="pricing-facts.md")
    p.add_argument("--infracost-golden", type=Path, default=INFRACOST_GOLDEN,
                   help="Infracost's container_cluster_test.golden (the GKE fee)")
    p.add_argument("--commitments", choices=["accelerators", "all"], default="accelerators",
                   help="which machine types get 1- and 3-year commitment prices")
    p.add_argument("--out", type=Path, default=PACKAGE_DIR / "data" / PROVIDER)
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        paths = write_data_files(build(args.sources, args.facts, args.infracost_golden, args.commitments),
                      args.out)
    except CatalogError as exc:
        print(f"build gcp: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"build gcp: wrote {path}")
    return 0
