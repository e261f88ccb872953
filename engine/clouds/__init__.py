"""Clouds: everything one cloud brings, in one package per cloud.

A `Cloud` bundles a provider's cost models, the types that cost nothing, the
types priced on another resource, the types shared for allocation, and the
conventions other stages need (provider aliases, tag and region conventions,
identifier attributes, purchase options, the data-transfer pseudo-type and the
catalog services its models read). `CLOUDS` is the one list
of built-in bundles; `builtin_clouds()` imports them on first use, so
importing `engine` stays cheap. A new cloud is a package under
`engine/clouds/<name>/` defining `CLOUD`, plus one line in `CLOUDS`; a cloud
of one's own (a plugin, a test) is passed to `engine.Session(clouds=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from .conventions import GENERIC_REGIONS, GENERIC_TAGS, RegionConvention, TagConvention
from .hardware import instance_family

if TYPE_CHECKING:  # pragma: no cover
    from ..costs.base import CostModel, CostRegistry, SideView
    from ..model import Launchable

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
    # Its cost models, or a function returning them (imported on first use: readers
    # need the conventions below without loading any cost model).
    models: "tuple[CostModel, ...] | Callable[[], tuple[CostModel, ...]]" = ()
    free_types: frozenset[str] = frozenset()  # no charge by themselves
    # Types priced on the resources that use them (each of the types listed).
    carried_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Types whose cost serves many workloads (showback splits it across dependents).
    shared_types: frozenset[str] = frozenset()
    # Provider names that mean one of `providers` ("google-beta" -> "google").
    provider_aliases: Mapping[str, str] = field(default_factory=dict)
    tags: TagConvention = GENERIC_TAGS  # which attributes hold tags/labels, provider defaults
    regions: RegionConvention = GENERIC_REGIONS  # region attributes, zone -> region
    # Attributes whose value other resources use to refer to one (pricing's references).
    id_attributes: tuple[str, ...] = ("id", "name")
    # The `relation` condition's default `match` keys (None: `id_attributes`).
    relation_match: tuple[str, ...] | None = None
    # Purchase options its models price (each one of pricing_catalog.PURCHASE_OPTIONS).
    purchase_options: tuple[str, ...] = ("on_demand",)
    # The pseudo-type of the usage file's data_transfer entries for this cloud (None:
    # the cloud prices no data transfer).
    data_transfer_type: str | None = None
    # Catalog services (pricing_catalog/data/<provider>/<service>.json) its models read.
    catalog_services: frozenset[str] = frozenset()
    # The `costwarden catalog refresh CLOUD` argument that fills this cloud's prices
    # (named in an unpriced component's reason); None: no refresher.
    catalog_refresh: str | None = None
    # --- hardware (accelerators helper) ---
    # Machine type -> family, for policies (p5.48xlarge -> p5).
    instance_family: Callable[[str], str] = instance_family
    # Types without a cost model of their own -> reader of the machines their
    # configuration names (launch templates, endpoint configurations, fleets):
    # pricing attaches them to each side, policies judge them.
    configured_machines: Mapping[str, Callable[["SideView"], "Launchable"]] = field(
        default_factory=dict)

    def cost_models(self) -> tuple["CostModel", ...]:
        return self.models() if callable(self.models) else self.models


@cache
def builtin_clouds() -> tuple[Cloud, ...]:
    """Every built-in bundle, in `CLOUDS` order."""
    return tuple(import_module(name).CLOUD for name in CLOUDS)


def cost_registry(clouds: Iterable[Cloud]) -> "CostRegistry":
    """One cost registry over `clouds`; a type claimed twice is an error."""
    from ..costs.base import CostRegistry

    models: dict[str, "CostModel"] = {}
    machines: dict[str, Callable[["SideView"], "Launchable"]] = {}
    free: set[str] = set()
    carried: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for cloud in clouds:
        cloud_models = cloud.cost_models()
        _check_purchase_options(cloud)
        claimed = ([m.resource_type for m in cloud_models] + sorted(cloud.free_types)
                   + sorted(cloud.carried_by))
        for resource_type in claimed:
            if resource_type in seen:
                raise ValueError(f"resource type {resource_type} claimed twice (by "
                                 f"{seen[resource_type]} and {cloud.name})")
            seen[resource_type] = cloud.name
        models.update((m.resource_type, m) for m in cloud_models)
        free |= cloud.free_types
        carried.update(cloud.carried_by)
        for resource_type, read in cloud.configured_machines.items():
            if resource_type in machines or resource_type in models:
                raise ValueError(f"machines of {resource_type} declared twice (a cost model "
                                 f"or another reader, and {cloud.name})")
            machines[resource_type] = read
    refresh = {m.resource_type: cloud.catalog_refresh for cloud in clouds
               if cloud.catalog_refresh for m in cloud.cost_models()}
    return CostRegistry(models=dict(sorted(models.items())), free_types=frozenset(free),
                        carried_by=carried, configured_machines=machines,
                        catalog_refresh=refresh)


def shared_types(clouds: Iterable[Cloud]) -> frozenset[str]:
    return frozenset().union(*(c.shared_types for c in clouds))


def provider_aliases(clouds: Iterable[Cloud]) -> Mapping[str, str]:
    out: dict[str, str] = {}
    for cloud in clouds:
        out.update(cloud.provider_aliases)
    return out


def _check_purchase_options(cloud: Cloud) -> None:
    from pricing_catalog.keys import PURCHASE_OPTIONS

    unknown = [p for p in cloud.purchase_options if p not in PURCHASE_OPTIONS]
    if unknown:
        raise ValueError(f"cloud {cloud.name}: purchase option(s) {', '.join(unknown)} are not "
                         f"catalog purchase options ({', '.join(PURCHASE_OPTIONS)})")
    types = {m.resource_type for m in cloud.cost_models()}
    if cloud.data_transfer_type is not None and cloud.data_transfer_type not in types:
        raise ValueError(f"cloud {cloud.name}: data-transfer type {cloud.data_transfer_type} "
                         "has no cost model in the bundle")


# --- conventions, looked up by provider ------------------------------------------

def _clouds(clouds: Iterable[Cloud] | None) -> tuple[Cloud, ...]:
    return builtin_clouds() if clouds is None else tuple(clouds)


@lru_cache(maxsize=32)
def _by_provider(clouds: tuple[Cloud, ...]) -> Mapping[str, Cloud]:
    out: dict[str, Cloud] = {}
    for cloud in clouds:
        for name in cloud.providers:
            if name in out:
                raise ValueError(f"provider {name} claimed twice (by {out[name].name} and "
                                 f"{cloud.name})")
            out[name] = cloud
    return out


def cloud_of(provider: str, clouds: Iterable[Cloud] | None = None) -> Cloud | None:
    """The bundle covering `provider` (a short name, aliases resolved), if any."""
    return _by_provider(_clouds(clouds)).get(provider)


def canonical_provider(name: str, clouds: Iterable[Cloud] | None = None) -> str:
    """A provider's local name -> the name its bundle covers ("google-beta" -> "google")."""
    return _aliases(_clouds(clouds)).get(name, name)


