"""Hardware conventions: instance families, and the machines named by the
configuration of resources no cost model declares them for.

Cost models declare machines themselves (`CostComponent.facts`,
`CostModel.launchable`), and a `Cloud` bundle declares readers for its types that
have no cost model of their own (`Cloud.configured_machines`: launch templates,
fleets); pricing attaches what they read to each side (`SideCost.launchable`).
`generic_machines` is the last resort for a resource nothing declared machines
for (a cloud without cost models yet, or a run that prices nothing, such as the
pre-commit tag hook): it reads the attribute names providers commonly use, and
leaves families to the machine's cloud. Neither loads a cost model.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..costs.base import SideView, soft
from ..model import Launchable, Machine

MachineReader = Callable[[SideView], Launchable]
AttrPath = tuple[str | int, ...]


def instance_family(instance_type: str) -> str:
    """p5.48xlarge -> p5; ml.p4d.24xlarge -> ml.p4d; a3-highgpu-8g -> a3."""
    if "." in instance_type:
        return instance_type.rsplit(".", 1)[0]
    if "-" in instance_type:
        return instance_type.split("-", 1)[0]
    return instance_type


def purchase_option(value: Any) -> str:
    """A market or capacity type as a purchase option: "SPOT" -> "spot", "ON_DEMAND" ->
    "on_demand"."""
    return str(value).strip().lower().replace("-", "_")


def attribute_machines(provider: str | None, paths: Sequence[AttrPath],
                       spot: Callable[[SideView], bool] = lambda view: False,
                       family: Callable[[str], str] | None = instance_family) -> MachineReader:
    """A reader of the machine types at `paths` (nested blocks in either shape) of
    `provider` (None: the resource's), named in families by `family` (None: left to
    the machine's cloud). The purchase option is `capacity_type` or the
    market type of `instance_market_options` when given, else spot when `spot(view)`,
    else on-demand."""
    def read(view: SideView) -> Launchable:
        types: list[str] = []
        unknown = False
        for path in paths:
            value, why = soft(view.get, *path)
            unknown = unknown or why is not None
            if isinstance(value, str) and value:
                types.append(value)
        owner = provider or view.change.provider
        machines = tuple(Machine(owner, t, family=family(t) if family else None)
                         for t in dict.fromkeys(types))
        capacity, capacity_why = soft(view.get, "capacity_type")
        market, _ = soft(view.get, "instance_market_options", 0, "market_type")
        if isinstance(capacity, str):
            options: tuple[str, ...] = (purchase_option(capacity),)
        elif isinstance(market, str):
            options = (purchase_option(market),)
        elif spot(view):
            options = ("spot",)
        else:
            options = ("on_demand",) if machines else ()
        return Launchable(machines, purchase_options=options, unknown=unknown and not machines,
                          options_unknown=capacity_why is not None and not options)
    return read


def generic_spot(view: SideView) -> bool:
    """Spot by the names providers use: a spot type (`aws_spot_instance_request`), a
    bid (`spot_price`), Azure's `priority = "Spot"`, `spot = true`."""
    return ("_spot_" in view.change.type or bool(soft(view.get, "spot_price")[0])
            or soft(view.get, "priority")[0] == "Spot" or soft(view.get, "spot")[0] is True)


# Where resources nothing declares machines for commonly name a machine type.
GENERIC_PATHS: tuple[AttrPath, ...] = (
    ("instance_type",), ("machine_type",), ("vm_size",), ("size",), ("node_type",),
    ("resource_config", 0, "instance_type"), ("node_config", 0, "machine_type"))

generic_machines: MachineReader = attribute_machines(None, GENERIC_PATHS, generic_spot,
                                                    family=None)
