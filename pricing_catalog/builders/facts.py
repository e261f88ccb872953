"""The sourced facts file (`../shared/reference/pricing-facts.md`) as data: its source
registry (§0) and the Google Cloud per-GPU and per-chip tables (§4.2), read from the
Markdown tables by heading, so a builder carries their figures, sources and dates over
without retyping them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from ..errors import CatalogError


class FactsError(CatalogError):
    """The facts file does not have the tables a builder reads."""


@dataclass(frozen=True)
class FactSource:
    id: str
    title: str
    location: str
    as_of: str
    licence: str
    note: str | None = None

    def entry(self) -> dict[str, str]:
        out = {"title": self.title, "location": self.location, "as_of": self.as_of,
               "licence": self.licence}
        return out | ({"note": self.note} if self.note else {})


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _plain(cell: str) -> str:
    return cell.replace("**", "").replace("`", "").strip()


def _section(text: str, heading: str, file: str) -> list[str]:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#") and heading in line:
            level = len(line) - len(line.lstrip("#"))
            out = []
            for nxt in lines[i + 1:]:
                if nxt.startswith("#") and len(nxt) - len(nxt.lstrip("#")) <= level:
                    break
                out.append(nxt)
            return out
    raise FactsError(file, f"no section {heading!r}")


def _tables(lines: Sequence[str]) -> list[list[list[str]]]:
    """Markdown tables of a section: rows of cells, header first, separator dropped."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in lines:
        if line.startswith("|"):
            cells = _cells(line)
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if current is None:
                current = []
                tables.append(current)
            current.append(cells)
        else:
            current = None
    return tables


def fact_sources(text: str, file: str, compiled: str) -> dict[str, FactSource]:
    """The source registry (§0): id -> title, location, date, licence."""
    out: dict[str, FactSource] = {}
    for table in _tables(_section(text, "Source registry", file)):
        for row in table[1:]:
            if len(row) < 5:
                continue
            sid = _plain(row[0])
            date = re.search(r"\d{4}-\d{2}-\d{2}", row[3])
            note = None
            as_of = date.group(0) if date else compiled
            if not date:
                note = f"source {_plain(row[3])}; dated by the facts' compilation ({compiled})"
            out[sid] = FactSource(sid, _plain(row[1]), _plain(row[2]), as_of, _plain(row[4]),
                                  note)
    return out


_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])")
_REGION = re.compile(r"\b[a-z]+-[a-z]+\d+\b")


def _number(cell: str) -> Decimal | None:
    m = _NUMBER.search(_plain(cell))
    return Decimal(m.group(1)) if m else None


@dataclass(frozen=True)
class GpuFact:
    gpu_type: str
    on_demand: Decimal
    spot: Decimal | None
    spot_note: str | None
    source: str


def gpu_facts(text: str, file: str) -> tuple[list[GpuFact], list[tuple[str, str]]]:
    """Separately billed GPUs (attached to N1) from §4.2, and the GPUs the table lists
    only as bundled in a machine type (name, why no record)."""
    section = _section(text, "Per-GPU and per-chip hourly prices", file)
    table = next(t for t in _tables(section) if t[0][0].startswith("Accelerator"))
    billed, bundled = [], []
    for row in table[1:]:
        name = _plain(row[0]).split(" ")[0]
        source = _plain(row[4]).split(" ")[0].rstrip(";,")
        if row[3].strip().startswith("n1-") and source == "KA":
            spot = _number(row[2])
            note = re.search(r"\(([^)]*)\)", row[2])
            billed.append(GpuFact(name, _number(row[1]) or Decimal(0), spot,
                                  note.group(1).split(";")[0] if note else None, source))
        else:
            bundled.append((name, f"{name} is billed inside the {_plain(row[3])} machine types' "
                                  "price, not as an attached GPU"))
    if not billed:
        raise FactsError(file, "§4.2: no GPU rows attached to n1-* with a KA source")
    return billed, bundled


@dataclass(frozen=True)
class TpuFact:
    version: str  # "v5e"
    prices: tuple[tuple[str, str, Decimal], ...]  # (region, purchase option, $/chip-hour)
    unavailable: tuple[tuple[str, str], ...]  # (purchase option, reason)


def _regions(cell: str) -> list[str]:
    """Regions a cell names, leaving out those in a "(not …)" remark."""
    kept = re.sub(r"\(not [^)]*\)", "", cell)
    return _REGION.findall(kept)


def _regional_numbers(cell: str, regions: Sequence[str]) -> dict[str, Decimal]:
    """`0.63 (us-central1, us-west1); 0.60 (us-east5)` or `2.415 (us-east5) / 2.10 (us-east1)`
    -> region: price; a bare number applies to every region; `**1.20** (us-south1 1.416)`:
    1.20 everywhere listed, 1.416 in us-south1."""
    text = _plain(cell)
    out: dict[str, Decimal] = {}
    parts = [p.strip() for p in re.split(r";| / ", text) if p.strip()]
    for part in parts:
        m = re.match(r"^(\d+(?:\.\d+)?)\s*(?:\(([^)]*)\))?$", part)
        if not m:
            continue
        where = _REGION.findall(m.group(2) or "")
        inner = _NUMBER.search(re.sub(_REGION, "", m.group(2) or ""))
        if where and inner:  # "1.20 (us-south1 1.416)"
            out.update({r: Decimal(m.group(1)) for r in regions})
            out.update({r: Decimal(inner.group(1)) for r in where})
        else:
            out.update({r: Decimal(m.group(1)) for r in (where or regions)})
    return out


def tpu_facts(text: str, file: str) -> list[TpuFact]:
    """TPU $/chip-hour rows of §4.2: on-demand, 1-/3-year commitments and spot by region."""
    section = _section(text, "Per-GPU and per-chip hourly prices", file)
    table = next(t for t in _tables(section) if t[0][0] == "TPU")
    out = []
    for row in table[1:]:
        version = re.match(r"v\d+[a-z]?", _plain(row[0]))
        if not version or len(row) < 6:
            raise FactsError(file, f"§4.2 TPU row {row[0]!r} is not understood")
        regions = _regions(_plain(row[1]))
        on_demand = _regional_numbers(row[2], regions)
        prices: list[tuple[str, str, Decimal]] = []
        for region in sorted(on_demand):
            prices.append((region, "on_demand", on_demand[region]))
            for cell, option in ((row[3], "committed_1y"), (row[4], "committed_3y")):
                value = _number(cell)
                # A commitment is listed once, for the main regions: not for an override.
                if value is not None and region in regions:
                    prices.append((region, option, value))
        unavailable: list[tuple[str, str]] = []
        if "error" in row[5]:
            unavailable.append(("spot", f"TPU {version.group(0)} spot: the sources disagree "
                                        f"({_plain(row[5])}); not priced"))
        else:
            spot = _regional_numbers(row[5], regions)
            prices += [(r, "spot", p) for r, p in sorted(spot.items())]
        out.append(TpuFact(version.group(0), tuple(prices), tuple(unavailable)))
    return out
