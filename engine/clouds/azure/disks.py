"""azurerm_managed_disk: a tier price per disk, or Ultra's capacity, IOPS and throughput."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ...costs.base import CostComponent, CostModel, SideView
from .common import DiskSpec, disk_components, read_disk


def extract_disk(view: SideView) -> tuple[str | None, DiskSpec]:
    return view.region, read_disk(view, (), "disk")


def components(spec: tuple[str | None, DiskSpec],
               usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    region, disk = spec
    return disk_components(disk, region)


MODELS: tuple[CostModel, ...] = (
    CostModel("azurerm_managed_disk", extract_disk, components,
              note="Standard HDD/SSD and Premium SSD by size tier; Ultra by GiB, IOPS and "
                   "MB/s; Premium SSD v2 unpriced (no sourced price)"),
)
