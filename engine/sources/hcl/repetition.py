"""count and for_each: the instances of one resource or module block."""

from __future__ import annotations

from typing import Any, Callable

from engine.errors import InputError
from engine.sources.hcl.values import UNKNOWN, EvalError, has_unknown, key_string, to_number


def instance_keys(attrs: dict[str, Any], evaluate: Callable[[Any], Any],
                  warn: Callable[[str], None], limit: int, file: str, where: str
                  ) -> tuple[list[tuple[Any, dict[str, Any]]] | None, str | None]:
    """Instances as (key, bound names) and the meta-argument that made them; None keys
    when count/for_each is unknown. More than `limit` instances is an input error."""
    def too_many(n: int, what: str, line: int | None) -> InputError:
        return InputError(file, f"{where}: {what} makes {n:,} instances, more than "
                                f"{limit:,} (limit instances)", line=line)

    if "count" in attrs:
        value = evaluate(attrs["count"])
        line = attrs["count"][1]
        if value is UNKNOWN or value is None:
            return None, "count"
        try:
            number = to_number(value)
        except EvalError:
            warn(f"{file}:{line}: {where}: count is not a number")
            return None, "count"
        if isinstance(number, float) and not number.is_integer():
            raise InputError(file, f"{where}: count must be a whole number, not {number}",
                             line=line)
        n = int(number)
        if n < 0:
            raise InputError(file, f"{where}: count must not be negative ({n})", line=line)
        if n > limit:
            raise too_many(n, "count", line)
        return [(i, {"count": {"index": i}}) for i in range(n)], "count"
    if "for_each" in attrs:
        value = evaluate(attrs["for_each"])
        if isinstance(value, (dict, list)) and len(value) > limit:
            raise too_many(len(value), "for_each", attrs["for_each"][1])
        if value is None:
            return [], "for_each"
        if isinstance(value, dict):
            return [(k, {"each": {"key": k, "value": value[k]}}) for k in sorted(value)], \
                "for_each"
        if isinstance(value, list) and not has_unknown(value):
            try:
                keys = sorted({key_string(v) for v in value})
            except EvalError:
                keys = None
            if keys is not None:
                return [(k, {"each": {"key": k, "value": k}}) for k in keys], "for_each"
        return None, "for_each"
    return [(None, {})], None
