"""Merging catalog records from several sources into one data file: builders and refreshers.

One record per key (product, region, purchase option, attributes): an observed price
beats an estimated one and, between equals, the newer source date wins. Sources no
record uses any more are dropped, so a file never names a source it does not use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from .datafile import DATA_SCHEMA, format_data_file, read_json, validate


def record_key(rec: Mapping[str, Any]) -> tuple[Any, ...]:
    return (rec["product"], rec["region"] or "", rec["purchase_option"],
            tuple(sorted(rec["attributes"].items())))


def _rank(rec: Mapping[str, Any]) -> tuple[bool, str]:
    return (not rec.get("estimated", False), rec["as_of"])


def merge(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per key, in the catalog's stable order (see the module docstring)."""
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rec in records:
        key = record_key(rec)
        old = best.get(key)
        if old is None or _rank(rec) > _rank(old):
            best[key] = rec
    return [best[k] for k in sorted(best)]


def data_file(provider: str, service: str, records: Iterable[dict[str, Any]],
              sources: Mapping[str, Mapping[str, Any]],
              unavailable: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A complete data file: merged records and the sources they use."""
    merged = merge(records)
    used = {r["source"] for r in merged}
    doc: dict[str, Any] = {"schema_version": 1, "provider": provider, "service": service,
                           "currency": "USD",
                           "sources": {k: dict(sources[k]) for k in sorted(sources) if k in used},
                           "records": merged}
    if unavailable:
        doc["unavailable"] = unavailable
    return doc


def read_data_file(path: Path) -> dict[str, Any] | None:
    return read_json(path, str(path))[0] if path.exists() else None


def merge_into(path: Path, provider: str, service: str, records: list[dict[str, Any]],
               sources: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """`path`'s records and sources with `records` merged in, not yet written.

    The new records are validated (the file's own were, when it was written; the
    loader checks every file whose digest is not in the lock)."""
    validate(data_file(provider, service, records, sources), DATA_SCHEMA, str(path), None)
    old = read_data_file(path) or {}
    return data_file(provider, service, [*old.get("records", []), *records],
                     {**old.get("sources", {}), **sources}, old.get("unavailable"))


def write(path: Path, doc: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_data_file(dict(doc)), encoding="utf-8")
