"""Price a ChangeSet: cost components -> catalog lookups -> ResourceCost (Decimal).

This is the one place where prices are looked up, and where the hardware facts
of the machines components declare are read from the catalog: accelerators are
summed from the components' facts, whatever their service. A missing price, an
unknown quantity or missing usage is carried as a status with a reason and never
becomes $0.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from .costs.base import CostComponent, CostModel, CostRegistry, SideView, UnknownAttribute
from .model import (HOURS_PER_MONTH, Accelerator, ComponentFacts, CostStatus, Estimate,
                    Launchable, Machine, PricedComponent, ResourceChange, ResourceCost, SideCost)
from .usage import Usage

ZERO = Decimal(0)
_FREE_SIDE = SideCost(status="free", hourly=ZERO, monthly=ZERO)
_UNSUPPORTED_SIDE = SideCost(status="unsupported", hourly=None, monthly=None, gpus_known=False,
                             reasons=("no cost model for this resource type",))
# Worst first: a resource takes the worst status of its sides.
_STATUS_ORDER: tuple[CostStatus, ...] = ("unknown", "unpriced", "unsupported", "usage-needed",
                                         "priced", "free")
_BEFORE_ACTIONS = ("update", "delete", "replace", "no-op")
_AFTER_ACTIONS = ("create", "update", "replace", "no-op")


def estimate(changeset: Any, *, catalog: Any, usage: Usage,
             registry: CostRegistry | None = None) -> Estimate:
    if registry is None:
        from .costs.registry import builtin_registry
        registry = builtin_registry()
    changes = tuple(c for c in changeset.changes if c.mode == "managed") + usage.transfers
    usage_warnings = usage.check_matches(changes, registry)
    if usage_warnings:
        changeset = dataclasses.replace(changeset,
                                        warnings=tuple(changeset.warnings) + usage_warnings)
    pricer = _Pricer(catalog, registry, usage, changes)
    resources = tuple(pricer.resource_cost(c) for c in changes)
    return Estimate(changeset=changeset, resources=resources, catalog=catalog.info,
                    currency=catalog.info.currency)


def _block_of(address: str) -> str:
    """`module.m[0].aws_x.y["k"]` -> `module.m[0].aws_x.y` (the instance key dropped)."""
    return address[:address.rindex("[")] if address.endswith("]") else address


class _Related:
    """Finds the resources a change refers to (launch templates, endpoint configs)."""

    def __init__(self, changes: Sequence[ResourceChange]) -> None:
        self.by_address = {c.address: c for c in changes}
        self.by_type: dict[str, list[ResourceChange]] = {}
        self.by_block: dict[str, list[ResourceChange]] = {}
        for c in changes:
            self.by_type.setdefault(c.type, []).append(c)
            if c.address.endswith("]"):
                self.by_block.setdefault(_block_of(c.address), []).append(c)
        self._by_identifier: dict[tuple[str, str], dict[str, list[ResourceChange]]] = {}
        self._dependents: dict[tuple[str, ...], dict[str, set[str]]] = {}

    def dependents(self, types: tuple[str, ...]) -> dict[str, set[str]]:
        """address it depends on -> addresses of the resources of `types` that do,
        built once per type tuple (a scan per carried resource is quadratic)."""
        types = tuple(types)
        if types not in self._dependents:
            index: dict[str, set[str]] = {}
            for t in types:
                for c in self.by_type.get(t, ()):
                    for address in c.depends_on:
                        index.setdefault(address, set()).add(c.address)
            self._dependents[types] = index
        return self._dependents[types]

    def find(self, change: ResourceChange, side: str, resource_type: str,
             ref_attr: str) -> list[ResourceChange]:
        attrs = change.side(side) or {}  # type: ignore[arg-type]
        wanted = set(_strings(_dig(attrs, ref_attr.split("."))))
        if wanted:
            index = self._identifier_index(resource_type, side)
            named = [c for value in sorted(wanted) for c in index.get(value, ())]
            if named:
                return list({c.address: c for c in named}.values())
        # A dependency names an instance, or a whole block (`aws_x.y` for every
        # `aws_x.y[i]`: the HCL reader's references, a splat such as `aws_x.y.*.id`).
        found = {c.address: c for a in change.depends_on
                 for c in ([self.by_address[a]] if a in self.by_address
                           else self.by_block.get(a, ()))
                 if c.type == resource_type}
        return list(found.values())

    def _identifier_index(self, resource_type: str, side: str) -> dict[str, list[ResourceChange]]:
        """id/name/arn -> resources of that type, built once per (type, side)."""
        key = (resource_type, side)
        if key not in self._by_identifier:
            index: dict[str, list[ResourceChange]] = {}
            for c in self.by_type.get(resource_type, ()):
                for value in _identifiers(c.side(side)):  # type: ignore[arg-type]
                    index.setdefault(value, []).append(c)
            self._by_identifier[key] = index
        return self._by_identifier[key]


class _Pricer:
    def __init__(self, catalog: Any, registry: CostRegistry, usage: Usage,
                 changes: Sequence[ResourceChange]) -> None:
        self.catalog = catalog
        self.registry = registry
        self.usage = usage
        self.related = _Related(changes)
        self._hardware: dict[tuple[str, str], tuple[Accelerator, ...] | None] = {}
        self._sides: dict[Any, SideCost] = {}

    def resource_cost(self, change: ResourceChange) -> ResourceCost:
        usage = self.usage.for_resource(change.address, change.type)
        has_before = change.action in _BEFORE_ACTIONS and change.before is not None
        has_after = change.action in _AFTER_ACTIONS and change.after is not None
        if self.registry.is_free(change.type):
            before = _FREE_SIDE if has_before else None
            after = _FREE_SIDE if has_after else None
            if change.type in self.registry.carried_by:
                note = self.carried_note(change)
                side = SideCost(status="free", hourly=ZERO, monthly=ZERO, reasons=(note,))
                before, after = (side if has_before else None), (side if has_after else None)
        else:
            model = self.registry.get(change.type)
            if model is None:
                before = _UNSUPPORTED_SIDE if has_before else None
                after = _UNSUPPORTED_SIDE if has_after else None
            else:
                before = self.side_cost(model, change, "before", usage) if has_before else None
                if has_after and change.action == "no-op" and before is not None:
                    after = before  # unchanged attributes: same cost
                else:
                    after = self.side_cost(model, change, "after", usage) if has_after else None
        read = self.registry.configured_machines.get(change.type)
        if read is not None:
            before = self._with_machines(read, change, "before", before)
            after = self._with_machines(read, change, "after", after)
        sides = [s for s in (before, after) if s is not None]
        status = min((s.status for s in sides), key=_STATUS_ORDER.index) if sides else "free"
        return ResourceCost(change=change, status=status, before=before, after=after,
                            run_hours=usage.get("run_hours"))

    def _with_machines(self, read: Any, change: ResourceChange, side: str,
                       cost: SideCost | None) -> SideCost | None:
        """`cost` with the machines a type without a cost model names (its cloud's reader)."""
        attrs = change.side(side)  # type: ignore[arg-type]
        if cost is None or attrs is None:
            return cost
        view = SideView(change, side, attrs, change.region, self._find_related,  # type: ignore[arg-type]
                        self._find_peers)
        return dataclasses.replace(cost, launchable=_read_machines(read, view))

    def carried_note(self, change: ResourceChange) -> str:
        """Which resources carry the cost of a launch template or endpoint configuration."""
        carriers = self.registry.carried_by[change.type]
        dependents = self.related.dependents(carriers)
        users = sorted(dependents.get(change.address, set())
                       | dependents.get(_block_of(change.address), set()))
        if users:
            shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3
                                             else "")
            return f"priced on {shown}"
        return ("no cost by itself; priced on the " + " or ".join(carriers)
                + " that uses it (none in this change refers to it)")

    def side_cost(self, model: CostModel, change: ResourceChange, side: str,
                  usage: Mapping[str, Decimal]) -> SideCost:
        attrs = change.side(side)  # type: ignore[arg-type]
        view = SideView(change, side, attrs or {}, change.region, self._find_related,  # type: ignore[arg-type]
                        self._find_peers)
        launchable = _launchable(model, view)
        try:
            spec = model.extract(view)
        except UnknownAttribute as exc:
            return SideCost(status="unknown", hourly=None, monthly=None, gpus_known=False,
                            reasons=(str(exc),), launchable=launchable)
        hours = usage.get("hours_per_month", HOURS_PER_MONTH)
        try:
            # the launchable machines are part of the result (read from the view)
            cache_key: Any = (model.resource_type, spec, tuple(sorted(usage.items())),
                              launchable)
            hash(cache_key)
        except TypeError:
            cache_key = None
        if cache_key is not None and cache_key in self._sides:
            return self._sides[cache_key]
        components = model.components(spec, usage)
        refresh = self.registry.catalog_refresh.get(model.resource_type)
        result = self._combine([self._price(c, hours, refresh) for c in components])
        if launchable is not None:
            result = dataclasses.replace(result, launchable=launchable)
        if cache_key is not None:
            self._sides[cache_key] = result
        return result

    def _find_related(self, change: ResourceChange, resource_type: str,
                      ref_attr: str) -> list[SideView]:
        views = []
        for side in ("after", "before"):
            for other in self.related.find(change, side, resource_type, ref_attr):
                attrs = other.side(side)  # type: ignore[arg-type]
                if attrs is not None:
                    views.append(SideView(other, side, attrs, other.region, self._find_related,  # type: ignore[arg-type]
                                          self._find_peers))
            if views:
                break
        return views

    def _find_peers(self, resource_type: str, side: str) -> list[SideView]:
        """Every resource of `resource_type` that has `side` (the model filters them)."""
        out = []
        for other in self.related.by_type.get(resource_type, ()):
            attrs = other.side(side)  # type: ignore[arg-type]
            if attrs is not None:
                out.append(SideView(other, side, attrs, other.region, self._find_related,  # type: ignore[arg-type]
                                    self._find_peers))
        return out

    def _price(self, component: CostComponent, hours: Decimal,
               refresh: str | None = None) -> PricedComponent:
        key = component.key
        facts = self._facts(component)
        base = dict(name=component.name, unit=component.unit, per=component.per,
                    quantity=component.quantity, quantity_low=component.quantity_low,
                    price_key=str(key), facts=facts)
        if component.quantity is None:
            status = "unknown" if component.missing == "unknown" else "usage-needed"
            return PricedComponent(**base, unit_price=None, hourly=None, monthly=None,
                                   status=status, reason=component.reason)  # type: ignore[arg-type]
        if key.region is None and component.scope == "regional":
            return PricedComponent(**base, unit_price=None, hourly=None, monthly=None,
                                   status="unknown",
                                   reason="region unknown (set it in the provider or pass --region)")  # type: ignore[arg-type]
        price = self.catalog.lookup(key)
        if price is None:
            reason = self.catalog.explain_missing(
                key, facts.hardware_known if facts.machine is not None else None)
            if refresh is not None and self.catalog.unavailable_reason(key) is None:
                reason += " (" + refresh_command(refresh, key.region) + ")"
            return PricedComponent(**base, unit_price=None, hourly=None, monthly=None,
                                   status="unpriced", reason=reason)  # type: ignore[arg-type]
        hourly, monthly = _figures(price, component.quantity, component.per, hours)
        band: dict[str, Any] = {}
        low_quantity = component.quantity_low
        if price.price_range is not None or low_quantity is not None:
            hourly_low, monthly_low = (hourly, monthly) if low_quantity is None else \
                _figures(price, low_quantity, component.per, hours)
            if price.price_range is not None:  # an estimated band: untiered, so it scales
                low, high = price.price_range
                share = low / high if high else Decimal(0)
                hourly_low, monthly_low = hourly_low * share, monthly_low * share
                band["unit_price_range"] = price.price_range
            band.update(hourly_low=hourly_low, monthly_low=monthly_low)
        return PricedComponent(**base, unit_price=price.price, hourly=hourly, monthly=monthly,  # type: ignore[arg-type]
                               status="priced", price_source=price.book or price.source,
                               price_as_of=price.as_of, price_estimated=price.estimated,
                               reason=component.reason, **band)

    def _facts(self, component: CostComponent) -> ComponentFacts:
        """The component's facts with its accelerators resolved: those it brings plus
        its machine's, from the catalog's hardware facts (`hardware_known` False when
        the catalog has none for the machine)."""
        facts = component.facts
        machine = facts.machine
        if machine is None:
            return facts
        hardware = self.hardware(machine)
        accelerators = facts.accelerators + (hardware or ())
        return dataclasses.replace(facts, accelerators=accelerators,
                                   hardware_known=hardware is not None)

    def hardware(self, machine: Machine) -> tuple[Accelerator, ...] | None:
        """Accelerators of one `machine` per the catalog (None: no hardware facts)."""
        ref = (machine.provider, machine.hardware_type)
        if ref not in self._hardware:
            self._hardware[ref] = accelerators_of(self.catalog.instance(*ref))
        return self._hardware[ref]

    def _combine(self, priced: list[PricedComponent]) -> SideCost:
        statuses = {p.status for p in priced}
        reasons = tuple(dict.fromkeys(f"{p.name}: {p.reason}" for p in priced
                                      if p.status != "priced" and p.reason))
        gpus, gpus_known = _gpus(priced)
        if not priced:
            return SideCost(status="free", hourly=ZERO, monthly=ZERO, gpus=gpus,
                            gpus_known=gpus_known)
        known = [p for p in priced if p.status == "priced"]
        # A missing price is never estimated: the priced components are the known
        # part, a lower bound, as for a size known only after apply.
        status: CostStatus = ("unpriced" if "unpriced" in statuses
                              else "unknown" if "unknown" in statuses
                              else "usage-needed" if "usage-needed" in statuses else "priced")
        complete = not statuses & {"unknown", "unpriced"}
        if not known:  # nothing priced: unknown or depends on usage, never $0
            return SideCost(status=status, hourly=None, monthly=None, components=tuple(priced),
                            gpus=gpus, gpus_known=gpus_known, reasons=reasons, complete=complete)
        band: dict[str, Decimal] = {}
        if any(p.hourly_low is not None for p in known):
            band = {f"{w}_low": sum((getattr(p, w) if p.hourly_low is None
                                     else getattr(p, f"{w}_low") for p in known), ZERO)
                    for w in ("hourly", "monthly")}
        return SideCost(status=status, hourly=sum((p.hourly for p in known), ZERO),  # type: ignore[misc]
                        monthly=sum((p.monthly for p in known), ZERO),  # type: ignore[misc]
                        components=tuple(priced), gpus=gpus, gpus_known=gpus_known,
                        reasons=reasons, complete=complete, **band)



