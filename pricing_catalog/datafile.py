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


def read_json(path: Path, display: str) -> tuple[Any, str]:
    """Parse a JSON file with decimals kept exact; CatalogError on syntax errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(display, f"cannot read file: {exc.strerror or exc}") from None
    try:
        return json.loads(text, parse_float=Decimal), text
    except json.JSONDecodeError as exc:
        raise CatalogError(display, f"invalid JSON: {exc.msg}", line=exc.lineno) from None


def read_yaml(path: Path, display: str) -> tuple[Any, str]:
    """Parse a YAML (or JSON) file; floats become exact Decimals from their source text."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        raw = str(loader.construct_scalar(node)).replace("_", "")
        try:
            value = Decimal(raw)
        except ArithmeticError:
            return loader.construct_yaml_float(node)
        return value if value.is_finite() else loader.construct_yaml_float(node)

    _Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(display, f"cannot read file: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_Loader), text  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(display, f"invalid YAML: {problem}",
                           line=mark.line + 1 if mark is not None else None) from None


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
