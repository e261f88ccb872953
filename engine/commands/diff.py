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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from ..redact import safe
from ..errors import InputError
from ..model import AT_LEAST_ZERO, LEFT_OUT_STATUSES, ZERO_INTERVAL, Interval

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
    hourly: Decimal | None  # the known part (the contract's point figure)
    monthly: Decimal | None
    gpus: Mapping[str, int]
    hourly_range: Interval = ZERO_INTERVAL  # where the cost lies
    monthly_range: Interval = ZERO_INTERVAL
    # The priced components: the same on both sides means the same cost, even
    # when that cost is known only in part.
    components: tuple[Any, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Row:
    address: str
    type: str
    change: str  # added, removed, changed, unchanged
    old: Side | None
    new: Side | None

    @property
    def same_cost(self) -> bool:
        """Both sides have the very same components: the delta is exactly 0."""
        return self.old is not None and self.new is not None and bool(self.old.components) \
            and self.old.components == self.new.components and self.old.status == self.new.status

    def delta(self, which: str) -> Decimal | None:
        """new - old of the known parts; None when a side is unknown, or when both
        exist and one is known only in part (a lower bound against a figure)."""
        if self.same_cost:
            return Decimal(0)
        a = getattr(self.old, which) if self.old else Decimal(0)
        b = getattr(self.new, which) if self.new else Decimal(0)
        if a is None or b is None:
            return None
        if self.old and self.new and not (self.old_range(which).is_exact
                                          and self.new_range(which).is_exact):
            return None
        return b - a

    def old_range(self, which: str) -> Interval:
        return getattr(self.old, f"{which}_range") if self.old else ZERO_INTERVAL

    def new_range(self, which: str) -> Interval:
        return getattr(self.new, f"{which}_range") if self.new else ZERO_INTERVAL

    def delta_range(self, which: str) -> Interval:
        """Where new - old lies (an unknown side is [0, +inf))."""
        if self.same_cost:
            return ZERO_INTERVAL
        return self.new_range(which) - self.old_range(which)

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
    _check_summary(doc, str(path))
    return doc


def _check_summary(doc: Mapping[str, Any], file: str) -> None:
    """The totals a diff reads from a saved estimate (else exit 2)."""
    from ..costs.numbers import NumberError

    for field in ("hourly", "monthly"):
        money = doc["summary"].get(field) if isinstance(doc["summary"], dict) else None
        if not isinstance(money, dict):
            raise InputError(file, f"summary.{field} must be an object", where=f"/summary/{field}")
        try:
            _check_costs(money)
        except NumberError as exc:
            raise InputError(file, exc.args[0], where=f"/summary/{field}/{exc.args[1]}") from None


def _check_saved(doc: Mapping[str, Any], file: str) -> None:
    """The figures a diff reads are finite decimals and whole GPU counts (else exit 2)."""
    from ..costs.numbers import COUNT, NumberError, checked

    if not isinstance(doc["resources"], list):
        raise InputError(file, "resources must be an array", where="/resources")
    for i, r in enumerate(doc["resources"]):
        if not isinstance(r, dict) or not isinstance(r.get("address"), str):
            raise InputError(file, "a resource must be an object with an address",
                             where=f"/resources/{i}")
        try:
            for field in ("hourly", "monthly"):
                where = f"/resources/{i}/{field}"
                try:
                    _check_costs(r.get(field) or {})
                except NumberError as exc:
                    where += f"/{exc.args[1]}"
                    raise NumberError(exc.args[0]) from None
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


def _check_costs(money: Mapping[str, Any]) -> None:
    """`after` and its bounds: costs >= 0 (a null high end: unbounded), low <= high.
    Raises NumberError naming the key in `args[1]`."""
    from ..costs.numbers import COST, NumberError, checked

    found = {}
    for key in ("after", "after_low", "after_high"):
        value = money.get(key)
        try:
            if key == "after_low" and key in money and value is None:
                raise NumberError("a cost has a lower bound, not null")
            if value is not None:
                found[key] = checked(value, COST)
        except NumberError as exc:
            raise NumberError(str(exc), key) from None
    if "after_low" in found and "after_high" in found and found["after_low"] > found["after_high"]:
        raise NumberError("after_low is above after_high", "after_low")


def _projected(doc: Mapping[str, Any]) -> dict[str, tuple[str, Side]]:
    """address -> (type, cost after its own change); deleted resources are absent."""
    out: dict[str, tuple[str, Side]] = {}
    for r in doc.get("resources") or ():
        if r.get("action") == "delete" or r.get("address") in out:
            continue
        status = r.get("status", "unknown")
        h, m = r.get("hourly") or {}, r.get("monthly") or {}
        out[r["address"]] = (r.get("type", ""), Side(
            status, _dec(h.get("after")), _dec(m.get("after")),
            dict((r.get("gpus") or {}).get("after") or {}),
            _after_range(h, status, r.get("partial")), _after_range(m, status, r.get("partial")),
            tuple((c.get("name"), c.get("price_key"), c.get("quantity"), c.get("per"),
                   c.get("status")) for c in r.get("components") or ()
                  if isinstance(c, dict) and c.get("side") == "after")))
    return out


def _after_range(money: Mapping[str, Any], status: str, partial: Any) -> Interval:
    """Where a resource's after cost lies: its `after_low`/`after_high`, or, in an
    estimate saved before they existed, from its figure, status and `partial`."""
    if "after_low" in money:
        return Interval(_dec(money["after_low"]), _dec(money.get("after_high")))
    after = _dec(money.get("after"))
    if after is None:
        return ZERO_INTERVAL if status in LEFT_OUT_STATUSES else AT_LEAST_ZERO
    return Interval.at_least(after) if partial else Interval.exact(after)


def _total_range(summary: Mapping[str, Any], which: str) -> Interval:
    """Where a saved estimate's total after the change lies (older estimates: its
    figure, a lower bound when some resource was left out)."""
    money = summary[which]
    if "after_low" in money:
        return Interval(_dec(money["after_low"]), _dec(money.get("after_high")))
    after = _dec(money.get("after")) or Decimal(0)
    return Interval.at_least(after) if summary.get("incomplete") else Interval.exact(after)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))  # checked in _check_saved


