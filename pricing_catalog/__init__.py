"""Offline pricing catalog: prices with provenance, hardware facts, user price books.

The engine uses only this API; it never reads the data files itself.

    from pricing_catalog import PriceKey, load_catalog
    catalog = load_catalog()
    price = catalog.lookup(PriceKey.of("aws", "ec2", "instance", "us-east-1",
                                       instance_type="p5.48xlarge", tenancy="shared", os="linux"))
"""

from __future__ import annotations

from .catalog import Catalog, CatalogInfo, Source, StaleSource, Unavailable
from .errors import CatalogError
from .keys import PURCHASE_OPTIONS, InstanceInfo, Price, PriceKey, PriceTier
from .loader import load_catalog

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
