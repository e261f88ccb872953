"""Render policy messages: `{address}`, `{tag.team}`, `{limit}`, evidence names."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping

_PLACEHOLDER = re.compile(r"\{\{|\}\}|(\$?)\{([^{}]*)\}")


def text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def format_money(value: Decimal) -> str:
    """Whole numbers without decimals (GPU counts, round limits), money to the cent."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), ",f")
    if abs(value) >= 1:
        return format(value.quantize(Decimal("0.01")), ",f")
    return format(value.normalize(), "f")


def render(template: str, values: Mapping[str, Any]) -> str:
    out = []
    for literal, dollar, name in _parts(template):
        out.append(literal)
        if name is None:
            continue
        value = values.get(name)
        if dollar and value is None:
            out.append("$?")  # an amount not known (unpriced or known after apply)
        else:
            out.append(dollar + text(value))
    return "".join(out)


@lru_cache(maxsize=1024)
def _parts(template: str) -> tuple[tuple[str, str, str | None], ...]:
    """(literal text, "$" or "", placeholder name or None) runs of a template, parsed once
    per template rather than once per finding."""
    parts: list[tuple[str, str, str | None]] = []
    literal: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        literal.append(template[pos:m.start()])
        pos = m.end()
        whole = m.group(0)
        if whole in ("{{", "}}"):
            literal.append(whole[0])
            continue
        parts.append(("".join(literal), m.group(1), m.group(2)))
        literal = []
    literal.append(template[pos:])
    parts.append(("".join(literal), "", None))
    return tuple(parts)


def jsonable(value: Any) -> Any:
    """Evidence for JSON: Decimals as strings, tuples as lists, sorted maps."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value
