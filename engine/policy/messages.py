"""Render policy messages: `{address}`, `{tag.team}`, `{limit}`, evidence names."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping

from ..model import Interval

_PLACEHOLDER = re.compile(r"\{\{|\}\}|(\$?)\{([^{}]*)\}")


def text(value: Any, unit: str = "") -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, Interval):  # a figure known only as a range
        return bounds_text(value, lambda v: unit + format_money(v))
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


_PERIODS = (("/h", " per hour"), ("/month", " per month"))


def bounds_text(value: Interval, show: Any) -> str:
    """`at least $220.16`, `at most $14`, `between $1 and $2`, `unknown`."""
    lo, hi = value.low, value.high
    if lo is not None and hi is not None:
        return show(lo) if lo == hi else f"between {show(lo)} and {show(hi)}"
    if lo is not None:
        return f"at least {show(lo)}"
    return f"at most {show(hi)}" if hi is not None else "unknown"


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill placeholders; a value that is not known reads as words, never `$?`:
    `${x}/h` gives "an unknown amount per hour", `{n} GPUs` "an unknown number of GPUs"."""
    parts = _parts(template)
    out = []
    skip = 0  # characters of the next literal already said (the `/h` of an unknown amount)
    for i, (literal, dollar, name) in enumerate(parts):
        out.append(literal[skip:])
        skip = 0
        if name is None:
            continue
        value = values.get(name)
        if value is not None:
            out.append(text(value, dollar) if isinstance(value, Interval)
                       else dollar + text(value))
            continue
        after = parts[i + 1][0] if i + 1 < len(parts) else ""
        if dollar:
            out.append("an unknown amount")
            for suffix, words in _PERIODS:
                if after.startswith(suffix) and not after[len(suffix):len(suffix) + 1].isalnum():
                    out.append(words)
                    skip = len(suffix)
                    break
        elif after.startswith(" GPU"):
            out.append("an unknown number of")
        else:
            out.append(text(value))
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
