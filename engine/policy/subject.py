"""What a policy sees of one resource: the change, its costs, and derived facts.

Derived facts (instance types, purchase options, GPUs) are computed on first
use and cached per resource, so a pack of many policies stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any, Iterator, Literal, Mapping

from ..model import ResourceChange, ResourceCost, SideCost
from .operators import MISSING

Side = Literal["before", "after"]
WILDCARD = "*"
PathPart = str | int
_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")
_PRICE_KEY = re.compile(r"^(?P<provider>[^/]+)/(?P<service>[^/]+)/(?P<product>[^\[]+)"
                        r"\[(?P<attrs>[^\]]*)\]@(?P<region>[^:]*):(?P<option>.+)$")
_INSTANCE_ATTRS = ("instance_type", "machine_type", "vm_size", "size", "node_type")
# Types a group chooses among when it launches: each may be the one that runs, so a
# policy judges all of them (the cost models price one).
_MIXED = ("mixed_instances_policy", 0, "launch_template", 0, "override", WILDCARD)
_ALTERNATIVES: tuple[tuple[PathPart, ...], ...] = (
    _MIXED + ("instance_type",), ("instance_types", WILDCARD),
    ("launch_template_config", WILDCARD, "override", WILDCARD, "instance_type"),  # aws_ec2_fleet
    ("launch_template_config", WILDCARD, "overrides", WILDCARD, "instance_type"),  # spot fleet
)
_ENDPOINT_CONFIG = "aws_sagemaker_endpoint_configuration"


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
    def walk(node: Any, i: int, done: tuple[PathPart, ...]) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
        if i == len(path):
            yield done, node
            return
        part = path[i]
        if part == WILDCARD:
            if isinstance(node, list):
                for j, item in enumerate(node):
                    yield from walk(item, i + 1, done + (j,))
            elif node is MISSING or node is None:
                return  # every-element tests over an absent list hold vacuously
            else:
                yield done, MISSING
            return
        if isinstance(part, int):
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
        yield from walk(nxt, i + 1, done + (part,))
    yield from walk(doc, 0, ())


def parse_price_key(key: str) -> dict[str, str] | None:
    m = _PRICE_KEY.match(key)
    if not m:
        return None
    out = {k: m.group(k) for k in ("provider", "service", "product", "region", "option")}
    for pair in m.group("attrs").split(","):
        if "=" in pair:
            k, v = pair.split("=", 1)
            out.setdefault(k, v)
    return out


def normalise_option(value: str) -> str:
    return value.strip().lower().replace("-", "_")


def instance_family(instance_type: str) -> str:
    """p5.48xlarge -> p5; ml.p4d.24xlarge -> ml.p4d; a3-highgpu-8g -> a3."""
    if "." in instance_type:
        return instance_type.rsplit(".", 1)[0]
    if "-" in instance_type:
        return instance_type.split("-", 1)[0]
    return instance_type


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
        return self.change.tags_after if side == "after" else self.change.tags_before

    def tag_unknown(self, side: Side, key: str) -> bool:
        unknown = self.change.unknown_tag_keys
        return side == "after" and bool(unknown) and ("*" in unknown or key in unknown)

    def _components(self, side: Side) -> list[dict[str, str]]:
        key = ("components", side)
        if key not in self._cache:
            sc = self.side_cost(side)
            parsed = []
            for comp in (sc.components if sc else ()):
                info = parse_price_key(comp.price_key)
                if info and info["product"] == "instance" and "instance_type" in info:
                    parsed.append(info)
            self._cache[key] = parsed
        return self._cache[key]

    def instance_types(self, side: Side) -> tuple[tuple[str, ...], bool]:
        """Every instance type the resource may launch (priced or not), and whether
        that is unknown: the priced types, the alternatives a group chooses among
        (mixed-instances overrides, a node group's instance_types), the variants of
        an endpoint's configuration."""
        key = ("itypes", side)
        if key not in self._cache:
            types = [c["instance_type"] for c in self._components(side)]
            found, unknown = self._types_from_attributes(side)
            types += found
            types += self._endpoint_variant_types(side)
            self._cache[key] = (tuple(dict.fromkeys(types)), unknown and not types)
        return self._cache[key]

    def alternatives(self, side: Side) -> tuple[str, ...]:
        """The instance types a group launches one or another of (empty: no choice)."""
        key = ("alternatives", side)
        if key not in self._cache:
            doc = self.doc(side) or {}
            found: list[str] = []
            for path in _ALTERNATIVES:
                found += [v for _, v in resolve(doc, path) if isinstance(v, str) and v]
            self._cache[key] = tuple(dict.fromkeys(found)) if len(set(found)) > 1 else ()
        return self._cache[key]

    def _types_from_attributes(self, side: Side) -> tuple[list[str], bool]:
        doc = self.doc(side) or {}
        found: list[str] = []
        unknown = False
        paths: list[tuple[PathPart, ...]] = [(a,) for a in _INSTANCE_ATTRS]
        paths += [("production_variants", WILDCARD, "instance_type"),
                  ("resource_config", 0, "instance_type"), ("node_config", 0, "machine_type")]
        paths += _ALTERNATIVES
        for path in paths:
            for concrete, value in resolve(doc, path):
                if value is MISSING:
                    if side == "after" and self.change.is_unknown(concrete):
                        unknown = True
                elif isinstance(value, str) and value:
                    found.append(value)
        return found, unknown and not found

    def _endpoint_variant_types(self, side: Side) -> list[str]:
        """An endpoint runs the variants of its configuration (another resource)."""
        if self.change.type != "aws_sagemaker_endpoint" or self.world is None:
            return []
        from .operators import Globs

        spec = (Globs.of(_ENDPOINT_CONFIG), "outgoing", ("endpoint_config_name",), ("name",))
        out: list[str] = []
        for address in self.world.related(self, spec)[0]:
            cfg = self.world.by_address[address]
            for _, value in resolve(cfg.doc(cfg.default_side) or {},
                                    ("production_variants", WILDCARD, "instance_type")):
                if isinstance(value, str) and value:
                    out.append(value)
        return out

    def launch_choices(self, side: Side, values: tuple[str, ...], of: str) -> str:
        """`values` (families or GPU models) named with the instance types behind them."""
        out = []
        for value in values:
            types = [t for t in self.instance_types(side)[0]
                     if (instance_family(t) if of == "family" else
                         self._gpu_model_of(t)) == value]
            out.append(f"{', '.join(types)} ({value})" if types and types != [value] else value)
        return "; ".join(out)

    def families(self, side: Side) -> tuple[tuple[str, ...], bool]:
        types, unknown = self.instance_types(side)
        return tuple(dict.fromkeys(instance_family(t) for t in types)), unknown

    def purchase_options(self, side: Side) -> tuple[tuple[str, ...], bool]:
        key = ("options", side)
        if key not in self._cache:
            opts = [normalise_option(c["option"]) for c in self._components(side)]
            unknown = False
            if not opts:
                opts, unknown = self._options_from_attributes(side)
            self._cache[key] = (tuple(dict.fromkeys(opts)), unknown)
        return self._cache[key]

    def _options_from_attributes(self, side: Side) -> tuple[list[str], bool]:
        doc = self.doc(side) or {}
        if self.change.type == "aws_spot_instance_request":
            return ["spot"], False
        capacity = doc.get("capacity_type")
        if isinstance(capacity, str):
            return [normalise_option(capacity)], False
        for _, value in resolve(doc, ("instance_market_options", 0, "market_type")):
            if isinstance(value, str):
                return [normalise_option(value)], False
        if doc.get("spot_price") or doc.get("priority") == "Spot" or doc.get("spot") is True:
            return ["spot"], False
        if self._types_from_attributes(side)[0]:
            return ["on_demand"], False
        return [], side == "after" and self.change.is_unknown(("capacity_type",))

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
            model = self._gpu_model_of(itype)
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
        sc = self.side_cost(side)
        weights = self._weights(side)
        units = Decimal(0)
        for comp in (sc.components if sc else ()):
            info = parse_price_key(comp.price_key)
            if not info or info["product"] != "instance" or "instance_type" not in info:
                continue
            if comp.quantity is None:
                return None
            units += comp.quantity * weights.get(info["instance_type"], Decimal(1))
        most = 0
        for itype in choices:
            facts = self._facts_of(itype)
            if facts is None:
                continue
            weight = weights.get(itype, Decimal(1))
            instances = (units / weight).to_integral_value(rounding=ROUND_CEILING) \
                if weight > 0 else units
            most = max(most, int(instances) * int(facts.gpu_count or 0))
        return most

    def _weights(self, side: Side) -> dict[str, Decimal]:
        """weighted_capacity of mixed-instances overrides (capacity units per instance)."""
        out: dict[str, Decimal] = {}
        doc = self.doc(side) or {}
        for _, override in resolve(doc, _MIXED):
            if not isinstance(override, Mapping):
                continue
            itype, weight = override.get("instance_type"), override.get("weighted_capacity")
            try:
                if isinstance(itype, str) and weight not in (None, ""):
                    out[itype] = Decimal(str(weight))
            except ArithmeticError:
                continue
        return out

    def _facts_of(self, itype: str) -> Any:
        lookup = getattr(self.world, "instance_info", None)
        return lookup(itype) if lookup is not None else None

    def _gpu_model_of(self, itype: str) -> str | None:
        facts = self._facts_of(itype)
        return facts.gpu_model if facts is not None and facts.gpu_count else None
