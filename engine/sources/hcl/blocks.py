"""Resource bodies -> attribute documents shaped like plan JSON `after` values.

A nested block becomes a list of objects (`root_block_device = [{...}]`), dynamic
blocks expand over known collections, and UNKNOWN leaves are replaced by None
with their paths collected (the plan JSON's `after_unknown`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from engine.clouds import tag_convention
from engine.model import AttrPath
from engine.sources.hcl.evaluate import Bound, Evaluator
from engine.sources.hcl.syntax import Body, Expr
from engine.sources.hcl.values import UNKNOWN, EvalError, Partial, Refused, json_dumps, to_string

if TYPE_CHECKING:  # pragma: no cover
    from engine.clouds import Cloud

META_ATTRS = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})

# Called with (attribute path, line, message) when an expression fails.
OnError = Callable[[str, int | None, str], None]
# id(expression) -> [expression, root_names, value or _NOT_YET]
Shared = dict[int, list[Any]]
_NOT_YET = object()
# Only for-expressions are worth the scan for names: others are evaluated again.
_HEAVY = frozenset({"FO", "FT"})


def eval_body(ev: Evaluator, body: Body, bound: Bound, on_error: OnError, *,
              top: bool = True, prefix: str = "", shared: Shared | None = None,
              only: frozenset[str] | None = None) -> dict[str, Any]:
    """Attributes and nested blocks; objects are `Partial` (unset attributes unknown).

    `shared` (one dict for all instances of a resource) keeps the values of
    for-expressions that read none of the names in `bound`: they are evaluated once.
    `only` names the top-level attributes and blocks to evaluate (default: all).
    """
    out: dict[str, Any] = Partial()
    for name, (expr, line) in body["attrs"].items():
        if top and (name in META_ATTRS or (only is not None and name not in only)):
            continue
        out[name] = expr[1] if expr[0] == "L" else _eval_attr(ev, expr, bound, on_error,
                                                              prefix, name, line, shared)
    for btype, labels, inner, line in body["blocks"]:
        if top and (btype in META_BLOCKS or (only is not None and (
                labels[0] if btype == "dynamic" and labels else btype) not in only)):
            continue
        if btype == "dynamic" and labels:
            _dynamic(ev, labels[0], inner, bound, on_error, out, prefix, line, shared)
            continue
        existing = out.get(btype)
        if existing is UNKNOWN:
            continue
        block = eval_body(ev, inner, bound, on_error, top=False, prefix=f"{prefix}{btype}.",
                          shared=shared)
        if isinstance(existing, list):
            if btype in body["attrs"]:  # an attribute's value may be shared: copy it
                existing = out[btype] = list(existing)
            existing.append(block)
        else:
            out[btype] = [block]
    return out


def _eval_attr(ev: Evaluator, expr: Expr, bound: Bound, on_error: OnError, prefix: str,
               name: str, line: int | None, shared: Shared | None = None) -> Any:
    if expr[0] == "L":
        return expr[1]
    entry = None
    if shared is not None and expr[0] in _HEAVY:
        entry = shared.get(id(expr))
        if entry is None:
            entry = shared[id(expr)] = [expr, root_names(expr), _NOT_YET]
        if not entry[1].isdisjoint(bound):
            entry = None
        elif entry[2] is not _NOT_YET:
            return entry[2]
    try:
        value = ev.eval(expr, bound)
    except EvalError as exc:  # not kept: each instance reports its own error
        on_error(prefix + name, line, str(exc))
        return UNKNOWN
    except Refused as exc:  # hostile or over a limit: the read stops here (exit 2)
        raise Refused(f"{prefix}{name}: {exc.message}", exc.line or line) from None
    if entry is not None:
        entry[2] = value
    return value


def root_names(node: Expr) -> frozenset[str]:
    """The names of all `V` nodes in an expression: what it may read from `bound`."""
    names: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n and n[0] == "V" and isinstance(n[1], str):
            names.add(n[1])
        for c in n:
            if isinstance(c, list):
                stack.append(c)
    return frozenset(names)


def _dynamic(ev: Evaluator, name: str, body: Body, bound: Bound, on_error: OnError,
             out: dict[str, Any], prefix: str, line: int | None, shared: Shared | None) -> None:
    attrs = body["attrs"]
    iterator = name
    if "iterator" in attrs and attrs["iterator"][0][0] == "V":
        iterator = attrs["iterator"][0][1]
    coll = UNKNOWN
    if "for_each" in attrs:
        coll = _eval_attr(ev, attrs["for_each"][0], bound, on_error,
                          f"{prefix}dynamic.{name}.", "for_each", line, shared)
    content = next((b for b in body["blocks"] if b[0] == "content"), None)
    if coll is None:
        coll = []
    if coll is UNKNOWN or not isinstance(coll, (list, dict)) or content is None:
        if coll is not UNKNOWN and content is not None:
            on_error(f"{prefix}dynamic.{name}", line, "for_each must be a collection")
        out[name] = UNKNOWN
        return
    items = [(k, coll[k]) for k in sorted(coll)] if isinstance(coll, dict) else list(enumerate(coll))
    blocks = out.get(name)
    if blocks is UNKNOWN:
        return
    blocks = out[name] = list(blocks) if isinstance(blocks, list) else []  # never shared
    for k, v in items:
        inner = {**bound, iterator: {"key": k, "value": v}}
        blocks.append(eval_body(ev, content[2], inner, on_error, top=False,
                                prefix=f"{prefix}{name}.", shared=shared))


def strip_unknown(value: Any, path: AttrPath, paths: set[AttrPath]) -> Any:
    """A copy of `value` with UNKNOWN leaves replaced by None; their paths collected."""
    if value is UNKNOWN:
        paths.add(path)
        return None
    # Plain leaves are kept without a call: they are most of the values.
    if isinstance(value, dict):
        return {k: strip_unknown(v, path + (k,), paths)
                if v is UNKNOWN or isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [strip_unknown(v, path + (i,), paths)
                if v is UNKNOWN or isinstance(v, (dict, list)) else v for i, v in enumerate(value)]
    return value


def effective_tags(provider: str, raw: dict[str, Any], defaults: Any,
                   clouds: "Iterable[Cloud] | None" = None
                   ) -> tuple[dict[str, str] | None, set[str]]:
    """(tags, keys whose value is unknown): provider default tags/labels under the
    resource's own; "*" means the key set itself is unknown. None: no tags at all.

    The first of the bundle's tag attributes (`Cloud.tags.fields`) the resource sets
    is read: a map, or AWS autoscaling-group style `tag` blocks / lists of {key,
    value}, which never receive provider default tags (as with Terraform's tags_all).
    """
    fields = tag_convention(provider, clouds).fields
    own = next((raw[f] for f in fields if f in raw), None)
    tag_list = own if isinstance(own, list) else None
    with_defaults = tag_list is None and (defaults is UNKNOWN or bool(defaults))
    if own is None and not with_defaults:
        return None, set()
    tags: dict[str, str] = {}
    missing: set[str] = set()
    if with_defaults:
        _add(tags, missing, defaults)
    if tag_list is not None:
        own = {}
        for item in tag_list:
            key = item.get("key") if isinstance(item, dict) else UNKNOWN
            if key is UNKNOWN or not isinstance(key, str):
                missing.add("*")
            else:
                own[key] = item.get("value")
    _add(tags, missing, own)
    return tags, missing


def _add(tags: dict[str, str], missing: set[str], source: Any) -> None:
    if source is UNKNOWN:
        missing.add("*")
    elif isinstance(source, dict):
        for k, v in source.items():
            if v is UNKNOWN:
                missing.add(k)
                tags.pop(k, None)
            elif v is not None:
                tags[k] = _tag_text(v)
                missing.discard(k)


def _tag_text(v: Any) -> str:
    try:
        return to_string(v)
    except EvalError:
        return json_dumps(v)
