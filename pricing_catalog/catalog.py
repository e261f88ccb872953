"""The loaded catalog: O(1) price lookup, hardware facts, provenance and explanations."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

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
    # Attributes whose value in the key must match a glob (a family of types).
    patterns: tuple[tuple[str, str], ...] = ()

    def matches(self, key: PriceKey) -> bool:
        if (key.provider, key.service, key.product) != (self.provider, self.service, self.product):
            return False
        if self.region is not None and key.region != self.region:
            return False
        if self.purchase_option is not None and key.purchase_option != self.purchase_option:
            return False
        return (all(key.attribute(name) == value for name, value in self.attributes)
                and all(fnmatchcase(key.attribute(name) or "", glob)
                        for name, glob in self.patterns))


class ProviderPrices:
    """One provider's prices, hardware facts and deliberate gaps, with the index that
    `explain_missing` searches (keys by service and product)."""

    __slots__ = ("prices", "instances", "unavailable", "_by_product")

    def __init__(self, prices: Mapping[PriceKey, Price],
                 instances: Mapping[tuple[str, str], InstanceInfo],
                 unavailable: Iterable[Unavailable]) -> None:
        self.prices = MappingProxyType(dict(prices))
        self.instances = MappingProxyType(dict(instances))
        self.unavailable = tuple(unavailable)
        self._by_product: dict[tuple[str, str], list[PriceKey]] | None = None

    def same_product(self, service: str, product: str) -> list[PriceKey]:
        if self._by_product is None:
            index: dict[tuple[str, str], list[PriceKey]] = {}
            for k in self.prices:
                index.setdefault((k.service, k.product), []).append(k)
            self._by_product = index
        return self._by_product.get((service, product), [])

    def has_service(self, service: str) -> bool:
        self.same_product("", "")  # builds the index
        return any(s == service for s, _ in self._by_product or ())


class Providers:
    """Per-provider data, each loaded on first use: a run that prices AWS alone never
    reads the other clouds' files. `pending` maps a provider to a picklable callable
    that loads it (see `pricing_catalog.loader`)."""

    def __init__(self, loaded: Mapping[str, ProviderPrices],
                 pending: Mapping[str, Callable[[], ProviderPrices]] = MappingProxyType({})
                 ) -> None:
        self._loaded = dict(loaded)
        self._pending = dict(pending)
        self._lock = threading.Lock()

    def names(self) -> tuple[str, ...]:
        return tuple(sorted({*self._loaded, *self._pending}))

    def get(self, provider: str) -> ProviderPrices | None:
        found = self._loaded.get(provider)
        if found is not None or provider not in self._pending:
            return found
        with self._lock:
            if provider in self._pending:
                self._loaded[provider] = self._pending.pop(provider)()
            return self._loaded[provider]

    def loaded(self) -> list[ProviderPrices]:
        """The providers read so far (no loading)."""
        return [self._loaded[p] for p in sorted(self._loaded)]

    def all(self) -> list[ProviderPrices]:
        return [p for p in (self.get(name) for name in self.names()) if p is not None]

    def __getstate__(self) -> dict[str, object]:
        return {"loaded": self._loaded, "pending": self._pending}

    def __setstate__(self, state: dict[str, object]) -> None:
        self._loaded = dict(state["loaded"])  # type: ignore[call-overload]
        self._pending = dict(state["pending"])  # type: ignore[call-overload]
        self._lock = threading.Lock()


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """Offline prices and hardware facts. Build it with `load_catalog()`."""

    _providers: Providers
    sources: tuple[Source, ...]
    info: CatalogInfo

    @classmethod
    def build(cls, prices: Mapping[PriceKey, Price],
              instances: Mapping[tuple[str, str], InstanceInfo],
              unavailable: Iterable[Unavailable], sources: Iterable[Source],
              info: CatalogInfo) -> "Catalog":
        """A catalog of data already in memory (every provider loaded)."""
        unavailable = tuple(unavailable)
        names = ({k.provider for k in prices} | {p for p, _ in instances}
                 | {u.provider for u in unavailable})
        parts = {name: ProviderPrices({k: v for k, v in prices.items() if k.provider == name},
                                      {k: v for k, v in instances.items() if k[0] == name},
                                      [u for u in unavailable if u.provider == name])
                 for name in names}
        return cls(Providers(parts), tuple(sources), info)

    def __len__(self) -> int:
        return sum(len(p.prices) for p in self._providers.all())

    def __repr__(self) -> str:
        return f"Catalog({len(self)} prices, version={self.info.version})"

    def all_prices(self) -> dict[PriceKey, Price]:
        """Every price (every provider loaded), keyed."""
        out: dict[PriceKey, Price] = {}
        for part in self._providers.all():
            out.update(part.prices)
        return out

    def all_instances(self) -> dict[tuple[str, str], InstanceInfo]:
        out: dict[tuple[str, str], InstanceInfo] = {}
        for part in self._providers.all():
            out.update(part.instances)
        return out

    def all_unavailable(self) -> tuple[Unavailable, ...]:
        return tuple(u for part in self._providers.all() for u in part.unavailable)

    def prices(self) -> Iterable[Price]:
        """Every price, in a stable order."""
        prices = self.all_prices()
        return (prices[k] for k in sorted(prices, key=_sort_key))

    def lookup(self, key: PriceKey) -> Price | None:
        """The price for this key, or None (report it as unpriced, never as $0).

        An attribute listed in `FALLBACK_VALUES` that has no exact record falls
        back to its catch-all value (a transfer to a region not listed is priced
        at the `other` rate).
        """
        part = self._providers.get(key.provider)
        if part is None:
            return None
        price = part.prices.get(key)
        if price is not None or not key.attributes:
            return price
        for name, catch_all in FALLBACK_VALUES.items():
            value = key.attribute(name)
            if value is not None and value != catch_all:
                attrs = tuple((k, catch_all if k == name else v) for k, v in key.attributes)
                price = part.prices.get(dataclasses.replace(key, attributes=attrs))
                if price is not None:
                    return price
        return None

    def instance(self, provider: str, instance_type: str) -> InstanceInfo | None:
        """Hardware facts of `provider`'s machine type `instance_type`, or None."""
        part = self._providers.get(provider)
        return None if part is None else part.instances.get((provider, instance_type))

    def instance_types(self, provider: str | None = None) -> tuple[str, ...]:
        """Machine types with hardware facts (of one provider, or of all)."""
        if provider is None:
            return tuple(sorted(t for part in self._providers.all() for _, t in part.instances))
        part = self._providers.get(provider)
        return () if part is None else tuple(sorted(t for _, t in part.instances))

    def accelerator_label(self, model: str) -> str:
        """The short name of an accelerator model ("NVIDIA H100" -> "H100"): a hardware
        row's (the providers read so far first), else by its vendor prefix, else the
        model itself."""
        for parts in (self._providers.loaded(), self._providers.all()):
            for part in parts:
                for info in part.instances.values():
                    if info.gpu_model == model and info.accelerator_label:
                        return info.accelerator_label
        return accelerator_facts(model)[2] or model

    def unavailable_reason(self, key: PriceKey) -> str | None:
        part = self._providers.get(key.provider)
        for entry in part.unavailable if part is not None else ():
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
        part = self._providers.get(key.provider)
        if part is not None and key in part.prices:
            return f"{label}: the catalog has this price"
        reason = self.unavailable_reason(key)
        if reason is not None:
            return f"{label}: {reason}"
        if key.purchase_option not in PURCHASE_OPTIONS:
            return (f"{label}: unknown purchase option {key.purchase_option!r} "
                    f"(one of {', '.join(PURCHASE_OPTIONS)})")
        same_product = list(part.same_product(key.service, key.product)) if part else []
        if not same_product:
            if part is None or not part.has_service(key.service):
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
