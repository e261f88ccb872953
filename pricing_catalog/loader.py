"""Load the bundled data files (and user price books) into a `Catalog`.

Every data file is checked against `catalog.schema.json`. jsonschema costs far
more than the rest of loading (its import alone is ~150 ms), so files whose
bytes match a digest recorded in `catalog.lock.json` (written only after they
passed validation, see `update_lock`) skip the schema pass; any other file,
and every file outside the bundled folder, is validated in full. The semantic
checks below (source ids, dates, tiers, duplicates) always run.

The lock also keeps each bundled file's provider, currency and sources, so the
catalog's version, dates and provenance are known from the lock and the files'
digests alone: a provider's files are parsed on its first lookup (an AWS-only run
never reads the Google Cloud files). A file whose digest is not in the lock is
read, and validated, at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Sequence

from .catalog import Catalog, CatalogInfo, ProviderPrices, Providers, Source, Unavailable
from .datafile import DATA_SCHEMA, PACKAGE_DIR, json_path, line_of, read_json, validate
from .errors import CatalogError
from .keys import ACCELERATOR_PREFIXES, InstanceInfo, Price, PriceKey, PriceTier, accelerator_facts

DATA_DIR = PACKAGE_DIR / "data"
LOCK_FILE = PACKAGE_DIR / "catalog.lock.json"
INSTANCES = "instances"


@dataclass(frozen=True, slots=True)
class _Loaded:
    providers: Providers
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
        base = _load_dir(Path(data_dir), lock={})
        base_catalog = None
    if not price_books:
        return base_catalog if base_catalog is not None else _catalog(base, base.providers, ())
    from .pricebook import apply_price_books, read_price_book

    books = [read_price_book(Path(p)) for p in price_books]
    whole = Catalog(base.providers, base.sources, _info(base, ()))
    prices = apply_price_books(whole.all_prices(), books, base.currency)
    merged = Catalog.build(prices, whole.all_instances(), whole.all_unavailable(), (),
                           _info(base, ()))
    return _catalog(base, merged._providers, books)


@lru_cache(maxsize=1)
def _bundled() -> tuple[_Loaded, Catalog]:
    loaded = _load_dir(DATA_DIR, lock=_lock_doc())
    return loaded, _catalog(loaded, loaded.providers, ())


def _info(base: _Loaded, books: Sequence[Any]) -> CatalogInfo:
    sources = list(base.sources)
    digest = hashlib.sha256(base.digest.encode())
    for book in books:
        digest.update(book.digest.encode())
        if book.as_of:
            sources.append(Source(book.name, f"price book {book.name}", book.file, book.as_of,
                                  "user price book", (book.file,)))
    dates = sorted(s.as_of for s in sources)
    return CatalogInfo(version=digest.hexdigest()[:16], as_of=dates[-1] if dates else "",
                       oldest_as_of=dates[0] if dates else "", currency=base.currency,
                       price_books=tuple(b.name for b in books))


def _catalog(base: _Loaded, providers: Providers, books: Sequence[Any]) -> Catalog:
    sources = list(base.sources)
    for book in books:
        if book.as_of:
            sources.append(Source(book.name, f"price book {book.name}", book.file, book.as_of,
                                  "user price book", (book.file,)))
    return Catalog(providers, tuple(sources), _info(base, books))


def _lock_doc() -> dict[str, Any]:
    """The lock, or {} when it is missing, unreadable or for another schema."""
    try:
        lock = json.loads(LOCK_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(lock, dict) or \
            lock.get("schema_sha256") != _sha256((PACKAGE_DIR / DATA_SCHEMA).read_bytes()):
        return {}
    return lock


def _lock() -> dict[str, str]:
    """Digests of bundled files known to pass the schema (empty if the schema changed)."""
    files = _lock_doc().get("files")
    return files if isinstance(files, dict) else {}


def update_lock() -> Path:
    """Validate every bundled data file and record its digest and summary in
    `catalog.lock.json`."""
    _lock_cache_clear()
    summaries: dict[str, dict[str, Any]] = {}
    _load_dir(DATA_DIR, lock={}, summaries=summaries)  # raises CatalogError on any invalid file
    files = {_rel(p): _sha256(p.read_bytes()) for p in _data_files(DATA_DIR)}
    doc = {"schema_sha256": _sha256((PACKAGE_DIR / DATA_SCHEMA).read_bytes()), "files": files,
           "summaries": summaries}
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


_SOURCE_FIELDS = ("id", "title", "location", "as_of", "licence", "note")


def _load_dir(root: Path, lock: dict[str, Any],
              summaries: dict[str, dict[str, Any]] | None = None) -> _Loaded:
    """Every data file under `root`. A provider whose files all match the lock (digest
    and summary) is left to load on first use; any other is read now. `summaries`,
    when given, receives each file's summary for the lock."""
    files = _data_files(root)
    if not files:
        raise CatalogError(str(root), "no catalog data files (<provider>/<service>.json)")
    trusted = lock.get("files") if isinstance(lock.get("files"), dict) else {}
    known = lock.get("summaries") if isinstance(lock.get("summaries"), dict) else {}
    by_provider: dict[str, list[Path]] = {}
    digests: dict[Path, str] = {}
    digest = hashlib.sha256()
    for path in files:
        file_digest = _sha256(path.read_bytes())
        digests[path] = file_digest
        digest.update(f"{_rel(path)}\0{file_digest}\n".encode())
        by_provider.setdefault(path.parent.name, []).append(path)
    sources: dict[tuple[str, str, str], Source] = {}
    currencies: set[str] = set()
    loaded: dict[str, ProviderPrices] = {}
    pending: dict[str, Any] = {}
    for provider, paths in sorted(by_provider.items()):
        lazy = summaries is None and all(
            trusted.get(_rel(p)) == digests[p] and isinstance(known.get(_rel(p)), dict)
            for p in paths)
        if lazy:
            pending[provider] = partial(_read_provider, root, tuple(paths), trusted)
            file_summaries = [(_display(root, p), known[_rel(p)]) for p in paths]
        else:
            part, file_summaries = _read_files(root, paths, trusted)
            loaded[provider] = part
            if summaries is not None:
                summaries.update({_rel(p): summary
                                  for p, (_, summary) in zip(paths, file_summaries)})
        for display, summary in file_summaries:
            if summary.get("currency"):
                currencies.add(summary["currency"])
            for fields in summary.get("sources", ()):
                src = dict(zip(_SOURCE_FIELDS, fields))
                ident = (src["id"], src["as_of"], src["title"])
                prev = sources.get(ident)
                sources[ident] = Source(src["id"], src["title"], src["location"], src["as_of"],
                                        src["licence"], (prev.files if prev else ()) + (display,),
                                        src.get("note"))
    if len(currencies) > 1:
        raise CatalogError(str(root), f"data files mix currencies: {', '.join(sorted(currencies))}")
    return _Loaded(Providers(loaded, pending),
                   tuple(sorted(sources.values(), key=lambda s: (s.as_of, s.id))),
                   currencies.pop() if currencies else "USD", digest.hexdigest())


