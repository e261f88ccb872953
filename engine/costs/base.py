"""The two-layer cost model contract.

A cost model for a resource type has two pure functions:

* ``extract(view) -> spec``: the only code that knows the type's attribute
  names. It reads one side (before or after) of a change through a
  `SideView` and returns a small typed spec. Reading an attribute that is known
  only after apply raises `UnknownAttribute`, which makes that side's cost
  unknown (never $0).
* ``components(spec, usage) -> tuple[CostComponent, ...]``: turns the spec and
  the resource's usage into quantities with price keys. No catalog access:
  prices are looked up afterwards, in one place (`engine.pricing`). A component
  declares what it is (`CostComponent.facts`: the machine it counts, its purchase
  option, accelerators it brings, alternatives a group may launch) and whether
  its price is regional or global (`scope`); pricing resolves the machine's
  hardware facts from the catalog and sums accelerators.

Attributes are read in either block shape of the contract in `engine.model`
(one-element lists or objects): `SideView.get(..., "root_block_device", 0, ...)`
reads both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Callable, Literal, Mapping, Sequence, TypeVar

from pricing_catalog.keys import PriceKey

from ..errors import InputError
from ..model import (NO_FACTS, Accelerator, AttrPath, ComponentFacts, Launchable,  # noqa: F401
                     Machine, ResourceChange, Scope)  # re-exported for the cost models
from .numbers import COUNT, QUANTITY, Kind, NumberError, checked
from .numbers import instance_type as _instance_type


T = TypeVar("T")


class UnknownAttribute(Exception):
    """An attribute the cost depends on is known only after apply."""

    def __init__(self, path: AttrPath, why: str = "known after apply") -> None:
        self.path = path
        self.why = why
        super().__init__(f"{_path_str(path)} is {why}")


def soft(read: Callable[..., T], *path: str | int, **kw: Any) -> tuple[T | None, str | None]:
    """Call `read(*path, **kw)`; on an unknown value return (None, reason) instead of raising."""
    try:
        return read(*path, **kw), None
    except UnknownAttribute as exc:
        return None, str(exc)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _path_str(path: AttrPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True, slots=True)
class SideView:
    """Read access to one side of a change, aware of unknown values.

    Attribute documents are plain dicts and lists (parsed JSON or HCL); checks
    use `dict` rather than `Mapping` because this is the hot path on large plans.

    `related` yields views (same side) of resources this one refers to, so a
    model can follow an auto scaling group to its launch template or an
    endpoint to its configuration.
    """

    change: ResourceChange
    side: Literal["before", "after"]
    attrs: Mapping[str, Any]
    region: str | None
    _related: Callable[[ResourceChange, str, str], Sequence["SideView"]] | None = None
    _peers: Callable[[str, str], Sequence["SideView"]] | None = None

    @property
    def address(self) -> str:
        return self.change.address

    def get(self, *path: str | int, default: Any = None) -> Any:
        """Value at `path`, `default` when absent or null; raises UnknownAttribute if unknown.

        Index 0 on an object is the object itself (a block in Pulumi's shape, see
        `engine.model`); any other index on an object is absent.
        """
        if self.side == "after" and self.change.is_unknown(tuple(path)):
            raise UnknownAttribute(tuple(path))
        node: Any = self.attrs
        for part in path:
            if isinstance(part, int):
                if isinstance(node, dict):
                    if part != 0:
                        return default
                elif not isinstance(node, list) or part >= len(node):
                    return default
                else:
                    node = node[part]
            else:
                if not isinstance(node, dict) or part not in node:
                    return default
                node = node[part]
            if node is None:
                return default
        return node

    def block(self, *path: str | int) -> Mapping[str, Any] | None:
        """A nested block written as a one-element list (Terraform) or a mapping."""
        value = self.get(*path)
        if isinstance(value, list):
            value = value[0] if value else None
        return value if isinstance(value, dict) else None

    def blocks(self, *path: str | int) -> list[Mapping[str, Any]]:
        """Nested blocks at `path`: a list of objects, or one object (Pulumi's shape)."""
        value = self.get(*path)
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, dict)]
        return []

    def number(self, *path: str | int, default: Decimal | None = None,
               kind: Kind = QUANTITY) -> Decimal | None:
        """A checked number of `kind` at `path`, `default` when absent or null.

        NaN, infinity, a negative, a fraction where a count is meant, a value
        beyond the kind's plausible bound, or a non-numeric value is an
        InputError naming the file and `address.attribute` (exit 2).
        """
        value = self.get(*path)
        if value is None:
            return default
        try:
            return checked(value, kind)
        except NumberError as exc:
            raise self.bad_value(path, exc) from None

    def count(self, *path: str | int, default: Decimal | None = None) -> Decimal | None:
        """A whole, non-negative count (instances, nodes)."""
        return self.number(*path, default=default, kind=COUNT)

    def instance_type(self, *path: str | int) -> str | None:
        """An instance type: a string, or None when absent; anything else is an InputError."""
        value = self.get(*path)
        if value is None:
            return None
        try:
            return _instance_type(value)
        except NumberError as exc:
            raise self.bad_value(path, exc) from None

    def bad_value(self, path: AttrPath, exc: Exception) -> InputError:
        """An InputError for a bad value at `path` of this side, with file and place."""
        src = self.change.source
        where = f"{self.change.address}.{_path_str(path)}" if path else self.change.address
        if self.side == "before":
            where += " (before the change)"
        return InputError(src.file if src else None, str(exc),
                          line=src.line if src else None, where=where)

    def require(self, *path: str | int) -> Any:
        """Like `get`, but an absent value on a created resource is unknown, not empty."""
        value = self.get(*path)
        if value is None:
            raise UnknownAttribute(tuple(path), "not set")
        return value

    def related(self, resource_type: str, ref_attr: str) -> Sequence["SideView"]:
        """Views of `resource_type` resources this one refers to through `ref_attr`."""
        if self._related is None:
            return ()
        return self._related(self.change, resource_type, ref_attr)

    def peers(self, resource_type: str) -> Sequence["SideView"]:
        """Views (same side) of every `resource_type` resource in the change set, for
        resources that point at this one (an auto scaling target naming an endpoint)."""
        if self._peers is None:
            return ()
        return self._peers(resource_type, self.side)

    def refers_to_me(self, other: "SideView") -> bool:
        """Whether `other`'s configuration references this resource (its block or instance)."""
        address = self.change.address
        block = address[:address.rindex("[")] if address.endswith("]") else address
        return any(dep == self.change.address or dep == block for dep in other.change.depends_on)


