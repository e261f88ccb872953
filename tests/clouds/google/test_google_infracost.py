"""Infracost's Google golden figures, line by line, against costwarden on the same folders.

Writes INFRACOST_COMPARISON.md beside this file (a golden: rewrite with
`pytest --update-goldens`). Each infracost line is matched to the costwarden
component of the same resource, node pool or disk and kind, and every difference
gets its reason (date, method or coverage), derived below from what differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine import Session
from support import require_corpus

pytestmark = pytest.mark.corpus

HERE = Path(__file__).parent
REPORT = HERE / "INFRACOST_COMPARISON.md"
FOLDERS = ("compute_instance_test", "compute_instance_group_manager_test",
           "container_cluster_test", "container_node_pool_test")
BASE = "infracost/internal/providers/terraform/google/testdata"
HOURS = Decimal(730)
CENT = Decimal("0.01")
_ROW = re.compile(r"^(?P<lead>[ │]*)[├└]─ (?P<name>.+?)\s{2,}(?P<qty>[\d,.]+)\s+(?P<unit>\S+)"
                  r"\s+\$(?P<cost>[\d,]+\.\d+)\s*\*?\s*$")
_GROUP = re.compile(r"^(?P<lead>[ │]*)[├└]─ (?P<name>\S+)\s*$")
SUD = {"n1": "30%", "f1": "30%", "g1": "30%", "m1": "30%", "n2": "20%", "n2d": "20%"}


@dataclass(frozen=True)
class Line:
    address: str
    group: str | None  # "default_pool", "node_pool[0]", "disk[0]"
    name: str
    quantity: Decimal
    monthly: Decimal


def parse(text: str) -> list[Line]:
    out: list[Line] = []
    address, group = None, None
    for line in text.splitlines():
        if line.startswith(" OVERALL TOTAL"):
            break
        if re.match(r"^ [a-z][a-z0-9_]*\.", line):
            address, group = line.split()[0], None
        elif address and (m := _ROW.match(line)):
            if len(m.group("lead")) < 3:
                group = None
            out.append(Line(address, group, m.group("name"),
                            Decimal(m.group("qty").replace(",", "")),
                            Decimal(m.group("cost").replace(",", ""))))
        elif address and (m := _GROUP.match(line)):
            group = m.group("name")
    return out


def kind_of_theirs(name: str) -> str:
    for needle, kind in (("Cluster management fee", "fee"), ("Autopilot vCPU", "pods"),
                         ("Autopilot memory", "pods"), ("Autopilot ephemeral", "pods"),
                         ("Autopilot", "fee"),
                         ("Custom instance CPU", "instance"),
                         ("Custom Instance Extended RAM", "extended"),
                         ("Custom Instance RAM", "custom_ram"), ("Instance usage", "instance"),
                         ("Local SSD", "local_ssd"), ("provisioned storage", "disk"),
                         ("NVIDIA", "gpu")):
        if needle in name:
            return kind
    return "other"


def kind_of_ours(name: str) -> str:
    tail = name.split(": ", 1)[-1]
    if name.startswith("Autopilot pods:"):
        return "pods"
    for prefix, kind in (("cluster management fee", "fee"), ("instance (", "instance"),
                         ("local SSD", "local_ssd"), ("GPU ", "gpu"), ("TPU", "tpu"),
                         ("boot disk", "disk"), ("node disk", "disk"), ("disk", "disk")):
        if tail.startswith(prefix):
            return kind
    return "other"


def _prefix(group: str | None) -> str:
    if group == "default_pool":
        return "default pool: "
    if group and group.startswith("node_pool["):
        return f"{group}: "
    return ""


def match(line: Line, components: list[Any], used: set[int]) -> Any | None:
    kind = kind_of_theirs(line.name)
    prefix = _prefix(line.group)
    for i, c in enumerate(components):
        if i in used or kind_of_ours(c.name) != kind:
            continue
        if prefix and not c.name.startswith(prefix):
            continue
        if not prefix and ": " in c.name and c.name.split(": ", 1)[0].startswith(
                ("default pool", "node_pool[")):
            continue
        used.add(i)
        return c
    return None


def _unit(line: Line) -> Decimal:
    return (line.monthly / line.quantity) if line.quantity else Decimal(0)


def explain(line: Line, ours: Any | None) -> str:
    kind = kind_of_theirs(line.name)
    if ours is None:
        if kind == "extended":
            return ("method: costwarden prices a custom type as one machine line (none is "
                    "sourced here), so extended memory has no line of its own")
        if kind == "custom_ram":
            return ("method: infracost splits a custom type into vCPU and RAM lines; costwarden "
                    "has one machine line, unpriced: no per-vCPU/GB source")
        if kind == "gpu" and "L4" in line.name:
            return ("method: the L4 is part of g2-standard-4's price (Cyclenerd's g2 figures "
                    "include the GPU); infracost adds it a second time")
        if line.group == "default_pool":
            return ("method: GKE creates no default pool when the cluster writes node_pool "
                    "blocks (initial_node_count is for the default pool only); infracost "
                    "prices one")
        return "coverage: costwarden has no line for this"
    if ours.status in ("unpriced", "unknown"):
        reason = (ours.reason or "").split("; ")[-1]
        head = "coverage" if ours.status == "unpriced" else "unknown"
        if kind == "disk" and "image" in reason:
            return ("method: the boot disk takes the image's size, not in the configuration; "
                    "infracost assumes 10 GB, costwarden reports it unknown")
        return f"{head}: {reason[:140]}"
    if ours.monthly is not None and abs(ours.monthly - line.monthly) <= CENT:
        return "same"
    if ours.quantity_low is not None and ours.monthly_low is not None \
            and abs(ours.monthly_low - line.monthly) <= CENT:
        return ("range: infracost prices the autoscaler's minimum; costwarden its min–max "
                "as a range, whose low end is the same")
    unit = _unit(line)
    if ours.unit_price is not None and abs(ours.unit_price - unit) * line.quantity > CENT:
        reason = _price_reason(line, ours, unit)
        ours_hours = (ours.monthly / ours.unit_price) if ours.per == "hour" and ours.unit_price \
            else None
        if ours_hours is not None and abs(ours_hours - line.quantity) > CENT:
            reason += (f"; usage: costwarden counts {ours_hours:,.0f} h a month, infracost "
                       f"{line.quantity:,.0f} h")
        return reason
    return _quantity_reason(line, ours)


def _quantity_reason(line: Line, ours: Any) -> str:
    if kind_of_theirs(line.name) == "disk":
        return "method: the GKE default node disk is pd-balanced (provider docs), not pd-standard"
    return ("usage: infracost reads the usage file's `nodes` per zone (x zones), costwarden "
            "as the average number of nodes in all zones")


def _price_reason(line: Line, ours: Any, unit: Decimal) -> str:
    fam = line.name.rstrip(")").split(", ")[-1].split("-")[0]
    if kind_of_theirs(line.name) == "pods":
        return ("rounding: costwarden's unit price is the per-unit figure infracost displays, "
                "rounded to the cent")
    if "preemptible" in line.name or "(spot" in ours.name:
        return ("date/method: infracost's preemptible rate vs Cyclenerd's spot price "
                "(2026-07-30); spot prices move")
    if kind_of_theirs(line.name) == "instance" and fam in SUD and unit < ours.unit_price:
        return (f"method: infracost applies the full-month sustained-use discount ({SUD[fam]} "
                "for this series); costwarden prices the on-demand list rate")
    if "pd-balanced" in (ours.name or "") and "pd-standard" in line.name:
        return "method: pd-balanced (the GKE default) priced, infracost prices pd-standard"
    return ("date: Cyclenerd 2026-07-30 vs infracost's price database at its 2026-08-21 "
            "commit")


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def _amount(quantity: Decimal | None, per: str, then: str = "") -> str:
    """A component's monthly quantity ("" for none), followed by `then`."""
    if quantity is None:
        return ""
    return f"{quantity * (HOURS if per == 'hour' else 1):,.0f}{then}"


