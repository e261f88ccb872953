"""aws_instance and aws_spot_instance_request: one instance plus its EBS volumes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import (CostComponent, CostModel, Launchable, SideView, UnknownAttribute,
                          UsageField)
from .common import (OS_USAGE, PURCHASE_USAGE, VolumeSpec, bought, ec2_machine, instance_key,
                     machine_facts, purchase_option, read_tenancy, soft, usage_component,
                     volume_components, with_notes)
from .launch import launch_template_of, read_instance_volumes
from .network import public_ipv4

PURCHASE_LABEL = {"on_demand": "on-demand", "spot": "spot"}
BURSTABLE = frozenset({"t2", "t3", "t3a", "t4g"})
SURPLUS_CREDITS = UsageField("surplus_vcpu_hours", "vCPU-hours per month a burstable instance "
                                                   "in unlimited mode runs above its baseline")


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    region: str | None
    instance_type: str
    tenancy: str  # "shared" | "dedicated" | "host"
    purchase_option: str  # "on_demand" | "spot"
    volumes: tuple[VolumeSpec, ...]
    notes: tuple[str, ...] = ()
    public_ipv4: bool = False  # associate_public_ip_address set true
    cpu_credits: str | None = None  # burstable types: "unlimited" or "standard"
    explicit_unlimited: bool = False  # credit_specification says unlimited


def extract_instance(view: SideView) -> InstanceSpec:
    notes: list[str] = []
    has_template, template = launch_template_of(view)
    itype, why = soft(view.instance_type, "instance_type")
    if itype is None and template is not None and template.instance_type:
        # With a launch template the plan shows instance_type as known after apply.
        itype = template.instance_type
        notes.append(f"instance type from {template.source}")
    if itype is None:
        if has_template and template is None:
            raise UnknownAttribute(("launch_template",),
                                   "not resolvable: launch template not in this change")
        if template is not None:
            raise UnknownAttribute(("instance_type",), template.instance_type_why or "not set")
        raise UnknownAttribute(("instance_type",), "known after apply" if why else "not set")

    purchase = "on_demand"
    market, _ = soft(view.block, "instance_market_options")
    if market is not None:
        mtype, mwhy = soft(view.get, "instance_market_options", 0, "market_type")
        if mwhy:
            raise UnknownAttribute(("instance_market_options", 0, "market_type"))
        purchase = "spot" if str(mtype).lower() == "spot" else "on_demand"
    elif template is not None:
        purchase = template.purchase_option

    tenancy, given = read_tenancy(view, "tenancy")
    if not given and template is not None:
        tenancy = template.tenancy
    volumes = read_instance_volumes(view)
    if template is not None and len(volumes) == 1 and volumes[0].volume_type is None:
        volumes = template.volumes  # the plan leaves the volumes to the template
    # Unset (known after apply) leaves it to the subnet's map_public_ip_on_launch: not priced.
    public, _ = soft(view.get, "associate_public_ip_address")
    return InstanceSpec(view.region, str(itype), tenancy, purchase, volumes, tuple(notes),
                        public is True, *cpu_credits(view, str(itype)))


def cpu_credits(view: SideView, instance_type: str) -> tuple[str | None, bool]:
    """The credit option of a burstable type (None: not burstable) and whether the
    configuration names it; the provider's default is unlimited for t3, t3a and t4g
    and standard for t2."""
    family = instance_type.split(".", 1)[0]
    if family not in BURSTABLE:
        return None, False
    given, _ = soft(view.get, "credit_specification", 0, "cpu_credits")
    if isinstance(given, str) and given:
        return given.lower(), given.lower() == "unlimited"
    return ("standard" if family == "t2" else "unlimited"), False


def extract_spot_request(view: SideView) -> InstanceSpec:
    spec = extract_instance(view)
    price, _ = soft(view.get, "spot_price")
    note = (f"spot_price {price} is a bid cap; priced at the catalog spot price"
            if price not in (None, "") else "priced at the catalog spot price")
    return replace(spec, purchase_option="spot", notes=spec.notes + (note,))


def instance_components(spec: InstanceSpec, usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    option, os = bought(usage, spec.purchase_option)
    label = PURCHASE_LABEL.get(option, option.replace("_", "-"))
    if os != "linux":
        label += f", {os}"
    compute = CostComponent(
        f"instance ({spec.instance_type}, {label})",
        instance_key(spec.region, spec.instance_type, spec.tenancy, option, os),
        "hour", "hour", Decimal(1),
        facts=machine_facts(ec2_machine(spec.instance_type), spec.region, option))
    out = [with_notes(compute, spec.notes)]
    if spec.cpu_credits == "unlimited" and (usage.get(SURPLUS_CREDITS.name) is not None
                                            or spec.explicit_unlimited):
        family = spec.instance_type.split(".", 1)[0]
        out.append(usage_component(
            "surplus CPU credits (unlimited)",
            PriceKey.of("aws", "ec2", "cpu_credits", spec.region, family=family, os=os),
            "vCPU-hour", usage, SURPLUS_CREDITS.name))
    if spec.public_ipv4:
        out.append(public_ipv4(spec.region))
    for vol in spec.volumes:
        out.extend(volume_components(vol, spec.region))
    return tuple(out)


def instance_launchable(view: SideView) -> Launchable:
    """The instance type (its own, else its launch template's) and market."""
    itype, why = soft(view.instance_type, "instance_type")
    if itype is None:
        try:
            _, template = launch_template_of(view)
        except UnknownAttribute:
            template = None
        itype = template.instance_type if template is not None else None
    if itype is None:
        return Launchable(unknown=why is not None)
    market, _ = soft(view.get, "instance_market_options", 0, "market_type")
    option = purchase_option(market) if isinstance(market, str) else "on_demand"
    return Launchable((ec2_machine(itype),), purchase_options=(option,))


def spot_request_launchable(view: SideView) -> Launchable:
    return replace(instance_launchable(view), purchase_options=("spot",))


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_instance", extract_instance, instance_components,
              (PURCHASE_USAGE, OS_USAGE, SURPLUS_CREDITS),
              note="instance hours plus root and EBS block device storage",
              launchable=instance_launchable),
    CostModel("aws_spot_instance_request", extract_spot_request, instance_components,
              note="always spot; spot_price is a bid cap, not the price",
              launchable=spot_request_launchable),
)
