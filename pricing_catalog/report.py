"""What a catalog covers (service × region), and what moved between two sets of data files.

Both read data files of any provider laid out as the bundled ones; nothing here knows
a cloud. Used by `costwarden catalog coverage` and `costwarden catalog diff`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from .catalog import Catalog
from .datafile import DATA_SCHEMA, read_json, validate
from .errors import CatalogError
from .keys import Price, PriceKey


@dataclass
class Coverage:
    """Prices of one (provider, service, region)."""

    provider: str
    service: str
    region: str  # "global" for prices without a region
    priced: int = 0
    by_option: dict[str, int] = field(default_factory=dict)
    estimated: int = 0
    sources: dict[str, str] = field(default_factory=dict)  # source id -> as_of

    def document(self) -> dict[str, Any]:
        return {"provider": self.provider, "service": self.service, "region": self.region,
                "priced": self.priced, "by_purchase_option": dict(sorted(self.by_option.items())),
                "estimated": self.estimated,
                "sources": [{"id": k, "as_of": v} for k, v in sorted(self.sources.items())]}


def coverage(catalog: Catalog, provider: str | None = None,
             region: str | None = None) -> list[Coverage]:
    rows: dict[tuple[str, str, str], Coverage] = {}
    for price in catalog.prices():
        key = price.key
        where = key.region or "global"
        if provider is not None and key.provider != provider:
            continue
        if region is not None and where != region:
            continue
        row = rows.setdefault((key.provider, key.service, where),
                              Coverage(key.provider, key.service, where))
        row.priced += 1
        row.by_option[key.purchase_option] = row.by_option.get(key.purchase_option, 0) + 1
        row.estimated += price.estimated
        if price.book is None:
            row.sources[price.source] = price.as_of
    return [rows[k] for k in sorted(rows)]


def coverage_table(rows: list[Coverage]) -> str:
    if not rows:
        return "no prices match\n"
    head = ("provider", "service", "region", "priced", "purchase options", "estimated",
            "sources (as of)")
    body = [(r.provider, r.service, r.region, str(r.priced),
             ", ".join(f"{k} {v}" for k, v in sorted(r.by_option.items())), str(r.estimated),
             ", ".join(f"{k} {v}" for k, v in sorted(r.sources.items()))) for r in rows]
    widths = [max(len(row[i]) for row in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i not in (3, 5) else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths))).rstrip()
             for row in (head, *body)]
    lines.insert(1, "  ".join("─" * w for w in widths))
    total = sum(r.priced for r in rows)
    lines.append(f"{total} prices in {len(rows)} service × region rows")
    return "\n".join(lines) + "\n"


# --- diff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    price: Decimal
    unit: str
    source: str
    as_of: str


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CatalogError(str(path), "no such file or directory")
    files = sorted(p for p in path.glob("*.json") if p.is_file()) or \
        sorted(p for p in path.glob("*/*.json") if p.is_file())
    if not files:
        raise CatalogError(str(path), "no data files (*.json or <provider>/*.json) here")
    return files


def read_prices(path: Path) -> dict[PriceKey, Entry]:
    """Every price of the data files at `path` (a file, a provider folder or a data root)."""
    out: dict[PriceKey, Entry] = {}
    for file in _files(path):
        doc, text = read_json(file, str(file))
        validate(doc, DATA_SCHEMA, str(file), text)
        for i, rec in enumerate(doc.get("records", ())):
            key = PriceKey.of(doc["provider"], doc["service"], rec["product"], rec["region"],
                              rec["purchase_option"], **rec["attributes"])
            if key in out:
                raise CatalogError(str(file), f"duplicate price for {key}", where=f"$.records[{i}]")
            out[key] = Entry(Decimal(rec["price"]), rec["unit"], rec["source"], rec["as_of"])
    return out


@dataclass(frozen=True)
class Move:
    key: PriceKey
    old: Entry | None
    new: Entry | None

    @property
    def change(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"

    @property
    def delta(self) -> Decimal | None:
        if self.old is None or self.new is None:
            return None
        return self.new.price - self.old.price

    @property
    def percent(self) -> Decimal | None:
        if self.delta is None or not self.old or self.old.price == 0:
            return None
        return (self.delta / self.old.price * 100).quantize(Decimal("0.01"))

    def document(self) -> dict[str, Any]:
        def side(e: Entry | None) -> Any:
            return None if e is None else {"price": format(e.price, "f"), "unit": e.unit,
                                           "source": e.source, "as_of": e.as_of}
        return {"key": str(self.key), "change": self.change, "old": side(self.old),
                "new": side(self.new),
                "delta": None if self.delta is None else format(self.delta, "f"),
                "percent": None if self.percent is None else format(self.percent, "f")}


def diff(old: dict[PriceKey, Entry], new: dict[PriceKey, Entry]) -> list[Move]:
    """Prices added, removed, or whose figure or unit moved (a new date alone is no move)."""
    moves = []
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and (a.price, a.unit) == (b.price, b.unit):
            continue
        moves.append(Move(key, a, b))
    return moves


def diff_text(moves: Iterable[Move], old_count: int, new_count: int) -> str:
    moves = list(moves)
    lines = []
    for m in moves:
        if m.change == "added":
            lines.append(f"+ {m.key}  {m.new.price} /{m.new.unit} ({m.new.source} {m.new.as_of})")  # type: ignore[union-attr]
        elif m.change == "removed":
            lines.append(f"- {m.key}  was {m.old.price} /{m.old.unit}")  # type: ignore[union-attr]
        else:
            pct = f", {m.percent:+}%" if m.percent is not None else ""
            lines.append(f"~ {m.key}  {m.old.price} → {m.new.price} /{m.new.unit} "  # type: ignore[union-attr]
                         f"({m.delta:+}{pct}; {m.new.source} {m.new.as_of})")  # type: ignore[union-attr]
    counts = {c: sum(1 for m in moves if m.change == c) for c in ("changed", "added", "removed")}
    lines.append(f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} "
                 f"removed ({old_count} → {new_count} prices)")
    return "\n".join(lines) + "\n"


__all__ = ["Coverage", "coverage", "coverage_table", "read_prices", "diff", "diff_text", "Move",
           "Price"]
