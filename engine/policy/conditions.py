"""The condition registry: every condition type with its schema and evaluator.

A condition in a policy is a one-key mapping ``{type: parameters}``. Each type
declares the JSON-schema fragment of its parameters (the policy schema is built
from these), a `compile` function that turns checked parameters into a
``Check`` (``Subject -> Verdict``), and the evidence names it can produce
(message placeholders are validated against them).

A verdict is tri-state: True (holds), False (does not hold), None (unknown:
a value that is known only after apply). `all`/`any`/`not` use Kleene logic.

Third-party types come from the entry-point group ``costwarden.conditions``;
each entry point loads a `ConditionType` or a sequence of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from .data import DataRefError, DataStore, is_ref, parse_ref
from .operators import MISSING, OPERATORS, OperandError, describe, prepare
from .subject import Subject

Verdict = tuple[bool | None, dict[str, Any]]
Check = Callable[[Subject], Verdict]
ENTRY_POINT_GROUP = "costwarden.conditions"
SIDE_SCHEMA = {"enum": ["before", "after", "default"]}


class CompileError(Exception):
    """A semantic mistake in a condition; `path` is relative to the condition."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class ConditionType:
    name: str
    description: str
    schema: Mapping[str, Any]  # JSON Schema of the parameters
    compile: Callable[[Any, "CompileContext"], Check]
    evidence: Callable[[Any], Iterable[str]] = lambda params: ()


@dataclass(frozen=True)
class ConditionRegistry:
    types: Mapping[str, ConditionType]

    def get(self, name: str) -> ConditionType | None:
        return self.types.get(name)

    def names(self) -> list[str]:
        return sorted(self.types)

    def evidence_names(self, cond: Any) -> set[str]:
        """Evidence a (schema-valid) condition can produce, for placeholder checks."""
        out: set[str] = set()
        if isinstance(cond, Mapping):
            for name, params in cond.items():
                ctype = self.types.get(name)
                if ctype is None:
                    continue
                out.update(ctype.evidence(params))
                if name in ("all", "any"):
                    for child in params or ():
                        out |= self.evidence_names(child)
                elif name == "not":
                    out |= self.evidence_names(params)
        return out


def build_registry(extra: Sequence[ConditionType] = (), *, plugins: bool = True) -> ConditionRegistry:
    """Built-in types, then entry-point plugins; a duplicate name is an error."""
    from .builtin_conditions import BUILTIN

    types: dict[str, ConditionType] = {}
    found = list(BUILTIN) + list(extra)
    if plugins:
        found += list(_plugins())
    for ctype in found:
        if ctype.name in types:
            raise ValueError(f"condition type {ctype.name!r} is registered twice")
        types[ctype.name] = ctype
    return ConditionRegistry(types)


def _plugins() -> Iterable[ConditionType]:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        loaded = ep.load()
        items = loaded if isinstance(loaded, (list, tuple)) else [loaded]
        for item in items:
            if not isinstance(item, ConditionType):
                raise TypeError(f"entry point {ep.name!r} ({ep.value}) did not give a ConditionType")
            yield item


@dataclass
class CompileContext:
    registry: ConditionRegistry
    data: DataStore
    path: tuple[str | int, ...] = ()
    data_used: set[str] = field(default_factory=set)

    def at(self, *parts: str | int) -> "CompileContext":
        return CompileContext(self.registry, self.data, self.path + parts, self.data_used)

    def error(self, message: str, *parts: str | int) -> CompileError:
        return CompileError(self.path + parts, message)

    def compile(self, cond: Any) -> Check:
        if not isinstance(cond, Mapping) or len(cond) != 1:
            raise self.error("a condition is a mapping with exactly one condition type")
        (name, params), = cond.items()
        ctype = self.registry.get(name)
        if ctype is None:
            raise self.error(f"unknown condition {name!r} (known: {', '.join(self.registry.names())})")
        return ctype.compile(params, self.at(name))

    def value(self, raw: Any, *parts: str | int) -> Any:
        """Resolve a ``{data: ref}`` now (references with group placeholders stay refs)."""
        if not is_ref(raw):
            return raw
        try:
            ref = parse_ref(raw["data"])
            if ref.placeholders:
                raise self.error(f"data reference {ref.text!r} has group placeholders, "
                                 "which only aggregate policies can fill", *parts, "data")
            self.data_used.add(ref.namespace)
            return self.data.lookup(ref)
        except DataRefError as exc:
            raise self.error(str(exc), *parts, "data") from None

    def ops(self, params: Mapping[str, Any], skip: Iterable[str] = ()) -> "Ops":
        """Precompile the operator tests in `params` (other keys listed in `skip`)."""
        skip = set(skip)
        tests = []
        for name, raw in params.items():
            if name in skip:
                continue
            if name not in OPERATORS:
                raise self.error(f"unknown operator {name!r} (known: {', '.join(OPERATORS)})", name)
            expected = self.value(raw, name)
            try:
                tests.append((name, prepare(name, expected)))
            except OperandError as exc:
                raise self.error(str(exc), name) from None
        if not tests:
            raise self.error(f"no operator given (one of: {', '.join(OPERATORS)})")
        return Ops(tuple(tests))


@dataclass(frozen=True, slots=True)
class Ops:
    tests: tuple[tuple[str, Any], ...]

    def holds(self, actual: Any) -> bool:
        for name, expected in self.tests:
            if not OPERATORS[name].test(actual, expected):
                return False
        return True

    def all_hold(self, values: Sequence[Any]) -> bool:
        """Every value satisfies every test (vacuously true for no values)."""
        return all(self.holds(v) for v in values)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, expected in self.tests:
            key = "limit" if name in ("gt", "gte", "lt", "lte") else "expected"
            out[key] = describe(expected)
        return out


def show(value: Any) -> Any:
    return None if value is MISSING else value


def ops_schema(extra: Mapping[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    """Schema for a parameter object of `extra` keys plus the operator table."""
    props = {name: {"$ref": f"#/$defs/op_{name}"} for name in OPERATORS}
    props.update(extra)
    return {"type": "object", "title": "operator test", "properties": props,
            "required": list(required), "additionalProperties": False, "minProperties": 1}