def rows_for(folder: str, corpus: Path, tmp: Path) -> tuple[list[str], Decimal, str]:
    from test_google_corpus import _usage

    path = corpus / BASE / folder
    theirs = parse(next(path.glob("*.golden")).read_text(encoding="utf-8"))
    est = Session(usage=_usage(path, tmp)).estimate(path)
    by_address = {r.address: r for r in est.resources}
    used: dict[str, set[int]] = {}
    rows, total_theirs, total_ours, total_low = [], Decimal(0), Decimal(0), Decimal(0)
    for line in theirs:
        r = by_address.get(line.address)
        comps = list(r.after.components) if r is not None and r.after is not None else []
        ours = match(line, comps, used.setdefault(line.address, set()))
        total_theirs += line.monthly
        ours_money = ours.monthly if ours is not None else None
        total_ours += ours_money or 0
        low_money = ours.monthly_low if ours is not None and ours.quantity_low is not None \
            else ours_money
        total_low += low_money or 0
        ours_text = "—" if ours is None else (
            f"{ours.name} · {ours.status}" + (
                f" · {_amount(ours.quantity_low, ours.per, '…')}"
                f"{_amount(ours.quantity, ours.per)} {ours.unit}"
                if ours.quantity is not None else ""))
        shown = _money(ours_money)
        if ours is not None and ours.quantity_low is not None:  # a min–max range
            shown = f"{_money(ours.monthly_low)}…{shown}"
        rows.append(f"| `{line.address}`{' ' + line.group if line.group else ''} | {line.name} | "
                    f"{line.quantity:,.0f} → ${line.monthly:,.2f} | {ours_text} | "
                    f"{shown} | {explain(line, ours)} |")
    ours_text = _money(total_ours) if total_low == total_ours \
        else f"{_money(total_low)}…{_money(total_ours)}"  # min–max ranges
    return rows, total_theirs, ours_text


