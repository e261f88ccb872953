"""How AWS names machines: EC2 types, SageMaker's `ml.*` (the EC2 hardware behind
it), families, and the machines AWS types without a cost model of their own name in
their configuration (launch templates and configurations, priced on the groups that
use them; endpoint configurations, priced on their endpoints; fleets).

Light on purpose: the bundle imports it without loading any cost model. Policies
judge these machines; the cost models declare their own (`CostModel.launchable`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...costs.base import Launchable, Machine, SideView
from ...costs.base import soft
from ..hardware import MachineReader, attribute_machines, generic_spot, instance_family

__all__ = ["READERS", "alternatives", "ec2_machine", "instance_family", "sagemaker_machine",
           "variant_machines"]


def ec2_machine(instance_type: str, weight: Decimal | None = None) -> Machine:
    return Machine("aws", instance_type, weight=weight, family=instance_family(instance_type))


def sagemaker_machine(instance_type: str) -> Machine:
    """SageMaker's `ml.X` runs EC2's `X`: its hardware facts are `X`'s."""
    hardware = instance_type[3:] if instance_type.startswith("ml.") else None
    return Machine("aws", instance_type, hardware, family=instance_family(instance_type))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _objects(value: Any) -> list[dict[str, Any]]:
    """A block list, or one block as an object (either shape of `engine.model`)."""
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def alternatives(machines: list[Machine]) -> Launchable:
    """Machines a group launches one or another of (a choice only when they differ)."""
    choice = len({m.instance_type for m in machines}) > 1
    return Launchable(tuple(machines), choice, ("on_demand",) if machines else ())


def variant_machines(cfg: SideView) -> Launchable:
    """The instance types of an endpoint configuration's production variants (it runs
    every one)."""
    variants, _ = soft(cfg.get, "production_variants")
    return Launchable(tuple(sagemaker_machine(t) for v in _objects(variants)
                            if (t := _text(v.get("instance_type")))))


def _endpoint_configuration(view: SideView) -> Launchable:
    found = variant_machines(view)
    return Launchable(found.machines, purchase_options=("on_demand",) if found.machines else ())


def _fleet(override: str) -> MachineReader:
    """aws_ec2_fleet (`override`) and aws_spot_fleet_request (`overrides`): the
    launch template overrides it chooses among."""
    def read(view: SideView) -> Launchable:
        configs, _ = soft(view.get, "launch_template_config")
        machines = [ec2_machine(t) for cfg in _objects(configs)
                    for o in _objects(cfg.get(override)) if (t := _text(o.get("instance_type")))]
        found = alternatives(machines)
        return Launchable(found.machines, found.choice,
                          ("spot",) if generic_spot(view) else found.purchase_options)
    return read


# Types without a cost model of their own -> reader of the machines they name.
READERS: dict[str, MachineReader] = {
    # instance_type, and the market type of instance_market_options
    "aws_launch_template": attribute_machines("aws", (("instance_type",),)),
    "aws_launch_configuration": attribute_machines("aws", (("instance_type",),), generic_spot),
    "aws_sagemaker_endpoint_configuration": _endpoint_configuration,
    "aws_ec2_fleet": _fleet("override"),
    "aws_spot_fleet_request": _fleet("overrides"),
}
