"""`costwarden diff OLD NEW`: compare two estimates, resource by resource.

Each side is a plan (or .tf directory) priced now, or a saved estimate
(`costwarden estimate --format json`, recognised by its "version", "resources"
and "summary" keys). What is compared is each estimate's projected state: the
cost every resource has after its own change. Both sides go through the JSON
contract, so a saved estimate and a fresh one compare the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from ..redact import safe
from ..errors import InputError

FORMATS = ("table", "json", "markdown")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="compare two plans or saved JSON estimates")
    p.add_argument("old", help="plan JSON, .tf directory or saved `estimate --format json`")
    p.add_argument("new", help="plan JSON, .tf directory or saved `estimate --format json`")
    p.add_argument("--usage", metavar="FILE", help="usage file for sides read from plans")
    p.add_argument("--region", metavar="REGION")
    p.add_argument("--price-book", metavar="FILE", action="append", default=[])
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--comment-key", metavar="KEY", help="marker key for --format markdown")
    p.add_argument("--show-unchanged", action="store_true", help="list unchanged resources too")
    p.set_defaults(run=run)


@dataclass(frozen=True, slots=True)
class Side:
    status: str
    hourly: Decimal | None
    monthly: Decimal | None
    gpus: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Row:
    address: str
    type: str
    change: str  # added, removed, changed, unchanged
    old: Side | None
    new: Side | None

    def delta(self, which: str) -> Decimal | None:
        a = getattr(self.old, which) if self.old else Decimal(0)
        b = getattr(self.new, which) if self.new else Decimal(0)
        return None if a is None or b is None else b - a

    @property
    def gpus_delta(self) -> dict[str, int]:
        a = self.old.gpus if self.old else {}
        b = self.new.gpus if self.new else {}
        return {m: b.get(m, 0) - a.get(m, 0) for m in sorted(set(a) | set(b))
                if b.get(m, 0) != a.get(m, 0)}


def run(args: argparse.Namespace) -> int:
    old, new = _document(args.old, args), _document(args.new, args)
    doc = diff_document(old, new, args.old, args.new)
    if args.format == "json":
        from ..report.json_report import dumps
        sys.stdout.write(safe(dumps(doc)))
    elif args.format == "markdown":
        sys.stdout.write(safe(render_markdown(doc, args.comment_key, args.show_unchanged)))
    else:
        sys.stdout.write(safe(render_table(doc, args.show_unchanged)))
    return 0


def _document(path: str, args: argparse.Namespace) -> dict[str, Any]:
    p = Path(path)
    if p.is_file():
        doc = _saved_estimate(p)
        if doc is not None:
            return doc
    from ..pipeline import EstimateOptions, estimate_path
    from ..report.json_report import estimate_document

    opts = EstimateOptions(usage_file=args.usage, default_region=args.region,
                           price_books=tuple(args.price_book), limits=args.settings.limits)
    return estimate_document(estimate_path(path, opts))


def _saved_estimate(path: Path) -> dict[str, Any] | None:
    from ..sources.documents import _StrictJsonError, loads_strict, parse_json

    try:
        with path.open("rb") as fh:
            if fh.read(1) not in (b"{", b"\xef"):  # cheap sniff before a full parse
                return None
        text = path.read_text(encoding="utf-8-sig")
        doc = loads_strict(text)
    except _StrictJsonError:
        parse_json(text, str(path))  # duplicate key or NaN: the one-line InputError
        raise  # pragma: no cover - parse_json always raises here
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None  # not a saved estimate: let the plan reader say what is wrong
    if not isinstance(doc, dict) or not {"version", "resources", "summary"} <= set(doc):
        return None
    if str(doc["version"]) != "1":
        raise InputError(str(path), f"saved estimate has contract version {doc['version']!r}; "
                                    "this costwarden reads version 1")
    _check_saved(doc, str(path))
    return doc


def _check_saved(doc: Mapping[str, Any], file: str) -> None:
    """The figures a diff reads are finite decimals and whole GPU counts (else exit 2)."""
    from ..costs.numbers import COST, COUNT, NumberError, checked

    if not isinstance(doc["resources"], list):
        raise InputError(file, "resources must be an array", where="/resources")
    for i, r in enumerate(doc["resources"]):
        if not isinstance(r, dict) or not isinstance(r.get("address"), str):
            raise InputError(file, "a resource must be an object with an address",
                             where=f"/resources/{i}")
        try:
            for field in ("hourly", "monthly"):
                value = (r.get(field) or {}).get("after")
                if value is not None:
                    where = f"/resources/{i}/{field}/after"
                    checked(value, COST)
            gpus = (r.get("gpus") or {}).get("after") or {}
            where = f"/resources/{i}/gpus/after"
            if not isinstance(gpus, dict):
                raise NumberError("expected an object of GPU model -> count")
            for n in gpus.values():
                checked(n, COUNT)
        except (NumberError, AttributeError) as exc:
            raise InputError(file, str(exc) if isinstance(exc, NumberError)
                             else "malformed saved estimate", where=f"/resources/{i}"
                             if isinstance(exc, AttributeError) else where) from None


def _projected(doc: Mapping[str, Any]) -> dict[str, tuple[str, Side]]:
    """address -> (type, cost after its own change); deleted resources are absent."""
    out: dict[str, tuple[str, Side]] = {}
    for r in doc.get("resources") or ():
        if r.get("action") == "delete" or r.get("address") in out:
            continue
        after = (r.get("hourly") or {}).get("after")
        monthly = (r.get("monthly") or {}).get("after")
        out[r["address"]] = (r.get("type", ""), Side(
            r.get("status", "unknown"), _dec(after), _dec(monthly),
            dict((r.get("gpus") or {}).get("after") or {})))
    return out


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))  # checked in _check_saved


def diff_document(old: Mapping[str, Any], new: Mapping[str, Any], old_path: str,
                  new_path: str) -> dict[str, Any]:
    from .. import __version__
    from ..report.summary import money

    a, b = _projected(old), _projected(new)
    rows = []
    for address in [*a, *(x for x in b if x not in a)]:
        o, n = a.get(address), b.get(address)
        change = "added" if o is None else "removed" if n is None else \
            "unchanged" if o[1] == n[1] else "changed"
        rows.append(Row(address, (n or o)[0], change, o and o[1], n and n[1]))  # type: ignore[index]
    totals = {k: _sum_known(rows, k) for k in ("hourly", "monthly")}
    gpus: dict[str, int] = {}
    for r in rows:
        for m, d in r.gpus_delta.items():
            gpus[m] = gpus.get(m, 0) + d

    def side(s: Side | None) -> Any:
        return None if s is None else {"status": s.status, "hourly": money(s.hourly),
                                       "monthly": money(s.monthly), "gpus": dict(s.gpus)}
    return {
        "version": "1", "kind": "diff", "tool": {"name": "costwarden", "version": __version__},
        "old": {"path": old_path, "hourly": old["summary"]["hourly"]["after"],
                "monthly": old["summary"]["monthly"]["after"],
                "catalog": (old.get("catalog") or {}).get("version")},
        "new": {"path": new_path, "hourly": new["summary"]["hourly"]["after"],
                "monthly": new["summary"]["monthly"]["after"],
                "catalog": (new.get("catalog") or {}).get("version")},
        "summary": {
            "hourly_delta": money(totals["hourly"]), "monthly_delta": money(totals["monthly"]),
            "gpus_delta": {m: d for m, d in sorted(gpus.items()) if d},
            "added": sum(r.change == "added" for r in rows),
            "removed": sum(r.change == "removed" for r in rows),
            "changed": sum(r.change == "changed" for r in rows),
            "unchanged": sum(r.change == "unchanged" for r in rows),
            "incomplete": sorted(r.address for r in rows if r.change != "unchanged"
                                 and r.delta("hourly") is None),
        },
        "resources": [{"address": r.address, "type": r.type, "change": r.change,
                       "old": side(r.old), "new": side(r.new),
                       "hourly_delta": money(r.delta("hourly")),
                       "monthly_delta": money(r.delta("monthly")), "gpus_delta": r.gpus_delta}
                      for r in rows],
    }


def _sum_known(rows: list[Row], which: str) -> Decimal:
    return sum((d for r in rows if (d := r.delta(which)) is not None), Decimal(0))


def _cells(r: Mapping[str, Any]) -> tuple[str, ...]:
    from ..report.table import signed, hourly, monthly

    def fig(s: Any, key: str) -> str:
        if s is None:
            return "-"
        return s["status"] if s[key] is None else hourly(Decimal(s[key]))
    d_h = None if r["hourly_delta"] is None else Decimal(r["hourly_delta"])
    d_m = None if r["monthly_delta"] is None else Decimal(r["monthly_delta"])
    gpus = ", ".join(f"{d:+d} {m.replace('NVIDIA ', '')}" for m, d in r["gpus_delta"].items())
    return (r["address"], r["change"], f"{fig(r['old'], 'hourly')} → {fig(r['new'], 'hourly')}",
            signed(d_h), signed(d_m, monthly), gpus)


def _listed(r: Mapping[str, Any], show_unchanged: bool) -> bool:
    """Rows worth a line: changed costs (free resources coming and going are only counted)."""
    if show_unchanged:
        return True
    free = all(s is None or s["status"] == "free" for s in (r["old"], r["new"]))
    return r["change"] != "unchanged" and not free


_HEAD = ("Resource", "Change", "$/h old → new", "Δ $/h", "Δ $/month", "GPUs")


def _summary_lines(doc: Mapping[str, Any]) -> list[str]:
    from ..report.table import signed, hourly, monthly

    s = doc["summary"]
    lines = [f"Δ {signed(Decimal(s['hourly_delta']))} $/h, "
             f"Δ {signed(Decimal(s['monthly_delta']), monthly)} $/month "
             f"({hourly(Decimal(doc['old']['hourly']))} → {hourly(Decimal(doc['new']['hourly']))} $/h)",
             f"Resources: {s['added']} added, {s['removed']} removed, {s['changed']} changed, "
             f"{s['unchanged']} unchanged"]
    if s["gpus_delta"]:
        lines.append("GPUs: " + ", ".join(f"{d:+d} × {m}" for m, d in s["gpus_delta"].items()))
    if s["incomplete"]:
        lines.append(f"Δ is not complete: {len(s['incomplete'])} resource(s) have an unknown "
                     "or unpriced side and are left out")
    return lines


def render_table(doc: Mapping[str, Any], show_unchanged: bool = False) -> str:
    from ..report.table import grid

    rows = [_cells(r) for r in doc["resources"] if _listed(r, show_unchanged)]
    lines = [f"costwarden diff: {doc['old']['path']} → {doc['new']['path']}", ""]
    lines += grid(_HEAD, rows, right=(2, 3, 4)) if rows else ["No resource costs differ."]
    return "\n".join([*lines, "", *_summary_lines(doc)]) + "\n"


def render_markdown(doc: Mapping[str, Any], key: str | None = None,
                    show_unchanged: bool = False) -> str:
    from ..report.markdown import code, esc, marker

    rows = [_cells(r) for r in doc["resources"] if _listed(r, show_unchanged)]
    lines = [marker(key), f"## costwarden diff: {code(doc['old']['path'])} → "
                          f"{code(doc['new']['path'])}", ""]
    lines += [esc(line) + "  " for line in _summary_lines(doc)]
    if rows:
        lines += ["", "| " + " | ".join(_HEAD) + " |", "| --- | --- | ---: | ---: | ---: | --- |"]
        lines += [f"| {code(c[0])} | " + " | ".join(esc(x) for x in c[1:]) + " |" for c in rows]
    else:
        lines += ["", "No resource costs differ."]
    return "\n".join(lines) + "\n"