@dataclass(frozen=True, slots=True)
class CostComponent:
    """A quantity of something priced by `key`.

    `per="hour"` components accrue while the resource runs (quantity per hour,
    e.g. 4 instances); monthly cost = quantity x hours per month (usage, default
    730). `per="month"` components are monthly quantities (GB-month, requests)
    and hourly cost = monthly / 730. A `None` quantity means the value depends
    on usage that was not supplied (`missing="usage"`) or is unknown.

    `facts` says what the component is (see `ComponentFacts`): the machine its
    quantity counts, whose accelerators pricing reads from the catalog, or
    accelerators it brings itself. `scope="global"` marks a price that does not
    depend on a region: it is looked up with none, where a regional component
    without a region is unknown.

    `quantity_low` makes the quantity a range: a group that scales between a
    minimum and a maximum runs as few as `quantity_low` and as many as `quantity`
    (the high end). Pricing turns it into `hourly_low`/`monthly_low`.
    """

    name: str
    key: PriceKey
    unit: str
    per: Literal["hour", "month"]
    quantity: Decimal | None
    missing: Literal["usage", "unknown"] | None = None
    reason: str | None = None
    facts: ComponentFacts = NO_FACTS
    scope: Scope = "regional"
    quantity_low: Decimal | None = None

    @property
    def accelerators(self) -> tuple[Accelerator, ...]:
        """Accelerators this component brings by itself, per unit (the machine's are
        resolved by pricing)."""
        return self.facts.accelerators


def between(low: Sequence[CostComponent],
            high: Sequence[CostComponent]) -> tuple[CostComponent, ...]:
    """The components of a group that scales: `high` (built for its maximum count) with
    each quantity's low end taken from `low`, the same components built for its minimum."""
    if [(c.name, c.key) for c in low] != [(c.name, c.key) for c in high]:
        raise ValueError("between: the low and high components differ")
    return tuple(h if h.quantity is None or lo.quantity is None or lo.quantity == h.quantity
                 else replace(h, quantity_low=lo.quantity) for lo, h in zip(low, high))


@dataclass(frozen=True, slots=True)
class UsageField:
    """A usage value a cost model reads: name (unit-suffixed) and description; a field
    with `choices` takes one of those words instead of a number."""

    name: str
    description: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CostModel:
    resource_type: str
    extract: Callable[[SideView], Any]
    components: Callable[[Any, Mapping[str, Decimal]], Sequence[CostComponent]]
    usage_fields: tuple[UsageField, ...] = ()
    # Types whose cost is carried by this one (e.g. a launch template priced on its group).
    note: str | None = None
    # The machine types one side may run, read softly (whether or not its cost is
    # known): what policies judge as instance types, families and GPU classes.
    launchable: Callable[[SideView], Launchable] | None = None


@dataclass(frozen=True, slots=True)
class CostRegistry:
    """Explicit registry: resource type -> cost model, plus types known to be free."""

    models: Mapping[str, CostModel]
    free_types: frozenset[str] = frozenset()
    # Types that cost nothing by themselves because another type carries their cost.
    carried_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Types without a cost model -> reader of the machines their configuration names
    # (a launch template's instance type): for policies, see `CostModel.launchable`.
    configured_machines: Mapping[str, Callable[[SideView], Launchable]] = field(
        default_factory=dict)
    # resource type -> `costwarden catalog refresh CLOUD` argument of its cloud (named in
    # an unpriced component's reason)
    catalog_refresh: Mapping[str, str] = field(default_factory=dict)

    def get(self, resource_type: str) -> CostModel | None:
        return self.models.get(resource_type)

    def is_free(self, resource_type: str) -> bool:
        return resource_type in self.free_types or resource_type in self.carried_by

    def usage_fields(self) -> dict[str, tuple[UsageField, ...]]:
        return {t: m.usage_fields for t, m in sorted(self.models.items())}


def usage_component(name: str, key: PriceKey, unit: str, usage: Mapping[str, Decimal],
                    usage_key: str, *, scale: Decimal = Decimal(1),
                    per: Literal["hour", "month"] = "month") -> CostComponent:
    """A usage-based component: quantity = usage[usage_key] / scale, or usage needed."""
    value = usage.get(usage_key)
    if value is None:
        return CostComponent(name, key, unit, per, None, "usage",
                             f"set usage '{usage_key}' to price it")
    return CostComponent(name, key, unit, per, Decimal(value) / scale)
