"""User price books: negotiated discounts and private rates laid over the catalog.

```yaml
version: 1
name: acme-edp-2026
as_of: 2026-03-01            # optional: date of the agreement
overrides:
  - service: ec2              # selectors: provider (default any), service, product,
    attributes:               # region, purchase_option, attributes; values exact or glob
      instance_type: "p5.*"
    discount_percent: 12
  - service: ec2
    product: instance
    region: us-east-1
    attributes: {instance_type: p5e.48xlarge, tenancy: shared, os: linux}
    price: "41.50"            # absolute price, in `unit`; adds the price if it is new
    unit: hour
```

Books apply in order; a later entry sees the prices earlier entries produced.
An entry that matches nothing is an error: a mistyped selector must not
silently leave list prices in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Mapping, Sequence

from .datafile import BOOK_SCHEMA, json_path, line_of, read_json, read_yaml, validate
from .errors import CatalogError
from .keys import Price, PriceKey, PriceTier

_GLOB = frozenset("*?[")
# No unit price of any cloud product comes near this; a bigger one is a typo or an attack.
MAX_PRICE = Decimal(10) ** 7
_HINTS = {
    "oneOf": "give either 'price' with 'unit', or 'discount_percent' (not both)",
    "anyOf": ("select prices by at least one of provider, service, product, region, "
              "purchase_option, attributes"),
}


@dataclass(frozen=True, slots=True)
class Override:
    index: int
    provider: str | None
    service: str | None
    product: str | None
    region: str | None
    purchase_option: str | None
    attributes: tuple[tuple[str, str], ...]
    price: Decimal | None
    unit: str | None
    discount_percent: Decimal | None
    note: str | None

    def matches(self, key: PriceKey) -> bool:
        for want, have in ((self.provider, key.provider), (self.service, key.service),
                           (self.product, key.product), (self.purchase_option, key.purchase_option),
                           (self.region, key.region)):
            if want is not None and not _match(want, have):
                return False
        return all(_match(want, key.attribute(name)) for name, want in self.attributes)

    def exact_key(self) -> PriceKey | None:
        """The key this entry names when it is fully exact (it may then add a new price)."""
        values = [self.service, self.product, self.region] + [v for _, v in self.attributes]
        if any(v is None or _GLOB & set(v) for v in values) or (
                self.provider is not None and _GLOB & set(self.provider)):
            return None
        return PriceKey.of(self.provider or "aws", self.service or "", self.product or "",
                           self.region, self.purchase_option or "on_demand",
                           **dict(self.attributes))


@dataclass(frozen=True, slots=True)
class PriceBook:
    name: str
    file: str  # as given by the user
    currency: str | None
    as_of: str | None
    overrides: tuple[Override, ...]
    digest: str
    text: str = dataclasses.field(repr=False, default="")

    def fail(self, message: str, *parts: str | int) -> CatalogError:
        return CatalogError(self.file, message, where=json_path(parts),
                            line=line_of(self.text, parts))


def _match(pattern: str, value: str | None) -> bool:
    if value is None:
        return False
    return fnmatchcase(value, pattern) if _GLOB & set(pattern) else value == pattern


def read_price_book(path: Path) -> PriceBook:
    """Parse and validate one price book (YAML, or JSON by its .json suffix)."""
    display = str(path)
    if not path.is_file():
        raise CatalogError(display, "price book not found")
    if path.suffix.lower() == ".json":
        doc, text = read_json(path, display, strict=True)
    else:
        doc, text = read_yaml(path, display)
    if isinstance(doc, dict) and isinstance(doc.get("as_of"), date):
        doc["as_of"] = doc["as_of"].isoformat()  # YAML reads a bare date as a date
    validate(doc, BOOK_SCHEMA, display, text, _HINTS)
    overrides = []
    for i, entry in enumerate(doc["overrides"]):
        price = None
        if "price" in entry:
            price = _decimal(entry["price"])
            if price is None or price < 0 or price > MAX_PRICE:
                raise CatalogError(display, f"{_shown(entry['price'])} is not a non-negative "
                                            f"price (a finite number up to {MAX_PRICE})",
                                   where=json_path(("overrides", i, "price")),
                                   line=line_of(text, ("overrides", i, "price")))
        discount = entry.get("discount_percent")
        if discount is not None:
            discount = _decimal(discount)
            if discount is None or not 0 < discount <= 100:
                raise CatalogError(display, f"{_shown(entry['discount_percent'])} is not "
                                            "a discount (a number above 0, at most 100)",
                                   where=json_path(("overrides", i, "discount_percent")),
                                   line=line_of(text, ("overrides", i, "discount_percent")))
        overrides.append(Override(
            i, entry.get("provider"), entry.get("service"), entry.get("product"),
            entry.get("region"), entry.get("purchase_option"),
            tuple(sorted(entry.get("attributes", {}).items())), price, entry.get("unit"),
            discount, entry.get("note")))
    book = PriceBook(doc["name"], display, doc.get("currency"), doc.get("as_of"),
                     tuple(overrides), hashlib.sha256(text.encode()).hexdigest(), text)
    if book.as_of is not None:
        try:
            date.fromisoformat(book.as_of)
        except ValueError:
            raise book.fail(f"{book.as_of!r} is not a valid date", "as_of") from None
    return book


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return "a huge integer"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    if isinstance(value, str) and len(value) > 100:
        return None
    if isinstance(value, int) and value.bit_length() > 128:
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def apply_price_books(prices: Mapping[PriceKey, Price], books: Sequence[PriceBook],
                      currency: str) -> dict[PriceKey, Price]:
    """A new price table with every book's overrides applied, in order."""
    out = dict(prices)
    for book in books:
        if book.currency is not None and book.currency != currency:
            raise book.fail(f"currency {book.currency} differs from the catalog's {currency}; "
                            "currency conversion is not supported", "currency")
        for entry in book.overrides:
            _apply(out, book, entry, currency)
    return out


