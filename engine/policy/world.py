"""The whole change as policies see it: subjects indexed by type and address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ..model import Launchable, ResourceCost
from .operators import MISSING, Globs
from .subject import Subject, parse_path, resolve
from .taggable import Taggable

_INDEX_SUFFIX = re.compile(r"\[[^\]]*\]$")


def bundled_instance_info(provider: str, instance_type: str) -> Any:
    """Hardware facts from the bundled catalog (read once per process, on first need)."""
    from pricing_catalog import load_catalog

    return load_catalog().instance(provider, instance_type)


@dataclass
class World:
    subjects: list[Subject]
    taggable: Taggable
    env: str | None = None  # --env: overrides the environment tag
    env_tag: str = "environment"
    # Hardware facts of a (provider, machine type) (GPU count and model); the bundled
    # catalog's unless given. Looked up only for types no cost component priced.
    instance_info: Callable[[str, str], Any] | None = None
    by_type: dict[str, list[Subject]] = field(default_factory=dict)
    by_address: dict[str, Subject] = field(default_factory=dict)
    _bases: dict[str, list[str]] = field(default_factory=dict)
    _relations: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, costs: Iterable[ResourceCost], taggable: Taggable, env: str | None = None,
              env_tag: str = "environment",
              instance_info: Callable[[str, str], Any] | None = None) -> "World":
        world = cls([], taggable, env, env_tag, instance_info or bundled_instance_info)
        for rc in costs:
            s = Subject(rc, world)
            world.subjects.append(s)
            world.by_type.setdefault(rc.change.type, []).append(s)
            world.by_address[rc.change.address] = s
            base = _INDEX_SUFFIX.sub("", rc.change.address)
            if base != rc.change.address:
                world._bases.setdefault(base, []).append(rc.change.address)
        return world

    def close(self) -> None:
        """Drop the subjects once evaluated. Each refers to its World, so the two form a
        cycle holding the whole change; left to the cyclic collector, freeing it took
        a tenth of a 10,000-change `check`."""
        self.subjects.clear()
        self.by_type.clear()
        self.by_address.clear()
        self._bases.clear()
        self._relations.clear()

    def of_types(self, matches: Any) -> list[Subject]:
        out: list[Subject] = []
        for rtype, subjects in self.by_type.items():
            if matches(rtype):
                out += subjects
        return out

    def configured_machines(self, s: Subject, side: str) -> Launchable:
        """The machines `s`'s attributes name when pricing attached none (a run that
        priced nothing, a hand-built cost): its cloud's reader for the type, else the
        generic reader. Neither loads a cost model."""
        from ..clouds import cloud_of
        from ..clouds.hardware import generic_machines
        from ..costs.base import SideView

        cloud = cloud_of(s.change.provider)
        read = cloud.configured_machines.get(s.change.type) if cloud is not None else None
        return (read or generic_machines)(SideView(s.change, side, s.doc(side) or {},  # type: ignore[arg-type]
                                                   s.change.region))

    def lowercase_tags(self, provider: str) -> bool:
        """Whether `provider`'s cloud allows lowercase tag keys and values only."""
        from ..clouds import tag_convention

        return tag_convention(provider).lowercase

    def instance_family(self, provider: str, instance_type: str) -> str:
        """The family of a machine type by its cloud's rule (`Cloud.instance_family`)."""
        from ..clouds import cloud_of
        from ..clouds.hardware import instance_family

        cloud = cloud_of(provider)
        return (cloud.instance_family if cloud is not None else instance_family)(instance_type)

    def environment_of(self, s: Subject) -> str | None:
        if self.env is not None:
            return self.env
        value = (s.tags(s.default_side) or {}).get(self.env_tag)
        return value if isinstance(value, str) else None

    def inherited_tags(self, s: Subject, rule: Any, side: str
                       ) -> tuple[dict[str, str] | None, frozenset[str]]:
        """A type's tags taken from its parent (`TagInheritance`): the parent's tags
        (provider defaults included) under its own nested tag maps. With no parent in
        the change the tags are its own only, so tag policies report what is missing."""
        from ..clouds import relation_match

        if s.doc(side) is None:  # type: ignore[arg-type]
            return None, frozenset()
        spec = (Globs.of(rule.parent), "outgoing", parse_path(rule.via), relation_match())
        found, _ = self.related(s, spec)
        tags: dict[str, str] = {}
        unknown: set[str] = set()
        for address in found[:1]:
            parent = self.by_address[address]
            parent_side = side if parent.doc(side) is not None else parent.default_side  # type: ignore[arg-type]
            tags.update(parent.tags(parent_side) or {})
            if parent_side == "after":
                unknown |= parent._tags("after")[1]
        doc = s.doc(side) or {}  # type: ignore[arg-type]
        for path in rule.own:
            parts = parse_path(path)
            for _, value in resolve(doc, parts):
                if isinstance(value, Mapping):
                    tags.update((k, v) for k, v in value.items() if isinstance(v, str))
            if side == "after" and s.change.is_unknown(parts):
                unknown.add("*")
        for key in unknown:
            tags.pop(key, None)
        return tags, frozenset(unknown)

    # --- relations ---------------------------------------------------------------

    def resolve_ref(self, owner: Subject, ref: str) -> list[str]:
        """Addresses a configuration reference (`aws_s3_bucket.x.id`) points to."""
        bases = [ref]
        if owner.change.module_path and not ref.startswith("module."):
            bases.append(".".join(owner.change.module_path) + "." + ref)
        for base in bases:
            cur = base
            while cur:
                if cur in self.by_address:
                    return [cur]
                if cur in self._bases:
                    return self._bases[cur]
                if "." not in cur:
                    break
                cur = cur.rsplit(".", 1)[0]
        return []

    def related(self, s: Subject, spec: tuple[Globs, str, tuple[Any, ...], tuple[str, ...]]
                ) -> tuple[list[str], bool]:
        types, direction, via, keys = spec
        index = self._relations.get(spec)
        if index is None:
            index = self._relations[spec] = self._index(spec)
        by_value, by_ref, unknown = index
        found: list[str] = []
        if direction == "incoming":
            found += by_ref.get(s.change.address, [])
            for key in keys:
                value = (s.doc(s.default_side) or {}).get(key)
                if isinstance(value, str):
                    found += by_value.get(value, [])
            return sorted(set(found)), bool(unknown)
        # outgoing: this resource's `via` names one of the related resources
        doc = s.doc(s.default_side) or {}
        via_unknown = False
        for path, value in resolve(doc, via):
            if isinstance(value, str):
                found += by_value.get(value, [])
            elif value is MISSING and s.default_side == "after" and s.change.is_unknown(path):
                via_unknown = True
        for ref in s.change.depends_on:
            found += [a for a in self.resolve_ref(s, ref) if types.match(self.by_address[a].change.type)]
        return sorted(set(found)), via_unknown

    def _index(self, spec: tuple[Globs, str, tuple[Any, ...], tuple[str, ...]]) -> Any:
        types, direction, via, keys = spec
        by_value: dict[str, list[str]] = {}
        by_ref: dict[str, list[str]] = {}
        unknown = 0
        for r in self.of_types(types.match):
            if r.change.after is None:
                continue  # being deleted: relates to nothing after the change
            if direction == "outgoing":
                for key in keys:
                    value = r.change.after.get(key)
                    if isinstance(value, str):
                        by_value.setdefault(value, []).append(r.change.address)
                continue
            known = False
            for path, value in resolve(r.change.after, via):
                if isinstance(value, str):
                    by_value.setdefault(value, []).append(r.change.address)
                    known = True
            for ref in r.change.depends_on:
                for target in self.resolve_ref(r, ref):
                    by_ref.setdefault(target, []).append(r.change.address)
                    known = True
            if not known and r.change.is_unknown(via):
                unknown += 1
        return by_value, by_ref, unknown
