"""The syntax tree the HCL reader works on: plain lists and dicts, cheap to cache.

No parser is imported here, so reading cached files never loads the grammar.

Expression nodes (first item is the tag):
  ["L", value]                      literal (str, int, float, bool, None)
  ["T", parts]                      template; parts are str | expr | ["IF", c, then, else]
                                    | ["FOR", key|None, val, coll, body]
  ["V", name]                       root name (var, local, aws_instance, each, ...)
  ["GA", obj, name]  ["IX", obj, k] attribute / index access
  ["SP", obj, ops]                  splat; ops are ["GA", name] | ["IX", expr]
  ["C", name, args, expand]         function call (expand: last arg ends with ...)
  ["B", op, l, r]  ["U", op, x]  ["?", c, a, b]
  ["TU", items]  ["OB", [[key, value], ...]]
  ["FT", key|None, val, coll, expr, cond|None]
  ["FO", key|None, val, coll, kexpr, vexpr, group, cond|None]
Bodies: {"attrs": {name: [expr, line]}, "blocks": [[type, labels, body, line], ...]}.
The body of a top-level resource or data block also holds "refs": [declaration
keys it references, local names it reads], computed once at parse time (config.py).
"""

from __future__ import annotations

from typing import Any

# Bump when the tree format changes: it is part of the cache key.
AST_VERSION = "3"

Expr = list[Any]
Body = dict[str, Any]