def _apply(prices: dict[PriceKey, Price], book: PriceBook, entry: Override, currency: str) -> None:
    matched = [key for key in prices if entry.matches(key)]
    where = ("overrides", entry.index)
    if not matched:
        key = entry.exact_key() if entry.price is not None else None
        if key is None:
            raise book.fail("matches no catalog price (check service, product, region, "
                            "purchase_option and attribute values)", *where)
        if book.as_of is None:
            raise book.fail(f"adds a price the catalog does not have ({key}); "
                            "give the book an 'as_of' date for it", *where)
        prices[key] = Price(key, entry.unit or "", entry.price or Decimal(0), currency,
                            book.name, _title(book), book.as_of, False, (),
                            entry.note or "price from the price book", book.name)
        return
    for key in sorted(matched, key=str):
        old = prices[key]
        if entry.price is not None:
            if entry.unit != old.unit:
                raise book.fail(f"unit {entry.unit!r} does not match the catalog unit "
                                f"{old.unit!r} of {key}", *where, "unit")
            note = entry.note or f"price book rate (catalog: {old.price} from {old.source})"
            prices[key] = dataclasses.replace(
                old, price=entry.price, tiers=(), source=book.name, source_title=_title(book),
                as_of=book.as_of or old.as_of, estimated=False, note=note, book=book.name)
        else:
            assert entry.discount_percent is not None
            factor = (Decimal(100) - entry.discount_percent) / Decimal(100)
            note = entry.note or (f"{entry.discount_percent}% off the catalog price "
                                  f"{old.price} ({old.source}, {old.as_of})")
            prices[key] = dataclasses.replace(
                old, price=old.price * factor,
                tiers=tuple(PriceTier(t.start, t.price * factor) for t in old.tiers),
                source=book.name, source_title=_title(book), as_of=book.as_of or old.as_of,
                note=note, book=book.name)


def _title(book: PriceBook) -> str:
    return f"price book {book.name} ({Path(book.file).name})"
