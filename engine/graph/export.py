"""The graph as a networkx node-link document (`costwarden graph --format json`).

Deterministic: nodes in estimate order, edges by dependent then dependency,
money as decimal strings, keys sorted when dumped.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from .. import __version__
from ..report.json_report import resource_money
from ..report.summary import bounds, money, money_fields, totals
from .allocate import shared_resources
from .build import CostGraph, GraphNode
from .flow import Flow, flows

if TYPE_CHECKING:  # pragma: no cover
    from ..clouds import Cloud

GRAPH_FORMAT_VERSION = "1"


def node_attributes(graph: CostGraph, n: GraphNode, flow: Flow | None,
                    shared: bool) -> dict[str, Any]:
    r = n.cost
    c = r.change
    return {
        "type": c.type, "module": c.module or None, "action": c.action, "status": r.status,
        "changed": n.changed, "sign": n.sign, "partial": r.partial,
        "team": graph.team(n), "tags": None if tags_hidden(n) else dict(sorted(n.tags().items())),
        "shared": shared,
        "hourly": resource_money(r, "hourly"),
        "monthly": resource_money(r, "monthly"),
        "gpus": {"before": dict(sorted(r.before.gpus.items())) if r.before else {},
                 "after": dict(sorted(r.after.gpus.items())) if r.after else {}},
        "flow": None if flow is None else {
            "members": flow.members, "hourly_delta": money(flow.hourly_delta),
            "monthly_delta": money(flow.monthly_delta), "unknown": flow.unknown,
            **bounds("hourly_delta", flow.hourly_range),
            **bounds("monthly_delta", flow.monthly_range)},
    }


def tags_hidden(n: GraphNode, clouds: "Iterable[Cloud] | None" = None) -> bool:
    """Tag values marked sensitive are never printed (any of the tag attributes of the
    resource's cloud: `tags`/`tags_all`, `labels`/`effective_labels`, ...)."""
    from ..clouds import tag_convention

    change = n.cost.change
    if not change.sensitive_paths:
        return False
    fields = tag_convention(change.provider, clouds).attributes()
    return any(p[:1] and p[0] in fields for p in change.sensitive_paths)


def node_link_document(graph: CostGraph) -> dict[str, Any]:
    import networkx as nx

    est = graph.estimate
    t = totals(est)
    fl = flows(graph)
    shared = set(shared_resources(graph, "after"))
    g = nx.DiGraph()
    g.graph.update({
        "version": GRAPH_FORMAT_VERSION,
        "tool": {"name": "costwarden", "version": __version__},
        "currency": est.currency,
        "input": {"path": est.changeset.source_path, "format": est.changeset.source_format},
        "team_key": graph.team_key,
        "summary": {"hourly": money_fields(t.hourly), "monthly": money_fields(t.monthly),
                    "resources": len(graph.nodes)},
        "groups": {"modules": {(k or "(root)"): list(v) for k, v in graph.modules().items()},
                   "teams": {(k if k is not None else "(untagged)"): list(v)
                             for k, v in graph.teams().items()}},
    })
    g.add_nodes_from((n.address, node_attributes(graph, n, fl.get(n.address),
                                                 n.address in shared)) for n in graph.nodes)
    g.add_edges_from(graph.edges())
    return nx.node_link_data(g, edges="edges")


def render_json(graph: CostGraph, *, indent: int | None = None) -> str:
    doc = node_link_document(graph)
    seps = (",", ":") if indent is None else (",", ": ")
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=indent,
                      separators=seps) + "\n"

