"""`python -m pricing_catalog build azure`: the Azure data files from the sourced facts.

No licensed Azure bulk price file exists beside the repository (see the price
sources' MANIFEST), so the Azure catalog is built from three inputs, each record
keeping its source and date:

* `pricing-facts.md` §5 (`--facts`): the GPU size table of §5.1 (hardware, Linux
  pay-as-you-go and spot in eastus, from the SkyPilot Azure catalog) and the
  managed-disk and Blob rows of §5.2 (from Infracost's goldens);
* Infracost's Azure golden outputs (`--infracost DIR`, the `testdata/*/` folders
  of its Azure provider): "Instance usage (Linux|Windows, pay as you go, SIZE)"
  lines give the hourly price of the sizes they list, in the region the test's
  `.tf` places its resource group (monthly cost / hours, inverted exactly);
* refresh output (`--refresh FILE`, written by `costwarden catalog refresh
  azure`): its records replace the facts' for the same key.

A size the facts mark as having no price (H100 spot, an unverified figure)
becomes an `unavailable` entry with the reason; every other region is unpriced
until refreshed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..datafile import DATA_SCHEMA, PACKAGE_DIR, validate
from ..errors import CatalogError
from . import SHARED, write_data_files
from .azure_facts import (AKS_UNAVAILABLE, DEFAULT_FACTS, PROVIDER, BuildError, Facts,
                          _series, blob_records, disk_records, gpu_size, network_records,
                          read_facts, sku)

DEFAULT_INFRACOST = (SHARED / "corpus" / "public" / "infracost"
                     / "internal" / "providers" / "terraform" / "azure" / "testdata")
DEFAULT_OUT = PACKAGE_DIR / "data" / PROVIDER


# --- Infracost goldens ------------------------------------------------------------

_USAGE_LINE = re.compile(
    r"Instance usage \((Linux|Windows), pay as you go, (\S+?)\)\s+([\d,]+(?:\.\d+)?)\s+hours\s+"
    r"\$([\d,]+\.\d{2})")
_LOCATION = re.compile(r'resource\s+"azurerm_resource_group"[^{]*\{[^}]*?location\s*=\s*"([^"]+)"',
                       re.S)


def unit_price(cost: Decimal, quantity: Decimal) -> Decimal:
    """The shortest decimal price that rounds to `cost` (to the cent) over `quantity`:
    the inverse of the golden's rounding, exact when the upstream price has few digits."""
    for places in range(2, 7):
        step = Decimal(1).scaleb(-places)
        candidate = (cost / quantity).quantize(step)
        if (candidate * quantity).quantize(Decimal("0.01")) == cost:
            return candidate.normalize()
    return (cost / quantity).quantize(Decimal("0.000001")).normalize()


def infracost_records(root: Path) -> tuple[list[dict], list[dict]]:
    """(records, unavailable): one hourly price per (region, size, OS) from every golden
    line that prices it, pinned by the line with the largest quantity; when that price
    does not reproduce another line's cost the goldens disagree and the size is left
    unpriced with both figures named."""
    lines: dict[tuple[str, str, str], list[tuple[Decimal, Decimal, str]]] = {}
    for golden in sorted(root.glob("*/*.golden")):
        location = None
        for tf in sorted(golden.parent.glob("*.tf")):
            found = _LOCATION.search(tf.read_text(encoding="utf-8"))
            if found:
                location = found.group(1)
                break
        if location is None:
            raise BuildError(golden.parent.name, "no azurerm_resource_group location in its .tf")
        region = location.replace(" ", "").lower()
        for m in _USAGE_LINE.finditer(golden.read_text(encoding="utf-8")):
            os_name, size, qty, cost = m.groups()
            quantity = Decimal(qty.replace(",", ""))
            if quantity:
                lines.setdefault((region, sku(size), os_name.lower()), []).append(
                    (quantity, Decimal(cost.replace(",", "")), golden.parent.name))
    records, unavailable = [], []
    for (region, size, os_name), found in sorted(lines.items()):
        quantity, cost, test = max(found, key=lambda f: (f[0], f[2]))
        price = unit_price(cost, quantity)
        attributes = {"instance_type": size, "os": os_name}
        if any((price * q).quantize(Decimal("0.01")) != c for q, c, _ in found):
            figures = ", ".join(f"{p} $/h in {t}" for p, t in sorted(
                {(unit_price(c, q), t) for q, c, t in found}))
            unavailable.append({"product": "instance", "region": region,
                                "attributes": attributes, "purchase_option": "on_demand",
                                "reason": f"Infracost's goldens disagree: {figures}"})
            continue
        tests = sorted({t for _, _, t in found})
        records.append({"product": "instance", "region": region, "attributes": attributes,
                        "purchase_option": "on_demand", "unit": "hour",
                        "price": format(price, "f"), "source": "IC", "as_of": "",
                        "note": "from " + ", ".join(tests)})
    return records, unavailable


# --- assembling -------------------------------------------------------------------


def _key(rec: dict) -> tuple:
    return (rec["product"], rec.get("region") or "", rec.get("purchase_option", ""),
            tuple(sorted(rec["attributes"].items())))


def _dated(records: Iterable[dict], sources: dict[str, dict[str, str]]) -> list[dict]:
    out = []
    for rec in records:
        rec = dict(rec)
        if not rec.get("as_of"):
            rec["as_of"] = sources[rec["source"]]["as_of"]
        out.append(rec)
    return out


