"""Render policy messages: `{address}`, `{tag.team}`, `{limit}`, evidence names."""

from __future__ import annotations

import re
from decimal import Decimal
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
    def sub(m: re.Match[str]) -> str:
        whole = m.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        dollar, value = m.group(1), values.get(m.group(2))
        if dollar and value is None:
            return "$?"  # an amount not known (unpriced or known after apply)
        return dollar + text(value)
    return _PLACEHOLDER.sub(sub, template)


def jsonable(value: Any) -> Any:
    """Evidence for JSON: Decimals as strings, tuples as lists, sorted maps."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value