@lru_cache(maxsize=32)
def _aliases(clouds: tuple[Cloud, ...]) -> Mapping[str, str]:
    return provider_aliases(clouds)


def tag_convention(provider: str, clouds: Iterable[Cloud] | None = None) -> TagConvention:
    cloud = cloud_of(provider, clouds)
    return cloud.tags if cloud is not None else GENERIC_TAGS


def region_convention(provider: str, clouds: Iterable[Cloud] | None = None
                      ) -> RegionConvention:
    cloud = cloud_of(provider, clouds)
    return cloud.regions if cloud is not None else GENERIC_REGIONS


def _union(parts: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for part in parts for name in part))


def id_attributes(clouds: Iterable[Cloud] | None = None) -> tuple[str, ...]:
    """Every bundle's identifier attributes, in bundle order, each once."""
    return _id_attributes(_clouds(clouds))


@lru_cache(maxsize=32)
def _id_attributes(clouds: tuple[Cloud, ...]) -> tuple[str, ...]:
    return _union(c.id_attributes for c in clouds)


def relation_match(clouds: Iterable[Cloud] | None = None) -> tuple[str, ...]:
    """The `relation` condition's default `match` keys over every bundle."""
    return _union(c.id_attributes if c.relation_match is None else c.relation_match
                  for c in _clouds(clouds))


def data_transfer_clouds(clouds: Iterable[Cloud] | None = None) -> Mapping[str, Cloud]:
    """Cloud name -> bundle, for the clouds that price data transfer."""
    return {c.name: c for c in _clouds(clouds) if c.data_transfer_type is not None}


def reader_attributes(clouds: Iterable[Cloud] | None = None) -> frozenset[str]:
    """Every top-level attribute tags and regions are read from (a tags-only read)."""
    conventions = [(c.tags, c.regions) for c in _clouds(clouds)] + [
        (GENERIC_TAGS, GENERIC_REGIONS)]
    return frozenset(name for tags, regions in conventions
                     for name in tags.fields + regions.fields)
