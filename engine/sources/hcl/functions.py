"""Terraform's built-in functions that can be computed without providers.

By default a call whose arguments hold an UNKNOWN anywhere returns UNKNOWN. The
functions in `_SHALLOW` only look at the outer structure (merge, length, keys...)
and so keep unknown *elements* in place instead of losing the whole result.
Non-deterministic functions (uuid, timestamp...) are absent on purpose: unknown.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import json
import math
import re
from typing import Any, Callable

from engine.sources.hcl.values import (
    UNKNOWN, EvalError, equal, has_unknown, json_dumps, key_string, norm_number, to_bool,
    to_number, to_string, type_name,
)


def call(name: str, args: list[Any]) -> Any:
    fn = TABLE[name]
    if name in ("coalesce", "coalescelist"):
        pass  # they stop at the first usable argument, known or not
    elif name in _SHALLOW:
        if any(a is UNKNOWN for a in args):
            return UNKNOWN
    elif any(has_unknown(a) for a in args):
        return UNKNOWN
    try:
        return fn(*args)
    except TypeError as exc:
        raise EvalError(f"{name}(): wrong number of arguments ({len(args)})") from exc
    except (ValueError, KeyError, IndexError, ZeroDivisionError, re.error) as exc:
        raise EvalError(f"{name}(): {exc}") from exc


def _list(v: Any, fn: str) -> list[Any]:
    if isinstance(v, list):
        return v
    raise EvalError(f"{fn}(): a list is required, got {type_name(v)}")


def _map(v: Any, fn: str) -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    raise EvalError(f"{fn}(): a map or object is required, got {type_name(v)}")


def _unique(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in items:
        if not any(equal(x, y) for y in out):
            out.append(x)
    return out


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
        out.extend(_list(x, "concat"))
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
        if _list(a, "coalescelist"):
            return a
    raise EvalError("coalescelist(): no non-empty list")


def _length(v: Any) -> int:
    if isinstance(v, (list, dict)):
        return len(v)
    if isinstance(v, str):
        return len(v)
    raise EvalError(f"length(): cannot take the length of a {type_name(v)}")


def _element(lst: Any, i: Any) -> Any:
    lst = _list(lst, "element")
    if not lst:
        raise EvalError("element(): the list is empty")
    return lst[int(to_number(i)) % len(lst)]


def _flatten(v: Any) -> Any:
    out: list[Any] = []
    for x in _list(v, "flatten"):
        if x is UNKNOWN:
            return UNKNOWN
        if isinstance(x, list):
            inner = _flatten(x)
            if inner is UNKNOWN:
                return UNKNOWN
            out.extend(inner)
        else:
            out.append(x)
    return out


_FORMAT_SPEC = re.compile(r"%(\[\d+\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([vsdqftbeEgGxXo%])")


@functools.lru_cache(maxsize=512)
def _format_specs(fmt: str) -> tuple[tuple[tuple[Any, ...], ...], str]:
    """(text before, explicit argument index, verb, align, width, python spec, precision)
    for each verb of a format string, and the text after the last one."""
    specs, i = [], 0
    for m in _FORMAT_SPEC.finditer(fmt):
        flags, width, prec = m.group(2), m.group(3) or "", m.group(4)
        align = "<" if "-" in flags else ">"
        sign = "+" if "+" in flags else ""
        zero = "0" in flags and "-" not in flags and bool(width)
        pyspec = (sign + "0" + width) if zero else (align + sign + width)
        index = int(m.group(1)[1:-1]) - 1 if m.group(1) else None
        specs.append((fmt[i:m.start()], index, m.group(5), align, width, pyspec, prec))
        i = m.end()
    return tuple(specs), fmt[i:]


def _format(fmt: str, *args: Any) -> str:
    out, ai = [], 0
    specs, tail = _format_specs(fmt)
    for before, index, verb, align, width, pyspec, prec in specs:
        out.append(before)
        if verb == "%":
            out.append("%")
            continue
        if index is not None:
            ai = index
        if ai >= len(args):
            raise EvalError("format(): not enough arguments")
        a = args[ai]
        ai += 1
        if verb in "vs":
            text = json_dumps(a) if isinstance(a, (list, dict)) else to_string(a)
            out.append(format(text, align + width))
        elif verb == "q":
            out.append(json.dumps(to_string(a)))
        elif verb == "d":
            out.append(format(int(to_number(a)), pyspec + "d"))
        elif verb in "feEgG":
            p = f".{prec}" if prec is not None else (".6" if verb in "feE" else "")
            out.append(format(float(to_number(a)), pyspec + p + verb))
        elif verb == "t":
            out.append(to_string(to_bool(a)))
        else:
            out.append(format(int(to_number(a)), pyspec + {"b": "b", "o": "o"}.get(verb, verb)))
    out.append(tail)
    return "".join(out)


def _regex_pattern(p: str) -> re.Pattern[str]:
    # RE2 named groups (?P<n>...) are Python's too; \z is Python's \Z.
    return re.compile(p.replace(r"\z", r"\Z"))


def _regex(pattern: str, s: str) -> Any:
    m = _regex_pattern(pattern).search(s)
    if m is None:
        raise EvalError("regex(): no match")
    return _match_value(m)


def _match_value(m: re.Match[str]) -> Any:
    if m.re.groupindex:
        return {k: m.group(k) for k in m.re.groupindex}
    if m.re.groups:
        return list(m.groups())
    return m.group(0)


def _replace(s: str, old: str, new: str) -> str:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        repl = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", new.replace("\\", "\\\\"))
        return _regex_pattern(old[1:-1]).sub(repl, s)
    return s.replace(old, new)


def _substr(s: str, offset: Any, length: Any) -> str:
    off, ln = int(to_number(offset)), int(to_number(length))
    if off < 0:
        off += len(s)
    return s[off:] if ln < 0 else s[off:off + ln]


def _zipmap(keys: Any, vals: Any) -> dict[str, Any]:
    keys, vals = _list(keys, "zipmap"), _list(vals, "zipmap")
    if has_unknown(keys):
        return UNKNOWN
    if len(keys) != len(vals):
        raise EvalError("zipmap(): keys and values differ in length")
    return {key_string(k): v for k, v in zip(keys, vals)}


def _tomap(v: Any) -> dict[str, Any]:
    return dict(_map(v, "tomap"))


def _tolist(v: Any) -> list[Any]:
    return list(_list(v, "tolist"))


def _tostring(v: Any) -> Any:
    return None if v is None else to_string(v)


def _tonumber(v: Any) -> Any:
    return None if v is None else to_number(v)


def _tobool(v: Any) -> Any:
    return None if v is None else to_bool(v)


def _range(*args: Any) -> list[Any]:
    nums = [to_number(a) for a in args]
    start, stop, step = (0, nums[0], 1) if len(nums) == 1 else (nums + [1])[:3]
    if step == 0:
        raise EvalError("range(): step must not be zero")
    out, x = [], start
    while (x < stop) if step > 0 else (x > stop):
        out.append(norm_number(x))
        x += step
        if len(out) > 1024:
            raise EvalError("range(): more than 1024 elements")
    return out


def _sum(v: Any) -> Any:
    lst = _list(v, "sum")
    if not lst:
        raise EvalError("sum(): the list is empty")
    return norm_number(math.fsum(to_number(x) for x in lst))


def _slice(lst: Any, a: Any, b: Any) -> list[Any]:
    lst = _list(lst, "slice")
    i, j = int(to_number(a)), int(to_number(b))
    if not 0 <= i <= j <= len(lst):
        raise EvalError("slice(): index out of range")
    return lst[i:j]


def _one(v: Any) -> Any:
    lst = _list(v, "one")
    if len(lst) > 1:
        raise EvalError("one(): more than one element")
    return lst[0] if lst else None


def _index_of(lst: Any, v: Any) -> int:
    for i, x in enumerate(_list(lst, "index")):
        if equal(x, v):
            return i
    raise EvalError("index(): value not found")


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    new_prefix = net.prefixlen + int(to_number(newbits))
    size = 1 << (net.max_prefixlen - new_prefix)
    addr = int(net.network_address) + int(to_number(netnum)) * size
    return str(ipaddress.ip_network((addr, new_prefix)))


def _cidrhost(prefix: str, hostnum: Any) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    n = int(to_number(hostnum))
    return str(net.network_address + n if n >= 0 else net.broadcast_address + n + 1)


def _setproduct(*sets: Any) -> list[Any]:
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [x + [y] for x in out for y in _list(s, "setproduct")]
    return out


def _transpose(m: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in sorted(_map(m, "transpose")):
        for v in m[k]:
            out.setdefault(v, []).append(k)
    return out


def _minmax(pick: Callable[..., Any]) -> Callable[..., Any]:
    def fn(*args: Any) -> Any:
        if not args:
            raise EvalError("at least one argument is required")
        return pick(to_number(a) for a in args)
    return fn


def _jsondecode(s: str) -> Any:
    try:
        return json.loads(s)
    except ValueError as exc:
        raise EvalError(f"jsondecode(): {exc}") from None


TABLE: dict[str, Callable[..., Any]] = {
    # numbers
    "abs": lambda x: abs(to_number(x)), "ceil": lambda x: math.ceil(to_number(x)),
    "floor": lambda x: math.floor(to_number(x)),
    "log": lambda x, b: norm_number(math.log(to_number(x), to_number(b))),
    "pow": lambda x, y: norm_number(to_number(x) ** to_number(y)),
    "signum": lambda x: (to_number(x) > 0) - (to_number(x) < 0),
    "max": _minmax(max), "min": _minmax(min),
    "parseint": lambda s, base: int(to_string(s), int(to_number(base))),
    # strings
    "chomp": lambda s: re.sub(r"(\r\n|\n|\r)+$", "", s), "format": _format,
    "formatlist": lambda f, *ls: [_format(f, *xs) for xs in zip(*ls)],
    "indent": lambda n, s: s.replace("\n", "\n" + " " * int(to_number(n))),
    "join": lambda sep, *ls: sep.join(to_string(x) for lst in ls for x in _list(lst, "join")),
    "lower": lambda s: to_string(s).lower(), "upper": lambda s: to_string(s).upper(),
    "title": lambda s: re.sub(r"\b[a-z]", lambda m: m.group(0).upper(), s),
    "regex": _regex,
    "regexall": lambda p, s: [_match_value(m) for m in _regex_pattern(p).finditer(s)],
    "replace": _replace, "split": lambda sep, s: to_string(s).split(sep),
    "strrev": lambda s: s[::-1], "substr": _substr,
    "trim": lambda s, chars: s.strip(chars), "trimprefix": lambda s, p: s.removeprefix(p),
    "trimsuffix": lambda s, p: s.removesuffix(p), "trimspace": lambda s: s.strip(),
    "startswith": lambda s, p: to_string(s).startswith(p),
    "endswith": lambda s, p: to_string(s).endswith(p),
    "strcontains": lambda s, p: p in s,
    # collections
    "alltrue": lambda lst: all(to_bool(x) for x in _list(lst, "alltrue")),
    "anytrue": lambda lst: any(to_bool(x) for x in _list(lst, "anytrue")),
    "chunklist": lambda lst, n: [lst[i:i + int(n)] for i in range(0, len(lst), int(n))],
    "coalesce": _coalesce, "coalescelist": _coalescelist,
    "compact": lambda lst: [x for x in _list(lst, "compact") if x not in (None, "")],
    "concat": _concat,
    "contains": lambda lst, v: any(equal(x, v) for x in _list(lst, "contains")),
    "distinct": lambda lst: _unique(_list(lst, "distinct")), "element": _element,
    "flatten": _flatten, "index": _index_of,
    "keys": lambda m: sorted(_map(m, "keys")), "length": _length, "lookup": _lookup,
    "matchkeys": lambda vs, ks, sel: [v for v, k in zip(vs, ks) if any(equal(k, s) for s in sel)],
    "merge": _merge, "one": _one, "range": _range,
    "reverse": lambda lst: list(reversed(_list(lst, "reverse"))),
    "setintersection": lambda a, *o: _set([x for x in a if all(any(equal(x, y) for y in s) for s in o)]),
    "setproduct": _setproduct,
    "setsubtract": lambda a, b: _set([x for x in a if not any(equal(x, y) for y in b)]),
    "setunion": lambda *s: _set([x for lst in s for x in lst]),
    "slice": _slice, "sort": lambda lst: sorted(to_string(x) for x in _list(lst, "sort")),
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
    "tolist": _tolist, "toset": lambda lst: _set(_list(lst, "toset")), "tomap": _tomap,
    "sensitive": lambda v: v, "nonsensitive": lambda v: v,
    "type": lambda v: type_name(v),
    # network
    "cidrsubnet": _cidrsubnet, "cidrhost": _cidrhost,
    "cidrnetmask": lambda p: str(ipaddress.ip_network(p, strict=False).netmask),
}

# Functions that only look at the outer structure of their arguments.
_SHALLOW = frozenset({
    "merge", "concat", "length", "keys", "values", "lookup", "element", "flatten",
    "tolist", "tomap", "slice", "reverse", "one", "zipmap",
    "sensitive", "nonsensitive", "range",
})
