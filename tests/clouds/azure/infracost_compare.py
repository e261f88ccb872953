"""costwarden's Azure figures beside Infracost's golden outputs, line by line.

For each Infracost Azure test folder of the public corpus (its `.tf` and
`.golden`), the instance-hours and OS-disk lines of the golden are set against
the components costwarden prices for the same resource, and each difference is
put into words (price source and date, method, coverage). Run it to print the
table:

    .venv/bin/python tests/clouds/azure/infracost_compare.py
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "public"
AZURE_TESTDATA = CORPUS / "infracost" / "internal" / "providers" / "terraform" / "azure" / "testdata"

_RESOURCE = re.compile(r"^ (azurerm_\S+)\s*$")
_LINE = re.compile(r"^ [│ ]*[├└]─ (?P<label>.+?)\s{2,}(?P<rest>.*?)\s*$")
_MONEY = re.compile(r"\$([\d,]+\.\d{2})\s*$")
_HOURS = re.compile(r"^([\d,]+(?:\.\d+)?)\s+hours")


@dataclass(frozen=True)
class Row:
    test: str
    address: str
    line: str  # Infracost's label
    infracost: Decimal | None  # monthly $ (None: "depends on usage")
    ours: Decimal | None  # monthly $ of the matching component (None: not priced)
    status: str  # our component's status, or "absent"
    verdict: str  # "same", or why the figures differ


def golden_lines(path: Path) -> list[tuple[str, str, Decimal | None, Decimal | None]]:
    """(address, label, monthly cost, hours) of the lines costwarden compares."""
    out, address, parent = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        m = _RESOURCE.match(raw)
        if m:
            address, parent = m.group(1), None
            continue
        m = _LINE.match(raw)
        if address is None or m is None:
            continue
        label, rest = m.group("label"), m.group("rest")
        if not rest:
            parent = label  # a sub-block header such as storage_os_disk
            continue
        money = _MONEY.search(rest)
        hours = _HOURS.match(rest)
        cost = Decimal(money.group(1).replace(",", "")) if money else None
        qty = Decimal(hours.group(1).replace(",", "")) if hours else None
        if label.startswith("Instance usage") or (parent == "storage_os_disk"
                                                   and label.startswith("Storage")):
            out.append((address, label, cost, qty))
    return out


def _ours(resource: Any, label: str) -> Any:
    """The after-side component matching an Infracost line (None: none)."""
    want = ("OS disk",) if label.startswith("Storage") else (
        "instance", "compute instance", "nodes")
    side = resource.after
    for comp in (side.components if side is not None else ()):
        if comp.name.startswith(want):
            return comp
    return None


def _verdict(label: str, ic: Decimal | None, hours: Decimal | None, comp: Any) -> str:
    if comp is None:
        return "coverage: no matching component"
    if comp.monthly is not None and ic is not None and money(comp.monthly) == ic:
        return "same"
    if comp.status != "priced":
        reason = comp.reason or comp.status
        if label.startswith("Storage"):
            return ("method: Infracost assumes a size for an OS disk the configuration does "
                    f"not size; costwarden leaves it unknown ({reason})")
        if "low-priority" in comp.name:
            return f"method: low-priority is its own meter, not sourced ({reason})"
        return f"coverage: {reason}"
    if hours is not None and hours != HOURS * (comp.quantity or 0):
        return (f"method: Infracost's usage file sets {hours} hours; costwarden's usage file "
                "is its own, so 730 h per instance")
    if comp.price_source == "SK6A":
        return (f"price source and date: SkyPilot Azure catalog (no later than 2025) "
                f"{comp.unit_price} $/h against Infracost's price at 2026-08-21")
    return f"price: {comp.price_source} {comp.unit_price}"


HOURS = Decimal(730)


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def compare(folder: Path) -> list[Row]:
    from engine import Session

    (golden,) = folder.glob("*.golden")
    estimate = Session().estimate(folder)
    by_address = {r.address: r for r in estimate.resources}
    rows = []
    for address, label, cost, hours in golden_lines(golden):
        resource = by_address.get(address)
        comp = _ours(resource, label) if resource is not None else None
        ours = money(comp.monthly) if comp is not None and comp.monthly is not None else None
        rows.append(Row(folder.name, address, label, cost, ours,
                        comp.status if comp is not None else "absent",
                        _verdict(label, cost, hours, comp)))
    return rows


def folders() -> list[Path]:
    return sorted(p for p in AZURE_TESTDATA.iterdir() if p.is_dir())


def table(rows: list[Row]) -> str:
    out = ["| test | resource | Infracost line | Infracost $/month | costwarden $/month | "
           "difference |", "|---|---|---|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r.test} | `{r.address}` | {r.line} | "
                   f"{'' if r.infracost is None else f'{r.infracost:,}'} | "
                   f"{r.status if r.ours is None else f'{r.ours:,}'} | {r.verdict} |")
    return "\n".join(out)


def summary(rows: list[Row]) -> str:
    from collections import Counter

    kinds = Counter(r.verdict.split(":")[0] for r in rows)
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))


def main() -> int:
    rows = [row for folder in folders() for row in compare(folder)]
    print(table(rows))
    print()
    print(f"{len(rows)} lines: {summary(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
