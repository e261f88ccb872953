"""Load the bundled data files (and user price books) into a `Catalog`.

Every data file is checked against `catalog.schema.json`. jsonschema costs far
more than the rest of loading (its import alone is ~150 ms), so files whose
bytes match a digest recorded in `catalog.lock.json` (written only after they
passed validation, see `update_lock`) skip the schema pass; any other file,
and every file outside the bundled folder, is validated in full. The semantic
checks below (source ids, dates, tiers, duplicates) always run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from .catalog import Catalog, CatalogInfo, Source, Unavailable
from .datafile import DATA_SCHEMA, PACKAGE_DIR, json_path, line_of, read_json, validate
from .errors import CatalogError
from .keys import ACCELERATOR_PREFIXES, InstanceInfo, Price, PriceKey, PriceTier, accelerator_facts

DATA_DIR = PACKAGE_DIR / "data"
LOCK_FILE = PACKAGE_DIR / "catalog.lock.json"
INSTANCES = "instances"


@dataclass(frozen=True, slots=True)
class _Loaded:
    prices: dict[PriceKey, Price]
    instances: dict[tuple[str, str], InstanceInfo]  # (provider, type): providers kept apart
    unavailable: tuple[Unavailable, ...]
    sources: tuple[Source, ...]
    currency: str
    digest: str


def load_catalog(price_books: Sequence[str | Path] = (), *,
                 data_dir: str | Path | None = None) -> Catalog:
    """The catalog, with `price_books` (YAML/JSON files) applied in order.

    The bundled data is read once per process; `data_dir` loads another folder
    laid out like `pricing_catalog/data` (`<provider>/<service>.json`).
    """
    if data_dir is None:
        base, base_catalog = _bundled()
    else:
        base = _load_dir(Path(data_dir), trusted={})
        base_catalog = None
    if not price_books:
        return base_catalog if base_catalog is not None else _catalog(base, base.prices, ())
    from .pricebook import apply_price_books, read_price_book

    books = [read_price_book(Path(p)) for p in price_books]
    prices = apply_price_books(base.prices, books, base.currency)
    return _catalog(base, prices, books)


@lru_cache(maxsize=1)
def _bundled() -> tuple[_Loaded, Catalog]:
    loaded = _load_dir(DATA_DIR, trusted=_lock())
    return loaded, _catalog(loaded, loaded.prices, ())


def _catalog(base: _Loaded, prices: dict[PriceKey, Price], books: Sequence[Any]) -> Catalog:
    sources = list(base.sources)
    digest = hashlib.sha256(base.digest.encode())
    for book in books:
        digest.update(book.digest.encode())
        if book.as_of:
            sources.append(Source(book.name, f"price book {book.name}", book.file, book.as_of,
                                  "user price book", (book.file,)))
    dates = sorted(s.as_of for s in sources)
    info = CatalogInfo(version=digest.hexdigest()[:16], as_of=dates[-1] if dates else "",
                       oldest_as_of=dates[0] if dates else "", currency=base.currency,
                       price_books=tuple(b.name for b in books))
    return Catalog.build(prices, base.instances, base.unavailable, sources, info)


def _lock() -> dict[str, str]:
    """Digests of bundled files known to pass the schema (empty if the schema changed)."""
    try:
        lock = json.loads(LOCK_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if lock.get("schema_sha256") != _sha256((PACKAGE_DIR / DATA_SCHEMA).read_bytes()):
        return {}
    files = lock.get("files")
    return files if isinstance(files, dict) else {}


def update_lock() -> Path:
    """Validate every bundled data file and record its digest in `catalog.lock.json`."""
    _lock_cache_clear()
    _load_dir(DATA_DIR, trusted={})  # raises CatalogError on any invalid file
    files = {_rel(p): _sha256(p.read_bytes()) for p in _data_files(DATA_DIR)}
    doc = {"schema_sha256": _sha256((PACKAGE_DIR / DATA_SCHEMA).read_bytes()), "files": files}
    LOCK_FILE.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return LOCK_FILE


def _lock_cache_clear() -> None:
    _bundled.cache_clear()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rel(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _data_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*/*.json") if p.is_file())


def _display(root: Path, path: Path) -> str:
    if root == DATA_DIR:
        return f"pricing_catalog/data/{_rel(path)}"
    return str(path)


def _load_dir(root: Path, trusted: dict[str, str]) -> _Loaded:
    files = _data_files(root)
    if not files:
        raise CatalogError(str(root), "no catalog data files (<provider>/<service>.json)")
    prices: dict[PriceKey, Price] = {}
    instances: dict[tuple[str, str], InstanceInfo] = {}
    unavailable: list[Unavailable] = []
    sources: dict[tuple[str, str, str], Source] = {}
    currencies: set[str] = set()
    digest = hashlib.sha256()
    for path in files:
        display = _display(root, path)
        raw = path.read_bytes()
        file_digest = _sha256(raw)
        digest.update(f"{_rel(path)}\0{file_digest}\n".encode())
        doc, text = read_json(path, display)
        if trusted.get(_rel(path)) != file_digest:
            validate(doc, DATA_SCHEMA, display, text)
        _DocReader(doc, display, text, path).read(prices, instances, unavailable, sources)
        if doc.get("currency"):
            currencies.add(doc["currency"])
    if len(currencies) > 1:
        raise CatalogError(str(root), f"data files mix currencies: {', '.join(sorted(currencies))}")
    return _Loaded(prices, instances, tuple(unavailable),
                   tuple(sorted(sources.values(), key=lambda s: (s.as_of, s.id))),
                   currencies.pop() if currencies else "USD", digest.hexdigest())


class _DocReader:
    """Turns one validated document into prices, hardware facts and sources."""

    def __init__(self, doc: dict[str, Any], file: str, text: str, path: Path) -> None:
        self.doc, self.file, self.text, self.path = doc, file, text, path

    def fail(self, message: str, *parts: str | int) -> CatalogError:
        return CatalogError(self.file, message, where=json_path(parts),
                            line=line_of(self.text, parts))

    def read(self, prices: dict[PriceKey, Price],
             instances: dict[tuple[str, str], InstanceInfo],
             unavailable: list[Unavailable], sources: dict[tuple[str, str, str], Source]) -> None:
        doc = self.doc
        provider, service = doc["provider"], doc["service"]
        if provider != self.path.parent.name:
            raise self.fail(f"provider {provider!r} does not match the folder "
                            f"{self.path.parent.name!r}", "provider")
        if service != self.path.stem:
            raise self.fail(f"service {service!r} does not match the file name "
                            f"{self.path.name!r}", "service")
        for sid, src in doc["sources"].items():
            self._date(src["as_of"], "sources", sid, "as_of")
        used: set[str] = set()
        if service == INSTANCES:
            for i, item in enumerate(doc["instances"]):
                used.add(self._source(item["source"], "instances", i, "source"))
                name = item["instance_type"]
                if (provider, name) in instances:
                    raise self.fail(f"duplicate instance type {name!r}", "instances", i)
                instances[(provider, name)] = self._instance(provider, item, i)
        else:
            currency = doc["currency"]
            titles = {sid: s["title"] for sid, s in doc["sources"].items()}
            for i, rec in enumerate(doc["records"]):
                sid = self._source(rec["source"], "records", i, "source")
                used.add(sid)
                self._date(rec["as_of"], "records", i, "as_of")
                key = PriceKey.of(provider, service, rec["product"], rec["region"],
                                  rec["purchase_option"], **rec["attributes"])
                if key in prices:
                    raise self.fail(f"duplicate price for {key}", "records", i)
                prices[key] = Price(key, rec["unit"], Decimal(rec["price"]), currency, sid,
                                    titles[sid], rec["as_of"], bool(rec.get("estimated", False)),
                                    self._tiers(rec, i), rec.get("note"),
                                    price_range=self._range(rec, i))
            for i, item in enumerate(doc.get("unavailable", ())):
                unavailable.append(Unavailable(
                    provider, service, item["product"], item.get("region"),
                    tuple(sorted(item["attributes"].items())), item.get("purchase_option"),
                    item["reason"]))
        if service == INSTANCES:
            return  # hardware facts are not prices: they do not date the catalog
        for sid in sorted(used):
            src = doc["sources"][sid]
            ident = (sid, src["as_of"], src["title"])
            prev = sources.get(ident)
            files = (prev.files if prev else ()) + (self.file,)
            sources[ident] = Source(sid, src["title"], src["location"], src["as_of"],
                                    src["licence"], files, src.get("note"))

    def _instance(self, provider: str, item: dict[str, Any], i: int) -> InstanceInfo:
        """Hardware facts. An accelerated type names its accelerator's model; its kind,
        vendor and short label are given, or follow from a known vendor prefix of the
        model (`ACCELERATOR_PREFIXES`). A type without accelerators names none."""
        count, model = item["gpu_count"], item["gpu_model"]
        names = ("accelerator_kind", "accelerator_vendor", "accelerator_label")
        given = tuple(item.get(n) for n in names)
        if count == 0:
            for name, value in (("gpu_model", model), *zip(names, given)):
                if value is not None:
                    raise self.fail(f"{name} is set but gpu_count is 0", "instances", i, name)
            facts: tuple[str | None, ...] = (None, None, None)
        elif model is None:
            raise self.fail(f"gpu_count {count} needs gpu_model", "instances", i, "gpu_model")
        else:
            derived = accelerator_facts(model)
            facts = tuple(g if g is not None else d for g, d in zip(given, derived))
            for name, value in zip(names, facts):
                if value is None:
                    raise self.fail(f"{name} not set, and {model!r} starts with no known "
                                    f"vendor prefix ({', '.join(sorted(ACCELERATOR_PREFIXES))})",
                                    "instances", i)
        return InstanceInfo(provider, item["instance_type"], item["vcpu"],
                            _dec(item["memory_gib"]), count, model,
                            _dec(item["gpu_memory_gb"]), item["source"], *facts)

    def _source(self, sid: str, *parts: str | int) -> str:
        if sid not in self.doc["sources"]:
            raise self.fail(f"unknown source {sid!r} (not in this file's sources: "
                            f"{', '.join(sorted(self.doc['sources']))})", *parts)
        return sid

    def _date(self, value: str, *parts: str | int) -> None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{value!r} is not a valid date (YYYY-MM-DD)", *parts) from None

    def _range(self, rec: dict[str, Any], i: int) -> tuple[Decimal, Decimal] | None:
        raw = rec.get("price_range")
        if raw is None:
            return None
        low, high = Decimal(raw["low"]), Decimal(raw["high"])
        if not low <= Decimal(rec["price"]) == high:
            raise self.fail("price_range must run from low up to the price", "records", i,
                            "price_range")
        if not rec.get("estimated", False):
            raise self.fail("a price_range is an estimate: set estimated", "records", i,
                            "price_range")
        return low, high

    def _tiers(self, rec: dict[str, Any], i: int) -> tuple[PriceTier, ...]:
        raw = rec.get("tiers")
        if not raw:
            return ()
        tiers = tuple(PriceTier(Decimal(t["start"]), Decimal(t["price"])) for t in raw)
        if tiers[0].start != 0:
            raise self.fail("the first tier must start at 0", "records", i, "tiers", 0, "start")
        for j in range(1, len(tiers)):
            if tiers[j].start <= tiers[j - 1].start:
                raise self.fail("tier starts must increase", "records", i, "tiers", j, "start")
        if tiers[0].price != Decimal(rec["price"]):
            raise self.fail("price must equal the first tier's price", "records", i, "price")
        return tiers


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
