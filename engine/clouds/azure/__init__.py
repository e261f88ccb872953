"""Azure: shared types, tag and region conventions (its cost models come with the
Azure catalog)."""

from __future__ import annotations

from .. import Cloud
from ..conventions import RegionConvention, TagConvention


def location_to_region(location: str) -> str:
    """`West Europe` -> `westeurope`: the spelling Azure's price lists use."""
    return location.replace(" ", "").lower()


CLOUD = Cloud(
    name="azure",
    providers=("azurerm",),
    shared_types=frozenset({"azurerm_kubernetes_cluster", "azurerm_nat_gateway"}),
    # The azurerm provider computes no merged map and states no default tags.
    tags=TagConvention(fields=("tags",), merged_field="", defaults=()),
    catalog_refresh="azure",
    regions=RegionConvention(fields=("location",), provider_fields=("region",),
                             normalize=location_to_region),
)
