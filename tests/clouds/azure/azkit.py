"""Helpers for the Azure tests: a SideView of a hand-built azurerm change."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from engine.costs.base import SideView
from engine.model import AttrPath, ResourceChange


def view(resource_type: str, attrs: Mapping[str, Any], *, unknown: Sequence[AttrPath] = (),
         region: str | None = "eastus", related: Mapping[tuple[str, str], Sequence[SideView]]
         | None = None, peers: Mapping[str, Sequence[SideView]] | None = None,
         name: str = "this", depends_on: tuple[str, ...] = ()) -> SideView:
    change = ResourceChange(
        address=f"{resource_type}.{name}", type=resource_type, name=name, provider="azurerm",
        action="create", before=None, after=attrs, region=region,
        unknown_paths=frozenset(tuple(p) for p in unknown), depends_on=depends_on)
    table, others = dict(related or {}), dict(peers or {})
    return SideView(change, "after", attrs, region,  # type: ignore[arg-type]
                    lambda _c, rtype, ref: table.get((rtype, ref), ()),
                    lambda rtype, _side: others.get(rtype, ()))
