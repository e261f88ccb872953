"""What a policy sees of one resource: the change, its costs, and derived facts.

Derived facts (instance types, families, purchase options, GPUs) come from what the
cost models declare: the machines of priced components (`PricedComponent.facts`)
and the machines a side may launch (`SideCost.launchable`, from the cost model or
its cloud's `configured_machines`); when nothing declared them, the generic reader
of `engine.clouds.hardware`. They are computed on first use and cached per
resource, so a pack of many policies stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any, Iterator, Literal, Mapping

from ..model import Launchable, Machine, ResourceChange, ResourceCost, SideCost
from .operators import MISSING

Side = Literal["before", "after"]
WILDCARD = "*"
PathPart = str | int
_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")


def parse_path(text: str) -> tuple[PathPart, ...]:
    """`a.b[0].c`, `variants[*].instance_type` -> ("a", "b", 0, "c") ..."""
    parts: list[PathPart] = []
    pos = 0
    for m in _PATH_TOKEN.finditer(text):
        if m.start() != pos and text[pos:m.start()] != ".":
            raise ValueError(f"bad attribute path {text!r}")
        pos = m.end()
        if m.group(1) is not None:
            parts.append(m.group(1))
        else:
            idx = m.group(2)
            parts.append(WILDCARD if idx == "*" else int(idx))
    if pos != len(text) or not parts:
        raise ValueError(f"bad attribute path {text!r}")
    return tuple(parts)


def resolve(doc: Any, path: tuple[PathPart, ...]) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    """Yield (concrete path, value) for `path` in `doc`; value is MISSING when absent."""
    return _walk(path, doc, 0, ())


def _walk(path: tuple[PathPart, ...], node: Any, i: int, done: tuple[PathPart, ...]
          ) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    # A module function, not a closure in `resolve`: a recursive closure is a reference
    # cycle per call, left for the cyclic garbage collector.
    if i == len(path):
        yield done, node
        return
    part = path[i]
    if part == WILDCARD:
        if isinstance(node, list):
            for j, item in enumerate(node):
                yield from _walk(path, item, i + 1, done + (j,))
        elif isinstance(node, Mapping):
            yield from _walk(path, node, i + 1, done)  # one block as an object (Pulumi's shape)
        elif node is MISSING or node is None:
            return  # every-element tests over an absent list hold vacuously
        else:
            yield done, MISSING
        return
    if isinstance(part, int):
        if isinstance(node, Mapping):
            nxt = node if part == 0 else MISSING  # a block as an object (Pulumi's shape)
        else:
            nxt = node[part] if isinstance(node, list) and -len(node) <= part < len(node) else MISSING
    elif isinstance(node, Mapping):
        nxt = node.get(part, MISSING)
    elif isinstance(node, list) and len(node) == 1 and isinstance(node[0], Mapping):
        nxt = node[0].get(part, MISSING)  # single nested block: `root_block_device.volume_type`
    else:
        nxt = MISSING
    if nxt is MISSING or nxt is None:
        yield done + (part,), MISSING
        return
    yield from _walk(path, nxt, i + 1, done + (part,))


def _case_insensitive(provider: str) -> bool:
    from ..clouds import tag_convention

    return tag_convention(provider).case_insensitive


def _inheritance(provider: str, resource_type: str) -> Any:
    from ..clouds import tag_convention

    return tag_convention(provider).inheritance(resource_type)


class FoldedTags(Mapping[str, str]):
    """Tags whose names compare without case (Azure's): `get("environment")` finds
    `Environment`. Iteration yields the names as written."""

    __slots__ = ("_tags", "_folded")

    def __init__(self, tags: Mapping[str, str]) -> None:
        self._tags = tags
        self._folded = {k.lower(): v for k, v in tags.items()}

    def __getitem__(self, key: str) -> str:
        if key in self._tags:
            return self._tags[key]
        return self._folded[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._tags or key.lower() in self._folded)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tags)

    def __len__(self) -> int:
        return len(self._tags)


@dataclass(slots=True)
class Subject:
    """One resource under evaluation (mutable only for its private cache)."""

    cost: ResourceCost
    world: Any = None  # evaluate.World: the whole change, for relations
    _cache: dict[Any, Any] = field(default_factory=dict)
    change: ResourceChange = field(init=False)
    default_side: Side = field(init=False)

    def __post_init__(self) -> None:
        # Plain attributes, not properties: read several times per policy per resource.
        self.change = self.cost.change
        self.default_side = "after" if self.change.after is not None else "before"

    def pick(self, side: str | None) -> Side:
        return self.default_side if side in (None, "default") else side  # type: ignore[return-value]

    def doc(self, side: Side) -> Mapping[str, Any] | None:
        return self.change.side(side)

    def side_cost(self, side: Side) -> SideCost | None:
        return self.cost.after if side == "after" else self.cost.before

    def tags(self, side: Side) -> Mapping[str, str] | None:
        tags = self._tags(side)[0]
        if tags and _case_insensitive(self.change.provider):
            return FoldedTags(tags)
        return tags

    def tag_unknown(self, side: Side, key: str) -> bool:
        unknown = self._tags(side)[1]
        if side != "after" or not unknown:
            return False
        if "*" in unknown or key in unknown:
            return True
        return _case_insensitive(self.change.provider) and \
            key.lower() in {k.lower() for k in unknown}

    def _tags(self, side: Side) -> tuple[Mapping[str, str] | None, frozenset[str]]:
        """(tags, keys whose value is unknown): the reader's, or for a type that
        inherits its tags (`TagConvention.inherits`) its parent's under its own."""
        key = ("tags", side)
        if key not in self._cache:
            rule = _inheritance(self.change.provider, self.change.type)
            if rule is None or self.world is None:
                tags = self.change.tags_after if side == "after" else self.change.tags_before
                self._cache[key] = (tags, self.change.unknown_tag_keys)
            else:
                self._cache[key] = self.world.inherited_tags(self, rule, side)
        return self._cache[key]

    def _machines(self, side: Side) -> list[tuple[Machine, str | None, Decimal | None]]:
        """(machine, purchase option, quantity) of every component that counts machines."""
        key = ("machines", side)
        if key not in self._cache:
            sc = self.side_cost(side)
            self._cache[key] = [(c.facts.machine, c.facts.purchase_option, c.quantity)
                                for c in (sc.components if sc else ()) if c.facts.machine]
        return self._cache[key]

    def launchable(self, side: Side) -> Launchable:
        """The machines this side may run beyond its priced ones: as its cost model or
        its cloud's reader declared them at pricing, else as the generic reader finds
        them in the attributes (a run that priced nothing, a cloud without models)."""
        key = ("launchable", side)
        if key not in self._cache:
            sc = self.side_cost(side)
            if sc is not None and sc.launchable is not None:
                found = sc.launchable
            elif self.doc(side) is None or self.world is None:
                found = Launchable()
            else:
                found = self.world.configured_machines(self, side)
            self._cache[key] = found
        return self._cache[key]

    def _by_type(self, side: Side) -> dict[str, Machine]:
        """Instance type -> machine, for every machine the side may run."""
        key = ("by_type", side)
        if key not in self._cache:
            found: dict[str, Machine] = {}
            for machine in [m for m, _, _ in self._machines(side)] + list(
                    self.launchable(side).machines):
                found.setdefault(machine.instance_type, machine)
            self._cache[key] = found
        return self._cache[key]

    def instance_types(self, side: Side) -> tuple[tuple[str, ...], bool]:
        """Every instance type the resource may launch (priced or not), and whether
        that is unknown: the priced types, the alternatives a group chooses among
        (mixed-instances overrides, a node group's instance_types), the variants of
        an endpoint's configuration."""
        types = tuple(self._by_type(side))
        return types, self.launchable(side).unknown and not types

    def alternatives(self, side: Side) -> tuple[str, ...]:
        """The instance types a group launches one or another of (empty: no choice)."""
        found = self.launchable(side)
        if not found.choice:
            return ()
        return tuple(dict.fromkeys(m.instance_type for m in found.machines))

    def _family(self, side: Side, itype: str) -> str:
        """The family of one of the side's machine types, as its cloud names it."""
        machine = self._by_type(side).get(itype)
        if machine is not None and machine.family is not None:
            return machine.family
        provider = machine.provider if machine is not None else self.change.provider
        if self.world is None:
            from ..clouds.hardware import instance_family
            return instance_family(itype)
        return self.world.instance_family(provider, itype)

    def launch_choices(self, side: Side, values: tuple[str, ...], of: str) -> str:
        """`values` (families or GPU models) named with the instance types behind them."""
        out = []
        for value in values:
            types = [t for t in self.instance_types(side)[0]
                     if (self._family(side, t) if of == "family" else
                         self._gpu_model_of(side, t)) == value]
            out.append(f"{', '.join(types)} ({value})" if types and types != [value] else value)
        return "; ".join(out)

    def families(self, side: Side) -> tuple[tuple[str, ...], bool]:
        types, unknown = self.instance_types(side)
        return tuple(dict.fromkeys(self._family(side, t) for t in types)), unknown

    def purchase_options(self, side: Side) -> tuple[tuple[str, ...], bool]:
        opts = [o for _, o, _ in self._machines(side) if o]
        if opts:
            return tuple(dict.fromkeys(opts)), False
        found = self.launchable(side)
        return found.purchase_options, found.options_unknown and not found.purchase_options

    def gpus(self, side: Side) -> tuple[Mapping[str, int], bool]:
        """GPU model -> count on `side` as priced, and whether that is known."""
        sc = self.side_cost(side)
        if sc is None:
            return {}, self.doc(side) is None  # absent side: zero GPUs, known
        return sc.gpus, sc.gpus_known

    def gpu_models(self, side: Side) -> tuple[tuple[str, ...], bool]:
        """Every GPU model the resource may run (any launchable type), and whether
        that is unknown."""
        gpus, known = self.gpus(side)
        models = set(gpus)
        for itype in self.instance_types(side)[0]:
            model = self._gpu_model_of(side, itype)
            if model:
                models.add(model)
        return tuple(sorted(models)), not known and not models

    def gpu_count(self, side: Side) -> int | None:
        """GPUs on `side`; for a group choosing among types, the most it may hold:
        its capacity launched as whichever type gives the most GPUs."""
        gpus, known = self.gpus(side)
        if not known:
            return None
        count = sum(gpus.values())
        choices = self.alternatives(side)
        if not choices:
            return count
        most = self._most_gpus(side, choices)
        return count if most is None else max(count, most)

    def _most_gpus(self, side: Side, choices: tuple[str, ...]) -> int | None:
        weights = {m.instance_type: m.weight for m in self.launchable(side).machines
                   if m.weight is not None}
        units = Decimal(0)
        for machine, _, quantity in self._machines(side):
            if quantity is None:
                return None
            units += quantity * weights.get(machine.instance_type, Decimal(1))
        most = 0
        for itype in choices:
            facts = self._facts_of(side, itype)
            if facts is None:
                continue
            weight = weights.get(itype, Decimal(1))
            instances = (units / weight).to_integral_value(rounding=ROUND_CEILING) \
                if weight > 0 else units
            most = max(most, int(instances) * int(facts.gpu_count or 0))
        return most

    def _facts_of(self, side: Side, itype: str) -> Any:
        """Catalog hardware facts of one of the side's machine types (None: unknown)."""
        machine = self._by_type(side).get(itype)
        lookup = getattr(self.world, "instance_info", None)
        if machine is None or lookup is None:
            return None
        return lookup(machine.provider, machine.hardware_type)

    def _gpu_model_of(self, side: Side, itype: str) -> str | None:
        facts = self._facts_of(side, itype)
        return facts.gpu_model if facts is not None and facts.gpu_count else None
