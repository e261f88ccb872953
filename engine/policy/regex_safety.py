"""Reject regular expressions that can backtrack catastrophically.

The check is structural (on the parse tree from `re._parser`), so it is fast and
never runs the pattern: an unbounded repeat whose body holds another unbounded
repeat (`(a+)+`, `(a*)*`, `(\\w+\\s?)*`) or alternatives that can start with the
same character (`(a|a)*`, `(a|ab)+`) is refused. This is deliberately
conservative: a refused pattern can always be rewritten without the nesting.
"""

from __future__ import annotations

import re
import string
from typing import Any

try:  # Python 3.11+
    import re._constants as _c  # type: ignore[import-not-found]
    import re._parser as _p  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_PATTERN_LENGTH = 512
_ANY = object()  # "could be any character"
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_CATEGORY_CHARS = {
    _c.CATEGORY_DIGIT: set(string.digits),
    _c.CATEGORY_SPACE: set(" \t\n\r\f\v"),
    _c.CATEGORY_WORD: set(string.ascii_letters + string.digits + "_"),
}


class UnsafeRegex(ValueError):
    pass


def compile_safe(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` or raise UnsafeRegex / re.error with a clear reason."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegex(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    tree = _p.parse(pattern)
    _walk(tree)
    return re.compile(pattern)


def _items(sub: Any) -> list[tuple[Any, Any]]:
    return list(sub.data) if hasattr(sub, "data") else list(sub)


def _walk(seq: Any) -> None:
    for op, av in _items(seq):
        if op in _REPEATS:
            _lo, hi, body = av
            if hi == _c.MAXREPEAT or hi > 16:
                _check_nested(body)
                _check_branches(body)
            _walk(body)
        elif op is _c.SUBPATTERN:
            _walk(av[-1])
        elif op is _c.BRANCH:
            for alt in av[1]:
                _walk(alt)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            _walk(av[1])
        elif op is _c.GROUPREF:
            raise UnsafeRegex("back-references are not allowed")


def _check_nested(body: Any) -> None:
    """An unbounded repeat inside an unbounded repeat is refused unless a required
    separator character (one the inner repeat cannot match) splits the iterations,
    as in `([a-z]+-)*`."""
    inner = _inner_unbounded_sets(body)
    if not inner:
        return
    for sep in _required_chars(body):
        if sep is not _ANY and all(s is not _ANY and not (sep & s) for s in inner):
            return
    raise UnsafeRegex("nested quantifiers (like (a+)+) can backtrack catastrophically")


def _inner_unbounded_sets(seq: Any) -> list[Any]:
    found: list[Any] = []
    for op, av in _items(seq):
        if op in _REPEATS:
            if av[1] == _c.MAXREPEAT or av[1] > 16:
                found.append(_charset(av[2]))
            found.extend(_inner_unbounded_sets(av[2]))
        elif op is _c.SUBPATTERN:
            found.extend(_inner_unbounded_sets(av[-1]))
        elif op is _c.BRANCH:
            for alt in av[1]:
                found.extend(_inner_unbounded_sets(alt))
    return found


def _required_chars(seq: Any) -> list[Any]:
    out: list[Any] = []
    for op, av in _items(seq):
        if op in (_c.LITERAL, _c.IN):
            out.append(_charset([(op, av)]))
        elif op is _c.SUBPATTERN:
            out.extend(_required_chars(av[-1]))
    return out


def _charset(seq: Any) -> Any:
    """Every character `seq` can match (_ANY when unbounded or unsure)."""
    chars: set[str] = set()
    for op, av in _items(seq):
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.IN:
            sub = _class_chars(av)
            if sub is _ANY:
                return _ANY
            chars |= sub
        elif op in _REPEATS:
            sub = _charset(av[2])
            if sub is _ANY:
                return _ANY
            chars |= sub
        elif op is _c.SUBPATTERN:
            sub = _charset(av[-1])
            if sub is _ANY:
                return _ANY
            chars |= sub
        elif op is _c.BRANCH:
            for alt in av[1]:
                sub = _charset(alt)
                if sub is _ANY:
                    return _ANY
                chars |= sub
        elif op in (_c.AT,):
            continue
        else:
            return _ANY
    return chars


def _class_chars(items: Any) -> Any:
    """Characters of a [...] class (_ANY when too wide or not enumerable)."""
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < 256:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY and av in _CATEGORY_CHARS:
            chars |= _CATEGORY_CHARS[av]
        else:
            return _ANY
    return chars


def _check_branches(body: Any) -> None:
    """Alternatives under an unbounded repeat must not start with the same character."""
    for op, av in _items(body):
        if op is _c.SUBPATTERN:
            _check_branches(av[-1])
        elif op is _c.BRANCH:
            firsts = [_first(alt) for alt in av[1]]
            for i, a in enumerate(firsts):
                for b in firsts[i + 1:]:
                    if a is _ANY or b is _ANY or (a & b):
                        raise UnsafeRegex("overlapping alternatives under a repeat "
                                          "(like (a|a)*) can backtrack catastrophically")


def _first(seq: Any) -> Any:
    """Approximate set of characters a sequence can start with (_ANY when unsure)."""
    items = _items(seq)
    if not items:
        return _ANY  # an empty alternative overlaps everything
    op, av = items[0]
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN:
        return _class_chars(av)
    if op is _c.SUBPATTERN:
        return _first(av[-1])
    if op in _REPEATS and av[0] > 0:
        return _first(av[2])
    return _ANY
