"""Table-driven tests of the expression evaluator and the built-in functions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine.sources.hcl.evaluate import Evaluator
from engine.sources.hcl.parse import parse_expression
from engine.sources.hcl.values import UNKNOWN, EvalError

VARS: dict[str, Any] = {
    "n": 3, "s": "Hello", "m": {"a": 1, "b": 2}, "l": ["x", "y", "z"], "t": True,
    "nul": None, "u": UNKNOWN, "um": {"a": UNKNOWN, "b": 2}, "objs": [{"id": 1}, {"id": 2}],
    "tags": {"Team": "ml"},
}


class _Scope:
    def ref(self, root: str, attr: str) -> Any:
        if root == "var":
            if attr not in VARS:
                raise EvalError(f"no var {attr}")
            return VARS[attr]
        if root == "local":
            return {"prefix": "p"}[attr]
        if root == "data":
            return UNKNOWN
        raise EvalError(f"undeclared {root}.{attr}")

    def root(self, name: str) -> Any:
        raise EvalError(f"unknown {name}")

    def call(self, name: str, args: list[Any]) -> Any:
        return UNKNOWN


def ev(text: str) -> Any:
    return Evaluator(_Scope()).eval(parse_expression(text))


CASES = [
    # literals, templates, heredoc-like strings
    ('1', 1), ('1.5', 1.5), ('"a"', "a"), ('true', True), ('null', None),
    ('"${var.s}-${var.n}"', "Hello-3"), ('"x${var.t}"', "xtrue"),
    ('"a\\tb"', "a\tb"), ('"$${literal}"', "${literal}"),
    ('"%{if var.t}yes%{else}no%{endif}"', "yes"),
    ('"%{for x in var.l}${x},%{endfor}"', "x,y,z,"),
    ('"%{for i, x in var.l~} ${i}=${x} %{~endfor}"', "0=x1=y2=z"),
    # arithmetic, comparison, logic
    ('1 + 2 * 3', 7), ('(1 + 2) * 3', 9), ('7 / 2', 3.5), ('8 / 2', 4), ('7 % 3', 1),
    ('-7 % 3', -1), ('-var.n', -3), ('"2" + 1', 3), ('var.n > 2', True), ('var.n <= 2', False),
    ('var.n == 3', True), ('var.s != "Hello"', False), ('1 == 1.0', True), ('"1" == 1', False),
    ('true && false', False), ('true || false', True), ('!var.t', False),
    ('var.n >= 3 && var.s == "Hello"', True),
    # conditionals, access, splat
    ('var.t ? "a" : "b"', "a"), ('var.n > 5 ? 1 : 2', 2), ('var.m.a', 1), ('var.m["b"]', 2),
    ('var.l[1]', "y"), ('var.l.0', "x"), ('var.objs[*].id', [1, 2]), ('var.objs.*.id', [1, 2]),
    ('var.nul[*]', []), ('var.m[*]', [{"a": 1, "b": 2}]),
    # collections and for expressions
    ('[1, "a", true]', [1, "a", True]), ('{a = 1, "b-c" = 2}', {"a": 1, "b-c": 2}),
    ('{(local.prefix) = 1}', {"p": 1}),
    ('[for x in var.l : upper(x)]', ["X", "Y", "Z"]),
    ('[for i, x in var.l : "${i}${x}" if i != 1]', ["0x", "2z"]),
    ('{for k, v in var.m : v => k}', {"1": "a", "2": "b"}),
    ('{for x in ["a", "b", "a"] : x => x...}', {"a": ["a", "a"], "b": ["b"]}),
    ('[for k, v in var.m : k]', ["a", "b"]),
    # functions
    ('merge({a = 1}, {b = 2}, {a = 3})', {"a": 3, "b": 2}),
    ('merge(var.tags, {Name = "x"})', {"Team": "ml", "Name": "x"}),
    ('lookup(var.m, "a", 0)', 1), ('lookup(var.m, "z", 0)', 0),
    ('concat(["a"], ["b", "c"])', ["a", "b", "c"]), ('coalesce(null, "", "x")', "x"),
    ('try(var.m.zz, "fallback")', "fallback"), ('try(var.m.a, "fallback")', 1),
    ('can(var.m.zz)', False), ('can(var.m.a)', True), ('length(var.l)', 3), ('length("abc")', 3),
    ('keys(var.m)', ["a", "b"]), ('values(var.m)', [1, 2]), ('tomap({a = 1})', {"a": 1}),
    ('tolist(["a"])', ["a"]), ('toset(["b", "a", "b"])', ["a", "b"]),
    ('format("%s-%03d", "a", 7)', "a-007"), ('format("%.2f|%5s|%-3s|", 1.5, "x", "y")', "1.50|    x|y  |"),
    ('join("-", ["a", "b"])', "a-b"), ('split(",", "a,b")', ["a", "b"]), ('lower("AB")', "ab"),
    ('upper("ab")', "AB"), ('replace("a.b.c", ".", "-")', "a-b-c"),
    ('replace("ml.g5.xlarge", "/^ml\\\\.([a-z0-9]+)\\\\..*$/", "$1")', "g5"),
    ('contains(["a", "b"], "b")', True), ('contains(["a"], "z")', False),
    ('element(["a", "b"], 3)', "b"), ('flatten([["a"], [["b"]], "c"])', ["a", "b", "c"]),
    ('distinct(["a", "b", "a"])', ["a", "b"]), ('max(1, 5, 3)', 5), ('min(4, 2)', 2),
    ('max([1, 9]...)', 9), ('jsonencode({b = 1, a = [true]})', '{"a":[true],"b":1}'),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}), ('startswith("p5.48xlarge", "p5")', True),
    ('endswith("abc", "bc")', True), ('trimspace("  a ")', "a"), ('regex("^(\\\\w+)-", "ab-c")', ["ab"]),
    ('length(regexall("^ml\\\\.[g|p{1,3}\\\\.$]", "ml.g4dn.xlarge"))', 1),
    ('reverse(split("/", "a/b/c"))[0]', "c"), ('substr("hello", 1, 3)', "ell"),
    ('range(3)', [0, 1, 2]), ('sum([1, 2.5])', 3.5), ('one(["a"])', "a"), ('one([])', None),
    ('compact(["a", "", null])', ["a"]), ('jsondecode("{\\"a\\": 1}")', {"a": 1}),
    ('tostring(5)', "5"), ('tonumber("5")', 5), ('abs(-2)', 2), ('ceil(1.2)', 2),
    ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"), ('coalescelist([], ["a"])', ["a"]),
    ('setunion(["b"], ["a"])', ["a", "b"]), ('title("hello world")', "Hello World"),
    ('alltrue([true, true])', True), ('anytrue([false])', False),
    ('base64encode("hi")', "aGk="), ('sha256("")', "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_evaluates(text: str, expected: Any) -> None:
    assert ev(text) == expected


UNKNOWN_CASES = [
    'var.u + 1', '"a-${var.u}"', 'var.u ? 1 : 2', 'var.u == 1', 'upper(var.u)',
    'data.aws_region.current.name', 'try(var.u, "x")', 'can(var.u)', 'var.u[0]', 'var.u.x',
    '[for x in var.u : x]', 'join(",", [var.u])', 'jsonencode(var.um)', 'length(var.u)',
    'coalesce(null, var.u, "x")', 'uuid()', '{(var.u) = 1}', '-var.u', '!var.u',
    'format("%s", var.u)', 'lookup(var.m, var.u, 1)', 'flatten([var.u])',
]


@pytest.mark.parametrize("text", UNKNOWN_CASES)
def test_unknown_propagates(text: str) -> None:
    assert ev(text) is UNKNOWN


def test_partially_unknown_collections_keep_known_parts() -> None:
    assert ev('merge(var.um, {c = 3})') == {"a": UNKNOWN, "b": 2, "c": 3}
    assert ev('length(var.um)') == 2
    assert ev('keys(var.um)') == ["a", "b"]
    assert ev('[1, var.u]') == [1, UNKNOWN]
    assert ev('coalesce("x", var.u)') == "x"
    # A decided logical operator does not need the unknown side.
    assert ev('false && var.u') is False
    assert ev('true || var.u') is True
    assert ev('var.u && true') is UNKNOWN


ERROR_CASES = ['var.m.zz', 'var.l[5]', 'var.nul.x', '1 + "a"', '1 / 0', '"${var.nul}"',
               'lookup(var.m, "zz")', 'var.nul ? 1 : 2', '{for x in ["a", "a"] : x => x}',
               'try(var.m.zz, var.l[9])']


@pytest.mark.parametrize("text", ERROR_CASES)
def test_errors_raise_eval_error(text: str) -> None:
    with pytest.raises(EvalError):
        ev(text)


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(-1000, 1000))
def test_integer_arithmetic_matches_python(a: int, b: int, c: int) -> None:
    assert ev(f"{a} + {b} * {c}") == a + b * c
    assert ev(f"({a} - {b}) * {c}") == (a - b) * c
    assert ev(f"{a} < {b}") == (a < b)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))
def test_string_literal_round_trip(text: str) -> None:
    # python-hcl2 (the parser of record) rejects an escaped `$${` / `%%{` that no
    # `}` closes later in the string; Terraform accepts it. Closed ones round-trip.
    for opener in ("${", "%{"):
        at = text.find(opener)
        assume(at < 0 or "}" in text[at:])
    quoted = (text.replace("\\", "\\\\").replace('"', '\\"')
              .replace("${", "$${").replace("%{", "%%{"))
    assert ev(f'"{quoted}"') == text
