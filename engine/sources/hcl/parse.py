"""HCL text -> a small JSON-compatible syntax tree (python-hcl2's Lark grammar).

python-hcl2's dict output renders every expression back to a "${...}" string, which
would have to be parsed a second time to be evaluated; its raw Lark tree (same parser,
`hcl2.parses_to_tree`) already holds the structure, so it is converted here in one
pass into plain lists that are cheap to cache as JSON.

The tree format is described in `engine.sources.hcl.syntax`.
"""

from __future__ import annotations

import functools
import re
import textwrap
from typing import Any

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from engine.errors import InputError
from engine.sources.hcl.config import annotate_refs
from engine.sources.hcl.templates import assemble, template_from_text
from engine.sources.hcl.syntax import Body, Expr
from engine.sources.hcl.values import HclSyntaxError

_HEREDOC = re.compile(r"<<(-?)([A-Za-z][\w.-]*)\r?\n(.*)", re.S)
_SKIP_TOKENS = frozenset({"LPAR", "RPAR", "LSQB", "RSQB", "LBRACE", "RBRACE", "COMMA",
                          "EQ", "COLON", "QMARK", "DOT", "DBLQUOTE", "INTERP_START",
                          "DIRECTIVE_START", "FOR", "IN", "IF", "ELSE", "ENDIF", "ENDFOR",
                          "FOR_OBJECT_ARROW", "COLONS", "NL_OR_COMMENT"})


@functools.cache
def _parser() -> Any:
    """python-hcl2's parser (its grammar, LALR tables and post-lexer, loaded from its
    own cache) with position propagation off: filling every node's start and end
    position took 40% of a parse, and only a node's line is read (`_line`: that of
    its first token, which is what propagation gives it, as every token the grammar
    matches stays in the tree). Loaded once per process."""
    import hcl2.parser
    from hcl2.postlexer import PostLexer
    from lark import Lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    recorded = hcl2.parser.parser()
    try:
        data, memo = recorded.memo_serialize([TerminalDef, Rule])
        return Lark._load_from_dict(data, memo, propagate_positions=False,
                                    postlex=PostLexer())
    except Exception:  # another lark: python-hcl2's parser as it is
        return recorded


def _parse_tree(text: str) -> Tree:
    # the trailing newline is hcl2.parses_to_tree's: the grammar ends statements with one
    return _parser().parse(text + "\n")


def parse_text(text: str, file: str) -> Body:
    """Parse one HCL file; raises InputError(file, what, line=N) on bad syntax."""
    try:
        tree = _parse_tree(text)
        return annotate_refs(_body(tree.children[0]))
    except UnexpectedInput as exc:
        line = exc.line if isinstance(exc.line, int) and exc.line > 0 else None
        raise InputError(file, f"invalid HCL: {_describe(exc)}", line=line) from None
    except HclSyntaxError as exc:
        raise InputError(file, f"invalid HCL: {exc}", line=exc.line) from None
    except (LarkError, RecursionError, ValueError) as exc:
        raise InputError(file, f"invalid HCL: {type(exc).__name__}: {exc}") from None


def parse_expression(text: str) -> Expr:
    """Parse a standalone expression (a -var value, a template interpolation)."""
    try:
        tree = _parse_tree("__x = " + text.strip() + "\n")
    except LarkError as exc:
        raise HclSyntaxError(f"invalid expression {text.strip()[:60]!r}",
                           getattr(exc, "line", None)) from None
    body = _body(tree.children[0])
    return body["attrs"]["__x"][0]


def _describe(exc: UnexpectedInput) -> str:
    token = getattr(exc, "token", None)
    col = getattr(exc, "column", None)
    where = f" at column {col}" if isinstance(col, int) and col > 0 else ""
    if token is not None and getattr(token, "type", "") == "$END":
        return "unexpected end of file"
    if token is not None:
        shown = str(token).strip() or repr(str(token))
        return f"unexpected {shown[:40]!r}{where}"
    char = getattr(exc, "char", None)
    if char is not None:
        return f"unexpected character {char!r}{where}"
    return f"syntax error{where}"


def _line(node: Tree | Token) -> int | None:
    """The line of a node's first token (None: a node without tokens)."""
    if isinstance(node, Tree) and not node.meta.empty:
        return getattr(node.meta, "line", None)  # a parser that propagates positions
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            return item.line
        if isinstance(item, Tree):
            stack.extend(reversed(item.children))
    return None


