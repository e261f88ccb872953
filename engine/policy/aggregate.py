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

from .data import DataRef, DataRefError, DataStore
from .operators import OPERATORS, to_number
from .spec import Policy
from .subject import Subject
from .world import World

NONE = "(none)"


# Costs of these statuses are left out of sums (and counted in `not_priced`): a type
# we do not price, or usage the user did not supply. A price that is unknown
# (known after apply, missing from the catalog) makes the sum unknown instead.
EXCLUDED_STATUSES = frozenset({"usage-needed", "unsupported"})


@dataclass
class _Totals:
    values: dict[str, Decimal] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    not_priced: set[str] = field(default_factory=set)

    def add(self, metric: str, value: Decimal | int | str | None, address: str) -> None:
        if value == "excluded":
            self.not_priced.add(address)
        elif value is None:
            self.unknown.add(metric)
        else:
            self.values[metric] = self.values.get(metric, Decimal(0)) + Decimal(value)


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


def _measure(s: Subject, side: str, metric: str) -> Decimal | int | str | None:
    if metric == "count":
        return 1
    if metric == "gpus":
        return s.gpu_count(side)  # type: ignore[arg-type]
    sc = s.side_cost(side)  # type: ignore[arg-type]
    if sc is None:
        return None
    value = sc.hourly if metric == "hourly_cost" else sc.monthly
    if value is None and sc.status in EXCLUDED_STATUSES:
        return "excluded"
    return value


def evaluate_aggregate(policy: Policy, world: World, data: DataStore) -> list[GroupResult]:
    spec = policy.aggregate
    assert spec is not None
    metrics = sorted({m.split("_", 1)[1] for m, _, _ in spec.tests})
    groups: dict[tuple[str, ...], dict[str, _Totals]] = {}
    candidates = world.of_types(policy.selector.type_matches)
    for s in candidates:
        if policy.selector.matches(s) is False:
            continue
        for side, when in (("before", "prior"), ("after", "proposed")):
            if s.doc(side) is None:  # type: ignore[arg-type]
                continue
            key = tuple(_group_value(g, s, side, world) for g in spec.group_by)
            totals = groups.setdefault(key, {}).setdefault(when, _Totals())
            for metric in metrics:
                totals.add(metric, _measure(s, side, metric), s.change.address)
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
    outcome: bool | None = True
    for measure, _, _ in tests:
        metric = measure.split("_", 1)[1]
        for when in ("prior", "proposed", "delta"):
            evidence[f"{when}_{metric}"] = _value(totals, when, metric)
    not_priced = set().union(*(t.not_priced for t in totals.values()))
    if not_priced:
        evidence["not_priced"] = len(not_priced)
    for measure, op, expected in tests:
        value = evidence[measure]
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
        if value is None:
            outcome = None
        elif not OPERATORS[op].test(value, expected):
            return GroupResult(group, False, evidence)
    return GroupResult(group, outcome, evidence)


def _value(totals: dict[str, _Totals], when: str, metric: str) -> Decimal | None:
    def side(name: str) -> Decimal | None:
        t = totals.get(name)
        if t is None:
            return Decimal(0)
        return None if metric in t.unknown else t.values.get(metric, Decimal(0))
    if when == "delta":
        prior, proposed = side("prior"), side("proposed")
        return None if prior is None or proposed is None else proposed - prior
    return side(when)
