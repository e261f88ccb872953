"""The cost that flows through a node: its own delta plus that of everything
that exists only because of it.

A resource D exists only because of X when every chain of dependencies from D
down to a resource with no dependencies passes through X. That is dominance in
the reversed graph rooted at a virtual node above every dependency-free
resource, so all flows come from one dominator tree and subtree sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Mapping

from ..model import ZERO_INTERVAL, Interval
from .build import CostGraph

ZERO = Decimal(0)
_ROOT = ("costwarden", "root")  # never a resource address (those are strings)


@dataclass(frozen=True, slots=True)
class Flow:
    address: str
    members: int  # the resource itself plus those that exist only because of it
    hourly_delta: Decimal  # sum of the known deltas
    monthly_delta: Decimal
    unknown: int  # members whose delta is unknown (left out of the sums)
    hourly_range: Interval = ZERO_INTERVAL  # where the flow's deltas lie
    monthly_range: Interval = ZERO_INTERVAL

    @property
    def complete(self) -> bool:
        return self.unknown == 0


def flows(graph: CostGraph) -> Mapping[str, Flow]:
    """Flow of every node, keyed by address (in estimate order)."""
    children = _dominator_children(graph)
    hourly: dict[str, Decimal] = {}
    monthly: dict[str, Decimal] = {}
    members: dict[str, int] = {}
    unknown: dict[str, int] = {}
    r_hourly: dict[str, Interval] = {}
    r_monthly: dict[str, Interval] = {}
    with localcontext() as ctx:
        ctx.prec = 80  # sums of many 28-digit figures stay exact
        for address in _postorder(children, graph):
            n = graph.node(address)
            dh, dm = n.hourly_delta, n.monthly_delta
            known = dh is not None and dm is not None
            h, m = (dh, dm) if known else (ZERO, ZERO)
            count, unk = 1, 0 if known else 1
            rh, rm = n.hourly_range, n.monthly_range
            for child in children.get(address, ()):
                h += hourly[child]
                m += monthly[child]
                rh += r_hourly[child]
                rm += r_monthly[child]
                count += members[child]
                unk += unknown[child]
            hourly[address], monthly[address] = h, m  # type: ignore[assignment]
            r_hourly[address], r_monthly[address] = rh, rm
            members[address], unknown[address] = count, unk
    return {n.address: Flow(n.address, members[n.address], hourly[n.address],
                            monthly[n.address], unknown[n.address], r_hourly[n.address],
                            r_monthly[n.address]) for n in graph.nodes}


def exclusive_dependents(graph: CostGraph, address: str) -> tuple[str, ...]:
    """The resources that exist only because of `address` (itself excluded), in estimate order."""
    children = _dominator_children(graph)
    out: list[str] = []
    stack = list(children.get(address, ()))
    while stack:
        a = stack.pop()
        out.append(a)
        stack.extend(children.get(a, ()))
    return graph._ordered(out)


def _dominator_children(graph: CostGraph) -> dict[str, list[str]]:
    import networkx as nx

    g = graph.digraph
    if g.number_of_edges() == 0:
        return {}
    rev = nx.DiGraph()
    rev.add_node(_ROOT)
    rev.add_nodes_from(g)
    rev.add_edges_from((dep, src) for src, dep in g.edges)
    rev.add_edges_from((_ROOT, n) for n in g if g.out_degree(n) == 0)
    idom = nx.immediate_dominators(rev, _ROOT)
    children: dict[str, list[str]] = {}
    for node, dom in idom.items():
        if node == _ROOT or dom == _ROOT or node == dom:
            continue
        children.setdefault(dom, []).append(node)  # type: ignore[arg-type]
    return children


def _postorder(children: dict[str, list[str]], graph: CostGraph) -> list[str]:
    """Every node after all of its dominator-tree children (roots in estimate order).

    Nodes that the virtual root cannot reach (a dependency cycle) count alone.
    """
    has_parent = {c for kids in children.values() for c in kids}
    order: list[str] = []
    for n in graph.nodes:
        if n.address in has_parent:
            continue
        stack: list[tuple[str, bool]] = [(n.address, False)]
        while stack:
            address, done = stack.pop()
            if done:
                order.append(address)
                continue
            stack.append((address, True))
            stack.extend((c, False) for c in children.get(address, ()))
    return order
