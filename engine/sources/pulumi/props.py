"""Pulumi property values -> the attribute-shape contract (see engine/model.py).

`convert(props, canonical_type)` turns one resource's `inputs`/`outputs` into
Terraform-named attributes: camelCase keys become snake_case (recursively; the
type's `RENAMES` exceptions applied), objects stay objects (the shape contract reads
a block as a one-element list or as the object alike). Pulumi's markers become the
model's paths:

- the unknown sentinel `04da6b54-80e4-46f7-96ec-b56ff0331ba9` ("known after
  update") is removed and its path goes to `unknown`;
- `"[secret]"` (a secret in a preview), and an object with the signature key whose
  signature is the secret one (a stack export, `--show-secrets`), go to `sensitive`;
  a known plaintext stays at its path so the output scrubber hides it everywhere;
- assets and archives (the other signatures) stay opaque (their keys untouched).

Keys of free-form maps (tags, labels, metadata, variables...) are user data and keep
their spelling. A CrossGuard adapter converts one resource's props with the same call.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, NamedTuple

from engine.model import AttrPath
from engine.sources.pulumi.types import RENAMES

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_TEXT = "[secret]"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
# maps whose keys are user data, not property names (camelCase spelling)
OPAQUE_KEYS = frozenset({
    "tags", "tagsAll", "labels", "effectiveLabels", "pulumiLabels", "terraformLabels",
    "defaultTags", "defaultLabels", "metadata", "resourceLabels", "variables", "parameters",
    "annotations", "nodeSelector", "environment", "policy", "attributes", "userMetadata",
})
_INTERNAL = ("__defaults", "__meta", "__internal")
_MAX_DEPTH = 64
_WORD = re.compile(r"^[a-z][A-Za-z0-9]*$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class Converted(NamedTuple):
    attrs: dict[str, Any]
    unknown: frozenset[AttrPath]
    sensitive: frozenset[AttrPath]


def snake(name: str) -> str:
    """`instanceType` -> `instance_type`, `ipv6CidrBlock` -> `ipv6_cidr_block`; a key that
    is not a camelCase word (`__index.js`, `Name`) is kept as it is."""
    if not _WORD.match(name):
        return name
    return _CAMEL.sub("_", name).lower()


class PropertyError(ValueError):
    """A property document nested too deep (hostile input)."""


def convert(props: Any, canonical_type: str) -> Converted:
    """One resource's properties as attributes, with their unknown and sensitive paths."""
    if not isinstance(props, Mapping):
        return Converted({}, frozenset(), frozenset())
    unknown: set[AttrPath] = set()
    sensitive: set[AttrPath] = set()
    renames = RENAMES.get(canonical_type, {})
    attrs = _object(props, (), (), renames, unknown, sensitive, 0)
    return Converted(attrs, frozenset(unknown), frozenset(sensitive))


def _object(props: Mapping[str, Any], path: AttrPath, names: tuple[str, ...],
            renames: Mapping[tuple[str, ...], str], unknown: set[AttrPath],
            sensitive: set[AttrPath], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        key = str(key)
        if key in _INTERNAL:
            continue
        name = snake(key)
        name = renames.get(names + (name,), name)
        opaque = key in OPAQUE_KEYS
        found = _value(value, path + (name,), names + (name,), renames, unknown, sensitive,
                       depth + 1, opaque)
        if found is not _DROP:
            out[name] = found
    return out


_DROP = object()


def _value(value: Any, path: AttrPath, names: tuple[str, ...],
           renames: Mapping[tuple[str, ...], str], unknown: set[AttrPath],
           sensitive: set[AttrPath], depth: int, opaque: bool) -> Any:
    if depth > _MAX_DEPTH:
        raise PropertyError(f"properties nested deeper than {_MAX_DEPTH} levels")
    if isinstance(value, str):
        if value == UNKNOWN:
            unknown.add(path)
            return _DROP
        if value == SECRET_TEXT:
            sensitive.add(path)
        return value
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig is not None:
            if sig == SECRET_SIG:
                sensitive.add(path)
                return _plaintext(value)
            return value  # an asset, archive or resource reference: opaque
        if opaque:
            return _opaque(value, path, unknown, sensitive, depth)
        return _object(value, path, names, renames, unknown, sensitive, depth)
    if isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            # a list of blocks under a free-form key (the tag blocks of a group,
            # CloudFormation-style [{key, value}] tags) is read as blocks
            found = _value(item, path + (i,), names, renames, unknown, sensitive, depth + 1,
                           False)
            items.append(None if found is _DROP else found)
        return items
    return value


def _opaque(value: Mapping[str, Any], path: AttrPath, unknown: set[AttrPath],
            sensitive: set[AttrPath], depth: int) -> dict[str, Any]:
    """A free-form map: keys as written; markers in its values still count."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in _INTERNAL:
            continue
        found = _value(item, path + (str(key),), (), {}, unknown, sensitive, depth + 1, True)
        if found is not _DROP:
            out[str(key)] = found
    return out


def _plaintext(secret: Mapping[str, Any]) -> Any:
    """A secret object's value: its decoded plaintext when shown, else "[secret]"."""
    text = secret.get("plaintext")
    if isinstance(text, str):
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return text
        return value if isinstance(value, (str, int, float, bool)) else text
    return SECRET_TEXT


def merge(base: Mapping[str, Any] | None, top: Mapping[str, Any] | None) -> dict[str, Any]:
    """`base` with `top`'s keys over it (one level: a resource's outputs and inputs)."""
    out = dict(base or {})
    out.update(top or {})
    return out
