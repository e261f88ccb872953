"""Validate a YAML document against a JSON Schema; errors become file:line messages."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Mapping

from .errors import InputError
from .yamlload import YamlDoc, json_path

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
               float: "number", type(None): "null"}
# Validators by schema identity, most recently used last: id -> (schema, validator).
# Each entry holds its schema, so an id cannot be reused by another schema while it
# is cached; a lock makes lookup and insertion one step for threads sharing a process.
_VALIDATORS: "OrderedDict[int, tuple[Mapping[str, Any], Any]]" = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 16


def _validator(schema: Mapping[str, Any]) -> Any:
    with _LOCK:
        hit = _VALIDATORS.get(id(schema))
        if hit is not None and hit[0] is schema:
            _VALIDATORS.move_to_end(id(schema))
            return hit[1]
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(schema)
        _VALIDATORS[id(schema)] = (schema, validator)
        while len(_VALIDATORS) > _KEEP:
            _VALIDATORS.popitem(last=False)
        return validator


def schema_errors(doc: YamlDoc, schema: Mapping[str, Any]) -> list[InputError]:
    """Every schema violation in `doc`, most specific first, one per path."""
    validator = _validator(schema)
    found: dict[tuple[Any, ...], InputError] = {}
    for error in validator.iter_errors(doc.data):
        for path, message in _explain(error):
            if path in found:
                continue
            found[path] = InputError(doc.file, message, line=doc.line(path),
                                     where=_where(doc.data, path))
    return sorted(found.values(), key=lambda e: (e.line or 0, e.where or ""))


def _where(data: Any, path: tuple[Any, ...]) -> str:
    if len(path) >= 2 and path[0] == "policies" and isinstance(path[1], int):
        policies = data.get("policies") if isinstance(data, Mapping) else None
        try:
            pid = policies[path[1]].get("id")
        except (TypeError, IndexError, AttributeError):
            pid = None
        if isinstance(pid, str):
            return f"policy {pid} {json_path(path)}"
    return json_path(path)


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _explain(error: Any) -> list[tuple[tuple[Any, ...], str]]:
    path = tuple(error.absolute_path)
    kind, schema, inst = error.validator, error.schema, error.instance
    if kind == "additionalProperties" and isinstance(inst, Mapping):
        props = schema.get("properties", {})
        title = schema.get("title", "object")
        noun = {"condition": "condition", "operator test": "operator or key",
                "aggregate measure": "aggregate measure"}.get(title, "key")
        allowed = ", ".join(sorted(props)) if props else "none"
        extras = [k for k in inst if k not in props]
        if isinstance(schema.get("additionalProperties"), dict):
            extras = []
        return [(path + (k,), f"unknown {noun} {k!r} in {title} (expected one of: {allowed})")
                for k in extras] or [(path, error.message)]
    if kind == "type":
        want = schema["type"]
        want = " or ".join(want) if isinstance(want, list) else want
        return [(path, f"wrong type: expected {want}, got {_type_name(inst)} ({inst!r})")]
    if kind == "required":
        missing = [k for k in schema["required"] if k not in inst]
        return [(path, f"missing required key {k!r} in {schema.get('title', 'object')}")
                for k in missing]
    if kind == "enum":
        return [(path, f"{inst!r} is not one of: {', '.join(map(str, schema['enum']))}")]
    if kind == "const":
        return [(path, f"{inst!r} must be {schema['const']!r}")]
    if kind == "maxProperties" and schema.get("title") == "condition":
        return [(path, "a condition has exactly one type; found: " + ", ".join(map(str, inst)))]
    if kind == "minProperties":
        return [(path, f"empty {schema.get('title', 'mapping')}")]
    if kind == "pattern":
        return [(path, f"{inst!r} does not match the pattern {schema['pattern']}")]
    if kind in ("anyOf", "oneOf") and error.context:
        # Prefer the branch that got furthest into the value (c7n's specific_error idea).
        best = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        if len(best.absolute_path) > len(path) or best.validator != "type":
            return _explain(best)
        wants: list[str] = []
        for branch in schema[kind]:
            if "$ref" in branch:
                wants.append("{data: ...} reference" if branch["$ref"].endswith("data_ref")
                             else branch["$ref"].rsplit("/", 1)[-1])
            elif "type" in branch:
                t = branch["type"]
                wants.append(" or ".join(t) if isinstance(t, list) else t)
        return [(path, f"wrong type: expected {' or '.join(wants)}, got {_type_name(inst)} "
                       f"({inst!r})")]
    return [(path, error.message)]
