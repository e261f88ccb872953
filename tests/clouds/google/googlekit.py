"""Helpers for the Google Cloud cost-model tests: a SideView of a hand-built Google
change (provider google, region us-central1) and plain JSON forms of results."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any, Mapping, Sequence

from engine.costs.base import CostComponent, SideView
from engine.model import AttrPath, ResourceChange

Related = Mapping[tuple[str, str], Sequence[SideView]]


def make_view(resource_type: str, attrs: Mapping[str, Any], *, unknown: Sequence[AttrPath] = (),
              related: Related | None = None, peers: Mapping[str, Sequence[SideView]] | None = None,
              region: str | None = "us-central1", name: str = "this",
              depends_on: tuple[str, ...] = ()) -> SideView:
    change = ResourceChange(
        address=f"{resource_type}.{name}", type=resource_type, name=name, provider="google",
        action="create", before=None, after=attrs, region=region,
        unknown_paths=frozenset(tuple(p) for p in unknown), depends_on=depends_on)
    table = dict(related or {})
    others = dict(peers or {})

    def lookup(_change: ResourceChange, rtype: str, ref_attr: str) -> Sequence[SideView]:
        return table.get((rtype, ref_attr), ())

    def peer(rtype: str, _side: str) -> Sequence[SideView]:
        return others.get(rtype, ())

    return SideView(change, "after", attrs, region, lookup, peer)  # type: ignore[arg-type]


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def component(c: CostComponent) -> dict[str, Any]:
    out = {"name": c.name, "key": str(c.key), "unit": c.unit, "per": c.per,
           "quantity": None if c.quantity is None else str(c.quantity),
           "missing": c.missing, "reason": c.reason, "scope": c.scope}
    if c.quantity_low is not None:  # a range: `quantity` is its high end
        out["quantity_low"] = str(c.quantity_low)
    accelerators = [f"{a.count} x {a.model}" for a in c.facts.accelerators]
    if accelerators:
        out["accelerators"] = accelerators
    if c.facts.machine is not None:
        out["machine"] = f"{c.facts.machine.instance_type} ({c.facts.machine.family})"
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
