"""Offline pricing catalog: prices with provenance, hardware facts, user price books.

The engine uses only this API; it never reads the data files itself.

    from pricing_catalog import PriceKey, load_catalog
    catalog = load_catalog()
    price = catalog.lookup(PriceKey.of("aws", "ec2", "instance", "us-east-1",
                                       instance_type="p5.48xlarge", tenancy="shared", os="linux"))
"""

from __future__ import annotations

from typing import Any

# Names resolve on first use (PEP 562): importing `pricing_catalog.keys` alone, as the
# model does, must not load the catalog reader.
_EXPORTS = {
    "Catalog": "catalog", "CatalogInfo": "catalog", "Source": "catalog",
    "StaleSource": "catalog", "Unavailable": "catalog", "CatalogError": "errors",
    "PURCHASE_OPTIONS": "keys", "InstanceInfo": "keys", "Price": "keys", "PriceKey": "keys",
    "PriceTier": "keys", "load_catalog": "loader",
}

__all__ = [
    "PURCHASE_OPTIONS",
    "Catalog",
    "CatalogError",
    "CatalogInfo",
    "InstanceInfo",
    "Price",
    "PriceKey",
    "PriceTier",
    "Source",
    "StaleSource",
    "Unavailable",
    "load_catalog",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pricing_catalog' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
