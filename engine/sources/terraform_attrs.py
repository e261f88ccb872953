"""Per-resource attribute logic: unknown/sensitive masks, effective tags, region hints.

Tag and region attributes come from each cloud bundle's conventions
(`engine.clouds`), shared with the HCL reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from engine.clouds import region_convention, tag_convention
from engine.model import AttrPath

if TYPE_CHECKING:  # pragma: no cover
    from engine.clouds import Cloud

_MAX_DEPTH = 64


def mask_paths(mask: Any) -> set[AttrPath]:
    """Paths whose mask leaf is `true` (after_unknown / *_sensitive shape).

    `true` at the root yields the empty path (): the whole value.
    """
    out: set[AttrPath] = set()
    if mask is True:
        out.add(())
    elif isinstance(mask, (dict, list)):
        _walk(mask, (), out, 0)
    return out


def _walk(node: Any, prefix: AttrPath, out: set[AttrPath], depth: int) -> None:
    if depth > _MAX_DEPTH:
        out.add(prefix)  # absurdly deep mask: treat the subtree as marked
        return
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if value is True:
            out.add(prefix + (key,))
        elif value and isinstance(value, (dict, list)):
            _walk(value, prefix + (key,), out, depth + 1)


def stringify(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tag_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {str(k): stringify(v) for k, v in value.items() if v is not None}


def _tag_list(value: Any) -> dict[str, str] | None:
    """ASG-style `tag` blocks / `tags` lists of {key, value, propagate_at_launch}."""
    if not isinstance(value, list):
        return None
    out: dict[str, str] = {}
    for item in value:
        if isinstance(item, dict) and item.get("key") is not None:
            val = item.get("value")
            if val is not None:
                out[stringify(item["key"])] = stringify(val)
    return out


def _unknown_keys(unknown: Mapping[str, Any], field: str, value: Any = None) -> set[str]:
    mask = unknown.get(field)
    if mask is True:
        return {"*"}
    if isinstance(mask, dict):
        return {str(k) for k, v in mask.items() if v is True}
    out: set[str] = set()
    if isinstance(mask, list):  # list-shaped tags: an element, its key or its value unknown
        items = value if isinstance(value, list) else []
        for i, m in enumerate(mask):
            if m is True or (isinstance(m, dict) and m.get("key") is True):
                out.add("*")
            elif isinstance(m, dict) and m.get("value") is True:
                item = items[i] if i < len(items) and isinstance(items[i], dict) else {}
                out.add(stringify(item["key"]) if item.get("key") is not None else "*")
    return out


def effective_tags(provider: str, values: Any, unknown: Any,
                   defaults: Mapping[str, Any] | None, defaults_known: bool,
                   clouds: "Iterable[Cloud] | None" = None
                   ) -> tuple[dict[str, str] | None, set[str]]:
    """(tags, keys whose value is unknown) for one side of a resource.

    The provider-computed merged map (the bundle's `tags.merged_field`: `tags_all`,
    `effective_labels`) wins when it is known; otherwise provider defaults are merged
    under the resource's own tags (maps, or ASG-style lists of {key, value}). "*"
    among the unknown keys means the key set itself is unknown. None: the resource
    shows no tag attribute at all.
    """
    if not isinstance(values, dict):
        return None, set()
    u = unknown if isinstance(unknown, dict) else {}
    convention = tag_convention(provider, clouds)
    merged_field, own_fields = convention.merged_field, convention.fields
    fields = ((merged_field,) if merged_field else ()) + own_fields
    for f in fields:
        if f in values or f in u:
            break
    else:
        return None, set()
    merged = values.get(merged_field) if merged_field else None
    if isinstance(merged, dict) and u.get(merged_field) is not True:
        missing = _unknown_keys(u, merged_field)
        tags = _tag_map(merged) or {}
        return {k: v for k, v in tags.items() if k not in missing}, missing
    tags = {}
    missing = set()
    if merged_field and u.get(merged_field) is True:
        missing.add("*")
    # Provider default tags reach only resources that have the merged attribute
    # (AWS `tags_all`): an aws_autoscaling_group's `tag` blocks never get them.
    takes_defaults = bool(merged_field) and (merged_field in values or merged_field in u)
    if takes_defaults and not defaults_known:
        missing.add("*")
    elif takes_defaults and isinstance(defaults, dict):
        tags.update(_tag_map(defaults) or {})
    for field in own_fields:
        value = values.get(field)
        own = _tag_map(value) if isinstance(value, dict) else _tag_list(value)
        if own:
            tags.update(own)
        missing |= _unknown_keys(u, field, value)
    for key in missing:
        tags.pop(key, None)
    return tags, missing


def attribute_region(provider: str, values: Any, clouds: "Iterable[Cloud] | None" = None
                     ) -> str | None:
    """A region stated on the resource itself (wins over the provider's)."""
    if not isinstance(values, dict):
        return None
    convention = region_convention(provider, clouds)
    for field in convention.fields:
        v = values.get(field)
        if isinstance(v, str) and v:
            return convention.normalize(v)
    return None


def provider_region(provider: str, value: Any, clouds: "Iterable[Cloud] | None" = None
                    ) -> str | None:
    """The region a provider block's region field (`value`) names, if any."""
    if not isinstance(value, str) or not value:
        return None
    return region_convention(provider, clouds).normalize(value)
