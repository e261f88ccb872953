"""The cost-diff graph: build, query (flow, shared-cost allocation), export.

The only package that imports networkx, and only inside functions, so that
importing it (for type names or the renderers) costs nothing.
"""

from __future__ import annotations

from .allocate import (UNTAGGED, Allocation, Breakdown, GroupRow, RoundedRow,
                       Share, breakdown, parse_group_by, round_preserving_sum, rounded_rows,
                       shared_resources, split)
from .build import CostGraph, GraphNode, Sign, State, build_graph
from .export import node_link_document, render_json
from .flow import Flow, exclusive_dependents, flows
from .view import View, ViewNode, select_view

__all__ = ["UNTAGGED", "Allocation", "Breakdown", "CostGraph", "Flow",
           "GraphNode", "GroupRow", "RoundedRow", "Share", "Sign", "State", "View", "ViewNode",
           "breakdown", "build_graph", "exclusive_dependents", "flows", "node_link_document",
           "parse_group_by", "render_json", "round_preserving_sum", "rounded_rows",
           "select_view", "shared_resources", "split"]
