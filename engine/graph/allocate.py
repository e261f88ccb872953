"""Showback: the cost of one state grouped by tag, module, type, cloud or region, with shared
costs split across the resources that depend on them.

A resource is shared when its cloud bundle lists its type as shared, or when resources of
different teams depend on it. Its cost goes to its (transitive) dependents
that carry the grouping key, evenly or by GPU-hours; with none, it stays in its
own group. Shares are whole quanta (1e-6 $/h, 1 cent a month) except for the
sub-quantum rest, which goes to the first recipient in a fixed order, so the
groups add up to the total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Collection, Literal, Sequence

from ..errors import InputError
from ..model import HOURS_PER_MONTH, Interval
from .build import CostGraph, GraphNode, State

Allocation = Literal["even", "gpu-hours"]
UNTAGGED = "(untagged)"
ROOT_GROUP = "(root)"
NO_REGION = "(no region)"
HOURLY_QUANTUM = Decimal("0.000001")
MONTHLY_QUANTUM = Decimal("0.01")
ZERO = Decimal(0)
_PREC = 80  # exact sums and remainders for any realistic plan



def split(amount: Decimal, weights: Sequence[Decimal], quantum: Decimal) -> tuple[Decimal, ...]:
    """`amount` split by `weights` (all zero: evenly); the parts add up to `amount` exactly.

    Each part is floored to `quantum`; leftover quanta go one each by largest
    remainder (ties: lower index first), and the sub-quantum rest to the first
    part in that order.
    """
    if not weights:
        raise ValueError("split needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    with localcontext() as ctx:
        ctx.prec = _PREC
        total_w = sum(weights, ZERO)
        ws = list(weights) if total_w > 0 else [Decimal(1)] * len(weights)
        total_w = total_w if total_w > 0 else Decimal(len(weights))
        negative = amount < 0
        a = -amount if negative else amount
        raw = [a * w / total_w for w in ws]
        parts = [(r / quantum).to_integral_value(rounding=ROUND_FLOOR) * quantum for r in raw]
        order = sorted(range(len(ws)), key=lambda i: (-(raw[i] - parts[i]), i))
        left = a - sum(parts, ZERO)
        k = 0
        while left >= quantum:
            parts[order[k % len(order)]] += quantum
            left -= quantum
            k += 1
        parts[order[0]] += left
        return tuple(-p for p in parts) if negative else tuple(parts)


@dataclass(frozen=True, slots=True)
class Share:
    """Part of a shared resource's cost given to one dependent resource."""

    source: str
    target: str
    group: str
    hourly: Decimal
    monthly: Decimal


