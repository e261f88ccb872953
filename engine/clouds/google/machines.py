"""How Google Cloud names machines and accelerators: machine families, GPUs attached
with `guest_accelerator`, TPU accelerator types and TPU machine types, and the
machines types without a cost model of their own name (instance templates, priced on
the groups that use them).

Light on purpose: the bundle imports it without loading any cost model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...facts import Accelerator, Launchable, Machine
from ...costs.base import SideView, soft
from ..hardware import MachineReader

__all__ = ["READERS", "BUNDLED_GPU_FAMILIES", "TpuSlice", "gpu_accelerator", "google_machine",
           "instance_family", "tpu_machine_chips", "tpu_slice"]

# Accelerator-optimized series: the GPUs are part of the machine type's price and
# hardware (a guest_accelerator block on them names the bundled GPUs).
BUNDLED_GPU_FAMILIES = frozenset({"a2", "a3", "a4", "a4x", "g2", "g4"})

_CUSTOM = re.compile(r"^(?:(?P<family>[a-z0-9]+)-)?custom-(?P<cpu>\d+)-(?P<mb>\d+)(?P<ext>-ext)?$")


def instance_family(machine_type: str) -> str:
    """a3-highgpu-8g -> a3; n2-custom-8-32768 -> n2; custom-4-15360 -> n1 (custom types
    without a series are N1); ct5p-hightpu-4t -> ct5p."""
    m = _CUSTOM.match(machine_type)
    if m:
        return m.group("family") or "n1"
    return machine_type.split("-", 1)[0]


def custom_shape(machine_type: str) -> tuple[str, int, Decimal, bool] | None:
    """(series, vCPUs, memory GB, extended memory) of a custom machine type, else None."""
    m = _CUSTOM.match(machine_type)
    if not m:
        return None
    return (m.group("family") or "n1", int(m.group("cpu")),
            Decimal(m.group("mb")) / 1024, m.group("ext") is not None)


def google_machine(machine_type: str) -> Machine:
    return Machine("google", machine_type, family=instance_family(machine_type))


def bundles_gpus(machine_type: str) -> bool:
    return instance_family(machine_type) in BUNDLED_GPU_FAMILIES


# guest_accelerator types -> (model, short label, memory GB per device): the names GPU
# totals and policies use (the same models as other clouds' hardware rows).
GPU_TYPES: dict[str, tuple[str, str, Decimal | None]] = {
    "nvidia-tesla-k80": ("NVIDIA K80", "K80", Decimal(12)),
    "nvidia-tesla-p4": ("NVIDIA P4", "P4", Decimal(8)),
    "nvidia-tesla-p100": ("NVIDIA P100", "P100", Decimal(16)),
    "nvidia-tesla-v100": ("NVIDIA V100", "V100", Decimal(16)),
    "nvidia-tesla-t4": ("NVIDIA T4", "T4", Decimal(16)),
    "nvidia-l4": ("NVIDIA L4", "L4", Decimal(24)),
    "nvidia-tesla-a100": ("NVIDIA A100 40GB", "A100 40GB", Decimal(40)),
    "nvidia-a100-80gb": ("NVIDIA A100 80GB", "A100 80GB", Decimal(80)),
    "nvidia-h100-80gb": ("NVIDIA H100", "H100", Decimal(80)),
    "nvidia-h100-mega-80gb": ("NVIDIA H100", "H100", Decimal(80)),
    "nvidia-h200-141gb": ("NVIDIA H200", "H200", Decimal(141)),
    "nvidia-b200": ("NVIDIA B200", "B200", None),
    "nvidia-gb200": ("NVIDIA GB200", "GB200", None),
    "nvidia-rtx-pro-6000": ("NVIDIA RTX PRO 6000", "RTX PRO 6000", None),
}


def gpu_accelerator(gpu_type: str) -> Accelerator:
    """One GPU of `gpu_type`; a type nobody knows (a placeholder) still counts as one
    GPU, named by its type."""
    model, label, memory = GPU_TYPES.get(gpu_type, (gpu_type, gpu_type, None))
    vendor = "NVIDIA" if gpu_type in GPU_TYPES else "unknown"
    return Accelerator("gpu", vendor, model, label, 1, memory)


# --- TPUs ---------------------------------------------------------------------------

# TensorCores per chip by TPU version: accelerator types `v2-8`, `v3-8`, `v4-8`, `v5p-8`
# count TensorCores (two per chip); `v5litepod-8` and `v6e-8` count chips.
_CORES_PER_CHIP = {"v2": 2, "v3": 2, "v4": 2, "v5p": 2, "v5e": 1, "v6e": 1}
_VERSION_ALIASES = {"v5litepod": "v5e", "v5lite": "v5e"}
# GKE TPU machine types: ct5lp-hightpu-4t (v5e), ct5p-hightpu-4t (v5p), ct4p-hightpu-4t
# (v4), ct6e-standard-4t (v6e): the last number is chips per node.
_TPU_MACHINE = re.compile(r"^ct(?P<gen>\d)(?P<kind>lp|p|e)?-[a-z]+-(?P<chips>\d+)t$")
_TPU_MACHINE_VERSION = {("5", "lp"): "v5e", ("5", "p"): "v5p", ("4", "p"): "v4",
                        ("6", "e"): "v6e", ("3", None): "v3", ("2", None): "v2"}


@dataclass(frozen=True, slots=True)
class TpuSlice:
    version: str  # "v5p"
    chips: int
    accelerator_type: str  # as written: "v5p-8", "ct5p-hightpu-4t"


def tpu_slice(accelerator_type: str) -> TpuSlice | None:
    """`v5p-8` -> 4 v5p chips; `v5litepod-16` -> 16 v5e chips; None if not understood."""
    text = accelerator_type.strip().lower()
    m = re.match(r"^(v\d+(?:p|e|litepod|lite)?)-(\d+)$", text)
    if not m:
        return None
    version = _VERSION_ALIASES.get(m.group(1), m.group(1))
    cores = _CORES_PER_CHIP.get(version)
    n = int(m.group(2))
    if cores is None or n == 0 or n % cores:
        return None
    return TpuSlice(version, n // cores, accelerator_type)


def tpu_machine_chips(machine_type: str) -> TpuSlice | None:
    """A GKE TPU machine type's chips per node: `ct5p-hightpu-4t` -> 4 v5p chips."""
    m = _TPU_MACHINE.match(machine_type)
    if not m:
        return None
    version = _TPU_MACHINE_VERSION.get((m.group("gen"), m.group("kind")))
    if version is None:
        return None
    return TpuSlice(version, int(m.group("chips")), machine_type)


def tpu_accelerator(version: str) -> Accelerator:
    """One TPU chip."""
    return Accelerator("tpu", "Google", f"Google TPU {version}", f"TPU {version}", 1)


# --- machines named by configurations ------------------------------------------------


def _spot(view: SideView, *root: str | int) -> bool:
    preemptible, _ = soft(view.get, *root, "scheduling", 0, "preemptible")
    model, _ = soft(view.get, *root, "scheduling", 0, "provisioning_model")
    return preemptible is True or str(model).upper() == "SPOT"


def _template(view: SideView) -> Launchable:
    mtype, why = soft(view.get, "machine_type")
    if not isinstance(mtype, str) or not mtype:
        return Launchable(unknown=why is not None)
    return Launchable((google_machine(mtype),),
                      purchase_options=("spot" if _spot(view) else "on_demand",))


READERS: dict[str, MachineReader] = {
    "google_compute_instance_template": _template,
    "google_compute_region_instance_template": _template,
}
