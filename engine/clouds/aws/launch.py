"""What an instance is launched with: launch templates, launch configurations, block devices.

`aws_launch_template` and `aws_launch_configuration` cost nothing by themselves;
the instances, groups and node groups that use them read them through these
functions (`SideView.related`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from ...costs.base import SideView, UnknownAttribute
from .common import VolumeSpec, read_tenancy, read_volume, soft, text, unknown_volume

ROOT_FROM_AMI = "the root volume comes from the AMI: its size and type are not in the plan"


@dataclass(frozen=True, slots=True)
class LaunchSpec:
    """The priced part of a launch template or configuration."""

    source: str  # address of the template/configuration
    instance_type: str | None
    instance_type_why: str | None  # why instance_type is None, phrased after "... is"
    purchase_option: str  # "on_demand" | "spot"
    tenancy: str
    volumes: tuple[VolumeSpec, ...]
    notes: tuple[str, ...] = ()
    # instance_type is simply absent (not unknown, not chosen by instance_requirements):
    # the resource launching it decides (an EKS node group falls back to its default).
    instance_type_unset: bool = False


def read_instance_volumes(view: SideView) -> tuple[VolumeSpec, ...]:
    """root_block_device and ebs_block_device of an instance or launch configuration."""
    roots, why = soft(view.blocks, "root_block_device")
    if roots:
        vols = [read_volume(view, ("root_block_device", 0), "root")]
    else:
        # Every instance has a root volume; when the plan does not describe it
        # (unset, or known after apply) its cost is unknown, not zero.
        vols = [unknown_volume("root", why or ROOT_FROM_AMI)]
    # An unknown, empty ebs_block_device list means none configured: volumes the
    # AMI itself maps are not visible in a plan.
    extra, _ = soft(view.blocks, "ebs_block_device")
    for i, block in enumerate(extra or ()):
        label = text(block.get("device_name")) or f"ebs_block_device[{i}]"
        vols.append(read_volume(view, ("ebs_block_device", i), label))
    return tuple(vols)


def read_launch_template(view: SideView) -> LaunchSpec:
    notes: list[str] = []
    itype, why = soft(view.instance_type, "instance_type")
    if why:
        why = f"known after apply in {view.address}"
    elif itype is None:
        reqs, _ = soft(view.blocks, "instance_requirements")
        why = (f"chosen by instance_requirements in {view.address}" if reqs
               else f"not set in {view.address}")
    market, market_why = soft(view.block, "instance_market_options")
    purchase = "on_demand"
    if market is not None:
        mtype, mwhy = soft(view.get, "instance_market_options", 0, "market_type")
        if mwhy:
            notes.append(f"{mwhy}; on-demand assumed")
        elif str(mtype).lower() == "spot":
            purchase = "spot"
    tenancy, _ = read_tenancy(view, "placement", 0, "tenancy")
    unset = itype is None and why == f"not set in {view.address}"
    return LaunchSpec(view.address, itype, why, purchase, tenancy,
                      _template_volumes(view), tuple(notes), unset)


def _template_volumes(view: SideView) -> tuple[VolumeSpec, ...]:
    mappings, why = soft(view.blocks, "block_device_mappings")
    if why:
        return (unknown_volume("block devices", why),)
    if not mappings:
        return (unknown_volume("root", ROOT_FROM_AMI),)
    vols: list[VolumeSpec] = []
    for i, mapping in enumerate(mappings):
        if not mapping.get("ebs"):
            continue  # instance store or no_device: nothing billed separately
        label = text(mapping.get("device_name")) or f"block_device_mappings[{i}]"
        vols.append(read_volume(view, ("block_device_mappings", i, "ebs", 0), label))
    return tuple(vols)


def read_launch_configuration(view: SideView) -> LaunchSpec:
    itype, why = soft(view.instance_type, "instance_type")
    if why or itype is None:
        why = f"{'known after apply' if why else 'not set'} in {view.address}"
    spot_price, spot_why = soft(view.get, "spot_price")
    notes: list[str] = []
    if spot_why:
        notes.append(f"{spot_why}; on-demand assumed")
    purchase = "spot" if spot_price not in (None, "") else "on_demand"
    if purchase == "spot":
        notes.append(f"spot_price {spot_price} is a bid cap; priced at the catalog spot price")
    tenancy, _ = read_tenancy(view, "placement_tenancy")
    return LaunchSpec(view.address, itype, why, purchase, tenancy,
                      read_instance_volumes(view), tuple(notes))


def launch_template_of(view: SideView) -> tuple[bool, LaunchSpec | None]:
    """(has a launch_template block, the template read through `related` if found)."""
    block, _ = soft(view.block, "launch_template")
    if block is None:
        return False, None
    found = view.related("aws_launch_template", "launch_template")
    if not found:
        return True, None
    return True, pick_launch(view, found, "launch_template", "launch template",
                             read_launch_template)


def pick_launch(view: SideView, found: Sequence[SideView], ref_attr: str, what: str,
                read: Callable[[SideView], LaunchSpec]) -> LaunchSpec:
    """The launch spec a resource uses when its reference reaches several instances
    (`aws_launch_configuration.lc.*.id[count.index]`, `element(...lc.*.name, 0)`).

    Instances that launch the same thing are one answer. Otherwise the instance with
    the resource's own index is taken, and a note says so (the `[count.index]`
    pairing); with no such instance the choice is unknown, never a guess.
    """
    specs = [read(f) for f in found]
    if all(replace(s, source="") == replace(specs[0], source="") for s in specs[1:]):
        return specs[0]
    names = ", ".join(f.address for f in found)
    index = view.change.index
    same = [s for f, s in zip(found, specs) if index is not None and f.change.index == index]
    if len(same) == 1:
        note = (f"{what} {same[0].source} assumed: the reference reaches {len(found)} that "
                f"differ ({names}) and this one has the same index")
        return replace(same[0], notes=(*same[0].notes, note))
    raise UnknownAttribute((ref_attr,), f"ambiguous: the reference reaches {len(found)} "
                                        f"{what}s that differ ({names})")
