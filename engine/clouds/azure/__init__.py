"""Azure: shared types (its cost models come with the Azure catalog)."""

from __future__ import annotations

from .. import Cloud

CLOUD = Cloud(
    name="azure",
    providers=("azurerm",),
    shared_types=frozenset({"azurerm_kubernetes_cluster", "azurerm_nat_gateway"}),
)