def diff_document(old: Mapping[str, Any], new: Mapping[str, Any], old_path: str,
                  new_path: str) -> dict[str, Any]:
    from .. import __version__
    from ..report.summary import bounds, money

    a, b = _projected(old), _projected(new)
    rows = []
    for address in [*a, *(x for x in b if x not in a)]:
        o, n = a.get(address), b.get(address)
        change = "added" if o is None else "removed" if n is None else \
            "unchanged" if o[1] == n[1] else "changed"
        rows.append(Row(address, (n or o)[0], change, o and o[1], n and n[1]))  # type: ignore[index]
    totals = {k: _sum_known(rows, k) for k in ("hourly", "monthly")}
    ranges = {k: sum((r.delta_range(k) for r in rows), ZERO_INTERVAL)
              for k in ("hourly", "monthly")}
    gpus: dict[str, int] = {}
    for r in rows:
        for m, d in r.gpus_delta.items():
            gpus[m] = gpus.get(m, 0) + d

    def side(s: Side | None) -> Any:
        return None if s is None else {"status": s.status, "hourly": money(s.hourly),
                                       "monthly": money(s.monthly), "gpus": dict(s.gpus),
                                       **bounds("hourly", s.hourly_range),
                                       **bounds("monthly", s.monthly_range)}

    def total(doc: Mapping[str, Any], path: str) -> dict[str, Any]:
        s = doc["summary"]
        return {"path": path, "hourly": s["hourly"]["after"], "monthly": s["monthly"]["after"],
                **bounds("hourly", _total_range(s, "hourly")),
                **bounds("monthly", _total_range(s, "monthly")),
                "catalog": (doc.get("catalog") or {}).get("version")}
    return {
        "version": "1", "kind": "diff", "tool": {"name": "costwarden", "version": __version__},
        "old": total(old, old_path), "new": total(new, new_path),
        "summary": {
            "hourly_delta": money(totals["hourly"]), "monthly_delta": money(totals["monthly"]),
            **bounds("hourly_delta", ranges["hourly"]),
            **bounds("monthly_delta", ranges["monthly"]),
            "gpus_delta": {m: d for m, d in sorted(gpus.items()) if d},
            "added": sum(r.change == "added" for r in rows),
            "removed": sum(r.change == "removed" for r in rows),
            "changed": sum(r.change == "changed" for r in rows),
            "unchanged": sum(r.change == "unchanged" for r in rows),
            "incomplete": sorted(r.address for r in rows
                                 if not r.delta_range("hourly").is_exact),
        },
        "resources": [{"address": r.address, "type": r.type, "change": r.change,
                       "old": side(r.old), "new": side(r.new),
                       "hourly_delta": money(r.delta("hourly")),
                       "monthly_delta": money(r.delta("monthly")),
                       **bounds("hourly_delta", r.delta_range("hourly")),
                       **bounds("monthly_delta", r.delta_range("monthly")),
                       "gpus_delta": r.gpus_delta}
                      for r in rows],
    }


