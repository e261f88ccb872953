"""How a cloud's resources write tags and regions: what every reader needs to know.

A bundle fills one `TagConvention` and one `RegionConvention`; the plan reader,
the HCL reader and the graph export read them (never a provider if-chain of their
own). Providers no bundle covers get the generic conventions below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True, slots=True)
class TagInheritance:
    """A type with no tags of its own in a plan that takes those of a resource it
    names (a GKE node pool: its cluster's labels, provider defaults included), under
    its own nested tag maps."""

    type: str  # "google_container_node_pool"
    via: str  # attribute path naming the parent: "cluster"
    parent: str  # the parent's type (a glob): "google_container_cluster"
    own: tuple[str, ...] = ()  # its own tag maps, as paths: "node_config.resource_labels"


@dataclass(frozen=True, slots=True)
class TagConvention:
    """Where a resource keeps its tags (or labels) and where provider defaults come from."""

    # The resource's own tag attributes, in order: maps, or (AWS autoscaling groups)
    # lists of {key, value} blocks, which never receive provider default tags.
    fields: tuple[str, ...] = ("tags", "tag", "labels")
    # The provider-computed merged map (own tags over provider defaults): wins in a plan
    # when known; "" when the provider computes none.
    merged_field: str = "tags_all"
    # Where the provider block states default tags: (block, attribute) or (attribute,);
    # () when it has none.
    defaults: tuple[str, ...] = ("default_tags", "tags")
    # Tag names compare without case (Azure): policies find `Environment` as `environment`.
    case_insensitive: bool = False
    # Whether the cloud allows lowercase keys and values only (Google labels): tag
    # policies then accept the lowercase form of their values and patterns.
    lowercase: bool = False
    # Types whose tags for policies come from a related resource (see TagInheritance).
    inherits: tuple[TagInheritance, ...] = ()

    def __post_init__(self) -> None:
        if not self.fields:
            raise ValueError("a tag convention names at least one tag attribute")
        if len(self.defaults) > 2:
            raise ValueError(f"tag convention defaults {self.defaults!r}: write (block, "
                             "attribute), (attribute,) or ()")

    def inheritance(self, resource_type: str) -> TagInheritance | None:
        return next((i for i in self.inherits if i.type == resource_type), None)

    def attributes(self) -> tuple[str, ...]:
        """Every attribute holding tag values (own and merged)."""
        return self.fields + ((self.merged_field,) if self.merged_field else ())


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class RegionConvention:
    """Which attributes name a resource's region and how their values become regions."""

    fields: tuple[str, ...] = ("region",)  # on the resource, first non-empty wins
    provider_fields: tuple[str, ...] = ("region",)  # on the provider block
    # A value of one of those fields -> the region (a zone -> its region, spelling).
    normalize: Callable[[str], str] = _same


GENERIC_TAGS = TagConvention()
GENERIC_REGIONS = RegionConvention()
