"""The loaded catalog: O(1) price lookup, hardware facts, provenance and explanations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Iterable, Mapping

from .keys import PURCHASE_OPTIONS, InstanceInfo, Price, PriceKey, accelerator_facts


# attribute -> catch-all value used when no record has the exact value
FALLBACK_VALUES: Mapping[str, str] = MappingProxyType({"destination": "other"})


@dataclass(frozen=True, slots=True)
class Source:
    """Where a group of prices comes from (one entry of a data file's `sources`)."""

    id: str
    title: str
    location: str
    as_of: str
    licence: str
    files: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    version: str  # content hash of the data files and price books
    as_of: str  # newest source date
    oldest_as_of: str
    currency: str = "USD"
    price_books: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StaleSource:
    source: str
    title: str
    as_of: str
    age_days: int
    files: tuple[str, ...]

    def __str__(self) -> str:
        return f"source {self.source} ({self.title}) is {self.age_days} days old (as of {self.as_of})"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A price that deliberately has no record, with the reason users are shown."""

    provider: str
    service: str
    product: str
    region: str | None  # None: every region
    attributes: tuple[tuple[str, str], ...]  # must all be present in the key
    purchase_option: str | None  # None: every purchase option
    reason: str

    def matches(self, key: PriceKey) -> bool:
        if (key.provider, key.service, key.product) != (self.provider, self.service, self.product):
            return False
        if self.region is not None and key.region != self.region:
            return False
        if self.purchase_option is not None and key.purchase_option != self.purchase_option:
            return False
        return all(key.attribute(name) == value for name, value in self.attributes)


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """Offline prices and hardware facts. Build it with `load_catalog()`."""

    _prices: Mapping[PriceKey, Price]
    _instances: Mapping[tuple[str, str], InstanceInfo]  # (provider, type) -> hardware facts
    _unavailable: tuple[Unavailable, ...]
    sources: tuple[Source, ...]
    info: CatalogInfo

    @classmethod
    def build(cls, prices: Mapping[PriceKey, Price],
              instances: Mapping[tuple[str, str], InstanceInfo],
              unavailable: Iterable[Unavailable], sources: Iterable[Source],
              info: CatalogInfo) -> "Catalog":
        return cls(MappingProxyType(dict(prices)), MappingProxyType(dict(instances)),
                   tuple(unavailable), tuple(sources), info)

    def __len__(self) -> int:
        return len(self._prices)

    def __repr__(self) -> str:
        return f"Catalog({len(self._prices)} prices, version={self.info.version})"

    def prices(self) -> Iterable[Price]:
        """Every price, in a stable order."""
        return (self._prices[k] for k in sorted(self._prices, key=_sort_key))

    def lookup(self, key: PriceKey) -> Price | None:
        """The price for this key, or None (report it as unpriced, never as $0).

        An attribute listed in `FALLBACK_VALUES` that has no exact record falls
        back to its catch-all value (a transfer to a region not listed is priced
        at the `other` rate).
        """
        price = self._prices.get(key)
        if price is not None or not key.attributes:
            return price
        for name, catch_all in FALLBACK_VALUES.items():
            value = key.attribute(name)
            if value is not None and value != catch_all:
                attrs = tuple((k, catch_all if k == name else v) for k, v in key.attributes)
                price = self._prices.get(dataclasses.replace(key, attributes=attrs))
                if price is not None:
                    return price
        return None

    def instance(self, provider: str, instance_type: str) -> InstanceInfo | None:
        """Hardware facts of `provider`'s machine type `instance_type`, or None."""
        return self._instances.get((provider, instance_type))

    def instance_types(self, provider: str | None = None) -> tuple[str, ...]:
        """Machine types with hardware facts (of one provider, or of all)."""
        return tuple(sorted(t for p, t in self._instances if provider in (None, p)))

    def accelerator_label(self, model: str) -> str:
        """The short name of an accelerator model ("NVIDIA H100" -> "H100"): a hardware
        row's, else by its vendor prefix, else the model itself."""
        for info in self._instances.values():
            if info.gpu_model == model and info.accelerator_label:
                return info.accelerator_label
        return accelerator_facts(model)[2] or model

    def unavailable_reason(self, key: PriceKey) -> str | None:
        for entry in self._unavailable:
            if entry.matches(key):
                return entry.reason
        return None

    def explain_missing(self, key: PriceKey, hardware_known: bool | None = None) -> str:
        """One sentence on why `key` has no price and what the catalog does have.

        `hardware_known` says whether the machine the key prices has hardware facts
        (the cost model knows which machine a type such as SageMaker's `ml.*` runs);
        None: the key's own instance type is looked up.
        """
        label = _label(key)
        if key in self._prices:
            return f"{label}: the catalog has this price"
        reason = self.unavailable_reason(key)
        if reason is not None:
            return f"{label}: {reason}"
        if key.purchase_option not in PURCHASE_OPTIONS:
            return (f"{label}: unknown purchase option {key.purchase_option!r} "
                    f"(one of {', '.join(PURCHASE_OPTIONS)})")
        same_product = [k for k in self._prices
                        if (k.provider, k.service, k.product) == (key.provider, key.service, key.product)]
        if not same_product:
            services = {(k.provider, k.service) for k in self._prices}
            if (key.provider, key.service) not in services:
                return f"{label}: the catalog has no {key.provider}/{key.service} prices"
            return f"{label}: the catalog has no {key.service} {key.product!r} prices"
        itype = key.attribute("instance_type")
        if itype is not None:
            same_product = [k for k in same_product if k.attribute("instance_type") == itype]
            if not same_product:
                if hardware_known is None:
                    hardware_known = self.instance(key.provider, itype) is not None
                if hardware_known:
                    return (f"{itype}: hardware is known but the catalog has no "
                            f"{key.service} price for it")
                return f"{itype}: no such instance type in the catalog"
        if key.region is None:
            # Regional prices need a region; a global price is looked up with none.
            return f"{label}: no region given, and the catalog has no global price for it"
        same_attrs = [k for k in same_product if k.attributes == key.attributes]
        if same_attrs:
            return f"{label}: no {_po(key.purchase_option)} price in {key.region}; {_have(same_attrs)}"
        return f"{label}: {_attribute_gap(key, same_product)}"

    def staleness(self, today: date, max_age_days: int = 180) -> list[StaleSource]:
        """Sources older than `max_age_days` on `today`, oldest first."""
        out = []
        for src in self.sources:
            try:
                age = (today - date.fromisoformat(src.as_of)).days
            except ValueError:
                continue
            if age > max_age_days:
                out.append(StaleSource(src.id, src.title, src.as_of, age, src.files))
        return sorted(out, key=lambda s: (s.as_of, s.source))


def _sort_key(key: PriceKey) -> tuple[str, str, str, str, tuple[tuple[str, str], ...], str]:
    return (key.provider, key.service, key.product, key.region or "", key.attributes,
            key.purchase_option)


def _label(key: PriceKey) -> str:
    itype = key.attribute("instance_type")
    if itype is not None:
        return itype
    attrs = ", ".join(f"{k}={v}" for k, v in key.attributes)
    return f"{key.service} {key.product}" + (f" ({attrs})" if attrs else "")


def _po(option: str) -> str:
    return option.replace("_", "-")


def _have(keys: list[PriceKey]) -> str:
    by_option: dict[str, set[str]] = {}
    for k in keys:
        by_option.setdefault(k.purchase_option, set()).add(k.region or "any region")
    parts = [f"{_po(po)} in {', '.join(sorted(by_option[po]))}"
             for po in PURCHASE_OPTIONS if po in by_option]
    return "the catalog has " + "; ".join(parts)


def _attribute_gap(key: PriceKey, candidates: list[PriceKey]) -> str:
    in_region = [k for k in candidates if k.region == key.region] or candidates
    for name, value in key.attributes:
        values = {k.attribute(name) for k in in_region}
        if value not in values:
            known = sorted(v for v in values if v is not None)
            where = f"in {key.region}" if in_region is not candidates else "in any region"
            if not known:
                return f"no price with attribute {name} {where}"
            return f"no price for {name}={value} {where} (the catalog has {', '.join(known)})"
    wanted = {n for n, _ in key.attributes}
    for k in in_region:
        extra = sorted({n for n, _ in k.attributes} - wanted)
        if extra:
            return f"the catalog's prices also need attribute(s) {', '.join(extra)}"
    return f"no {_po(key.purchase_option)} price in {key.region}; {_have(candidates)}"