def _read_provider(root: Path, paths: tuple[Path, ...], trusted: dict[str, str]) -> ProviderPrices:
    return _read_files(root, paths, trusted)[0]


def _read_files(root: Path, paths: Sequence[Path], trusted: dict[str, str]
                ) -> tuple[ProviderPrices, list[tuple[str, dict[str, Any]]]]:
    """One provider's files, read and checked: its data and each file's summary."""
    prices: dict[PriceKey, Price] = {}
    instances: dict[tuple[str, str], InstanceInfo] = {}
    unavailable: list[Unavailable] = []
    out: list[tuple[str, dict[str, Any]]] = []
    for path in paths:
        display = _display(root, path)
        raw = path.read_bytes()
        doc, text = read_json(path, display)
        if trusted.get(_rel(path)) != _sha256(raw):
            validate(doc, DATA_SCHEMA, display, text)
        used = _DocReader(doc, display, text, path).read(prices, instances, unavailable)
        out.append((display, {
            "currency": doc.get("currency"),
            "sources": [[sid if f == "id" else doc["sources"][sid].get(f) for f in _SOURCE_FIELDS]
                        for sid in used]}))
    return ProviderPrices(prices, instances, unavailable), out


class _DocReader:
    """Turns one validated document into prices, hardware facts and sources."""

    def __init__(self, doc: dict[str, Any], file: str, text: str, path: Path) -> None:
        self.doc, self.file, self.text, self.path = doc, file, text, path

    def fail(self, message: str, *parts: str | int) -> CatalogError:
        return CatalogError(self.file, message, where=json_path(parts),
                            line=line_of(self.text, parts))

    def read(self, prices: dict[PriceKey, Price],
             instances: dict[tuple[str, str], InstanceInfo],
             unavailable: list[Unavailable]) -> list[str]:
        """Adds the document's data; returns the ids of the sources its prices use
        (hardware facts are not prices: they do not date the catalog)."""
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
                    item["reason"], tuple(sorted(item.get("patterns", {}).items()))))
        return [] if service == INSTANCES else sorted(used)

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
