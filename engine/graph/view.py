"""A size-capped view of the graph for pictures (Mermaid, HTML).

Changed resources are shown one by one; unchanged ones (no-op, read) collapse
into one node per module. Past `max_nodes`, the least significant items fold
into a single summary node that keeps their count and Δ $/h.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

from ..model import ZERO_INTERVAL, Interval
from .build import CostGraph, GraphNode, Sign

Kind = Literal["resource", "module", "more"]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ViewNode:
    kind: Kind
    label: str  # address, module path ("" for the root module), or "" for the summary
    module: str  # the module it is drawn in ("" for the root module)
    sign: Sign | Literal["group", "more"]
    count: int  # resources it stands for
    hourly_delta: Decimal  # sum of the known deltas
    unknown: int  # resources whose delta is unknown
    first: int  # smallest estimate index among its resources (drawing order)
    node: GraphNode | None = None  # for kind == "resource"
    hourly_range: Interval = ZERO_INTERVAL  # where the Δ $/h of its resources lies


@dataclass(frozen=True, slots=True)
class View:
    nodes: tuple[ViewNode, ...]
    edges: tuple[tuple[int, int], ...]  # (dependent, dependency) indices into `nodes`
    total: int  # resources in the graph

    @property
    def hidden(self) -> int:
        return sum(n.count for n in self.nodes if n.kind == "more")


def select_view(graph: CostGraph, max_nodes: int | None = 50) -> View:
    """Changed resources, one node per module of unchanged ones, capped at `max_nodes`."""
    items: list[ViewNode] = []
    member_of: dict[str, int] = {}  # address -> index into items
    groups: dict[str, list[GraphNode]] = {}
    for n in graph.nodes:
        if n.changed:
            member_of[n.address] = len(items)
            d = n.hourly_delta
            items.append(ViewNode("resource", n.address, n.module, n.sign, 1,
                                  d if d is not None else ZERO, int(d is None), n.index, n,
                                  n.hourly_range))
        else:
            groups.setdefault(n.module, []).append(n)
    for module, members in groups.items():
        idx = len(items)
        known = [m.hourly_delta for m in members if m.hourly_delta is not None]
        items.append(ViewNode("module", module, module, "group", len(members),
                              _sum(known), len(members) - len(known), members[0].index,
                              hourly_range=_sum_ranges(m.hourly_range for m in members)))
        for m in members:
            member_of[m.address] = idx
    keep = list(range(len(items)))
    more: ViewNode | None = None
    if max_nodes is not None and len(items) > max(max_nodes, 1):
        ranked = sorted(keep, key=lambda i: _rank(items[i]))
        keep = ranked[:max(max_nodes - 1, 0)]
        dropped = [items[i] for i in ranked[len(keep):]]
        more = ViewNode("more", "", "", "more", sum(v.count for v in dropped),
                        _sum(v.hourly_delta for v in dropped), sum(v.unknown for v in dropped),
                        len(graph.nodes),
                        hourly_range=_sum_ranges(v.hourly_range for v in dropped))
    keep.sort(key=lambda i: items[i].first)
    new_index = {old: new for new, old in enumerate(keep)}
    nodes = [items[i] for i in keep] + ([more] if more else [])
    edges: set[tuple[int, int]] = set()
    for src, dst in graph.edges():
        a, b = new_index.get(member_of[src]), new_index.get(member_of[dst])
        if a is not None and b is not None and a != b:
            edges.add((a, b))
    return View(tuple(nodes), tuple(sorted(edges)), len(graph.nodes))


def _rank(v: ViewNode) -> tuple[int, Decimal, int]:
    """Most significant first: moving costs by size, unknown ones, zero deltas, groups."""
    if v.kind == "module":
        return 3, Decimal(-v.count), v.first
    if v.unknown:
        return 1, ZERO, v.first
    if v.hourly_delta:
        return 0, -abs(v.hourly_delta), v.first
    return 2, ZERO, v.first


def _sum(values) -> Decimal:  # type: ignore[no-untyped-def]
    with localcontext() as ctx:
        ctx.prec = 80
        return sum(values, ZERO)


def _sum_ranges(values) -> Interval:  # type: ignore[no-untyped-def]
    with localcontext() as ctx:
        ctx.prec = 80
        return sum(values, ZERO_INTERVAL)