def _kids(node: Tree) -> list[Tree | Token]:
    """Children without newlines/comments and punctuation tokens."""
    out = []
    for c in node.children:
        if isinstance(c, Tree):
            if c.data != "new_line_or_comment":
                out.append(c)
        elif c.type not in _SKIP_TOKENS:
            out.append(c)
    return out


def _name(node: Tree | Token) -> str:
    """identifier / keyword / literal_value / string used as a name or label."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        parts = _template_parts(node)
        if any(not isinstance(p, str) for p in parts):
            raise HclSyntaxError("labels cannot contain interpolations", _line(node))
        return "".join(parts)
    return str(node.children[0])


def _body(node: Tree) -> Body:
    attrs: dict[str, list[Any]] = {}
    blocks: list[list[Any]] = []
    for child in _kids(node):
        if child.data == "attribute":
            k = _kids(child)
            name = _name(k[0])
            if name in attrs:
                raise HclSyntaxError(f"duplicate argument {name!r}", _line(child))
            attrs[name] = [_expr(k[1]), _line(child)]
        elif child.data == "block":
            k = _kids(child)
            inner = k[-1]
            labels = [_name(x) for x in k[1:-1]]
            blocks.append([_name(k[0]), labels, _body(inner), _line(child)])
    return {"attrs": attrs, "blocks": blocks}


def _expr(node: Tree | Token) -> Expr:
    if isinstance(node, Token):
        raise HclSyntaxError(f"unexpected token {str(node)!r}", node.line)
    kind = node.data
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise HclSyntaxError(f"unsupported syntax ({kind})", _line(node))
    return handler(node)


def _expr_term(node: Tree) -> Expr:
    k = _kids(node)
    if len(k) != 1:
        raise HclSyntaxError("malformed expression", _line(node))
    inner = k[0]
    if node.children and isinstance(node.children[0], Token) and node.children[0].type == "LPAR":
        return ["P", _expr(inner)]
    return _expr(inner)


def _literal_value(node: Tree) -> Expr:
    word = str(node.children[0])
    return ["L", {"true": True, "false": False, "null": None}[word]]


def _number(node: Tree) -> Expr:
    text = str(node.children[0])
    if node.data == "int_lit" and len(text) > 300:
        raise HclSyntaxError(f"number {text[:20]}... is out of range", _line(node))
    if node.data == "int_lit":
        return ["L", int(text)]
    value = float(text)
    if value in (float("inf"), float("-inf")) or value != value:
        raise HclSyntaxError(f"number {text[:40]} is out of range", _line(node))
    return ["L", int(value) if value.is_integer() and "e" not in text.lower() else value]


def _string(node: Tree) -> Expr:
    return _template(_template_parts(node))


def _template(parts: list[Any]) -> Expr:
    if all(isinstance(p, str) for p in parts):
        return ["L", "".join(parts)]
    return ["T", parts]


def _template_parts(node: Tree) -> list[Any]:
    """Quoted string -> template parts, directives assembled into IF/FOR nodes."""
    from hcl2.utils import process_escape_sequences

    flat: list[Any] = []
    for part in _kids(node):
        if part.data != "string_part":
            continue
        c = part.children[0]
        if isinstance(c, Token):
            text = str(c)
            if c.type == "STRING_CHARS":
                text = process_escape_sequences(text)
            elif c.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                text = text[1:]
            flat.append(text)
        elif c.data == "interpolation":
            flat.append(_expr(_kids(c)[0]))
        else:
            flat.append(_directive(c))
    return assemble(flat, _line(node))


def _directive(node: Tree) -> tuple[Any, ...]:
    strips = [isinstance(t, Token) and t.type == "STRIP_MARKER" for t in node.children]
    left = len(strips) > 1 and strips[1]
    right = len(strips) > 2 and strips[-2]
    k = [x for x in _kids(node) if not (isinstance(x, Token) and x.type == "STRIP_MARKER")]
    kind = node.data
    if kind == "template_if_start":
        return ("if", left, right, _expr(k[0]))
    if kind == "template_for_start":
        names = [str(x.children[0]) for x in k[:-1]]
        return ("for", left, right, names, _expr(k[-1]))
    return (kind.removeprefix("template_"), left, right)


def _heredoc(node: Tree) -> Expr:
    raw = str(node.children[0])
    m = _HEREDOC.match(raw)
    if m is None:
        raise HclSyntaxError("invalid heredoc", _line(node))
    body = m.group(3).rstrip("\r\n")
    cut = body.rfind("\n")
    body = body[:cut + 1] if cut >= 0 else ""
    if m.group(1):
        body = textwrap.dedent(body)
    try:
        return template_from_text(body, _line(node))
    except HclSyntaxError:
        return ["L", body]  # keep the text rather than fail on an odd script body


def _template_string(node: Tree) -> Expr:
    raw = str(node.children[0])
    return ["L", raw[2:-2]]


def _conditional(node: Tree) -> Expr:
    k = _kids(node)
    return ["?", _expr(k[0]), _expr(k[1]), _expr(k[2])]


def _binary_op(node: Tree) -> Expr:
    k = _kids(node)
    term = _kids(k[1])
    op = str(term[0].children[0]).strip()
    return ["B", op, _expr(k[0]), _expr(term[1])]


def _unary_op(node: Tree) -> Expr:
    k = node.children
    return ["U", str(k[0]).strip(), _expr(k[1])]


def _tuple(node: Tree) -> Expr:
    return ["TU", [_expr(x) for x in _kids(node)]]


def _object(node: Tree) -> Expr:
    items = []
    for elem in _kids(node):
        k = _kids(elem)
        key_node = _kids(k[0])[0]
        if isinstance(key_node, Token) or key_node.data == "keyword":
            key = ["L", str(key_node if isinstance(key_node, Token) else key_node.children[0])]
        else:
            key = _expr(key_node)
        if key[0] == "V":  # a bare identifier key is a literal string
            key = ["L", key[1]]
        items.append([key, _expr(k[1])])
    return ["OB", items]


def _identifier(node: Tree) -> Expr:
    return ["V", str(node.children[0])]


def _function_call(node: Tree) -> Expr:
    k = _kids(node)
    names = [str(x.children[0]) for x in k if isinstance(x, Tree) and x.data == "identifier"]
    args: list[Expr] = []
    expand = False
    if k and isinstance(k[-1], Tree) and k[-1].data == "arguments":
        for a in k[-1].children:
            if isinstance(a, Tree) and a.data != "new_line_or_comment":
                args.append(_expr(a))
            elif isinstance(a, Token) and a.type == "ELLIPSIS":
                expand = True
    return ["C", "::".join(names), args, expand]


def _index_op(node: Tree) -> Expr:
    if node.data == "get_attr":
        return ["GA", _name(_kids(node)[0])]
    if node.data == "short_index":
        return ["IX", ["L", int(str(_kids(node)[0]))]]
    return ["IX", _expr(_kids(node)[0])]


def _traversal(node: Tree) -> Expr:
    k = _kids(node)
    obj = _expr(k[0])
    op = _index_op(k[1])
    return [op[0], obj, op[1]]


def _splat(node: Tree) -> Expr:
    k = _kids(node)
    ops = [_index_op(x) for x in _kids(k[1]) if isinstance(x, Tree)]
    return ["SP", _expr(k[0]), ops]


def _for_intro(node: Tree) -> tuple[str | None, str, Expr]:
    k = _kids(node)
    names = [str(x.children[0]) for x in k[:-1]]
    key = names[0] if len(names) == 2 else None
    return key, names[-1], _expr(k[-1])


def _for_tuple(node: Tree) -> Expr:
    k = _kids(node)
    key, val, coll = _for_intro(k[0])
    cond = _expr(_kids(k[2])[0]) if len(k) > 2 else None
    return ["FT", key, val, coll, _expr(k[1]), cond]


def _for_object(node: Tree) -> Expr:
    k = _kids(node)
    key, val, coll = _for_intro(k[0])
    group = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
    rest = [x for x in k[3:] if isinstance(x, Tree) and x.data == "for_cond"]
    cond = _expr(_kids(rest[0])[0]) if rest else None
    return ["FO", key, val, coll, _expr(k[1]), _expr(k[2]), group, cond]


_HANDLERS = {
    "expr_term": _expr_term, "literal_value": _literal_value, "int_lit": _number,
    "float_lit": _number, "string": _string, "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc, "template_string": _template_string,
    "conditional": _conditional, "binary_op": _binary_op, "unary_op": _unary_op,
    "tuple": _tuple, "object": _object, "identifier": _identifier,
    "function_call": _function_call, "index_expr_term": _traversal,
    "get_attr_expr_term": _traversal, "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat, "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
}
