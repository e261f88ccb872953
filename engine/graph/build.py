"""The cost-diff graph: one node per priced resource, one edge per dependency.

An edge runs from a resource to what it depends on (the plan's configuration
references, `ResourceChange.depends_on`). networkx is imported inside the
functions so that importing this package stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Mapping

from ..redact import shown_tags
from ..model import Estimate, Interval, ResourceCost, SideCost

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

State = Literal["before", "after"]
Sign = Literal["increase", "decrease", "unchanged", "unknown"]
ROOT_MODULE = ""
_UNCHANGED_ACTIONS = frozenset({"no-op", "read"})


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A resource of the change with the figures the graph views need."""

    index: int  # position in the estimate: the deterministic order of everything
    cost: ResourceCost = field(repr=False)

    @property
    def address(self) -> str:
        return self.cost.change.address

    @property
    def type(self) -> str:
        return self.cost.change.type

    @property
    def module(self) -> str:
        return self.cost.change.module

    @property
    def action(self) -> str:
        return self.cost.change.action

    @property
    def changed(self) -> bool:
        return self.cost.change.action not in _UNCHANGED_ACTIONS

    @property
    def hourly_delta(self) -> Decimal | None:
        return self.cost.hourly_delta

    @property
    def monthly_delta(self) -> Decimal | None:
        return self.cost.monthly_delta

    @property
    def hourly_range(self) -> Interval:
        return self.cost.hourly_range

    @property
    def monthly_range(self) -> Interval:
        return self.cost.monthly_range

    @property
    def sign(self) -> Sign:
        """From where the Δ $/h lies: above zero, below zero, exactly zero, or unknown."""
        d = self.cost.hourly_range
        if d.low is not None and d.low > 0:
            return "increase"
        if d.high is not None and d.high < 0:
            return "decrease"
        return "unchanged" if d.is_exact else "unknown"

    def side(self, state: State) -> SideCost | None:
        return self.cost.after if state == "after" else self.cost.before

    def tags(self, state: State | None = None) -> Mapping[str, str]:
        """Effective tags in `state`; without one, after the change (before for a delete)."""
        c = self.cost.change
        if state is None:
            state = "after" if c.tags_after is not None or c.action != "delete" else "before"
        tags = c.tags_after if state == "after" else c.tags_before
        return shown_tags(c, tags) if c.sensitive_paths and tags else tags or {}

    def gpus(self, state: State) -> int:
        side = self.side(state)
        return sum(side.gpus.values()) if side is not None else 0


@dataclass(frozen=True)
class CostGraph:
    """Nodes in estimate order plus the networkx DiGraph keyed by address.

    The DiGraph's node attribute "node" holds the GraphNode, so tools that want
    networkx algorithms can use `digraph` directly.
    """

    estimate: Estimate
    nodes: tuple[GraphNode, ...]
    team_key: str
    digraph: "nx.DiGraph" = field(repr=False, compare=False)
    by_address: Mapping[str, GraphNode] = field(repr=False, compare=False)

    def node(self, address: str) -> GraphNode:
        return self.by_address[address]

    def dependencies(self, address: str) -> tuple[str, ...]:
        """What `address` depends on, in estimate order."""
        return self._ordered(self.digraph.successors(address))

    def dependents(self, address: str) -> tuple[str, ...]:
        """What depends on `address`, in estimate order."""
        return self._ordered(self.digraph.predecessors(address))

    def edges(self) -> list[tuple[str, str]]:
        """(dependent, dependency) pairs, ordered by the dependent then the dependency."""
        by = self.by_address
        return sorted(self.digraph.edges, key=lambda e: (by[e[0]].index, by[e[1]].index))

    def team(self, node: GraphNode, state: State | None = None) -> str | None:
        return node.tags(state).get(self.team_key)

    def modules(self) -> dict[str, tuple[str, ...]]:
        """Module path ("" for the root module) -> its resources, in first-seen order."""
        out: dict[str, list[str]] = {}
        for n in self.nodes:
            out.setdefault(n.module, []).append(n.address)
        return {k: tuple(v) for k, v in out.items()}

    def teams(self, state: State | None = None) -> dict[str | None, tuple[str, ...]]:
        """Team tag value (None: untagged) -> its resources, in first-seen order."""
        out: dict[str | None, list[str]] = {}
        for n in self.nodes:
            out.setdefault(self.team(n, state), []).append(n.address)
        return {k: tuple(v) for k, v in out.items()}

    def _ordered(self, addresses: Any) -> tuple[str, ...]:
        by = self.by_address
        return tuple(sorted(addresses, key=lambda a: by[a].index))


def build_graph(estimate: Estimate, *, team_key: str = "team") -> CostGraph:
    """The cost-diff graph of an estimate (dependencies outside the plan are dropped)."""
    import networkx as nx

    nodes: list[GraphNode] = []
    by_address: dict[str, GraphNode] = {}
    for r in estimate.resources:
        if r.change.address in by_address:  # one node per address: the first one wins
            continue
        node = GraphNode(len(nodes), r)
        nodes.append(node)
        by_address[node.address] = node
    g = nx.DiGraph()
    g.add_nodes_from((n.address, {"node": n}) for n in nodes)
    g.add_edges_from((n.address, dep) for n in nodes for dep in n.cost.change.depends_on
                     if dep in by_address and dep != n.address)
    return CostGraph(estimate=estimate, nodes=tuple(nodes), team_key=team_key, digraph=g,
                     by_address=by_address)
