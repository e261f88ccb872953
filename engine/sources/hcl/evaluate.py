"""Expression evaluator over the syntax tree of parse.py.

Names are resolved through a `Scope` (variables, locals, modules, resources...);
names bound by for-expressions, `each`, `count` and dynamic-block iterators live
in a plain dict passed along. Anything that cannot be known evaluates to UNKNOWN.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from engine.sources.hcl import functions
from engine.sources.hcl.syntax import Expr
from engine.sources.hcl.values import (
    UNKNOWN, Budget, EvalError, Partial, Refused, equal, has_unknown, key_string, norm_number,
    to_bool, to_number, to_string, type_name,
)

Bound = Mapping[str, Any]


class Scope(Protocol):
    def ref(self, root: str, attr: str) -> Any:
        """`root.attr` for a root that is not bound locally (var.x, local.y...)."""

    def root(self, name: str) -> Any:
        """A bare root name (path, terraform, each, count...)."""

    def call(self, name: str, args: list[Any]) -> Any:
        """Functions outside functions.TABLE: file access, or not known (UNKNOWN)."""


class Evaluator:
    """`budget` (shared by the evaluators of one read) holds the limits and the work
    spent: strings, collections and loops past a limit raise Refused."""

    def __init__(self, scope: Scope, budget: Budget | None = None) -> None:
        self.scope = scope
        self.budget = budget if budget is not None else Budget()

    def eval(self, node: Expr, bound: Bound | None = None) -> Any:
        if node[0] == "L":
            return node[1]
        return _DISPATCH[node[0]](self, node, {} if bound is None else bound)

    # The hot paths below call `_DISPATCH[node[0]](self, node, b)` in place of
    # `self._ev(node, b)`: the same, one call less per node.
    def _ev(self, node: Expr, b: Bound) -> Any:
        if node[0] == "L":
            return node[1]
        return _DISPATCH[node[0]](self, node, b)

    def _literal(self, node: Expr, b: Bound) -> Any:
        return node[1]

    def _paren(self, node: Expr, b: Bound) -> Any:
        return self._ev(node[1], b)

    def _template(self, node: Expr, b: Bound) -> Any:
        return self._parts(node[1], b)

    def _parts(self, parts: list[Any], b: Bound) -> Any:
        out: list[str] = []
        unknown = False
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if part[0] == "IF":
                cond = self._ev(part[1], b)
                if cond is UNKNOWN:
                    unknown = True
                    continue
                v = self._parts(part[2] if to_bool(cond) else part[3], b)
            elif part[0] == "FOR":
                v = self._template_for(part, b)
            else:
                v = _DISPATCH[part[0]](self, part, b)
            if v is UNKNOWN:
                unknown = True
            else:
                out.append(to_string(v))
        if unknown:
            return UNKNOWN
        return self._join(out, "template")

    def _join(self, out: list[str], what: str) -> str:
        if len(out) > 1:
            n = sum(map(len, out))
            self.budget.want_string(n, what)
            self.budget.spend(n >> 6, what)
        return "".join(out)

    def _template_for(self, part: list[Any], b: Bound) -> Any:
        coll = self._ev(part[3], b)
        if coll is UNKNOWN:
            return UNKNOWN
        out = []
        items = _iterate(coll)
        self.budget.spend(len(items), "template for")
        for k, v in items:
            inner = {**b, part[2]: v}
            if part[1]:
                inner[part[1]] = k
            r = self._parts(part[4], inner)
            if r is UNKNOWN:
                return UNKNOWN
            out.append(r)
        return self._join(out, "template for")

    def _var(self, node: Expr, b: Bound) -> Any:
        name = node[1]
        if name in b:
            return b[name]
        return self.scope.root(name)

    def _get_attr(self, node: Expr, b: Bound) -> Any:
        obj = node[1]
        if obj[0] == "V":
            if obj[1] not in b:
                return self.scope.ref(obj[1], node[2])
            return get_attr(b[obj[1]], node[2])
        return get_attr(_DISPATCH[obj[0]](self, obj, b), node[2])

    def _index(self, node: Expr, b: Bound) -> Any:
        obj, key = node[1], node[2]
        return index(_DISPATCH[obj[0]](self, obj, b), _DISPATCH[key[0]](self, key, b))

    def _splat(self, node: Expr, b: Bound) -> Any:
        src = self._ev(node[1], b)
        if src is UNKNOWN:
            return UNKNOWN
        if src is None:
            return []
        items = src if isinstance(src, list) else [src]
        out = []
        for item in items:
            for op in node[2]:
                item = get_attr(item, op[1]) if op[0] == "GA" else index(item, self._ev(op[1], b))
            out.append(item)
        return out

    def _call(self, node: Expr, b: Bound) -> Any:
        name = node[1]
        if name == "try":
            return self._try(node[2], b)
        if name == "can":
            return self._can(node[2], b)
        args = [a[1] if a[0] == "L" else self._ev(a, b) for a in node[2]]
        if node[3] and args:
            last = args.pop()
            if last is UNKNOWN:
                return UNKNOWN
            if not isinstance(last, list):
                raise EvalError("the expanded argument (...) must be a list")
            args.extend(last)
        if name == "sensitive" and args:
            getattr(self.scope, "taint", lambda v: None)(args[0])
        if name in functions.TABLE:
            result = functions.call(name, args, self.budget)
            if type(result) is str and len(result) > 64:
                self.budget.spend(len(result) >> 6, f"{name}()")
            return self.budget.check(result, f"{name}()")
        return self.scope.call(name, args)  # file functions, provider:: and unknown names

    def _try(self, args: list[Expr], b: Bound) -> Any:
        for a in args:
            try:
                # An unknown result means the error (if any) is not known yet either.
                return self._ev(a, b)
            except EvalError:
                continue
        raise EvalError("no expression given to try() could be evaluated")

    def _can(self, args: list[Expr], b: Bound) -> Any:
        if len(args) != 1:
            raise EvalError("can() takes one argument")
        try:
            v = self._ev(args[0], b)
        except EvalError:
            return False
        return UNKNOWN if has_unknown(v) else True

    def _binary(self, node: Expr, b: Bound) -> Any:
        op = node[1]
        left = _DISPATCH[node[2][0]](self, node[2], b)
        if op in ("&&", "||"):
            return self._logic(op, left, node[3], b)
        right = node[3]
        try:
            return binary(op, left, right[1] if right[0] == "L" else self._ev(right, b))
        except OverflowError:
            raise Refused(f"number out of range in {op}") from None

    def _logic(self, op: str, left: Any, right_node: Expr, b: Bound) -> Any:
        stop = op == "||"  # the value of the left side that decides alone
        if left is not UNKNOWN and to_bool(left) is stop:
            return stop
        right = self._ev(right_node, b)
        if right is not UNKNOWN and to_bool(right) is stop:
            return stop
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return not stop

    def _unary(self, node: Expr, b: Bound) -> Any:
        v = self._ev(node[2], b)
        if v is UNKNOWN:
            return UNKNOWN
        if node[1] == "!":
            return not to_bool(v)
        return norm_number(-to_number(v))

    def _conditional(self, node: Expr, b: Bound) -> Any:
        cond = self._ev(node[1], b)
        if cond is UNKNOWN:
            return UNKNOWN
        return self._ev(node[2] if to_bool(cond) else node[3], b)

    def _tuple(self, node: Expr, b: Bound) -> Any:
        return [self._ev(x, b) for x in node[1]]

    def _object(self, node: Expr, b: Bound) -> Any:
        out: dict[str, Any] = {}
        for key_node, value_node in node[1]:
            key = key_node[1] if key_node[0] == "L" else self._ev(key_node, b)
            if key is UNKNOWN:
                return UNKNOWN
            out[key_string(key)] = _DISPATCH[value_node[0]](self, value_node, b)
        return out

    def _for_tuple(self, node: Expr, b: Bound) -> Any:
        _, kname, vname, coll_node, expr, cond = node
        scopes = self._for_scopes(kname, vname, coll_node, cond, b)
        if scopes is None:
            return UNKNOWN
        return [self._ev(expr, inner) for inner in scopes]

    def _for_object(self, node: Expr, b: Bound) -> Any:
        _, kname, vname, coll_node, kexpr, vexpr, group, cond = node
        scopes = self._for_scopes(kname, vname, coll_node, cond, b)
        if scopes is None:
            return UNKNOWN
        out: dict[str, Any] = {}
        for inner in scopes:
            key = _DISPATCH[kexpr[0]](self, kexpr, inner)
            if key is UNKNOWN:
                return UNKNOWN
            key = key_string(key)
            value = _DISPATCH[vexpr[0]](self, vexpr, inner)
            if group:
                out.setdefault(key, []).append(value)
            elif key in out:
                raise EvalError(f"duplicate key {key!r} in for expression (use ... to group)")
            else:
                out[key] = value
        return out

    def _for_scopes(self, kname: str | None, vname: str, coll_node: Expr, cond: Expr | None,
                    b: Bound) -> list[Bound] | None:
        """The bindings a `for` expression visits, after its `if`; None when unknown."""
        coll = self._ev(coll_node, b)
        if coll is UNKNOWN:
            return None
        scopes = []
        items = _iterate(coll)
        self.budget.want_items(len(items), "for expression")
        self.budget.spend(len(items), "for expression")
        for k, v in items:
            inner = {**b, vname: v}
            if kname:
                inner[kname] = k
            if cond is not None:
                c = _DISPATCH[cond[0]](self, cond, inner)
                if c is UNKNOWN:
                    return None
                if not to_bool(c):
                    continue
            scopes.append(inner)
        return scopes


def _iterate(coll: Any) -> list[tuple[Any, Any]]:
    if isinstance(coll, dict):
        return [(k, coll[k]) for k in sorted(coll)]
    if isinstance(coll, list):
        return list(enumerate(coll))
    raise EvalError(f"cannot iterate over a {type_name(coll)} value")


def get_attr(obj: Any, name: str) -> Any:
    if obj is UNKNOWN:
        return UNKNOWN
    if isinstance(obj, dict):
        if name not in obj:
            if isinstance(obj, Partial):
                return UNKNOWN
            raise EvalError(f"this object has no attribute {name!r}")
        return obj[name]
    if obj is None:
        raise EvalError(f"attempt to get attribute {name!r} from a null value")
    raise EvalError(f"cannot get attribute {name!r} from a {type_name(obj)} value")


def index(obj: Any, key: Any) -> Any:
    if obj is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if isinstance(obj, list):
        try:
            i = to_number(key)
        except EvalError:
            raise EvalError(f"a list index must be a number, got {key!r}") from None
        if not isinstance(i, int) or not 0 <= i < len(obj):
            raise EvalError(f"index {key!r} is out of range for a list of {len(obj)}")
        return obj[i]
    if isinstance(obj, dict):
        k = key_string(key)
        if k not in obj:
            if isinstance(obj, Partial):
                return UNKNOWN
            raise EvalError(f"the map has no element for key {k!r}")
        return obj[k]
    if obj is None:
        raise EvalError("attempt to index a null value")
    raise EvalError(f"cannot index a {type_name(obj)} value")


def binary(op: str, left: Any, right: Any) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if op == "==":
        return equal(left, right)
    if op == "!=":
        return not equal(left, right)
    a, c = to_number(left), to_number(right)
    if op == "+":
        return norm_number(a + c)
    if op == "-":
        return norm_number(a - c)
    if op == "*":
        return norm_number(a * c)
    if op == "/":
        if c == 0:
            raise EvalError("division by zero")
        return norm_number(a / c)
    if op == "%":
        if c == 0:
            raise EvalError("modulo by zero")
        return norm_number(a - c * int(a / c))  # sign of the dividend, like Go
    if op == "<":
        return a < c
    if op == ">":
        return a > c
    if op == "<=":
        return a <= c
    if op == ">=":
        return a >= c
    raise EvalError(f"unsupported operator {op}")


class _Dispatch(dict):  # type: ignore[type-arg]
    def __missing__(self, tag: str) -> Any:
        raise EvalError(f"unsupported expression {tag}")


_DISPATCH = _Dispatch({
    "L": Evaluator._literal, "P": Evaluator._paren, "T": Evaluator._template, "V": Evaluator._var,
    "GA": Evaluator._get_attr, "IX": Evaluator._index, "SP": Evaluator._splat,
    "C": Evaluator._call, "B": Evaluator._binary, "U": Evaluator._unary,
    "?": Evaluator._conditional, "TU": Evaluator._tuple, "OB": Evaluator._object,
    "FT": Evaluator._for_tuple, "FO": Evaluator._for_object,
})