@dataclass(frozen=True, slots=True)
class GroupRow:
    group: str
    resources: int  # resources of the group in this state (cost unknown included)
    own_hourly: Decimal  # its resources' own cost, shared resources given away excluded
    shared_hourly: Decimal  # received from shared resources
    own_monthly: Decimal
    shared_monthly: Decimal
    gpus: int
    unknown: int  # resources whose cost is unknown (not in the figures)
    # Some cost of the group is unknown or known only in part (its own, or a share
    # of a shared resource it depends on): the figures are a lower bound.
    lower_bound: bool = False

    @property
    def hourly(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = _PREC
            return self.own_hourly + self.shared_hourly

    @property
    def monthly(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = _PREC
            return self.own_monthly + self.shared_monthly


@dataclass(frozen=True, slots=True)
class Breakdown:
    state: State
    group_by: str
    allocate: Allocation
    rows: tuple[GroupRow, ...]  # by $/h descending, then name
    hourly: Decimal  # total of the known costs of the state
    monthly: Decimal
    resources: int
    shared: tuple[str, ...]  # shared resources whose cost was split
    shares: tuple[Share, ...]
    unknown: tuple[str, ...]  # resources whose cost in this state is unknown
    partial: tuple[str, ...]  # resources counted with a lower bound

    @property
    def lower_bound(self) -> bool:
        """The total is a lower bound: some cost of the state is unknown or partial."""
        return bool(self.unknown or self.partial)


GROUPINGS = ("module", "type", "cloud", "region")


def parse_group_by(spec: str) -> str:
    """Validate `tag:KEY`, `module`, `type`, `cloud` or `region`; returns it unchanged."""
    if spec in GROUPINGS or (spec.startswith("tag:") and len(spec) > 4):
        return spec
    raise InputError(None, f"--group-by {spec!r}: expected tag:KEY, {', '.join(GROUPINGS)}")


def group_of(graph: CostGraph, node: GraphNode, group_by: str, state: State) -> str:
    if group_by == "module":
        return node.module or ROOT_GROUP
    if group_by == "type":
        return node.type
    if group_by == "cloud":
        from ..clouds import cloud_of

        cloud = cloud_of(node.cost.change.provider)
        return cloud.name if cloud is not None else node.cost.change.provider
    if group_by == "region":
        return node.cost.change.region or NO_REGION
    value = node.tags(state).get(group_by[4:])
    return value if value else UNTAGGED


def shared_resources(graph: CostGraph, state: State,
                     types: Collection[str] | None = None) -> tuple[str, ...]:
    """Resources present in `state` that are shared: by type (`types`, default the
    built-in bundles' shared types), or because resources of two or more teams depend
    on them (directly or through others)."""
    if types is None:
        from ..clouds import builtin_clouds, shared_types

        types = shared_types(builtin_clouds())
    shared = types
    teams = _dependent_teams(graph, state)
    return tuple(n.address for n in graph.nodes if n.side(state) is not None
                 and (n.type in shared or len(teams.get(n.address, ())) >= 2))


def _dependent_teams(graph: CostGraph, state: State) -> dict[str, frozenset[str]]:
    """Up to two team values among each node's transitive dependents present in `state`."""
    import networkx as nx

    g = graph.digraph
    if g.number_of_edges() == 0:
        return {}
    own = {n.address: graph.team(n, state) for n in graph.nodes if n.side(state) is not None}
    try:
        order = list(nx.topological_sort(g))  # dependents come before their dependencies
    except nx.NetworkXUnfeasible:  # a dependency cycle: the slow, general way
        return {a: frozenset(sorted({own[d] for d in nx.ancestors(g, a)
                                     if own.get(d)})[:2]) for a in g}
    out: dict[str, frozenset[str]] = {}
    for a in order:
        found: set[str] = set()
        for p in g.predecessors(a):
            if len(found) >= 2:
                break
            if own.get(p):
                found.add(own[p])  # type: ignore[arg-type]
            found.update(out.get(p, ()))
        out[a] = frozenset(sorted(found)[:2])
    return out


def breakdown(graph: CostGraph, group_by: str = "tag:team", *, state: State = "after",
              allocate: Allocation = "even",
              shared_types: Collection[str] | None = None) -> Breakdown:
    import networkx as nx

    group_by = parse_group_by(group_by)
    present = [n for n in graph.nodes if n.side(state) is not None]
    group = {n.address: group_of(graph, n, group_by, state) for n in present}
    shared = set(shared_resources(graph, state, shared_types))
    own_h: dict[str, Decimal] = {}
    own_m: dict[str, Decimal] = {}
    got_h: dict[str, Decimal] = {}
    got_m: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    gpus: dict[str, int] = {}
    unknown_n: dict[str, int] = {}
    open_groups: set[str] = set()  # groups whose figures are a lower bound
    unknown: list[str] = []
    partial: list[str] = []
    shares: list[Share] = []
    split_sources: list[str] = []
    for key in group.values():
        for d in (own_h, own_m, got_h, got_m):
            d.setdefault(key, ZERO)
    with localcontext() as ctx:
        ctx.prec = _PREC
        total_h = total_m = ZERO
        for n in present:
            key = group[n.address]
            side = n.side(state)
            assert side is not None
            counts[key] = counts.get(key, 0) + 1
            gpus[key] = gpus.get(key, 0) + n.gpus(state)
            if side.hourly is None or not side.complete:  # a lower bound: where does it go?
                owed = _recipients(graph, nx.ancestors(graph.digraph, n.address), group,
                                   shared) if n.address in shared else []
                open_groups.update({group[t.address] for t in owed} or {key})
            if side.hourly is None:
                unknown.append(n.address)
                unknown_n[key] = unknown_n.get(key, 0) + 1
                continue
            if not side.complete:
                partial.append(n.address)
            hourly, monthly = side.hourly, side.monthly or ZERO
            total_h += hourly
            total_m += monthly
            targets = _recipients(graph, nx.ancestors(graph.digraph, n.address), group, shared) \
                if n.address in shared and (hourly or monthly) else []
            if not targets:
                own_h[key] += hourly
                own_m[key] += monthly
                continue
            split_sources.append(n.address)
            weights = _weights(targets, state, allocate)
            for t, h, m in zip(targets, split(hourly, weights, HOURLY_QUANTUM),
                               split(monthly, weights, MONTHLY_QUANTUM)):
                tg = group[t.address]
                got_h[tg] += h
                got_m[tg] += m
                shares.append(Share(n.address, t.address, tg, h, m))
        rows = [GroupRow(k, counts[k], own_h[k], got_h[k], own_m[k], got_m[k], gpus[k],
                         unknown_n.get(k, 0), k in open_groups) for k in counts]
        rows.sort(key=lambda r: (-r.hourly, r.group == UNTAGGED, r.group))
    return Breakdown(state=state, group_by=group_by, allocate=allocate, rows=tuple(rows),
                     hourly=total_h, monthly=total_m, resources=len(present),
                     shared=tuple(split_sources), shares=tuple(shares), unknown=tuple(unknown),
                     partial=tuple(partial))


def _recipients(graph: CostGraph, dependents: set[str], group: dict[str, str],
                shared: set[str]) -> list[GraphNode]:
    """Dependents present in the state, not shared themselves, with a group key."""
    return sorted((graph.node(a) for a in dependents
                   if a in group and a not in shared and group[a] != UNTAGGED),
                  key=lambda n: n.index)


def _weights(targets: list[GraphNode], state: State, allocate: Allocation) -> list[Decimal]:
    if allocate == "even":
        return [Decimal(1)] * len(targets)
    out = []
    for t in targets:
        side = t.side(state)
        gpus = t.gpus(state) if side is not None and side.gpus_known else 0
        hours = HOURS_PER_MONTH
        if side is not None and side.hourly and side.monthly is not None:
            hours = side.monthly / side.hourly  # the hours a month the resource runs
        out.append(Decimal(gpus) * hours)
    return out  # all zero: split() falls back to even


def round_preserving_sum(values: Sequence[Decimal], quantum: Decimal) -> tuple[Decimal, ...]:
    """`values` rounded to `quantum` so that they add up to their sum rounded half-even.

    Floors each value, then adds one quantum to those with the largest remainders
    (ties: lower index first): rounded rows still add up to the rounded total.
    """
    from decimal import ROUND_HALF_EVEN

    with localcontext() as ctx:
        ctx.prec = _PREC
        target = sum(values, ZERO).quantize(quantum, rounding=ROUND_HALF_EVEN)
        floors = [(v / quantum).to_integral_value(rounding=ROUND_FLOOR) * quantum
                  for v in values]
        missing = int((target - sum(floors, ZERO)) / quantum)
        order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
        for i in order[:missing]:
            floors[i] += quantum
        return tuple(floors)


@dataclass(frozen=True, slots=True)
class RoundedRow:
    """A GroupRow for display: totals add up after rounding; shared = total - own."""

    group: str
    resources: int
    gpus: int
    unknown: int
    own_hourly: Decimal
    shared_hourly: Decimal
    hourly: Decimal
    own_monthly: Decimal
    shared_monthly: Decimal
    monthly: Decimal
    lower_bound: bool = False  # see GroupRow.lower_bound

    def range(self, which: str) -> Interval:
        """Where the group's hourly or monthly cost lies."""
        value: Decimal = getattr(self, which)
        return Interval(value, None if self.lower_bound or self.unknown else value)


def rounded_rows(b: Breakdown, hourly_q: Decimal = HOURLY_QUANTUM,
                 monthly_q: Decimal = MONTHLY_QUANTUM) -> tuple[RoundedRow, ...]:
    from decimal import ROUND_HALF_EVEN

    hs = round_preserving_sum([r.hourly for r in b.rows], hourly_q)
    ms = round_preserving_sum([r.monthly for r in b.rows], monthly_q)
    out = []
    for r, h, m in zip(b.rows, hs, ms):
        oh = h if not r.shared_hourly else min(
            r.own_hourly.quantize(hourly_q, rounding=ROUND_HALF_EVEN), h)
        om = m if not r.shared_monthly else min(
            r.own_monthly.quantize(monthly_q, rounding=ROUND_HALF_EVEN), m)
        out.append(RoundedRow(r.group, r.resources, r.gpus, r.unknown, oh, h - oh, h,
                              om, m - om, m, r.lower_bound))
    return tuple(out)
