"""aws_eks_node_group: desired nodes × the first instance type, plus node disks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Mapping

from ...costs.base import CostComponent, CostModel, Launchable, SideView, UnknownAttribute
from .autoscaling import INSTANCES, fleet_components, read_count
from ...costs.numbers import SIZE_GB
from .common import (OS_USAGE, PURCHASE_USAGE, VolumeSpec, ec2_machine, purchase_option, soft,
                     text, unknown_volume)
from .launch import launch_template_of
from .machines import alternatives

DEFAULT_INSTANCE_TYPE = "t3.medium"  # EKS CreateNodegroup default without a launch template
# CreateNodegroup diskSize default: 20 GiB for Linux and Bottlerocket, 50 GiB for Windows.
DEFAULT_DISK_GB = Decimal(20)
DEFAULT_WINDOWS_DISK_GB = Decimal(50)
# The volume type of the launch template EKS generates is not in the plan; gp2 is assumed.
ASSUMED_DISK_TYPE = "gp2"


@dataclass(frozen=True, slots=True)
class NodeGroupSpec:
    region: str | None
    count: Decimal | None
    count_why: str | None
    instance_type: str
    purchase_option: str  # capacity_type SPOT -> "spot"
    volumes: tuple[VolumeSpec, ...]  # per node
    notes: tuple[str, ...] = ()


def _instance_types(view: SideView) -> tuple[list[str] | None, str | None]:
    value, why = soft(view.get, "instance_types")
    if why:
        return None, why
    if value is not None and not isinstance(value, list):
        raise view.bad_value(("instance_types",), TypeError(
            "instance_types must be a list of instance type strings"))
    types: list[str] = []
    for i, _t in enumerate(value or ()):
        itype, iwhy = soft(view.instance_type, "instance_types", i)
        if iwhy:
            return None, iwhy
        if itype is None:
            raise view.bad_value(("instance_types", i), TypeError(
                "instance_types entries must be instance type strings, not null"))
        if itype:
            types.append(itype)
    return types, None


def extract_node_group(view: SideView) -> NodeGroupSpec:
    notes: list[str] = []
    has_template, template = launch_template_of(view)
    types, types_why = _instance_types(view)
    if types:
        itype = types[0]
        if len(types) > 1:
            notes.append(f"priced as {itype}, the first of instance_types; others: "
                         + ", ".join(types[1:]))
    elif has_template:
        if template is None:
            raise UnknownAttribute(("launch_template",),
                                   "not resolvable: launch template not in this change")
        if template.instance_type is not None:
            itype = template.instance_type
            notes.append(f"instance type from {template.source}")
        elif template.instance_type_unset:
            # Neither instance_types nor the template names one: EKS launches its default.
            # instance_types is computed, so a plan shows it unknown when it is not set.
            itype = DEFAULT_INSTANCE_TYPE
            unset = ("instance_types known after apply (unset, or set from a computed value)"
                     if types_why else "instance_types not set")
            notes.append(f"{unset} and {template.source} sets no instance type: "
                         f"{DEFAULT_INSTANCE_TYPE} assumed, the EKS default")
        else:
            raise UnknownAttribute(("instance_types",), template.instance_type_why or "not set")
    elif types_why:
        raise UnknownAttribute(("instance_types",))
    else:
        itype = DEFAULT_INSTANCE_TYPE
        notes.append(f"instance_types not set: {DEFAULT_INSTANCE_TYPE}, the EKS default")

    ami, _ = soft(view.get, "ami_type")
    if str(ami or "").upper().startswith("WINDOWS"):
        notes.append("Windows nodes priced at the Linux rate (no Windows prices in the catalog)")
    capacity, _ = soft(view.get, "capacity_type")  # unset: ON_DEMAND (computed by EKS)
    purchase = "spot" if str(capacity).upper() == "SPOT" else "on_demand"

    count, count_why = read_count(view, ("scaling_config", 0, "desired_size"),
                                  ("scaling_config", 0, "min_size"),
                                  ("scaling_config", 0, "max_size"))
    if has_template:
        # With a launch template, disks come from it (disk_size must not be set).
        volumes = template.volumes if template else (
            unknown_volume("node disk", "launch template not in this change"),)
    else:
        volumes = (_node_disk(view),)
    return NodeGroupSpec(view.region, count, count_why, itype, purchase, volumes, tuple(notes))


def _node_disk(view: SideView) -> VolumeSpec:
    size, why = soft(view.number, "disk_size", kind=SIZE_GB)
    if size is not None:
        return VolumeSpec("node disk", ASSUMED_DISK_TYPE, size,
                          note=f"{ASSUMED_DISK_TYPE} assumed: the EKS-generated volume type "
                               "is not in the plan")
    ami, _ = soft(view.get, "ami_type")
    windows = str(ami or "").upper().startswith("WINDOWS")
    default = DEFAULT_WINDOWS_DISK_GB if windows else DEFAULT_DISK_GB
    return VolumeSpec("node disk", ASSUMED_DISK_TYPE, default,
                      note=f"disk_size {'known after apply' if why else 'not set'}: "
                           f"{default} GB (EKS default), {ASSUMED_DISK_TYPE} assumed")


def node_group_components(spec: NodeGroupSpec,
                          usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return fleet_components(spec.region, spec.instance_type, "shared", spec.count,
                            spec.count_why, spec.purchase_option, None, spec.volumes, usage,
                            spec.notes)


def node_group_launchable(view: SideView) -> Launchable:
    """instance_types (a node group launches one or another) and capacity_type."""
    types, why = soft(view.get, "instance_types")
    machines = [ec2_machine(t) for t in types if text(t)] if isinstance(types, list) else []
    found = alternatives(machines)
    capacity, capacity_why = soft(view.get, "capacity_type")
    if isinstance(capacity, str):
        found = replace(found, purchase_options=(purchase_option(capacity),))
    return replace(found, unknown=why is not None and not machines,
                   options_unknown=capacity_why is not None and not machines)


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_eks_node_group", extract_node_group, node_group_components,
              (INSTANCES, PURCHASE_USAGE, OS_USAGE),
              note="nodes × first instance type; the EKS control plane is aws_eks_cluster",
              launchable=node_group_launchable),
)
