"""Graphviz DOT of the cost-diff graph: every resource, one cluster per module.

Every id is a quoted string; labels escape backslashes, quotes and newlines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .table import gpu_cell, range_text

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import CostGraph, GraphNode

FILL = {"increase": "#ffebe9", "decrease": "#dafbe1", "unchanged": "#f6f8fa",
        "unknown": "#fff8c5"}
STROKE = {"increase": "#cf222e", "decrease": "#1a7f37", "unchanged": "#8c959f",
          "unknown": "#9a6700"}


def quote(text: str) -> str:
    """A DOT double-quoted string holding `text` literally."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n") + '"'


def dot(graph: "CostGraph", *, name: str = "costwarden") -> str:
    lines = [f"digraph {quote(name)} {{",
             '  graph [rankdir="LR", fontname="Helvetica", fontsize="11"];',
             '  node [shape="box", style="rounded,filled", fontname="Helvetica", fontsize="10"];',
             '  edge [color="#57606a", arrowsize="0.7"];']
    by_module: dict[str, list["GraphNode"]] = {}
    for n in graph.nodes:
        by_module.setdefault(n.module, []).append(n)
    lines.extend(f"  {_node(n)}" for n in by_module.pop("", []))
    for k, (module, members) in enumerate(by_module.items()):
        lines.append(f"  subgraph {quote(f'cluster_{k}')} {{")
        lines.append(f'    label={quote(module)}; style="dashed"; color="#8c959f";')
        lines.extend(f"    {_node(n)}" for n in members)
        lines.append("  }")
    lines.extend(f"  {quote(a)} -> {quote(b)};" for a, b in graph.edges())
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node(n: "GraphNode") -> str:
    delta = range_text(n.hourly_range)
    label = f"{n.address}\n{n.action}  Δ {delta} $/h"
    gpus = gpu_cell(n.cost)
    if gpus and gpus != "?":
        label += f"\n{gpus} GPU"
    style = "rounded,filled" if n.changed else "rounded,filled,dashed"
    return (f"{quote(n.address)} [label={quote(label)}, fillcolor={quote(FILL[n.sign])}, "
            f"color={quote(STROKE[n.sign])}, style={quote(style)}];")
