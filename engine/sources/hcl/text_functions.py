"""Terraform's string functions: format, formatlist, indent, join, regex, regexall,
replace and substr.

Sizes are checked against the read's `Budget` before a string is built (format
widths, indent, join, replace), and the regex functions run on RE2 (linear time;
the syntax Terraform documents). A refused pattern or size raises `Refused`.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from engine.sources.hcl.values import (
    Budget, EvalError, Refused, json_dumps, to_bool, to_number, to_string,
    type_name,
)


def as_list(v: Any, fn: str) -> list[Any]:
    """`v` as the list argument of function `fn`, or an EvalError naming it."""
    if isinstance(v, list):
        return v
    raise EvalError(f"{fn}(): a list is required, got {type_name(v)}")


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


def _format(budget: Budget, fmt: Any, *args: Any) -> str:
    out, ai = [], 0
    specs, tail = _format_specs(to_string(fmt))
    size = len(fmt)
    for before, index, verb, align, width, pyspec, prec in specs:
        size += int(width or 0) + int(prec or 0)
        budget.want_string(size, "format()")
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
        size += len(out[-1])
        budget.want_string(size, "format()")
    out.append(tail)
    return "".join(out)


def _formatlist(budget: Budget, fmt: Any, *lists: Any) -> list[str]:
    out, total = [], 0
    for xs in zip(*lists):
        out.append(_format(budget, fmt, *xs))
        total += len(out[-1])
        budget.want_string(total, "formatlist() (all strings)")
    return out


def _indent(budget: Budget, n: Any, s: Any) -> str:
    s, width = to_string(s), int(to_number(n))
    budget.want_string(len(s) + max(width, 0) * s.count("\n"), "indent()")
    return s.replace("\n", "\n" + " " * width)


def _join(budget: Budget, sep: Any, *lists: Any) -> str:
    sep = to_string(sep)
    parts = [to_string(x) for lst in lists for x in as_list(lst, "join")]
    budget.want_string(sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0), "join()")
    return sep.join(parts)


@functools.lru_cache(maxsize=256)
def _regex_pattern(p: Any) -> Any:
    """An RE2 pattern (the syntax Terraform's regex functions use): linear-time
    matching. A pattern RE2 refuses (back-references, lookaround) is refused."""
    if not isinstance(p, str):
        raise EvalError(f"a pattern must be a string, got {type_name(p)}")
    from engine.policy.regex_safety import UnsafeRegex, compile_safe

    try:
        return compile_safe(p)
    except UnsafeRegex as exc:
        raise Refused(f"regular expression {p[:80]!r} is not valid RE2: {exc}") from None


def _regex(pattern: str, s: str) -> Any:
    m = _regex_pattern(pattern).search(to_string(s))
    if m is None:
        raise EvalError("regex(): no match")
    return _match_value(m)


def _match_value(m: Any) -> Any:
    if m.re.groupindex:
        return {k: m.group(k) for k in m.re.groupindex}
    if m.re.groups:
        return list(m.groups())
    return m.group(0)


def _regexall(budget: Budget, pattern: Any, s: Any) -> list[Any]:
    out = []
    for m in _regex_pattern(pattern).finditer(to_string(s)):
        out.append(_match_value(m))
        budget.want_items(len(out), "regexall()")
    return out


_SUBST = re.compile(r"\$(?:(\d+)|\{(\w+)\}|(\w+))|\$\$")


def _replace(budget: Budget, s: Any, old: Any, new: Any) -> str:
    s, old, new = to_string(s), to_string(old), to_string(new)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        pattern = _regex_pattern(old[1:-1])
        return _regex_replace(budget, pattern, s, new)
    count = s.count(old) if old else len(s) + 1
    budget.want_string(len(s) + count * (len(new) - len(old)), "replace()")
    return s.replace(old, new)


def _regex_replace(budget: Budget, pattern: Any, s: str, new: str) -> str:
    """Go's Regexp.ReplaceAllString: $1, ${name} and $name expand, $$ is a $."""
    out, pos, size = [], 0, 0
    for m in pattern.finditer(s):
        out.append(s[pos:m.start()])
        out.append(_SUBST.sub(lambda t: _group(m, t), new))
        size += len(out[-2]) + len(out[-1])
        budget.want_string(size + len(s) - m.end(), "replace()")
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


def _group(m: Any, t: re.Match[str]) -> str:
    if t.group(0) == "$$":
        return "$"
    name = t.group(1) or t.group(2) or t.group(3)
    try:
        value = m.group(int(name) if name.isdigit() else name)
    except (IndexError, KeyError, ValueError):
        return ""  # Go: an unknown group expands to nothing
    return value or ""


def _substr(s: str, offset: Any, length: Any) -> str:
    off, ln = int(to_number(offset)), int(to_number(length))
    if off < 0:
        off += len(s)
    return s[off:] if ln < 0 else s[off:off + ln]
