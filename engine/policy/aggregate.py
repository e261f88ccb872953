"""Aggregate policies: sums over the prior state and the proposed state, per group.

Measures use the names platform teams know from Terraform Cloud's cost policy
input: ``prior_monthly_cost``, ``proposed_monthly_cost``, ``delta_monthly_cost``
(and the same for hourly cost, GPUs and resource count). Prior sums every
resource's before side (grouped by its tags before), proposed every after side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..model import AT_LEAST_ZERO, LEFT_OUT_STATUSES, ZERO_INTERVAL, Interval, side_range
from .data import DataRef, DataRefError, DataStore
from .operators import figure, interval_holds, to_number
from .spec import Policy
from .subject import Subject
from .world import World

NONE = "(none)"


# Costs of these statuses are left out of sums (and counted in `not_priced`): a type
# we do not price, or usage the user did not supply. Every other figure is summed as
# an interval (`Interval`): a cost known only in part counts from its known part
# up, an unknown one as [0, +inf) on its side, so an unknown deleted resource
# lowers a delta by an unknown amount, (-inf, 0].
EXCLUDED_STATUSES = LEFT_OUT_STATUSES


@dataclass
class _Totals:
    # metric -> [low, high] summed as Interval addition does (None: unbounded), without
    # an Interval per resource
    sums: dict[str, list[Decimal | None]] = field(default_factory=dict)
    not_priced: set[str] = field(default_factory=set)

    def add(self, metric: str, value: Interval, address: str, excluded: bool = False) -> None:
        if excluded:
            self.not_priced.add(address)
        acc = self.sums.get(metric)
        if acc is None:
            acc = self.sums[metric] = [ZERO_INTERVAL.low, ZERO_INTERVAL.high]
        low, high = acc
        acc[0] = None if low is None or value.low is None else low + value.low
        acc[1] = None if high is None or value.high is None else high + value.high


@dataclass(frozen=True)
class GroupResult:
    group: dict[str, str]
    outcome: bool | None
    evidence: dict[str, Any]


def _group_value(key: str, s: Subject, side: str, world: World) -> str:
    if key.startswith("tag:"):
        value = (s.tags(side) or {}).get(key[4:])  # type: ignore[arg-type]
        return value if isinstance(value, str) and value else NONE
    if key == "environment":
        if world.env is not None:
            return world.env
        value = (s.tags(side) or {}).get(world.env_tag)  # type: ignore[arg-type]
        return value if isinstance(value, str) and value else NONE
    if key == "module":
        return s.change.module or "(root)"
    value = getattr(s.change, key, None)
    return str(value) if value else NONE


_ONE = Interval.exact(Decimal(1))


def _measure(s: Subject, side: str, metric: str) -> tuple[Interval, bool]:
    """Where one side's figure lies, and whether it is left out (not priced)."""
    if metric == "count":
        return _ONE, False
    if metric == "gpus":
        n = s.gpu_count(side)  # type: ignore[arg-type]
        return (AT_LEAST_ZERO if n is None else Interval.exact(Decimal(n))), False
    sc = s.side_cost(side)  # type: ignore[arg-type]
    if sc is None:
        return AT_LEAST_ZERO, False
    which: Any = "hourly" if metric == "hourly_cost" else "monthly"
    excluded = getattr(sc, which) is None and sc.status in EXCLUDED_STATUSES
    return side_range(sc, which), excluded


def _delta(s: Subject, metric: str) -> Interval:
    """One resource's own delta (both sides in one group): a no-op is exactly 0 even
    when its cost is unknown, as the cost model's delta is."""
    if metric in ("hourly_cost", "monthly_cost"):
        return s.cost.hourly_range if metric == "hourly_cost" else s.cost.monthly_range
    if s.cost.unchanged:
        return ZERO_INTERVAL
    return _measure(s, "after", metric)[0] - _measure(s, "before", metric)[0]


def evaluate_aggregate(policy: Policy, world: World, data: DataStore) -> list[GroupResult]:
    spec = policy.aggregate
    assert spec is not None
    metrics = sorted({m.split("_", 1)[1] for m, _, _ in spec.tests})
    groups: dict[tuple[str, ...], dict[str, _Totals]] = {}
    candidates = world.of_types(policy.selector.type_matches)
    for s in candidates:
        if policy.selector.matches(s) is False:
            continue
        keys: dict[str, tuple[str, ...]] = {}
        for side, when in (("before", "prior"), ("after", "proposed")):
            if s.doc(side) is None:  # type: ignore[arg-type]
                continue
            key = keys[side] = tuple(_group_value(g, s, side, world) for g in spec.group_by)
            totals = groups.setdefault(key, {}).setdefault(when, _Totals())
            for metric in metrics:
                value, excluded = _measure(s, side, metric)
                totals.add(metric, value, s.change.address, excluded)
        if keys.get("before") is not None and keys.get("before") == keys.get("after"):
            delta = groups[keys["after"]].setdefault("delta", _Totals())
            for metric in metrics:  # the resource's own delta keeps its sides together
                delta.add(metric, _delta(s, metric), s.change.address)
        else:  # created, deleted, or moved between groups
            for side, sign in (("after", 1), ("before", -1)):
                if side in keys:
                    delta = groups[keys[side]].setdefault("delta", _Totals())
                    for metric in metrics:
                        value = _measure(s, side, metric)[0]
                        delta.add(metric, value if sign > 0 else -value, s.change.address)
    if not groups and not spec.group_by:
        groups[()] = {}
    results = []
    for key in sorted(groups):
        group = dict(zip(spec.group_names, key))
        results.append(_judge(spec.tests, groups[key], group, data))
    return results


def _judge(tests: Any, totals: dict[str, _Totals], group: dict[str, str],
           data: DataStore) -> GroupResult:
    evidence: dict[str, Any] = dict(group)
    values: dict[str, Interval] = {}
    outcome: bool | None = True
    for measure, _, _ in tests:
        metric = measure.split("_", 1)[1]
        for when in ("prior", "proposed", "delta"):
            values[f"{when}_{metric}"] = _value(totals, when, metric)
            evidence[f"{when}_{metric}"] = figure(values[f"{when}_{metric}"])
    not_priced = set().union(*(t.not_priced for t in totals.values()))
    if not_priced:
        evidence["not_priced"] = len(not_priced)
    for measure, op, expected in tests:
        if isinstance(expected, DataRef):
            try:
                expected = to_number(data.lookup(expected, group))
            except DataRefError as exc:
                evidence["limit"] = None
                evidence["error"] = str(exc)
                return GroupResult(group, False, evidence)
            if expected is None:
                evidence["error"] = "the data value is not a number"
                return GroupResult(group, False, evidence)
        evidence["limit"] = expected
        evidence["measure"] = measure
        ok = interval_holds(op, values[measure], expected)  # unknown only when it straddles
        if ok is False:
            return GroupResult(group, False, evidence)
        if ok is None:
            outcome = None
    return GroupResult(group, outcome, evidence)


def _value(totals: dict[str, _Totals], when: str, metric: str) -> Interval:
    t = totals.get(when)
    acc = None if t is None else t.sums.get(metric)
    return ZERO_INTERVAL if acc is None else Interval(acc[0], acc[1])
