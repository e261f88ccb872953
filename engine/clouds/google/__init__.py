"""Google Cloud: cost models (one module per family of resource types), free and
carried types, shared types, provider aliases, label and region conventions.

The cost models are imported on first use (`Cloud.cost_models()`): a reader that
only needs the conventions (the tag hook) loads none of them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from .. import Cloud
from ..conventions import RegionConvention, TagConvention, TagInheritance
from .free import CARRIED_BY, FREE_TYPES
from .machines import READERS, instance_family

if TYPE_CHECKING:  # pragma: no cover
    from ...costs.base import CostModel

_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")


def zone_to_region(zone: str) -> str:
    """Zone `us-central1-a` -> region `us-central1` (anything else unchanged)."""
    m = _ZONE.match(zone)
    return m.group(1) if m else zone


@cache
def models() -> tuple["CostModel", ...]:
    from . import compute, gke, network, notebooks, storage, tpu, vertex

    return tuple(m for module in (compute, gke, tpu, notebooks, vertex, storage, network)
                 for m in module.MODELS)


CLOUD = Cloud(
    name="google",
    providers=("google",),
    models=models,
    free_types=FREE_TYPES,
    carried_by=CARRIED_BY,
    shared_types=frozenset({"google_container_cluster", "google_compute_router_nat",
                            "google_filestore_instance"}),
    provider_aliases={"google-beta": "google"},
    # Labels: lowercase keys and values only; tag policies accept that form.
    # `resource_labels` on GKE clusters. A node pool has no labels attribute: its
    # nodes carry the cluster's labels and its `node_config.resource_labels`
    # (`node_config.labels` are Kubernetes labels, not GCP labels).
    tags=TagConvention(fields=("labels", "resource_labels"), merged_field="effective_labels",
                       defaults=("default_labels",), lowercase=True,
                       inherits=(TagInheritance("google_container_node_pool", via="cluster",
                                                parent="google_container_cluster",
                                                own=("node_config.resource_labels",)),)),
    catalog_refresh="gcp",
    regions=RegionConvention(fields=("region", "zone", "location"),
                             provider_fields=("region", "zone"), normalize=zone_to_region),
    id_attributes=("id", "name", "self_link"),
    purchase_options=("on_demand", "spot", "committed_1y", "committed_3y"),
    catalog_services=frozenset({"compute", "tpu", "gke", "storage", "network"}),
    instance_family=instance_family,
    configured_machines=READERS,
)
