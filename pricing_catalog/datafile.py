"""Reading, validating and writing catalog data files (JSON) and price books (YAML/JSON).

jsonschema and yaml are imported inside the functions that need them, so importing
the catalog stays cheap.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .errors import CatalogError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_SCHEMA = "catalog.schema.json"
BOOK_SCHEMA = "pricebook.schema.json"

PathPart = str | int
_COMBINATORS = frozenset({"oneOf", "anyOf", "allOf", "not", "if", "then", "else"})


def json_path(parts: Iterable[PathPart]) -> str:
    """`$.records[3].price` style path of a location in a document."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@lru_cache(maxsize=None)
def _validator(schema_name: str) -> Any:
    from jsonschema import Draft202012Validator  # lazy: heavy import

    schema = json.loads((PACKAGE_DIR / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(doc: Any, schema_name: str, file: str, text: str | None,
             hints: Mapping[str, str] | None = None) -> None:
    """Raise CatalogError for the most specific schema violation.

    `hints` replaces jsonschema's message for a keyword (its `oneOf`/`anyOf`
    messages quote the whole instance, which helps nobody).
    """
    errors = list(_validator(schema_name).iter_errors(doc))
    if not errors:
        return
    # The most specific error is the most useful: deepest first, and a concrete
    # keyword (unknown field, wrong type) before a combinator at the same place.
    error = min(errors, key=lambda e: (-len(e.absolute_path), e.validator in _COMBINATORS,
                                       [str(p) for p in e.absolute_path]))
    parts = list(error.absolute_path)
    message = (hints or {}).get(error.validator) or _schema_message(error)
    raise CatalogError(file, message, where=json_path(parts),
                       line=line_of(text, parts) if text is not None else None)


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            return f"unknown field {extra[0]!r} (allowed: {', '.join(sorted(allowed))})"
    if error.validator == "pattern":
        return f"{error.instance!r} is not valid here (expected to match {error.validator_value})"
    return error.message


def line_of(text: str | None, parts: Sequence[PathPart]) -> int | None:
    """1-based line of the node at `parts`, found through yaml node marks (JSON is YAML).

    Only called when reporting an error, so its cost does not matter.
    """
    if not text:
        return None
    try:
        import yaml

        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception:  # noqa: BLE001 - a line number is a nicety, never a second error
        return None
    best = node
    for part in parts:
        if node is None:
            break
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    nxt = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                nxt = node.value[part]
        node = nxt
        if node is not None:
            best = node
    return best.start_mark.line + 1 if best is not None else None


# Price books are small hand-written files: bounded so a hostile one costs nothing.
MAX_BOOK_BYTES = 16 * 1024 * 1024
MAX_BOOK_DEPTH = 64


def _read_text(path: Path, display: str) -> str:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BOOK_BYTES + 1)
    except OSError as exc:
        raise CatalogError(display, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BOOK_BYTES:
        raise CatalogError(display, f"file larger than {MAX_BOOK_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(display, f"not valid UTF-8 text (bad byte at offset {exc.start}); "
                                    "binary file?") from None
    if "\x00" in text:
        raise CatalogError(display, "contains NUL characters; binary file?")
    return text


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:80]!r}")
            seen.add(key)
    return out


def read_json(path: Path, display: str, *, strict: bool = False) -> tuple[Any, str]:
    """Parse a JSON file with decimals kept exact; CatalogError on syntax errors.

    `strict` (user files) also refuses duplicate keys."""
    text = _read_text(path, display)
    try:
        return json.loads(text, parse_float=Decimal,
                          object_pairs_hook=_unique_pairs if strict else None), text
    except json.JSONDecodeError as exc:
        raise CatalogError(display, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:
        raise CatalogError(display, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise CatalogError(display, "invalid JSON: nesting is too deep") from None


def read_yaml(path: Path, display: str) -> tuple[Any, str]:
    """Parse a YAML (or JSON) file; floats become exact Decimals from their source text.

    Anchors and aliases are refused at the first one (a price book needs none, and
    they are how a small file expands into a huge one), as are duplicate keys
    (PyYAML would keep the last) and nesting deeper than MAX_BOOK_DEPTH.
    """
    import yaml

    class _Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise yaml.MarkedYAMLError(problem="anchors and aliases are not allowed in a "
                                                   "price book", problem_mark=event.start_mark)
            self.depth += 1
            if self.depth > MAX_BOOK_DEPTH:
                raise yaml.MarkedYAMLError(problem=f"nesting deeper than {MAX_BOOK_DEPTH} "
                                                   "levels", problem_mark=event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = (key_node.tag, key_node.value) if isinstance(key_node, yaml.ScalarNode) \
                    else None
                if key in seen:
                    name = str(key_node.value)[:80]
                    raise yaml.MarkedYAMLError(problem=f"duplicate key {name!r}",
                                               problem_mark=key_node.start_mark)
                if key is not None:
                    seen.add(key)
            return super().construct_mapping(node, deep)

    def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        raw = str(loader.construct_scalar(node)).replace("_", "")
        try:
            value = Decimal(raw)
        except ArithmeticError:
            return loader.construct_yaml_float(node)
        return value if value.is_finite() else loader.construct_yaml_float(node)

    _Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
    text = _read_text(path, display)
    try:
        return yaml.load(text, Loader=_Loader), text  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(display, f"invalid YAML: {problem}",
                           line=mark.line + 1 if mark is not None else None) from None
    except RecursionError:
        raise CatalogError(display, "invalid YAML: nesting is too deep") from None


def format_data_file(doc: dict[str, Any]) -> str:
    """Stable text of a data file: header indented, one record (or instance) per line.

    One line per record keeps diffs of a refresh readable and the files small.
    """
    lines = ["{"]
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if key in ("records", "instances", "unavailable") and isinstance(value, list):
            if not value:
                lines.append(f"  {json.dumps(key)}: []{comma}")
                continue
            lines.append(f"  {json.dumps(key)}: [")
            for j, item in enumerate(value):
                sep = "," if j + 1 < len(value) else ""
                lines.append("    " + json.dumps(item, ensure_ascii=False, default=str) + sep)
            lines.append(f"  ]{comma}")
        else:
            body = json.dumps(value, indent=2, ensure_ascii=False, default=str)
            body = body.replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {body}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
