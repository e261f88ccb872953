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

from ..errors import InputError
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
    # Decided by type, address, action, environment and tags alone: no attribute
    # value, no price (lets the tag hook skip both). False unless declared.
    tags_only: bool = False
    # Decided by what a Terraform source says of the resource, without a plan or
    # prices: attributes, instance types and families, GPU class, purchase option
    # (the pre-commit hook runs these). Implied by tags_only.
    source_only: bool = False


class ConditionRegistry:
    """Condition types by name.

    Entry-point plugins are looked up on first need only (a name that is not
    built in, the full list, the schema): a pack of built-in conditions then never
    scans the installed packages, which keeps the pre-commit hook quick.
    """

    def __init__(self, types: Mapping[str, ConditionType],
                 plugins: Callable[[], Iterable[ConditionType]] | None = None) -> None:
        self._types = dict(types)
        self._plugins = plugins

    @property
    def types(self) -> Mapping[str, ConditionType]:
        self._load_plugins()
        return self._types

    def get(self, name: str) -> ConditionType | None:
        found = self._types.get(name)
        if found is None and self._plugins is not None:
            self._load_plugins()
            found = self._types.get(name)
        return found

    def names(self) -> list[str]:
        return sorted(self.types)

    def _load_plugins(self) -> None:
        load, self._plugins = self._plugins, None
        if load is not None:
            for ctype in load():
                try:
                    _register(self._types, ctype)
                except ValueError as exc:
                    raise InputError(None, f"{exc} (a plugin repeats a name)") from None

    def tags_only(self, cond: Any) -> bool:
        """Whether a (schema-valid) condition reads nothing but tags, type and action."""
        return self._reads_only(cond, lambda ctype: ctype.tags_only)

    def source_only(self, cond: Any) -> bool:
        """Whether a (schema-valid) condition is decided by source alone (no plan, no price)."""
        return self._reads_only(cond, lambda ctype: ctype.tags_only or ctype.source_only)

    def _reads_only(self, cond: Any, allowed: Callable[[ConditionType], bool]) -> bool:
        if not isinstance(cond, Mapping):
            return True
        for name, params in cond.items():
            ctype = self.get(name)
            if ctype is None or not allowed(ctype):
                return False
            if name in ("all", "any") and not all(self._reads_only(c, allowed)
                                                  for c in params or ()):
                return False
            if name == "not" and not self._reads_only(params, allowed):
                return False
        return True

    def evidence_names(self, cond: Any) -> set[str]:
        """Evidence a (schema-valid) condition can produce, for placeholder checks."""
        out: set[str] = set()
        if isinstance(cond, Mapping):
            for name, params in cond.items():
                ctype = self.get(name)
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
    for ctype in list(BUILTIN) + list(extra):
        _register(types, ctype)
    return ConditionRegistry(types, _plugins if plugins else None)


def _register(types: dict[str, ConditionType], ctype: ConditionType) -> None:
    if ctype.name in types:
        raise ValueError(f"condition type {ctype.name!r} is registered twice")
    types[ctype.name] = ctype


def _plugins() -> Iterable[ConditionType]:
    """Condition types of the `costwarden.conditions` entry points; a broken plugin is
    bad configuration (one line, exit 2), not a crash."""
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        where = f"{ENTRY_POINT_GROUP} entry point {ep.name!r} ({ep.value})"
        try:
            loaded = ep.load()
        except Exception as exc:  # any import-time failure of third-party code
            raise InputError(None, f"cannot be loaded: {type(exc).__name__}: {exc}",
                             where=where) from None
        for item in loaded if isinstance(loaded, (list, tuple)) else [loaded]:
            if not isinstance(item, ConditionType):
                raise InputError(None, f"gives {type(item).__name__}, not a ConditionType",
                                 where=where)
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