def _doc(service: str, sources: dict[str, dict], records: list[dict],
         unavailable: Sequence[dict] = ()) -> dict[str, Any]:
    used = {r["source"] for r in records}
    records = sorted(records, key=_key)
    doc: dict[str, Any] = {"schema_version": 1, "provider": PROVIDER, "service": service,
                           "currency": "USD",
                           "sources": {k: v for k, v in sorted(sources.items()) if k in used},
                           "records": records}
    if unavailable:
        doc["unavailable"] = sorted(unavailable, key=_key)
    return doc


def read_refresh(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Data files written by `costwarden catalog refresh azure` (validated)."""
    docs = []
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BuildError(str(path), f"cannot read refresh output: {exc}") from None
        validate(doc, DATA_SCHEMA, str(path), None)
        if doc.get("provider") != PROVIDER:
            raise BuildError(str(path), f"provider {doc.get('provider')!r} is not {PROVIDER}")
        docs.append(doc)
    return docs


def build(facts: Facts, infracost: tuple[list[dict], list[dict]], refreshed: Sequence[dict[str, Any]] = ()
          ) -> dict[str, dict[str, Any]]:
    """Service name -> data file."""
    sources = dict(facts.sources)
    hardware, vm_records, vm_unavailable = [], [], []
    for row in facts.gpu_rows:
        hw, recs, unavailable = gpu_size(row, "pricing-facts.md")
        hardware.append(hw)
        vm_records += recs
        vm_unavailable += unavailable
    facts_keys = {_key(r) for r in vm_records} | {_key(u) for u in vm_unavailable}
    # Infracost's figure for a size the facts price (or mark unpriced) is left out.
    ic_records, ic_unavailable = infracost
    vm_records += [r for r in ic_records if _key(r) not in facts_keys]
    vm_unavailable += [u for u in ic_unavailable if _key(u) not in facts_keys]
    known = {h["instance_type"] for h in hardware}
    for size in sorted({r["attributes"]["instance_type"] for r in ic_records + ic_unavailable}
                       - known):
        if not _series(size).startswith("n"):
            hardware.append({"instance_type": size, "vcpu": None, "memory_gib": None,
                             "gpu_count": 0, "gpu_model": None, "gpu_memory_gb": None,
                             "source": "AZNAMING",
                             "note": "no accelerator: not an N-family (GPU) size"})
    disks = disk_records(facts.storage_rows, "pricing-facts.md")
    blobs, blob_unavailable = blob_records(facts.storage_rows, "pricing-facts.md")
    net, net_unavailable = network_records(facts.storage_rows, "pricing-facts.md")
    files = {
        "instances": {"schema_version": 1, "provider": PROVIDER, "service": "instances",
                      "sources": {k: sources[k] for k in sorted({h["source"] for h in hardware})},
                      "instances": sorted(hardware, key=lambda h: h["instance_type"])},
        "compute": _doc("compute", sources, _dated(vm_records, sources),
                        vm_unavailable + AKS_UNAVAILABLE),
        "managed_disks": _doc("managed_disks", sources, _dated(disks, sources), [
            {"product": "disk", "attributes": {"tier": "premium_v2"},
             "reason": "no sourced Premium SSD v2 price (pricing facts §5.2 has none)"}]),
        "storage": _doc("storage", sources, _dated(blobs, sources), blob_unavailable),
        "network": _doc("network", sources, _dated(net, sources), net_unavailable),
    }
    for doc in refreshed:
        _overlay(files, doc)
    return files


def _overlay(files: dict[str, dict[str, Any]], doc: dict[str, Any]) -> None:
    """Refresh records replace the same keys (and drop an `unavailable` they answer)."""
    service = doc["service"]
    target = files.setdefault(service, {"schema_version": 1, "provider": PROVIDER,
                                        "service": service, "currency": "USD", "sources": {},
                                        "records": []})
    fresh = {_key(r): r for r in doc.get("records", [])}
    target["sources"] = {**target["sources"], **doc["sources"]}
    kept = [r for r in target["records"] if _key(r) not in fresh]
    target["records"] = sorted(kept + list(fresh.values()), key=_key)
    if target.get("unavailable"):
        target["unavailable"] = [u for u in target["unavailable"]
                                 if not any(_answers(r, u) for r in fresh.values())]
        if not target["unavailable"]:
            del target["unavailable"]
    used = {r["source"] for r in target["records"]}
    target["sources"] = {k: v for k, v in sorted(target["sources"].items()) if k in used}


def _answers(record: dict, entry: dict) -> bool:
    return (record["product"] == entry["product"]
            and entry.get("region") in (None, record["region"])
            and entry.get("purchase_option", record["purchase_option"]) == record["purchase_option"]
            and all(record["attributes"].get(k) == v for k, v in entry["attributes"].items()))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pricing_catalog build azure",
                                     description="Build the Azure catalog data files.")
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS,
                        help="pricing-facts.md (its §0 and §5)")
    parser.add_argument("--infracost", type=Path, default=DEFAULT_INFRACOST,
                        help="Infracost's Azure testdata folder (goldens + .tf)")
    parser.add_argument("--refresh", type=Path, action="append", default=[],
                        help="a data file from `costwarden catalog refresh azure` to overlay")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        facts = read_facts(args.facts)
        if not args.infracost.is_dir():
            raise BuildError(str(args.infracost), "not a folder")
        files = build(facts, infracost_records(args.infracost), read_refresh(args.refresh))
        written = write_data_files({f"{service}.json": doc for service, doc in files.items()},
                                   args.out)
    except (CatalogError, InvalidOperation) as exc:
        print(f"build azure: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"build azure: wrote {path}")
    return 0
