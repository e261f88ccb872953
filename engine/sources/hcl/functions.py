"""Terraform's built-in functions that can be computed without providers.

By default a call whose arguments hold an UNKNOWN anywhere returns UNKNOWN. The
functions in `_SHALLOW` only look at the outer structure (merge, length, keys...)
and so keep unknown *elements* in place instead of losing the whole result.
Non-deterministic functions (uuid, timestamp...) are absent on purpose: unknown.

Hostile arguments cannot make a function hang or exhaust memory: sizes are
checked against the read's `Budget` before a large string or collection is built
(format widths, indent, join, replace, pow, setproduct, flatten...), sets use
hashing instead of pairwise comparison, and regex(), regexall() and replace()
run on RE2 (linear time; Terraform's own regex syntax). What is refused raises
`Refused`, which ends the read with the file and line (exit 2).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import math
import re
from typing import Any, Callable

from engine.sources.hcl.values import (
    UNKNOWN, Budget, EvalError, Refused, equal, has_unknown, json_dumps,
    key_string, norm_number, to_bool, to_number, to_string, type_name,
)
from engine.sources.hcl.number_functions import (
    _cidrhost, _cidrsubnet, _jsondecode, _minmax, _pow, _range, _sum,
)
from engine.sources.hcl.text_functions import (
    _format, _formatlist, _indent, _join, _regex, _regexall, _replace, _substr, as_list,
)

def call(name: str, args: list[Any], budget: Budget | None = None) -> Any:
    fn = TABLE[name]
    if budget is None:
        budget = Budget()
    if name in ("coalesce", "coalescelist"):
        pass  # they stop at the first usable argument, known or not
    elif name in _SHALLOW:
        if any(a is UNKNOWN for a in args):
            return UNKNOWN
    elif any(has_unknown(a) for a in args):
        return UNKNOWN
    try:
        if name in _SIZED:
            return _SIZED[name](budget, *args)
        return fn(*args)
    except Refused as exc:
        if exc.message.startswith(name + "()"):
            raise
        raise Refused(f"{name}(): {exc.message}") from None
    except TypeError as exc:
        raise EvalError(f"{name}(): wrong number of arguments ({len(args)})") from exc
    except OverflowError:
        raise Refused(f"{name}(): number out of range") from None
    except (ValueError, KeyError, IndexError, ZeroDivisionError, re.error) as exc:
        raise EvalError(f"{name}(): {exc}") from exc


def _map(v: Any, fn: str) -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    raise EvalError(f"{fn}(): a map or object is required, got {type_name(v)}")


def _hkey(x: Any) -> Any:
    """A hashable key that is equal for values `equal` calls equal."""
    if isinstance(x, bool):
        return ("b", x)
    if isinstance(x, (int, float)):
        return ("n", x)
    if isinstance(x, str):
        return ("s", x)
    if x is None:
        return ("z",)
    return ("j", json_dumps(x))


def _unique(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[Any] = set()
    for x in items:
        k = _hkey(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def _keys(items: Any, fn: str) -> set[Any]:
    return {_hkey(x) for x in as_list(items, fn)}


def _set(items: list[Any]) -> list[Any]:
    out = _unique(items)
    if all(isinstance(x, str) for x in out):
        out.sort()
    return out


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        out.update(_map(m, "merge"))
    return out


def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for x in lists:
        out.extend(as_list(x, "concat"))
    return out


def _lookup(m: Any, key: Any, *default: Any) -> Any:
    m = _map(m, "lookup")
    k = key_string(key)
    if k in m:
        return m[k]
    if default:
        return default[0]
    raise EvalError(f"lookup(): no key {k!r} and no default")


def _coalesce(*args: Any) -> Any:
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if a is not None and a != "":
            return a
    raise EvalError("coalesce(): no non-null, non-empty argument")


def _coalescelist(*args: Any) -> Any:
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if as_list(a, "coalescelist"):
            return a
    raise EvalError("coalescelist(): no non-empty list")


def _length(v: Any) -> int:
    if isinstance(v, (list, dict)):
        return len(v)
    if isinstance(v, str):
        return len(v)
    raise EvalError(f"length(): cannot take the length of a {type_name(v)}")


def _element(lst: Any, i: Any) -> Any:
    lst = as_list(lst, "element")
    if not lst:
        raise EvalError("element(): the list is empty")
    return lst[int(to_number(i)) % len(lst)]


def _flatten(budget: Budget, v: Any) -> Any:
    out: list[Any] = []

    def walk(lst: list[Any], depth: int) -> bool:
        if depth > 64:
            raise EvalError("flatten(): lists nested too deeply")
        budget.spend(len(lst), "flatten()")
        for x in lst:
            if x is UNKNOWN:
                return False
            if isinstance(x, list):
                if not walk(x, depth + 1):
                    return False
            else:
                out.append(x)
        budget.want_items(len(out), "flatten()")
        return True

    return out if walk(as_list(v, "flatten"), 0) else UNKNOWN


def _zipmap(keys: Any, vals: Any) -> dict[str, Any]:
    keys, vals = as_list(keys, "zipmap"), as_list(vals, "zipmap")
    if has_unknown(keys):
        return UNKNOWN
    if len(keys) != len(vals):
        raise EvalError("zipmap(): keys and values differ in length")
    return {key_string(k): v for k, v in zip(keys, vals)}


def _tomap(v: Any) -> dict[str, Any]:
    return dict(_map(v, "tomap"))


def _tolist(v: Any) -> list[Any]:
    return list(as_list(v, "tolist"))


def _tostring(v: Any) -> Any:
    return None if v is None else to_string(v)


def _tonumber(v: Any) -> Any:
    return None if v is None else to_number(v)


def _tobool(v: Any) -> Any:
    return None if v is None else to_bool(v)


def _slice(lst: Any, a: Any, b: Any) -> list[Any]:
    lst = as_list(lst, "slice")
    i, j = int(to_number(a)), int(to_number(b))
    if not 0 <= i <= j <= len(lst):
        raise EvalError("slice(): index out of range")
    return lst[i:j]


def _one(v: Any) -> Any:
    lst = as_list(v, "one")
    if len(lst) > 1:
        raise EvalError("one(): more than one element")
    return lst[0] if lst else None


def _index_of(lst: Any, v: Any) -> int:
    for i, x in enumerate(as_list(lst, "index")):
        if equal(x, v):
            return i
    raise EvalError("index(): value not found")


def _setproduct(budget: Budget, *sets: Any) -> list[Any]:
    size = 1
    for s in sets:
        size *= len(as_list(s, "setproduct"))
        budget.want_items(size, "setproduct()")
    budget.spend(size * max(len(sets), 1), "setproduct()")
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [x + [y] for x in out for y in s]
    return out


def _chunklist(budget: Budget, lst: Any, n: Any) -> list[Any]:
    lst, size = as_list(lst, "chunklist"), int(to_number(n))
    if size <= 0:
        return [lst] if size == 0 else _fail("chunklist(): the size must not be negative")
    return [lst[i:i + size] for i in range(0, len(lst), size)]


def _fail(message: str) -> Any:
    raise EvalError(message)


def _intersection(a: Any, *others: Any) -> list[Any]:
    keys = [_keys(s, "setintersection") for s in others]
    return _set([x for x in as_list(a, "setintersection") if all(_hkey(x) in k for k in keys)])


def _matchkeys(values: Any, keys: Any, searchset: Any) -> list[Any]:
    wanted = _keys(searchset, "matchkeys")
    return [v for v, k in zip(as_list(values, "matchkeys"), as_list(keys, "matchkeys"))
            if _hkey(k) in wanted]


def _transpose(budget: Budget, m: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in sorted(_map(m, "transpose")):
        budget.spend(len(as_list(m[k], "transpose")), "transpose()")
        for v in m[k]:
            out.setdefault(v, []).append(k)
    return out


TABLE: dict[str, Callable[..., Any]] = {
    # numbers
    "abs": lambda x: abs(to_number(x)), "ceil": lambda x: math.ceil(to_number(x)),
    "floor": lambda x: math.floor(to_number(x)),
    "log": lambda x, b: norm_number(math.log(to_number(x), to_number(b))),
    "pow": _pow,
    "signum": lambda x: (to_number(x) > 0) - (to_number(x) < 0),
    "max": _minmax(max), "min": _minmax(min),
    "parseint": lambda s, base: int(to_string(s), int(to_number(base))),
    # strings
    "chomp": lambda s: re.sub(r"(\r\n|\n|\r)+$", "", s), "format": _format,
    "formatlist": _formatlist, "indent": _indent, "join": _join,
    "lower": lambda s: to_string(s).lower(), "upper": lambda s: to_string(s).upper(),
    "title": lambda s: re.sub(r"\b[a-z]", lambda m: m.group(0).upper(), s),
    "regex": _regex,
    "regexall": _regexall,
    "replace": _replace, "split": lambda sep, s: to_string(s).split(sep),
    "strrev": lambda s: s[::-1], "substr": _substr,
    "trim": lambda s, chars: s.strip(chars), "trimprefix": lambda s, p: s.removeprefix(p),
    "trimsuffix": lambda s, p: s.removesuffix(p), "trimspace": lambda s: s.strip(),
    "startswith": lambda s, p: to_string(s).startswith(p),
    "endswith": lambda s, p: to_string(s).endswith(p),
    "strcontains": lambda s, p: p in s,
    # collections
    "alltrue": lambda lst: all(to_bool(x) for x in as_list(lst, "alltrue")),
    "anytrue": lambda lst: any(to_bool(x) for x in as_list(lst, "anytrue")),
    "chunklist": _chunklist,
    "coalesce": _coalesce, "coalescelist": _coalescelist,
    "compact": lambda lst: [x for x in as_list(lst, "compact") if x not in (None, "")],
    "concat": _concat,
    "contains": lambda lst, v: _hkey(v) in _keys(lst, "contains"),
    "distinct": lambda lst: _unique(as_list(lst, "distinct")), "element": _element,
    "flatten": _flatten, "index": _index_of,
    "keys": lambda m: sorted(_map(m, "keys")), "length": _length, "lookup": _lookup,
    "matchkeys": _matchkeys,
    "merge": _merge, "one": _one, "range": _range,
    "reverse": lambda lst: list(reversed(as_list(lst, "reverse"))),
    "setintersection": _intersection,
    "setproduct": _setproduct,
    "setsubtract": lambda a, b: (lambda k: _set([x for x in as_list(a, "setsubtract")
                                                 if _hkey(x) not in k]))(_keys(b, "setsubtract")),
    "setunion": lambda *s: _set([x for lst in s for x in as_list(lst, "setunion")]),
    "slice": _slice, "sort": lambda lst: sorted(to_string(x) for x in as_list(lst, "sort")),
    "sum": _sum, "transpose": _transpose,
    "values": lambda m: [m[k] for k in sorted(_map(m, "values"))], "zipmap": _zipmap,
    # encoding
    "jsonencode": json_dumps, "jsondecode": _jsondecode,
    "base64encode": lambda s: base64.b64encode(s.encode()).decode(),
    "base64decode": lambda s: base64.b64decode(s).decode(),
    "urlencode": lambda s: __import__("urllib.parse").parse.quote(s, safe=""),
    "md5": lambda s: hashlib.md5(s.encode()).hexdigest(),
    "sha1": lambda s: hashlib.sha1(s.encode()).hexdigest(),
    "sha256": lambda s: hashlib.sha256(s.encode()).hexdigest(),
    "sha512": lambda s: hashlib.sha512(s.encode()).hexdigest(),
    # type conversion
    "tostring": _tostring, "tonumber": _tonumber, "tobool": _tobool,
    "tolist": _tolist, "toset": lambda lst: _set(as_list(lst, "toset")), "tomap": _tomap,
    "sensitive": lambda v: v, "nonsensitive": lambda v: v,
    "type": lambda v: type_name(v),
    # network
    "cidrsubnet": _cidrsubnet, "cidrhost": _cidrhost,
    "cidrnetmask": lambda p: str(ipaddress.ip_network(p, strict=False).netmask),
}

# Functions that take the read's Budget first: they could build a value far larger
# than their arguments, so they check sizes before building it.
_SIZED: dict[str, Callable[..., Any]] = {
    "format": _format, "formatlist": _formatlist, "indent": _indent, "join": _join,
    "replace": _replace, "regexall": _regexall, "setproduct": _setproduct,
    "flatten": _flatten, "chunklist": _chunklist, "transpose": _transpose,
}

# Functions that only look at the outer structure of their arguments.
_SHALLOW = frozenset({
    "merge", "concat", "length", "keys", "values", "lookup", "element", "flatten",
    "tolist", "tomap", "slice", "reverse", "one", "zipmap",
    "sensitive", "nonsensitive", "range",
})