def test_infracost_google_line_by_line(golden: Any, tmp_path: Path) -> None:
    corpus = require_corpus()
    sections, summary = [], []
    for folder in FOLDERS:
        rows, theirs, ours = rows_for(folder, corpus, tmp_path)
        summary.append(f"| `{folder}` | {len(rows)} | ${theirs:,.2f} | {ours} |")
        sections += [f"## `{folder}`", "",
                     "| resource | infracost line | infracost qty → monthly | costwarden line "
                     "| costwarden monthly | difference |", "|---|---|---|---|---|---|",
                     *rows, ""]
    text = "\n".join([
        "# Google Cloud: costwarden vs infracost, line by line", "",
        "Generated by `tests/clouds/google/test_google_infracost.py` (rewrite with "
        "`pytest --update-goldens`). Infracost figures: its `.golden` outputs at commit "
        "95ba4f49 (2026-08-21) in `../shared/corpus/public/infracost`, with its usage files "
        "translated; costwarden: the bundled catalog (Cyclenerd 2026-07-30, the sourced "
        "facts). costwarden monthly = its priced part (unknown and unpriced lines count 0 "
        "here, and the tool reports them as such, never as $0).", "",
        "| folder | lines | infracost monthly | costwarden monthly (priced part) |",
        "|---|---|---|---|", *summary, "", *sections])
    golden.check(REPORT, text)


def test_parse_rows_and_groups() -> None:
    text = ("\n google_container_cluster.x\n"
            " ├─ Cluster management fee        730  hours     $73.00\n"
            " └─ default_pool\n"
            "    ├─ Instance usage (Linux/UNIX, on-demand, e2-medium)   2,190  hours   $73.38\n"
            " OVERALL TOTAL  $146.38\n")
    lines = parse(text)
    assert [(x.group, x.name, x.quantity) for x in lines] == [
        (None, "Cluster management fee", Decimal(730)),
        ("default_pool", "Instance usage (Linux/UNIX, on-demand, e2-medium)", Decimal(2190))]
