"""Template syntax: nesting of %{if}/%{for} directives, `~` strip markers, and
templates written in raw text (heredoc bodies, templatefile())."""

from __future__ import annotations

import re
from typing import Any

from engine.sources.hcl.values import EvalError, HclSyntaxError

Expr = list[Any]


def assemble(flat: list[Any], line: int | None) -> list[Any]:
    """Apply ~ strip markers and nest if/else/endif and for/endfor."""
    for i, item in enumerate(flat):
        if isinstance(item, tuple):
            if item[1] and i > 0 and isinstance(flat[i - 1], str):
                flat[i - 1] = flat[i - 1].rstrip()
            if item[2] and i + 1 < len(flat) and isinstance(flat[i + 1], str):
                flat[i + 1] = flat[i + 1].lstrip()
    pos = 0

    def run(stop: tuple[str, ...]) -> tuple[list[Any], str | None]:
        nonlocal pos
        out: list[Any] = []
        while pos < len(flat):
            item = flat[pos]
            pos += 1
            if not isinstance(item, tuple):
                if isinstance(item, str) and out and isinstance(out[-1], str):
                    out[-1] += item
                elif item != "":
                    out.append(item)
                continue
            if item[0] in stop:
                return out, item[0]
            if item[0] == "if":
                then, end = run(("else", "endif"))
                other: list[Any] = []
                if end == "else":
                    other, end = run(("endif",))
                if end != "endif":
                    raise HclSyntaxError("template if without endif", line)
                out.append(["IF", item[3], then, other])
            elif item[0] == "for":
                names = item[3]
                body, end = run(("endfor",))
                if end != "endfor":
                    raise HclSyntaxError("template for without endfor", line)
                key = names[0] if len(names) == 2 else None
                out.append(["FOR", key, names[-1], item[4], body])
            else:
                raise HclSyntaxError(f"unexpected template directive {item[0]}", line)
        return out, None

    parts, end = run(())
    return parts


_TEMPLATE_SEQ = re.compile(r"(\$\$\{|%%\{|\$\{|%\{)")
_DIRECTIVE = re.compile(
    r"^(~?)\s*(?:(if)\s+(.*?)|(else)|(endif)|(for)\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*))?"
    r"\s+in\s+(.*?)|(endfor))\s*(~?)$", re.S)


def template_from_text(text: str, line: int | None) -> Expr:
    """Template syntax in raw text (heredoc bodies): literal chunks, ${...}, %{...}."""
    flat: list[Any] = []
    pos = 0
    while True:
        m = _TEMPLATE_SEQ.search(text, pos)
        if m is None:
            flat.append(text[pos:])
            break
        flat.append(text[pos:m.start()])
        seq = m.group(1)
        if seq in ("$${", "%%{"):
            flat.append(seq[1:])
            pos = m.end()
            continue
        end = _closing_brace(text, m.end())
        if end < 0:
            raise HclSyntaxError("unterminated template sequence", line)
        inner = text[m.end():end]
        pos = end + 1
        if seq == "${":
            flat.append(_parse_expression(inner.strip().strip("~")))
            continue
        d = _DIRECTIVE.match(inner.strip())
        if d is None:
            raise HclSyntaxError(f"invalid template directive %{{{inner.strip()[:40]}}}", line)
        left, right = bool(d.group(1)), bool(d.group(11))
        if d.group(2):
            flat.append(("if", left, right, _parse_expression(d.group(3))))
        elif d.group(6):
            names = [n for n in (d.group(7), d.group(8)) if n]
            flat.append(("for", left, right, names, _parse_expression(d.group(9))))
        else:
            word = next(g for g in (d.group(4), d.group(5), d.group(10)) if g)
            flat.append((word, left, right))
    parts = assemble(flat, line)
    if all(isinstance(p, str) for p in parts):
        return ["L", "".join(parts)]
    return ["T", parts]


def _closing_brace(text: str, start: int) -> int:
    depth, i, quote = 0, start, False
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1




def _parse_expression(text: str) -> Expr:
    from engine.sources.hcl.parse import parse_expression  # parse imports this module

    return parse_expression(text)


class TemplateScope:
    """templatefile(): only the variables passed in are visible."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner

    def ref(self, root: str, attr: str) -> Any:
        raise EvalError(f"templatefile(): {root}.{attr} is not a template variable")

    def root(self, name: str) -> Any:
        raise EvalError(f"templatefile(): {name!r} is not a template variable")

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "templatefile":  # as in Terraform: no recursion through templates
            raise EvalError("templatefile() cannot be called from a template")
        return self.owner.call(name, args)
