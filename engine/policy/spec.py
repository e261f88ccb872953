"""Compiled policies: what the loader produces and the evaluator consumes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .conditions import Check, ConditionRegistry
from .data import DataStore
from .operators import Globs
from .subject import Subject

BLOCKING_LEVELS = frozenset({"soft-mandatory", "hard-mandatory"})
DEFAULT_ACTIONS = frozenset({"create", "update", "replace"})
ALL_ACTIONS = frozenset({"create", "update", "delete", "replace", "no-op", "read"})


# Message facts derived from attributes and cost components, filled in when a
# message names them and no condition reported them.
FACTS = {
    "instance_type": lambda s: s.instance_types(s.default_side)[0],
    "instance_family": lambda s: s.families(s.default_side)[0],
    "purchase_option": lambda s: s.purchase_options(s.default_side)[0],
    "gpu_model": lambda s: s.gpu_models(s.default_side)[0],
    "gpu_count": lambda s: s.gpu_count(s.default_side),
}


@dataclass(frozen=True)
class Selector:
    """Which resources a policy applies to; cheap fields first, `where` last."""

    types: Globs | None = None
    providers: frozenset[str] | None = None
    addresses: Globs | None = None
    actions: frozenset[str] = DEFAULT_ACTIONS
    modes: frozenset[str] = frozenset({"managed"})
    taggable: bool | None = None
    tags: tuple[tuple[str, Globs], ...] = ()
    instance_family: Globs | None = None
    instance_type: Globs | None = None
    gpu_model: Globs | None = None
    where: Check | None = None

    def type_matches(self, resource_type: str) -> bool:
        return self.types is None or self.types.match(resource_type)

    def matches(self, s: Subject) -> bool | None:
        """True/False, or None when `where` cannot be decided before apply."""
        return self.match(s)[0]

    def match(self, s: Subject) -> tuple[bool | None, dict[str, Any]]:
        """As `matches`, plus the evidence of the `where` condition."""
        no: tuple[bool, dict[str, Any]] = (False, {})
        ch = s.change
        if ch.action not in self.actions or ch.mode not in self.modes:
            return no
        if self.providers is not None and ch.provider not in self.providers:
            return no
        if self.addresses is not None and not self.addresses.match(ch.address):
            return no
        if self.taggable is not None and s.world.taggable(ch.type, ch.provider) != self.taggable:
            return no
        side = s.default_side
        if self.tags:
            tags = s.tags(side) or {}
            for key, globs in self.tags:
                if not globs.match(tags.get(key)):
                    return no
        if self.instance_family is not None:
            fams, _ = s.families(side)
            if not any(self.instance_family.match(f) for f in fams):
                return no
        if self.instance_type is not None:
            types, _ = s.instance_types(side)
            if not any(self.instance_type.match(t) for t in types):
                return no
        if self.gpu_model is not None:
            models, _ = s.gpu_models(side)
            if not any(self.gpu_model.match(m) for m in models):
                return no
        if self.where is not None:
            return self.where(s)
        return True, {}


@dataclass(frozen=True)
class AggregateSpec:
    group_by: tuple[str, ...]  # "tag:team", "project", "module", "environment", ...
    tests: tuple[tuple[str, str, Any], ...]  # (measure, operator, Decimal | DataRef)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(group_name(g) for g in self.group_by)


def group_name(key: str) -> str:
    if key.startswith("tag:"):
        return key[4:]
    return key


@dataclass(frozen=True)
class Policy:
    id: str
    description: str
    level: str
    message: str
    selector: Selector
    file: str
    line: int | None
    check: Check | None = None
    aggregate: AggregateSpec | None = None
    levels: tuple[tuple[Globs, str], ...] = ()
    waiver_requires: tuple[str, ...] = ()
    # Selector, conditions and message read only type, address, action, environment
    # and tags (see ConditionType.tags_only).
    tags_only: bool = False
    # Decided by Terraform source alone (see ConditionType.source_only): no plan, no
    # price, no other resource's cost. The pre-commit hook runs these.
    source_only: bool = False
    pass_message: str | None = None
    uses: frozenset[str] = frozenset()  # condition types of `require` and `select.where`

    def level_for(self, env: str | None) -> str:
        if env is not None:
            for globs, level in self.levels:
                if globs.match(env):
                    return level
        return self.level


@dataclass(frozen=True)
class PolicySet:
    policies: tuple[Policy, ...]
    data: DataStore
    registry: ConditionRegistry
    files: tuple[str, ...] = ()

    @property
    def tags_only(self) -> bool:
        """Every policy is decided by tags alone: attribute values and prices unused."""
        return all(p.tags_only for p in self.policies)

    def get(self, policy_id: str) -> Policy | None:
        for p in self.policies:
            if p.id == policy_id:
                return p
        return None


class PolicyErrors(InputError):
    """Every problem found in policy, data or waiver files (exit 2)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.message, line=first.line, where=first.where)

    def render(self) -> str:
        errors = getattr(self, "errors", None)
        if not errors:
            return super().render()
        lines = [e.render() for e in errors]
        if len(lines) > 1:
            lines.append(f"{len(lines)} problems in policy, data or waiver files")
        return "\n".join(lines)
