"""Runtime values of the HCL evaluator: the UNKNOWN sentinel and conversions.

Values are plain Python data: str, int, float, bool, None, list (tuples, lists and
sets), dict (objects and maps). UNKNOWN stands for anything that is known only
after apply (resource attributes, data sources, unread modules); it propagates
through operators and functions and is never replaced by a guess.
"""

from __future__ import annotations

import json
import math
from typing import Any


class _Unknown:
    __slots__ = ()
    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Partial(dict):  # type: ignore[type-arg]
    """A resource's configured attributes: the ones it does not set are computed by
    the provider, so reading them gives UNKNOWN instead of an error."""


class HclSyntaxError(Exception):
    """Bad syntax found while converting a parse tree or a template."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class EvalError(Exception):
    """An expression cannot be evaluated (Terraform would report an error)."""


class Refused(Exception):
    """Hostile or over-limit input met while evaluating (a file read outside the
    module tree, a value past a limit, a number out of range, a regex RE2 cannot
    run). Not an EvalError: try() and can() do not swallow it. The nearest place
    that knows the .tf file and line turns it into an InputError (exit 2)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class Budget:
    """The limits of one read and the work spent so far (shared by every evaluator
    of the read): for-expression iterations and resource/module instances."""

    __slots__ = ("limits", "steps")

    def __init__(self, limits: Any = None) -> None:
        if limits is None:
            from engine.settings import DEFAULT_LIMITS

            limits = DEFAULT_LIMITS
        self.limits = limits
        self.steps = 0

    def spend(self, n: int, what: str) -> None:
        self.steps += n
        if self.steps > self.limits.hcl_steps:
            raise Refused(f"{what}: evaluation needs more than {self.limits.hcl_steps:,} steps "
                          "(limit hcl_steps)")

    def check(self, value: Any, what: str) -> Any:
        """`value` if its length is within the string/collection limits."""
        if isinstance(value, str):
            if len(value) > self.limits.string_length:
                raise Refused(f"{what}: a string of {len(value):,} characters is longer than "
                              f"{self.limits.string_length:,} (limit string_length)")
        elif isinstance(value, (list, dict)):
            if len(value) > self.limits.collection_length:
                raise Refused(f"{what}: a collection of {len(value):,} items is longer than "
                              f"{self.limits.collection_length:,} (limit collection_length)")
        elif isinstance(value, float) and not math.isfinite(value):
            raise Refused(f"{what}: number out of range")
        elif isinstance(value, int) and not isinstance(value, bool) and \
                value.bit_length() > MAX_INT_BITS:
            raise Refused(f"{what}: number out of range")
        return value

    def want_string(self, n: int, what: str) -> None:
        """Refuse before building a string of `n` characters."""
        if n > self.limits.string_length:
            raise Refused(f"{what}: would build a string of {n:,} characters, more than "
                          f"{self.limits.string_length:,} (limit string_length)")

    def want_items(self, n: int, what: str) -> None:
        """Refuse before building a collection of `n` items."""
        if n > self.limits.collection_length:
            raise Refused(f"{what}: would build a collection of {n:,} items, more than "
                          f"{self.limits.collection_length:,} (limit collection_length)")


# Terraform numbers are 512-bit floats; an integer wider than this is out of range.
MAX_INT_BITS = 1000


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def has_unknown(value: Any) -> bool:
    """True when `value` is UNKNOWN or holds an UNKNOWN anywhere inside."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def norm_number(value: float | int) -> int | float:
    """Integral floats become ints; a result out of range (infinite, NaN, an
    integer wider than MAX_INT_BITS) is refused."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**63:
            return int(value)
        if not math.isfinite(value):
            raise Refused("number out of range")
    elif type(value) is int and value.bit_length() > MAX_INT_BITS:
        raise Refused("number out of range")
    return value


def to_number(value: Any) -> int | float:
    if type(value) is int or type(value) is float:  # the common case first (bool excluded)
        return value
    if isinstance(value, bool):
        raise EvalError("a bool cannot be used as a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if len(value) > 400:
            raise EvalError(f"cannot convert {value[:40]!r}... to a number")
        try:
            number = float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            raise EvalError(f"cannot convert {value!r} to a number") from None
        if isinstance(number, float) and not math.isfinite(number):
            raise EvalError(f"cannot convert {value!r} to a number")
        return norm_number(number)
    raise EvalError(f"a number is required, got {type_name(value)}")


def to_string(value: Any) -> str:
    """Terraform's string conversion of a primitive (used in templates)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        v = norm_number(value)
        return str(v) if isinstance(v, int) else repr(v)
    if value is None:
        raise EvalError("a null value cannot be used in a string")
    raise EvalError(f"a {type_name(value)} value cannot be used as a string")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    if value is None:
        raise EvalError("a null value cannot be used as a condition")
    raise EvalError(f"a bool is required, got {type_name(value)}")


def key_string(value: Any) -> str:
    """Map keys are strings: numbers and bools convert, others are errors."""
    if isinstance(value, (dict, list)) or value is None:
        raise EvalError(f"a {type_name(value)} cannot be a map key")
    return to_string(value)


def json_dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return bool(a == b)
