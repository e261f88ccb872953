"""aws_ebs_volume and aws_ebs_snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UsageField
from ...costs.numbers import IOPS, SIZE_GB, THROUGHPUT
from .common import GB_MONTH, VolumeSpec, soft, text, usage_component, volume_components

DEFAULT_VOLUME_TYPE = "gp2"  # EC2 CreateVolume default when no type is given

STANDARD_IO = UsageField("monthly_standard_io_requests",
                         "I/O requests per month of a previous-generation magnetic volume")
SNAPSHOT_STORAGE = UsageField(
    "storage_gb", "GB stored by the snapshot (incremental: usually less than the volume)")


@dataclass(frozen=True, slots=True)
class EbsVolumeSpec:
    region: str | None
    volume: VolumeSpec


def extract_volume(view: SideView) -> EbsVolumeSpec:
    vtype, type_why = soft(view.get, "type")
    note = None
    if not text(vtype):
        # `type` is optional and computed: unset shows as known after apply.
        note = (f"type {'known after apply' if type_why else 'not set'}: "
                f"{DEFAULT_VOLUME_TYPE} (the CreateVolume default) assumed")
        vtype = DEFAULT_VOLUME_TYPE
    size, size_why = soft(view.number, "size", kind=SIZE_GB)
    unknown = None
    if size is None:
        from_snapshot = soft(view.get, "snapshot_id")[0] is not None
        unknown = ("size is known after apply" if size_why else "size is not set") + (
            " (taken from the snapshot)" if from_snapshot else "")
    iops, _ = soft(view.number, "iops", kind=IOPS)
    throughput, _ = soft(view.number, "throughput", kind=THROUGHPUT)
    return EbsVolumeSpec(view.region, VolumeSpec("volume", str(vtype), size, iops, throughput,
                                                 unknown, note))


def volume_cost(spec: EbsVolumeSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    out = volume_components(spec.volume, spec.region)
    if spec.volume.volume_type == "standard":
        key = PriceKey.of("aws", "ebs", "io_requests", spec.region, volume_type="standard")
        out += (usage_component("I/O requests (standard)", key, "1M requests", usage,
                                STANDARD_IO.name, scale=Decimal(1_000_000)),)
    return out


@dataclass(frozen=True, slots=True)
class SnapshotSpec:
    region: str | None
    volume_size_gb: Decimal | None  # size of the source volume: an upper bound
    tier: str  # "standard" | "archive"


def extract_snapshot(view: SideView) -> SnapshotSpec:
    size, _ = soft(view.number, "volume_size", kind=SIZE_GB)
    tier, _ = soft(view.get, "storage_tier")  # computed; unset means standard
    return SnapshotSpec(view.region, size, "archive" if tier == "archive" else "standard")


def snapshot_components(spec: SnapshotSpec,
                        usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    """Usage `storage_gb` when given; else the source volume size as an upper bound."""
    key = PriceKey.of("aws", "ebs", "snapshot", spec.region, tier=spec.tier)
    name = f"snapshot storage ({spec.tier})"
    if usage.get(SNAPSHOT_STORAGE.name) is None and spec.volume_size_gb is not None:
        return (CostComponent(name, key, GB_MONTH, "month", spec.volume_size_gb,
                              reason="upper bound: the source volume size; set usage "
                                     f"'{SNAPSHOT_STORAGE.name}' for the stored size"),)
    return (usage_component(name, key, GB_MONTH, usage, SNAPSHOT_STORAGE.name),)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_ebs_volume", extract_volume, volume_cost, (STANDARD_IO,)),
    CostModel("aws_ebs_snapshot", extract_snapshot, snapshot_components, (SNAPSHOT_STORAGE,)),
)
