"""The operator table shared by attribute, tag, instance and cost conditions.

An operator test is ``{operator: expected}`` inside a condition. Each operator
has a JSON-schema fragment for its expected value and a function
``(actual, expected) -> bool``. ``actual`` is ``MISSING`` when the value is
absent: every positive test is then false and every negated one true
(``not_equals: gp2`` holds for a volume without a type).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from ..model import Interval
from .regex_safety import UnsafeRegex, compile_safe, is_pattern


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

SCALAR = {"type": ["string", "number", "boolean", "null"]}
DATA_REF = {"$ref": "#/$defs/data_ref"}
NUMBER_OR_REF = {"anyOf": [{"type": "number"}, DATA_REF]}
LIST_OR_REF = {"anyOf": [{"type": "array", "items": SCALAR}, DATA_REF]}
STRING_OR_LIST = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}},
                            DATA_REF]}


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    schema: Mapping[str, Any]
    kind: str  # "any", "list", "number", "regex", "glob", "bool"
    test: Callable[[Any, Any], bool]
    description: str


def to_number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value is MISSING:
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _eq(actual: Any, expected: Any) -> bool:
    if actual is MISSING:
        return False
    a, e = to_number(actual), to_number(expected)
    if a is not None and e is not None and not isinstance(expected, str):
        return a == e
    return bool(actual == expected)


def _num(cmp: Callable[[Decimal, Decimal], bool]) -> Callable[[Any, Any], bool]:
    def test(actual: Any, expected: Any) -> bool:
        a, e = to_number(actual), to_number(expected)
        return a is not None and e is not None and cmp(a, e)
    return test


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, (list, tuple, set, frozenset, str)):
        return expected in actual
    if isinstance(actual, Mapping):
        return expected in actual
    return False


@dataclass(frozen=True, slots=True)
class Choices:
    """A precompiled `in` list: set lookups with the same semantics as `equals`."""

    values: tuple[Any, ...]
    strings: frozenset[str]
    numbers: frozenset[Decimal]
    others: tuple[Any, ...]

    @classmethod
    def of(cls, values: Any) -> "Choices":
        items = tuple(values)
        strings = frozenset(v for v in items if isinstance(v, str))
        numbers = frozenset(n for v in items if not isinstance(v, str)
                            and (n := to_number(v)) is not None)
        others = tuple(v for v in items if not isinstance(v, str) and to_number(v) is None)
        return cls(items, strings, numbers, others)


def _in(actual: Any, expected: Choices) -> bool:
    if actual is MISSING:
        return False
    if isinstance(actual, str) and actual in expected.strings:
        return True
    if expected.numbers:
        number = to_number(actual)
        if number is not None and number in expected.numbers:
            return True
    return any(actual == o for o in expected.others)


def _matches(actual: Any, pattern: Any) -> bool:  # an RE2 pattern (compile_safe)
    return isinstance(actual, str) and pattern.fullmatch(actual) is not None


@dataclass(frozen=True, slots=True)
class Globs:
    patterns: tuple[str, ...]
    compiled: re.Pattern[str]

    @classmethod
    def of(cls, patterns: Any) -> "Globs":
        items = (patterns,) if isinstance(patterns, str) else tuple(patterns)
        joined = "|".join(fnmatch.translate(p) for p in items) or "(?!)"
        return cls(items, re.compile(joined))

    def match(self, value: Any) -> bool:
        return isinstance(value, str) and self.compiled.match(value) is not None


def _glob(actual: Any, globs: Globs) -> bool:
    return globs.match(actual)


def _exists(actual: Any, expected: bool) -> bool:
    present = actual is not MISSING and actual is not None and actual != [] and actual != {} \
        and actual != ""
    return present == bool(expected)


def _neg(fn: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda actual, expected: not fn(actual, expected)


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("exists", {"type": "boolean"}, "bool", _exists,
             "true: present, not null and not empty; false: absent or empty"),
    Operator("equals", {"anyOf": [SCALAR, DATA_REF]}, "any", _eq, "equal (numbers by value)"),
    Operator("not_equals", {"anyOf": [SCALAR, DATA_REF]}, "any", _neg(_eq), "not equal"),
    Operator("in", LIST_OR_REF, "list", _in, "one of the listed values"),
    Operator("not_in", LIST_OR_REF, "list", _neg(_in), "none of the listed values"),
    Operator("matches", {"type": "string"}, "regex", _matches,
             "the whole value matches the regular expression"),
    Operator("not_matches", {"type": "string"}, "regex", _neg(_matches),
             "the value does not match the regular expression"),
    Operator("glob", STRING_OR_LIST, "glob", _glob, "matches one of the glob patterns (* ? [])"),
    Operator("not_glob", STRING_OR_LIST, "glob", _neg(_glob), "matches none of the globs"),
    Operator("gt", NUMBER_OR_REF, "number", _num(lambda a, e: a > e), "greater than"),
    Operator("gte", NUMBER_OR_REF, "number", _num(lambda a, e: a >= e), "greater or equal"),
    Operator("lt", NUMBER_OR_REF, "number", _num(lambda a, e: a < e), "less than"),
    Operator("lte", NUMBER_OR_REF, "number", _num(lambda a, e: a <= e), "less or equal"),
    Operator("contains", {"anyOf": [SCALAR, DATA_REF]}, "any", _contains,
             "a list, map (keys) or string contains the value"),
    Operator("not_contains", {"anyOf": [SCALAR, DATA_REF]}, "any", _neg(_contains),
             "does not contain the value"),
)}
NUMERIC = ("gt", "gte", "lt", "lte", "equals", "not_equals")


def interval_holds(name: str, actual: Interval, expected: Any) -> bool | None:
    """An operator test on a figure known only as an interval (a cost with an unknown
    part): True or False when every value in it gives that answer, None when the
    interval straddles the limit. An exact figure is tested as a plain number."""
    if actual.is_exact:
        return OPERATORS[name].test(actual.low, expected)
    limit = to_number(expected)
    if name not in NUMERIC:
        return None
    if limit is None or (name in ("equals", "not_equals") and isinstance(expected, str)):
        return OPERATORS[name].test(Decimal(0), expected)  # the same for every number
    return actual.test(name, limit)


def figure(value: Interval | None) -> Decimal | Interval | None:
    """Evidence for a figure: the number when exact, the interval when only bounds
    are known, None when nothing bounds it."""
    if value is None or (value.low is None and value.high is None):
        return None
    return value.low if value.is_exact else value


class OperandError(ValueError):
    """A bad expected value; `key` names the operator for the error path."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def prepare(name: str, expected: Any) -> Any:
    """Check and precompile an operator's expected value (regexes, globs, numbers)."""
    op = OPERATORS[name]
    if op.kind == "regex":
        if not isinstance(expected, str):
            raise OperandError(name, "a regular expression must be a string")
        try:
            return compile_safe(expected)  # RE2: linear time, no backtracking
        except UnsafeRegex as exc:
            raise OperandError(name, f"bad regular expression {expected!r} (RE2 syntax): "
                                     f"{exc}") from None
    if op.kind == "glob":
        items = [expected] if isinstance(expected, str) else expected
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise OperandError(name, "glob patterns must be a string or a list of strings")
        return Globs.of(items)
    if op.kind == "list":
        if not isinstance(expected, (list, tuple)):
            raise OperandError(name, f"'{name}' needs a list, got {type(expected).__name__}")
        return Choices.of(expected)
    if op.kind == "number":
        if to_number(expected) is None:
            raise OperandError(name, f"'{name}' needs a number, got {expected!r}")
        return to_number(expected)
    return expected


def describe(expected: Any) -> Any:
    """A printable form of a prepared expected value (for evidence)."""
    if is_pattern(expected):
        return expected.pattern
    if isinstance(expected, Globs):
        return list(expected.patterns)
    if isinstance(expected, Choices):
        return list(expected.values)
    if isinstance(expected, tuple):
        return list(expected)
    return expected
