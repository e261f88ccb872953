"""Facts a cost model declares about a cost component: machines and accelerators.

Part of the canonical model (re-exported by `engine.model`); kept apart so the
model module stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True, slots=True)
class Accelerator:
    """Accelerators a cost component brings per unit of its quantity (per instance,
    per node, per attached card): GPUs, TPU chips, Trainium/Inferentia chips, Gaudi cards."""

    kind: str  # "gpu" | "tpu" | "trainium" | "inferentia" | "gaudi" | ...
    vendor: str  # "NVIDIA", "AWS", "Google", "Habana"
    model: str  # "NVIDIA H100": the name GPU totals are keyed by
    label: str  # "H100": the short name tables show
    count: int  # devices per unit
    memory_gb: Decimal | None = None  # per device


@dataclass(frozen=True, slots=True)
class Machine:
    """A machine type a component runs (or may launch), and where its hardware facts are.

    `hardware` names the catalog's hardware type when it differs from the billed
    name (SageMaker's `ml.p5.48xlarge` runs a `p5.48xlarge`); facts are looked up
    by (provider, hardware type). `weight` is the capacity units one instance
    counts for in a group that weights its alternatives (None: 1). `family` is
    set by whoever names the machine, by its cloud's rule (`Cloud.instance_family`).
    """

    provider: str  # "aws"
    instance_type: str  # as billed and as policies name it: "ml.g5.xlarge"
    hardware: str | None = None
    weight: Decimal | None = None
    family: str | None = None  # "p5", "ml.p4d"; None: the instance type itself

    @property
    def hardware_type(self) -> str:
        return self.hardware or self.instance_type


Scope = Literal["regional", "global"]


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """What a cost model declares a component to be, for GPU totals and policies.

    Declared once, by the cost model, next to the price key (which stays a string
    in output). `machine` is what the quantity counts (instances, nodes); its
    accelerators come from the catalog's hardware facts. `accelerators` are
    brought explicitly (a guest GPU, a TPU slice); on a `PricedComponent` they are
    the resolved total per unit (explicit plus the machine's). `alternatives` are
    the other machine types a group may launch instead (policies judge them all).
    """

    machine: Machine | None = None
    purchase_option: str | None = None  # "on_demand", "spot", ...: set for machines
    region: str | None = None
    accelerators: tuple[Accelerator, ...] = ()
    alternatives: tuple[Machine, ...] = ()
    # Whether the hardware facts of `machine` were found (priced components only).
    hardware_known: bool = True


NO_FACTS = ComponentFacts()


@dataclass(frozen=True, slots=True)
class Launchable:
    """The machine types a resource's configuration says it may run, read whether or
    not its cost is known (a launch template, an endpoint configuration, a group
    whose count is unknown). Policies judge every one of them.

    `choice`: a group launches one or another of `machines` (mixed-instances
    overrides, a node group's instance_types), so a quota counts the most GPUs any
    of them gives; otherwise it runs all of them (an endpoint's variants).
    `unknown`: the machine types are known only after apply.
    """

    machines: tuple[Machine, ...] = ()
    choice: bool = False
    purchase_options: tuple[str, ...] = ()
    unknown: bool = False
    options_unknown: bool = False  # the purchase option is known only after apply