def _sum_known(rows: list[Row], which: str) -> Decimal:
    return sum((d for r in rows if (d := r.delta(which)) is not None), Decimal(0))


def _range(d: Mapping[str, Any], key: str) -> Interval:
    return Interval(_dec(d[f"{key}_low"]), _dec(d[f"{key}_high"]))


def _cells(r: Mapping[str, Any]) -> tuple[str, ...]:
    from ..report.table import amount_text, monthly, range_text

    def fig(s: Any, key: str) -> str:
        if s is None:
            return "-"
        return s["status"] if s[key] is None else amount_text(_range(s, key))
    gpus = ", ".join(f"{d:+d} {_label(m)}" for m, d in r["gpus_delta"].items())
    return (r["address"], r["change"], f"{fig(r['old'], 'hourly')} → {fig(r['new'], 'hourly')}",
            range_text(_range(r, "hourly_delta")), range_text(_range(r, "monthly_delta"), monthly),
            gpus)


def _label(model: str) -> str:
    """The short name of an accelerator model ("H100"), from the catalog's hardware facts."""
    from pricing_catalog import load_catalog

    return load_catalog().accelerator_label(model)


def _listed(r: Mapping[str, Any], show_unchanged: bool) -> bool:
    """Rows worth a line: changed costs (free resources coming and going are only counted)."""
    if show_unchanged:
        return True
    free = all(s is None or s["status"] == "free" for s in (r["old"], r["new"]))
    return r["change"] != "unchanged" and not free


_HEAD = ("Resource", "Change", "$/h old → new", "Δ $/h", "Δ $/month", "GPUs")


def _summary_lines(doc: Mapping[str, Any]) -> list[str]:
    from ..report.table import amount_text, monthly, range_text

    s = doc["summary"]
    lines = [f"Δ {range_text(_range(s, 'hourly_delta'))} $/h, "
             f"Δ {range_text(_range(s, 'monthly_delta'), monthly)} $/month "
             f"({amount_text(_range(doc['old'], 'hourly'))} → "
             f"{amount_text(_range(doc['new'], 'hourly'))} $/h)",
             f"Resources: {s['added']} added, {s['removed']} removed, {s['changed']} changed, "
             f"{s['unchanged']} unchanged"]
    if s["gpus_delta"]:
        lines.append("GPUs: " + ", ".join(f"{d:+d} × {m}" for m, d in s["gpus_delta"].items()))
    if s["incomplete"]:
        lines.append(f"Δ is not complete: {len(s['incomplete'])} resource(s) have an unknown "
                     "or unpriced side, counted by their bounds")
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
