"""Clouds: everything one cloud brings, in one package per cloud.

A `Cloud` bundles a provider's cost models, the types that cost nothing, the
types priced on another resource, the types shared for allocation, and the
conventions other stages need (provider aliases, ...). `CLOUDS` is the one list
of built-in bundles; `builtin_clouds()` imports them on first use, so
importing `engine` stays cheap. A new cloud is a package under
`engine/clouds/<name>/` defining `CLOUD`, plus one line in `CLOUDS`; a cloud
of one's own (a plugin, a test) is passed to `engine.Session(clouds=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from ..costs.base import CostModel, CostRegistry

# The built-in bundles, by module; each defines `CLOUD`.
CLOUDS: tuple[str, ...] = (
    "engine.clouds.aws",
    "engine.clouds.google",
    "engine.clouds.azure",
    "engine.clouds.utility",
)


@dataclass(frozen=True, slots=True, eq=False)
class Cloud:
    """What one cloud (or one family of utility providers) brings."""

    name: str  # "aws"
    providers: tuple[str, ...]  # short provider names whose resources this bundle covers
    models: tuple["CostModel", ...] = ()
    free_types: frozenset[str] = frozenset()  # no charge by themselves
    # Types priced on the resources that use them (each of the types listed).
    carried_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Types whose cost serves many workloads (showback splits it across dependents).
    shared_types: frozenset[str] = frozenset()
    # Provider names that mean one of `providers` ("google-beta" -> "google").
    provider_aliases: Mapping[str, str] = field(default_factory=dict)


@cache
def builtin_clouds() -> tuple[Cloud, ...]:
    """Every built-in bundle, in `CLOUDS` order."""
    return tuple(import_module(name).CLOUD for name in CLOUDS)


def cost_registry(clouds: Iterable[Cloud]) -> "CostRegistry":
    """One cost registry over `clouds`; a type claimed twice is an error."""
    from ..costs.base import CostRegistry

    models: dict[str, "CostModel"] = {}
    free: set[str] = set()
    carried: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for cloud in clouds:
        claimed = ([m.resource_type for m in cloud.models] + sorted(cloud.free_types)
                   + sorted(cloud.carried_by))
        for resource_type in claimed:
            if resource_type in seen:
                raise ValueError(f"resource type {resource_type} claimed twice (by "
                                 f"{seen[resource_type]} and {cloud.name})")
            seen[resource_type] = cloud.name
        models.update((m.resource_type, m) for m in cloud.models)
        free |= cloud.free_types
        carried.update(cloud.carried_by)
    return CostRegistry(models=dict(sorted(models.items())), free_types=frozenset(free),
                        carried_by=carried)


def shared_types(clouds: Iterable[Cloud]) -> frozenset[str]:
    return frozenset().union(*(c.shared_types for c in clouds))


def provider_aliases(clouds: Iterable[Cloud]) -> Mapping[str, str]:
    out: dict[str, str] = {}
    for cloud in clouds:
        out.update(cloud.provider_aliases)
    return out