def _figures(price: Any, quantity: Decimal, per: str, hours: Decimal) -> tuple[Decimal, Decimal]:
    """(hourly, monthly) of `quantity` at `price`, per hour or per month."""
    if per == "hour":
        hourly = price.cost(quantity)
        return hourly, hourly * hours
    monthly = price.cost(quantity)
    return monthly / HOURS_PER_MONTH, monthly


def refresh_command(cloud: str, region: str | None) -> str:
    """The command that fills a missing bundled price from the cloud's price API."""
    return f"costwarden catalog refresh {cloud}" + (f" --regions {region}" if region else "")


def _launchable(model: CostModel, view: SideView) -> Launchable | None:
    """The machines the model reads this side may run (None: it declares none)."""
    return None if model.launchable is None else _read_machines(model.launchable, view)


def _read_machines(read: Any, view: SideView) -> Launchable:
    try:
        return read(view)
    except UnknownAttribute:
        return Launchable(unknown=view.side == "after")


def accelerators_of(info: Any) -> tuple[Accelerator, ...] | None:
    """The accelerators of catalog hardware facts (`InstanceInfo`); None for no facts."""
    if info is None:
        return None
    if not info.gpu_count or not info.gpu_model:
        return ()
    return (Accelerator(info.accelerator_kind or "gpu", info.accelerator_vendor or "",
                        info.gpu_model, info.accelerator_label or info.gpu_model,
                        info.gpu_count, info.gpu_memory_gb),)


def _gpus(priced: Iterable[PricedComponent]) -> tuple[dict[str, int], bool]:
    """Accelerator model -> devices over the components, and whether that is known: a
    machine without hardware facts, or with accelerators and an unknown count, is not."""
    gpus: dict[str, int] = {}
    known = True
    for p in priced:
        facts = p.facts
        if p.quantity is None or not facts.hardware_known:
            known = known and facts.hardware_known and not facts.accelerators
            continue
        for acc in facts.accelerators:
            gpus[acc.model] = gpus.get(acc.model, 0) + int(acc.count * p.quantity)
    return gpus, known


def _dig(node: Any, path: list[str]) -> Any:
    for part in path:
        if isinstance(node, list):
            node = [n.get(part) for n in node if isinstance(n, dict)]
            node = [x for x in node if x is not None]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _identifiers(attrs: Mapping[str, Any] | None, clouds: Any = None) -> set[str]:
    """The values other resources may refer to this one by: its cloud bundles'
    identifier attributes (`Cloud.id_attributes`; default: the built-in bundles)."""
    if not attrs:
        return set()
    from .clouds import id_attributes

    return {v for k in id_attributes(clouds) if isinstance(v := attrs.get(k), str)}
