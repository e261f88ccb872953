"""Google Cloud: shared types, provider aliases, label and region conventions (its
cost models come with the Google Cloud catalog)."""

from __future__ import annotations

import re

from .. import Cloud
from ..conventions import RegionConvention, TagConvention

_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")


def zone_to_region(zone: str) -> str:
    """Zone `us-central1-a` -> region `us-central1` (anything else unchanged)."""
    m = _ZONE.match(zone)
    return m.group(1) if m else zone


CLOUD = Cloud(
    name="google",
    providers=("google",),
    shared_types=frozenset({"google_container_cluster", "google_compute_router_nat",
                            "google_filestore_instance"}),
    provider_aliases={"google-beta": "google"},
    tags=TagConvention(fields=("labels",), merged_field="effective_labels",
                       defaults=("default_labels",)),
    catalog_refresh="gcp",
    regions=RegionConvention(fields=("region", "zone", "location"),
                             provider_fields=("region", "zone"), normalize=zone_to_region),
    id_attributes=("id", "name", "self_link"),
)
