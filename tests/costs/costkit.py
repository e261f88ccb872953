"""Helpers for cost model tests: build a SideView from an attribute dict, dump results.

A plain module, not a conftest.py: several test folders have their own conftest
and `conftest` is not a unique module name. Test modules import `kit` from here.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any, Mapping, Sequence

import pytest

from engine.costs.base import CostComponent, SideView
from engine.model import AttrPath, ResourceChange

Related = Mapping[tuple[str, str], Sequence[SideView]]


def make_view(resource_type: str, attrs: Mapping[str, Any], *,
              unknown: Sequence[AttrPath] = (), related: Related | None = None,
              side: str = "after", region: str | None = "us-east-1",
              name: str = "this") -> SideView:
    """A SideView of one side of a hand-built change; `related` maps (type, ref_attr) to views."""
    change = ResourceChange(
        address=f"{resource_type}.{name}", type=resource_type, name=name, provider="aws",
        action="create" if side == "after" else "delete",
        before=attrs if side == "before" else None, after=attrs if side == "after" else None,
        region=region, unknown_paths=frozenset(tuple(p) for p in unknown))
    table = dict(related or {})

    def lookup(_change: ResourceChange, resource_type: str, ref_attr: str) -> Sequence[SideView]:
        return table.get((resource_type, ref_attr), ())

    return SideView(change, side, attrs, region, lookup)  # type: ignore[arg-type]


def plain(value: Any) -> Any:
    """JSON-ready form: Decimals and keys as strings, dataclasses as dicts."""
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def component_dict(c: CostComponent) -> dict[str, Any]:
    return {"name": c.name, "key": str(c.key), "unit": c.unit, "per": c.per,
            "quantity": None if c.quantity is None else str(c.quantity),
            "missing": c.missing, "reason": c.reason}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Kit:
    """The helpers above, handed to tests as the `kit` fixture."""

    view = staticmethod(make_view)
    plain = staticmethod(plain)
    component = staticmethod(component_dict)
    dumps = staticmethod(dumps)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
