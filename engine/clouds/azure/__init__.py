"""Azure: cost models (VMs and scale sets, AKS, Azure ML compute, managed disks,
Blob storage accounts, NAT gateways, public IPs, data transfer),
free and shared types, and its tag, region and machine conventions.

Azure tag names are case-insensitive (`Environment` and `environment` are one
tag), so the tag convention says so and tag policies look names up without case.
The cost models are imported on first use (`Cloud.cost_models()`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .. import Cloud
from ..conventions import RegionConvention, TagConvention
from .free import FREE_TYPES
from .machines import instance_family

if TYPE_CHECKING:  # pragma: no cover
    from ...costs.base import CostModel


def location_to_region(location: str) -> str:
    """`West Europe` -> `westeurope`: the spelling Azure's price lists use."""
    return location.replace(" ", "").lower()


@cache
def models() -> tuple["CostModel", ...]:
    from . import aks, compute, disks, ml, network, storage

    return tuple(m for module in (compute, aks, ml, disks, storage, network)
                 for m in module.MODELS)


CLOUD = Cloud(
    name="azure",
    providers=("azurerm",),
    models=models,
    free_types=FREE_TYPES,
    shared_types=frozenset({"azurerm_kubernetes_cluster", "azurerm_nat_gateway"}),
    # The azurerm provider computes no merged map and states no default tags.
    tags=TagConvention(fields=("tags",), merged_field="", defaults=(), case_insensitive=True),
    catalog_refresh="azure",
    regions=RegionConvention(fields=("location",), provider_fields=("region",),
                             normalize=location_to_region),
    purchase_options=("on_demand", "spot", "low_priority"),
    catalog_services=frozenset({"compute", "managed_disks", "storage", "network"}),
    # The usage file's data_transfer entries with `cloud: azure` (network.py).
    data_transfer_type="costwarden_azure_data_transfer",
    instance_family=instance_family,
)
