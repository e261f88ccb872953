"""Generate the policy-file JSON Schema from the condition registry.

The committed copy (`policies/policy.schema.json`) is drift-tested against this
output; editors use it for completion. Conditions dispatch on their one key
(``{"tag": {...}}``), so a mistake is reported against one branch, never
against a giant `anyOf`.
"""

from __future__ import annotations

import json
from typing import Any

from .conditions import ConditionRegistry
from .operators import OPERATORS

LEVELS = ["advisory", "soft-mandatory", "hard-mandatory", "disabled"]
ACTIONS = ["create", "update", "delete", "replace", "no-op", "read"]
MEASURES = [f"{when}_{what}" for what in ("gpus", "count", "hourly_cost", "monthly_cost")
            for when in ("prior", "proposed", "delta")]
NUMERIC_OPS = ["gt", "gte", "lt", "lte", "equals", "not_equals"]
SCHEMA_ID = "https://costwarden.dev/schemas/policy.schema.json"
ID_PATTERN = "^[A-Za-z][A-Za-z0-9_.-]{0,99}$"


def _strings() -> dict[str, Any]:
    return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}},
                      {"$ref": "#/$defs/data_ref"}]}


def generate_schema(registry: ConditionRegistry) -> dict[str, Any]:
    defs: dict[str, Any] = {
        "data_ref": {"type": "object", "title": "data reference",
                     "description": "a value read from a data file: {data: 'file.key.key'}",
                     "properties": {"data": {"type": "string", "minLength": 1}},
                     "required": ["data"], "additionalProperties": False},
        "level": {"enum": LEVELS},
        "levels": {"type": "object", "title": "levels by environment",
                   "description": "environment name (glob) -> enforcement level",
                   "additionalProperties": {"$ref": "#/$defs/level"}},
        "condition": {"type": "object", "title": "condition", "minProperties": 1,
                      "maxProperties": 1, "additionalProperties": False,
                      "properties": {name: {"$ref": f"#/$defs/cond_{name}"}
                                     for name in registry.names()}},
    }
    for name, op in OPERATORS.items():
        defs[f"op_{name}"] = {**op.schema, "description": op.description}
    for name in registry.names():
        ctype = registry.types[name]
        defs[f"cond_{name}"] = {**ctype.schema, "description": ctype.description}
    defs["selector"] = {
        "type": "object", "title": "selector", "additionalProperties": False,
        "properties": {
            "types": _strings(), "providers": _strings(), "addresses": _strings(),
            "actions": {"type": "array", "items": {"enum": ACTIONS}, "minItems": 1},
            "modes": {"type": "array", "items": {"enum": ["managed", "data"]}, "minItems": 1},
            "taggable": {"type": "boolean"},
            "tags": {"type": "object", "additionalProperties": _strings(),
                     "description": "effective tag key -> allowed value globs"},
            "instance_family": _strings(), "instance_type": _strings(), "gpu_model": _strings(),
            "where": {"$ref": "#/$defs/condition"},
        },
    }
    defs["aggregate"] = {
        "type": "object", "title": "aggregate", "additionalProperties": False,
        "required": ["require"],
        "properties": {
            "group_by": {"type": "array", "items": {"type": "string",
                                                    "pattern": "^(tag:.+|project|module|type|"
                                                               "provider|region|environment)$"}},
            "require": {"type": "object", "title": "aggregate measure", "minProperties": 1,
                        "additionalProperties": False,
                        "properties": {m: {"type": "object", "title": "operator test",
                                           "minProperties": 1, "additionalProperties": False,
                                           "properties": {o: {"anyOf": [{"type": "number"},
                                                                        {"$ref": "#/$defs/data_ref"}]}
                                                          for o in NUMERIC_OPS}}
                                       for m in MEASURES}},
        },
    }
    defs["policy"] = {
        "type": "object", "title": "policy", "additionalProperties": False,
        "required": ["id", "description", "level", "message"],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "description": {"type": "string", "minLength": 1},
            "level": {"$ref": "#/$defs/level"},
            "levels": {"$ref": "#/$defs/levels"},
            "message": {"type": "string", "minLength": 1},
            "pass_message": {"type": "string", "minLength": 1},
            "select": {"$ref": "#/$defs/selector"},
            "require": {"$ref": "#/$defs/condition"},
            "aggregate": {"$ref": "#/$defs/aggregate"},
            "waivers": {"type": "object", "additionalProperties": False,
                        "properties": {"require": {"type": "array",
                                                   "items": {"enum": ["approver", "owner",
                                                                      "ticket"]}}}},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "costwarden policy file",
        "type": "object", "additionalProperties": False, "required": ["policies"],
        "properties": {
            "version": {"const": 1},
            "description": {"type": "string"},
            "data": {"type": "array", "items": {"type": "string", "minLength": 1},
                     "description": "data files (paths relative to this file); the file stem "
                                    "is the namespace used in {data: ...} references"},
            "levels": {"$ref": "#/$defs/levels"},
            "policies": {"type": "array", "items": {"$ref": "#/$defs/policy"}},
        },
        "$defs": defs,
    }


def schema_text(registry: ConditionRegistry) -> str:
    return json.dumps(generate_schema(registry), indent=2, sort_keys=True) + "\n"
