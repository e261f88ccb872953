"""A standalone HTML page of the cost-diff graph: works offline, everything inline.

The data is embedded as a JSON script tag (with `<`, `>` and `&` written as
\\u escapes, so no `</script>` can end it early); engine/report/assets/graph.js
lays it out as SVG and shows a resource's cost components and findings on click.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable

from .json_report import finding_document, resource_document
from .summary import bounds, money, money_fields, totals
from .table import amount_text, gpu_cell, monthly, range_text

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import CostGraph, ViewNode
    from ..model import Finding

DEFAULT_MAX_NODES = 1000  # a browser lays out a thousand boxes in well under a second
_MAX_MEMBERS = 200  # addresses listed for one collapsed module


def _asset(name: str) -> str:
    return resources.files("engine.report").joinpath("assets", name).read_text(encoding="utf-8")


def script_json(doc: Any) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' appears literally."""
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def html_document(graph: "CostGraph", findings: Iterable["Finding"] = (),
                  max_nodes: int | None = DEFAULT_MAX_NODES) -> dict[str, Any]:
    from ..graph import flows, select_view
    from ..graph.export import tags_hidden

    view = select_view(graph, max_nodes)
    fl = flows(graph)
    by_address: dict[str | None, list[dict[str, Any]]] = {}
    for f in findings:
        by_address.setdefault(f.address, []).append(finding_document(f))
    members = graph.modules()
    nodes = []
    for v in view.nodes:
        item: dict[str, Any] = {"kind": v.kind, "module": v.module, "sign": v.sign,
                                "title": _title(v), "subtitle": _subtitle(v), "label": v.label}
        if v.kind == "resource" and v.node is not None:
            n = v.node
            detail = resource_document(n.cost)
            flow = fl[n.address]
            detail.update(team=graph.team(n), findings=by_address.get(n.address, []),
                          tags=None if tags_hidden(n) else dict(sorted(n.tags().items())),
                          flow={"members": flow.members, "unknown": flow.unknown,
                                "hourly_delta": money(flow.hourly_delta),
                                "monthly_delta": money(flow.monthly_delta),
                                **bounds("hourly_delta", flow.hourly_range),
                                **bounds("monthly_delta", flow.monthly_range)})
            item["detail"] = detail
        elif v.kind == "module":
            unchanged = [a for a in members[v.module] if not graph.node(a).changed]
            item["detail"] = {"members": unchanged[:_MAX_MEMBERS],
                              "more": max(len(unchanged) - _MAX_MEMBERS, 0)}
        nodes.append(item)
    t = totals(graph.estimate)
    cs = graph.estimate.changeset
    return {
        "title": f"costwarden: {cs.source_path}",
        "currency": graph.estimate.currency,
        "summary": {"hourly": money_fields(t.hourly), "monthly": money_fields(t.monthly)},
        "nodes": nodes, "edges": [list(e) for e in view.edges],
        "total": view.total, "hidden": view.hidden,
        "findings": by_address.get(None, []),
    }


def render_html(graph: "CostGraph", findings: Iterable["Finding"] = (), *,
                max_nodes: int | None = DEFAULT_MAX_NODES) -> str:
    doc = html_document(graph, findings, max_nodes)
    t = totals(graph.estimate)
    esc = html.escape
    h_before, h_after = amount_text(t.hourly.before_range), amount_text(t.hourly.after_range)
    h_delta = range_text(t.hourly.delta_range)
    m_before = amount_text(t.monthly.before_range, monthly)
    m_after = amount_text(t.monthly.after_range, monthly)
    m_delta = range_text(t.monthly.delta_range, monthly)
    shown = f"{len(doc['nodes'])} nodes for {doc['total']} resources"
    if doc["hidden"]:
        shown += f", {doc['hidden']} folded into “more”"
    legend = "".join(f'<i class="{k}"></i>{k}' for k in
                     ("increase", "decrease", "unchanged", "unknown"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(doc["title"])}</title>
<style>
{_asset("graph.css")}</style>
</head>
<body>
<header>
<h1>{esc(doc["title"])}</h1>
<div class="totals"><span>$/h {h_before} → {h_after}
(Δ {h_delta})</span><span>$/month {m_before} →
{m_after} (Δ {m_delta})</span>
<span>{esc(doc["currency"])}</span><span>{esc(shown)}</span></div>
<div class="legend">Δ $/h:{legend}</div>
</header>
<main><div id="canvas"></div><aside id="details" aria-live="polite"></aside></main>
<script type="application/json" id="costwarden-data">{script_json(doc)}</script>
<script>
{_asset("graph.js")}</script>
</body>
</html>
"""


def _title(v: "ViewNode") -> str:
    if v.kind == "more":
        return f"+{v.count} more resources"
    if v.kind == "module":
        return v.label or "root module"
    return v.label


def _subtitle(v: "ViewNode") -> str:
    if v.kind == "module":
        return f"{v.count} unchanged resource" + ("" if v.count == 1 else "s")
    if v.kind == "more":
        text = f"Δ {range_text(v.hourly_range)} $/h"
        return text + (f", {v.unknown} unknown" if v.unknown else "")
    n = v.node
    assert n is not None
    text = f"{n.action}  Δ {range_text(n.hourly_range)} $/h"
    gpus = gpu_cell(n.cost)
    return text + (f"  {gpus} GPU" if gpus and gpus != "?" else "")
