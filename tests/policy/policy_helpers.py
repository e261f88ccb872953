"""Hand-built model values for policy unit tests (no reader, no catalog)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from engine.model import (ComponentFacts, Machine, PricedComponent, ResourceChange, ResourceCost,
                          SideCost)
from engine.policy.subject import Subject
from engine.policy.taggable import load_taggable
from engine.policy.world import World


def change(rtype: str = "aws_instance", name: str = "x", *, action: str = "create",
           after: Mapping[str, Any] | None = None, before: Mapping[str, Any] | None = None,
           tags: Mapping[str, str] | None = None, tags_before: Mapping[str, str] | None = None,
           unknown: tuple[tuple[Any, ...], ...] = (), unknown_tags: tuple[str, ...] = (),
           depends_on: tuple[str, ...] = (), module_path: tuple[str, ...] = ()) -> ResourceChange:
    if after is None and action != "delete":
        after = {}
    prefix = ".".join(module_path) + "." if module_path else ""
    return ResourceChange(address=f"{prefix}{rtype}.{name}", type=rtype, name=name,
                          provider=rtype.split("_", 1)[0], action=action,  # type: ignore[arg-type]
                          before=before, after=after, tags_after=tags, tags_before=tags_before,
                          unknown_paths=frozenset(unknown), unknown_tag_keys=frozenset(unknown_tags),
                          depends_on=depends_on, module_path=module_path, region="us-east-1")


def side(hourly: str | None = None, *, gpus: Mapping[str, int] | None = None,
         gpus_known: bool = True, instances: tuple[tuple[str, str], ...] = (),
         status: str = "priced") -> SideCost:
    """A side whose components are EC2 instances: (instance type, purchase option) pairs."""
    h = Decimal(hourly) if hourly is not None else None
    comps = tuple(PricedComponent(name="instance", unit="hour", per="hour", quantity=Decimal(1),
                                  unit_price=h, hourly=h, monthly=h * 730 if h is not None else None,
                                  status="priced", price_key=ec2_key(t, o),
                                  facts=ComponentFacts(Machine("aws", t), o, "us-east-1"))
                  for t, o in instances)
    return SideCost(status=status, hourly=h, monthly=h * 730 if h is not None else None,  # type: ignore[arg-type]
                    components=comps, gpus=dict(gpus or {}), gpus_known=gpus_known)


def cost(ch: ResourceChange, after: SideCost | None = None, before: SideCost | None = None,
         run_hours: str | None = None) -> ResourceCost:
    if after is None and ch.after is not None:
        after = side()
    if before is None and ch.before is not None:
        before = side()
    return ResourceCost(change=ch, status="priced", before=before, after=after,
                        run_hours=Decimal(run_hours) if run_hours else None)


def subject(rc: ResourceCost, *others: ResourceCost, env: str | None = None) -> Subject:
    world = World.build((rc, *others), load_taggable(), env)
    return world.by_address[rc.change.address]


def ec2_key(itype: str, option: str = "on_demand") -> str:
    return f"aws/ec2/instance[instance_type={itype},os=linux,tenancy=shared]@us-east-1:{option}"
