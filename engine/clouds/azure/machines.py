"""How Azure names machines: sizes (`Standard_ND96isr_H100_v5`), their series as
families, priorities as purchase options.

Light on purpose: the bundle imports it without loading any cost model.
"""

from __future__ import annotations

import re
from typing import Any

from ...costs.base import Machine

PROVIDER = "azurerm"
_PREFIX = re.compile(r"^(standard|basic)_", re.I)
_SERIES = re.compile(r"^([a-z]+)")

# Azure's priorities as catalog purchase options: VM/scale-set `priority`, Azure ML
# `vm_priority`. Low priority (Azure ML, Batch) is billed on its own meters.
PRIORITY = {"regular": "on_demand", "dedicated": "on_demand", "spot": "spot",
            "lowpriority": "low_priority", "low": "low_priority"}


def size_key(size: str) -> str:
    """A size as the catalog keys it (Azure compares size names case-insensitively)."""
    return size.strip().lower()


def instance_family(size: str) -> str:
    """The size's series: `Standard_ND96isr_H100_v5` -> `nd_h100_v5`,
    `Standard_NC24ads_A100_v4` -> `nc_a100_v4`, `Standard_D8s_v3` -> `d_v3`; the
    family letters before the vCPU count, then the accelerator and version parts."""
    parts = _PREFIX.sub("", size.strip()).lower().split("_")
    head = _SERIES.match(parts[0])
    return "_".join([head.group(1) if head else parts[0], *parts[1:]])


def azure_machine(size: str) -> Machine:
    """A size as billed and named in policies; its hardware facts are the catalog's
    lower-case spelling."""
    key = size_key(size)
    return Machine(PROVIDER, size, None if key == size else key, family=instance_family(size))


def priority_option(value: Any) -> str:
    """`Spot` -> spot, `LowPriority` -> low_priority, `Regular`/`Dedicated`/unset ->
    on_demand."""
    if not isinstance(value, str) or not value:
        return "on_demand"
    return PRIORITY.get(value.replace("_", "").replace(" ", "").lower(), "on_demand")
