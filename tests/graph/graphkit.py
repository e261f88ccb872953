"""Small estimates built in memory, for graph tests that need exact control."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Sequence

from engine.model import (HOURS_PER_MONTH, ChangeSet, Estimate, ResourceChange, ResourceCost,
                          SideCost)
from pricing_catalog.catalog import CatalogInfo

CATALOG = CatalogInfo(version="test", as_of="2025-01-01", oldest_as_of="2025-01-01")


def side(hourly: Decimal | str | None, gpus: int = 0, hours: Decimal | int = HOURS_PER_MONTH
         ) -> SideCost:
    if hourly is None:
        return SideCost(status="unpriced", hourly=None, monthly=None, reasons=("no price",))
    h = Decimal(hourly)
    return SideCost(status="priced", hourly=h, monthly=h * Decimal(hours),
                    gpus={"NVIDIA H100": gpus} if gpus else {})


def resource(address: str, *, type: str = "aws_instance", action: str = "create",
             before: SideCost | None = None, after: SideCost | None = None,
             tags: Mapping[str, str] | None = None, depends_on: Sequence[str] = (),
             module: tuple[str, ...] = ()) -> ResourceCost:
    change = ResourceChange(
        address=address, type=type, name=address.rsplit(".", 1)[-1], provider="aws",
        action=action,  # type: ignore[arg-type]
        before={} if before is not None else None, after={} if after is not None else None,
        module_path=module, tags_before=tags if before is not None else None,
        tags_after=tags if after is not None else None, depends_on=tuple(depends_on))
    statuses = [s.status for s in (before, after) if s is not None]
    status = "unpriced" if "unpriced" in statuses else "priced"
    return ResourceCost(change=change, status=status, before=before,  # type: ignore[arg-type]
                        after=after)


def estimate(resources: Sequence[ResourceCost]) -> Estimate:
    cs = ChangeSet(source_format="test", source_path="test.json",
                   changes=tuple(r.change for r in resources))
    return Estimate(changeset=cs, resources=tuple(resources), catalog=CATALOG)
