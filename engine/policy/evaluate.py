"""Evaluate a policy set against an estimate: findings, never rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Iterable, Literal, Mapping

from ..model import Estimate, Finding, ResourceCost
from .messages import render
from .spec import BLOCKING_LEVELS, FACTS, Policy, PolicySet
from .subject import Subject
from .taggable import Taggable, load_taggable
from .waivers import WaiverSet, waiver_warnings
from .world import World

UnknownMode = Literal["unknown", "fail", "pass"]


@dataclass(frozen=True)
class EvaluationOptions:
    env: str | None = None  # fixes the environment; else the resource's env tag decides
    env_tag: str = "environment"
    unknown: UnknownMode = "unknown"  # how an undecidable result counts
    include_passes: bool = False
    today: dt.date | None = None
    taggable: Taggable | None = None
    # Warn about waivers naming resources not in the input (off when the input is
    # only part of the change, as in the pre-commit hook).
    waiver_targets: bool = True
    instance_info: Any = None  # (provider, type) -> hardware facts (default: bundled catalog)


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    """What reports need of a policy (its compiled checks stay in the PolicySet):
    plain values, so an Evaluation pickles and a worker process can return it."""

    id: str
    description: str
    level: str  # the policy's own level (an environment may override it per finding)
    file: str | None = None  # policy file, or "checkov" for an external check
    line: int | None = None

    @classmethod
    def of(cls, policy: Policy) -> "PolicyInfo":
        return cls(policy.id, policy.description, policy.level, policy.file, policy.line)


@dataclass(frozen=True)
class Evaluation:
    findings: tuple[Finding, ...]
    counts: Mapping[str, Mapping[str, int]]  # policy id -> outcome -> count (passes included)
    policies: tuple[PolicyInfo, ...] = ()  # the policies evaluated, in pack order
    warnings: tuple[str, ...] = ()  # waivers that cover nothing (see waivers.py)

    @property
    def blocking(self) -> bool:
        return any(f.blocking for f in self.findings)

    def totals(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "waived": 0, "unknown": 0}
        for per in self.counts.values():
            for outcome, n in per.items():
                out[outcome] += n
        out["blocking"] = sum(1 for f in self.findings if f.blocking)
        return out


def evaluate(source: Estimate | Iterable[ResourceCost], policies: PolicySet,
             waivers: WaiverSet | None = None,
             options: EvaluationOptions = EvaluationOptions()) -> Evaluation:
    costs = source.resources if isinstance(source, Estimate) else tuple(source)
    world = World.build(costs, options.taggable or load_taggable(), options.env, options.env_tag,
                        options.instance_info)
    run = _Run(world, policies, waivers or WaiverSet(), options)
    try:
        for policy in policies.policies:
            if policy.aggregate is not None:
                run.aggregate(policy)
            else:
                run.per_resource(policy)
        warnings = waiver_warnings(run.waivers, policies, run.today,
                                   world.by_address if options.waiver_targets else None)
    finally:
        world.close()
    return Evaluation(tuple(run.findings), run.counts,
                      tuple(PolicyInfo.of(p) for p in policies.policies), tuple(warnings))


@dataclass
class _Run:
    world: World
    policies: PolicySet
    waivers: WaiverSet
    options: EvaluationOptions
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        self.today = self.options.today or dt.date.today()

    def per_resource(self, policy: Policy) -> None:
        counts = self.counts.setdefault(policy.id, {})
        fixed_level = None if policy.levels and self.options.env is None \
            else policy.level_for(self.options.env)
        if fixed_level == "disabled":
            return
        for s in self.world.of_types(policy.selector.type_matches):
            level = fixed_level or policy.level_for(self.world.environment_of(s))
            if level == "disabled":
                continue
            selected, where_evidence = policy.selector.match(s)
            if selected is False:
                continue
            if selected is None:
                ok, evidence = None, {**where_evidence, "selector": "undecidable before apply"}
            else:
                ok, evidence = policy.check(s)  # type: ignore[misc]
                if where_evidence:
                    evidence = {**where_evidence, **evidence}
            outcome = self._outcome(ok)
            if outcome == "pass" and not self.options.include_passes:
                counts["pass"] = counts.get("pass", 0) + 1
                continue
            self._add(policy, level, outcome, s.change.address, None, evidence, s, ok is None)

    def aggregate(self, policy: Policy) -> None:
        from .aggregate import evaluate_aggregate  # per-resource packs never load it

        for result in evaluate_aggregate(policy, self.world, self.policies.data):
            env = self.options.env or result.group.get("environment") or \
                result.group.get(self.options.env_tag)
            level = policy.level_for(env if env and env != "(none)" else None)
            if level == "disabled":
                continue
            group = ",".join(f"{k}={v}" for k, v in result.group.items()) or None
            outcome = self._outcome(result.outcome)
            if outcome == "pass" and not self.options.include_passes:
                counts = self.counts.setdefault(policy.id, {})
                counts["pass"] = counts.get("pass", 0) + 1
                continue
            self._add(policy, level, outcome, None, group, result.evidence, None,
                      result.outcome is None)

    def _outcome(self, ok: bool | None) -> str:
        if ok is None:
            mode = self.options.unknown
            return "unknown" if mode == "unknown" else mode
        return "pass" if ok else "fail"

    def _add(self, policy: Policy, level: str, outcome: str, address: str | None,
             group: str | None, evidence: dict[str, Any], s: Subject | None,
             was_unknown: bool) -> None:
        evidence = dict(evidence)
        if was_unknown:
            evidence["unknown"] = True
        waiver_info = None
        note = ""
        if outcome == "fail":
            outcome, waiver_info, note = self._waive(policy, level, address, group, evidence)
        values = _MessageValues({"policy": policy.id, "level": level, "group": group,
                                 "address": address}, evidence, s, self.world, policy.message)
        if outcome == "pass":
            message = render(policy.pass_message, values) if policy.pass_message else \
                pass_wording(policy, address, group)
        else:
            message = render(policy.message, values) + note
            cased = [c for c in evidence.get("case_mismatch") or () if c not in message]
            if cased:
                message += (f" (tag keys differ only in case: {', '.join(cased)}; "
                            "tag keys are case-sensitive)")
        evidence = round_money(evidence)
        blocking = outcome == "fail" and level in BLOCKING_LEVELS
        counts = self.counts.setdefault(policy.id, {})
        counts[outcome] = counts.get(outcome, 0) + 1
        self.findings.append(Finding(
            policy_id=policy.id, level=level, outcome=outcome, address=address,  # type: ignore[arg-type]
            message=message, blocking=blocking, evidence=evidence, group=group,
            waiver=waiver_info, location=s.change.source if s is not None else None,
            policy_file=policy.file))

    def _waive(self, policy: Policy, level: str, address: str | None, group: str | None,
               evidence: dict[str, Any]) -> tuple[str, dict[str, str] | None, str]:
        matches = self.waivers.find(policy.id, address, group)
        if not matches:
            return "fail", None, ""
        if level == "hard-mandatory":
            ids = ", ".join(w.id for w in matches)
            evidence["waiver_rejected"] = f"{ids}: a hard-mandatory policy cannot be waived"
            return "fail", None, f" (waiver {ids} ignored: hard-mandatory policies cannot be waived)"
        valid = [w for w in matches if not w.expired(self.today)]
        if not valid:
            w = matches[0]
            evidence["waiver_rejected"] = f"{w.id}: expired on {w.expires.isoformat()}"
            return "fail", None, f" (waiver {w.id} expired on {w.expires.isoformat()})"
        return "waived", valid[0].summary(), ""


def pass_wording(policy: Policy, address: str | None, group: str | None) -> str:
    """The line of a passing finding when the policy gives no `pass_message`."""
    target = address or (f"group {group}" if group else "the change")
    rule = " ".join(policy.description.split())
    return f"{target} passes {policy.id}: {rule}"


_MICRO = Decimal("0.000001")


def round_money(evidence: dict[str, Any]) -> dict[str, Any]:
    """Amounts in evidence to a millionth, as the JSON contract rounds money."""
    out = {}
    for key, value in evidence.items():
        if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent < -6:
            value = value.quantize(_MICRO, rounding=ROUND_HALF_EVEN)
        out[key] = value
    return out


_CHANGE_FIELDS = frozenset({"type", "name", "provider", "region", "module", "action",
                            "environment"})


class _MessageValues:
    """What a message may name, looked up when it names it (a message names two or
    three of them; building them all cost more than rendering). Later layers win:
    policy, level, group and address; the evidence; the resource's fields; its tags
    (`tag.KEY`). Derived facts (FACTS) fill a name none of those has, when the
    policy's message names it."""

    __slots__ = ("_base", "_evidence", "_s", "_world", "_message")

    def __init__(self, base: dict[str, Any], evidence: dict[str, Any], s: Subject | None,
                 world: World, message: str) -> None:
        self._base, self._evidence, self._s = base, evidence, s
        self._world, self._message = world, message

    def get(self, name: str, default: Any = None) -> Any:
        s = self._s
        if s is not None:
            if name.startswith("tag."):
                tags = s.tags(s.default_side) or {}
                if name[4:] in tags:
                    return tags[name[4:]]
            elif name in _CHANGE_FIELDS:
                ch = s.change
                if name == "environment":
                    return self._evidence.get("environment", self._world.environment_of(s))
                return ch.module if name == "module" else getattr(ch, name)
        if name in self._evidence:
            return self._evidence[name]
        if name in self._base:
            return self._base[name]
        if s is not None and name in FACTS and "{" + name + "}" in self._message:
            return FACTS[name](s)
        return default
