"""Mermaid flowchart of the cost-diff graph, for pull-request comments.

`mermaid(graph, max_nodes=50)` returns the diagram source without the code
fence. Changed resources are coloured by the sign of their Δ $/h; unchanged
ones collapse into one node per module; past `max_nodes` the rest folds into
one summary node. Ids are generated (n0, n1, g0, ...); labels are escaped with
Mermaid entity codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .table import gpu_cell, range_text

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import CostGraph, ViewNode

ACTION_MARK = {"create": "+", "delete": "-", "update": "~", "replace": "±"}
CLASS_DEFS = (
    ("increase", "fill:#ffebe9,stroke:#cf222e,color:#1f2328"),
    ("decrease", "fill:#dafbe1,stroke:#1a7f37,color:#1f2328"),
    ("unchanged", "fill:#f6f8fa,stroke:#8c959f,color:#1f2328"),
    ("unknown", "fill:#fff8c5,stroke:#9a6700,color:#1f2328,stroke-dasharray:4 3"),
    ("group", "fill:#ffffff,stroke:#8c959f,color:#57606a,stroke-dasharray:2 2"),
    ("more", "fill:#ffffff,stroke:#57606a,color:#57606a"),
)
_MAX_LABEL = 60
# '#' first: the other replacements introduce it.
_ESCAPES = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("[", "#91;"),
            ("]", "#93;"), ("`", "#96;"), ("{", "#123;"), ("}", "#125;"), ("|", "#124;"))


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (and inside a Markdown code fence)."""
    text = " ".join(text.split())
    for raw, code in _ESCAPES:
        text = text.replace(raw, code)
    return text


def mermaid(graph: "CostGraph", *, max_nodes: int | None = 50, direction: str = "LR") -> str:
    from ..graph import select_view

    view = select_view(graph, max_nodes)
    ids = [_node_id(v, i) for i, v in enumerate(view.nodes)]
    lines = [f"flowchart {direction}"]
    lines.extend(f"  classDef {name} {style}" for name, style in CLASS_DEFS)
    by_module: dict[str, list[int]] = {}
    summary = []
    for i, v in enumerate(view.nodes):
        if v.kind == "more":
            summary.append(i)
        else:
            by_module.setdefault(v.module, []).append(i)
    for i in by_module.pop("", []):
        lines.append(f"  {ids[i]}{_shape(view.nodes[i])}")
    for k, (module, members) in enumerate(by_module.items()):
        lines.append(f'  subgraph g{k}["{escape(_short(module))}"]')
        lines.extend(f"    {ids[i]}{_shape(view.nodes[i])}" for i in members)
        lines.append("  end")
    lines.extend(f"  {ids[i]}{_shape(view.nodes[i])}" for i in summary)
    lines.extend(f"  {ids[a]} --> {ids[b]}" for a, b in view.edges)
    return "\n".join(lines) + "\n"


def _node_id(v: "ViewNode", i: int) -> str:
    return "more" if v.kind == "more" else f"n{i}"


def _shape(v: "ViewNode") -> str:
    if v.kind == "more":
        text = f"+{v.count} more resources<br/>Δ {escape(range_text(v.hourly_range))} $/h"
        if v.unknown:
            text += f"<br/>{v.unknown} unknown"
        return f'(["{text}"]):::more'
    if v.kind == "module":
        where = _short(v.label) if v.label else "root module"
        noun = "resource" if v.count == 1 else "resources"
        return f'[["{escape(where)}<br/>{v.count} unchanged {noun}"]]:::group'
    n = v.node
    assert n is not None
    mark = ACTION_MARK.get(n.action, "")
    head = escape(f"{mark} {_short(n.address)}".strip())
    delta = range_text(n.hourly_range)
    text = f"{head}<br/>Δ {escape(delta)} $/h"
    gpus = gpu_cell(n.cost)
    if gpus and gpus != "?":
        text += f"<br/>{escape(gpus)} GPU"
    return f'["{text}"]:::{n.sign}'


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else "…" + text[-(_MAX_LABEL - 1):]
