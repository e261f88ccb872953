"""Variable type constraints: fill optional object attributes, convert primitives.

Lenient on purpose: a value that does not fit its type is kept as it is (the
reader reports what is written; `terraform validate` is the type checker).
"""

from __future__ import annotations

from typing import Any, Callable

from engine.sources.hcl.syntax import Expr
import math

from engine.sources.hcl.values import (UNKNOWN, EvalError, Refused, to_bool, to_number,
                                       to_string)


def convert(value: Any, tnode: Expr | None, ev: Callable[[Expr], Any]) -> Any:
    """Convert `value` to the type written as `tnode` (ev evaluates defaults)."""
    if tnode is None or value is UNKNOWN or value is None:
        return value
    try:
        return _convert(value, tnode, ev)
    except EvalError:
        return value


def _convert(value: Any, t: Expr, ev: Callable[[Expr], Any]) -> Any:
    if value is UNKNOWN or value is None:
        return value
    if t[0] == "P":
        return _convert(value, t[1], ev)
    if t[0] == "V":
        kind = t[1]
        if kind == "string" and not isinstance(value, (list, dict)):
            return to_string(value)
        if kind == "number" and isinstance(value, str):
            refuse_non_finite(value)
            return to_number(value)
        if kind == "bool" and isinstance(value, str):
            return to_bool(value)
        return value
    if t[0] != "C" or not t[2]:
        return value
    kind, args = t[1], t[2]
    if kind in ("list", "set") and isinstance(value, list):
        return [_convert(x, args[0], ev) for x in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _convert(v, args[0], ev) for k, v in value.items()}
    if kind == "tuple" and isinstance(value, list) and args[0][0] == "TU":
        types = args[0][1]
        return [_convert(x, types[i], ev) if i < len(types) else x for i, x in enumerate(value)]
    if kind == "object" and isinstance(value, dict) and args[0][0] == "OB":
        return _object(value, args[0][1], ev)
    return value


def refuse_non_finite(text: str) -> None:
    """A number variable set to "1e999", "inf" or "NaN" (a -var, tfvars or default
    string) is refused, as Terraform refuses it, never carried on as a string."""
    try:
        number = float(text.strip()) if len(text) <= 400 else 0.0
    except ValueError:
        return
    if not math.isfinite(number):
        raise Refused(f"number {text[:40]!r} is not a finite number")


def _object(value: dict[str, Any], attrs: list[list[Expr]], ev: Callable[[Expr], Any]) -> Any:
    out: dict[str, Any] = {}
    for key_node, t in attrs:
        if key_node[0] != "L":
            continue
        name = str(key_node[1])
        optional = t[0] == "C" and t[1] == "optional" and bool(t[2])
        inner = t[2][0] if optional else t
        v = value.get(name)
        if v is None and optional and len(t[2]) > 1:
            v = ev(t[2][1])
        out[name] = _convert(v, inner, ev) if name in value or v is not None else None
    return out
