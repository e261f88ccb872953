"""The JSON output contract (`--format json`), version 1.

Deterministic: keys sorted, resources in input order, money as decimal
strings, no timestamps or absolute paths added. Sensitive attribute values are
never part of it. `findings` is added by `costwarden check`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Iterable, Mapping

import orjson

from .. import __version__
from ..model import Estimate, Finding, Interval, PricedComponent, ResourceCost, SideCost, side_range
from .summary import bounds, money, money_fields, quantity, stale_prices, totals

CONTRACT_VERSION = "1"


def estimate_document(estimate: Estimate) -> dict[str, Any]:
    t = totals(estimate)
    cs = estimate.changeset
    shared: dict[tuple[Any, ...], Any] = {}
    return {
        "version": CONTRACT_VERSION,
        "tool": {"name": "costwarden", "version": __version__},
        "currency": estimate.currency,
        "catalog": {"version": estimate.catalog.version, "as_of": estimate.catalog.as_of,
                    "oldest_as_of": estimate.catalog.oldest_as_of,
                    "price_books": list(estimate.catalog.price_books),
                    "stale_sources": [{"source": s.source, "as_of": s.as_of,
                                       "days_older_than_catalog": s.age_days}
                                      for s in stale_prices(estimate)]},
        "input": {"path": cs.source_path, "format": cs.source_format,
                  "tool_version": cs.tool_version, "format_version": cs.format_version,
                  "errored": cs.errored, "complete": cs.complete, "targeted": cs.targeted,
                  "warnings": list(cs.warnings)},
        "summary": {
            "hourly": money_fields(t.hourly),
            "monthly": money_fields(t.monthly),
            "gpus": {"before": t.gpus_before, "after": t.gpus_after, "delta": t.gpus_delta},
            "resources": len(estimate.resources),
            "by_status": t.by_status,
            "by_action": t.by_action,
            "incomplete": sorted(r.address for r in t.incomplete),
            "gpus_unknown": sorted(r.address for r in t.gpus_unknown),
        },
        "resources": [resource_document(r, shared) for r in estimate.resources],
    }


def resource_document(r: ResourceCost,
                      shared: dict[tuple[Any, ...], Any] | None = None) -> dict[str, Any]:
    """One resource; `shared` reuses the figures and component documents of identical
    side costs (the estimate shares one SideCost between resources with the same spec):
    resources of one spec hold the same (unmodified) objects."""
    c = r.change
    if shared is None:
        shared = {}
    # Everything but the change's own fields is a function of the two sides, and
    # resources of one spec share their SideCost objects: built once per pair.
    key = ("sides", id(r.before), id(r.after), r.unchanged)
    sides = shared.get(key)
    if sides is None:
        sides = shared[key] = (
            resource_money(r, "hourly"), resource_money(r, "monthly"),
            {"before": dict(sorted(r.before.gpus.items())) if r.before else {},
             "after": dict(sorted(r.after.gpus.items())) if r.after else {}},
            _reasons(r),
            [*_components("before", r.before, shared), *_components("after", r.after, shared)])
    hourly, monthly, gpus, reasons, components = sides
    return {
        "address": c.address,
        "type": c.type,
        "provider": c.provider,
        "region": c.region,
        "module": c.module or None,
        "action": c.action,
        "status": r.status,
        "partial": r.partial,
        "hourly": hourly,
        "monthly": monthly,
        "gpus": gpus,
        "run_hours": quantity(r.run_hours),
        "cost_per_run": money(r.cost_per_run),
        "reasons": reasons,
        "components": components,
        "location": str(c.source) if c.source else None,
    }


def resource_money(r: ResourceCost, which: str) -> dict[str, Any]:
    """before/after/delta of one resource (known parts) with the bounds of each."""
    delta = r.hourly_delta if which == "hourly" else r.monthly_delta
    delta_range = r.hourly_range if which == "hourly" else r.monthly_range
    return {"before": _side_money(r.before, which), "after": _side_money(r.after, which),
            "delta": money(delta), **bounds("before", side_range(r.before, which)),  # type: ignore[arg-type]
            **bounds("after", side_range(r.after, which)),  # type: ignore[arg-type]
            **bounds("delta", delta_range)}


def _components(label: str, side: SideCost | None,
                shared: dict[tuple[Any, ...], Any]) -> list[dict[str, Any]]:
    if side is None or not side.components:
        return []
    key = (label, id(side))
    if key not in shared:
        shared[key] = [component_document(label, p) for p in side.components]
    return shared[key]


def component_document(side: str, p: PricedComponent) -> dict[str, Any]:
    doc = {
        "side": side, "name": p.name, "unit": p.unit, "per": p.per,
        "quantity": quantity(p.quantity), "unit_price": quantity(p.unit_price),
        "hourly": money(p.hourly), "monthly": money(p.monthly), "status": p.status,
        "price_key": p.price_key, "price_source": p.price_source,
        "price_as_of": p.price_as_of, "price_estimated": p.price_estimated, "reason": p.reason,
    }
    if p.unit_price_range is not None:  # an estimated band: the figures use its high end
        doc["unit_price_range"] = {"low": quantity(p.unit_price_range[0]),
                                   "high": quantity(p.unit_price_range[1])}
    if p.quantity_low is not None:  # a range (min–max nodes): `quantity` is its high end
        doc["quantity_low"] = quantity(p.quantity_low)
    return doc


def finding_document(f: Finding) -> dict[str, Any]:
    return {
        "policy_id": f.policy_id, "level": f.level, "outcome": f.outcome,
        "blocking": f.blocking, "address": f.address, "group": f.group,
        "message": f.message, "evidence": jsonable(f.evidence),
        "waiver": dict(f.waiver) if f.waiver else None,
        "location": str(f.location) if f.location else None,
        "policy_file": f.policy_file,
    }


def render(estimate: Estimate, findings: Iterable[Finding] | None = None) -> str:
    doc = estimate_document(estimate)
    if findings is not None:
        doc["findings"] = [finding_document(f) for f in findings]
    return dumps(doc)


def dumps(doc: Mapping[str, Any]) -> str:
    """Deterministic JSON text of an output document: the bytes of
    `json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`.

    Compact on purpose; pipe through `python -m json.tool` to read it. orjson
    writes it (10x the standard encoder on large plans); what orjson cannot write
    as the standard encoder does (keys that are not strings, integers beyond
    64 bits, lone surrogates, deep nesting) is written by the standard encoder.
    orjson spells floats below 1e-4 and non-finite ones differently: values from
    the input reach a document through `jsonable`, which marks those.
    """
    try:
        return orjson.dumps(doc, default=_exact_float, option=orjson.OPT_SORT_KEYS).decode() \
            + "\n"
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")) \
            + "\n"


class _ExactFloat(float):
    """A float orjson would spell otherwise than `repr` (1e-05, NaN): the standard
    encoder writes a float subclass as a float, orjson hands it to `_exact_float`."""


def _exact_float(value: Any) -> Any:
    if isinstance(value, _ExactFloat):
        return orjson.Fragment(json.dumps(float(value)).encode())
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _side_money(side: SideCost | None, which: str) -> str | None:
    return money(getattr(side, which)) if side is not None else None


def _reasons(r: ResourceCost) -> list[str]:
    out: list[str] = []
    for label, side in (("before", r.before), ("after", r.after)):
        if side is not None and side.reasons:
            out.extend(f"{label}: {reason}" for reason in side.reasons)
    return out


def jsonable(value: Any) -> Any:
    """An input value (evidence, a diff document) as `dumps` writes it: Decimal as a
    quantity string, an Interval as low/high money, sets sorted, floats marked."""
    kind = type(value)
    if kind in _PLAIN:  # most evidence: nothing to convert
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if kind is float:
        # orjson and repr agree on every finite float from 1e-4 up (and on zero)
        if value != value or value in _INFINITIES or (value and abs(value) < 1e-4):
            return _ExactFloat(value)
        return value
    if isinstance(value, Decimal):
        return quantity(value)
    if isinstance(value, Interval):  # a money figure known only as a range
        return {"low": money(value.low), "high": money(value.high)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return value


_INFINITIES = (float("inf"), float("-inf"))
_PLAIN = frozenset({str, int, bool, type(None)})
