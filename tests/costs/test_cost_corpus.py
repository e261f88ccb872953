"""Cost models on resources of a real public plan (terracost's EKS plan)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from costkit import kit  # noqa: F401  (fixture)
from engine.costs import builtin_registry

pytestmark = pytest.mark.corpus


def unknown_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths marked true in a plan's after_unknown document."""
    if node is True:
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from unknown_paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from unknown_paths(value, path + (i,))


def test_terracost_eks_plan_node_group(corpus: Path, kit: Any) -> None:
    plan = json.loads((corpus / "terracost/testdata/aws/eks-plan.json").read_text())
    changes = {rc["type"]: rc["change"] for rc in plan["resource_changes"]}
    template_change = changes["aws_launch_template"]
    template = kit.view("aws_launch_template", template_change["after"],
                        unknown=list(unknown_paths(template_change["after_unknown"])),
                        name="foo")
    group_change = changes["aws_eks_node_group"]
    view = kit.view("aws_eks_node_group", group_change["after"],
                    unknown=list(unknown_paths(group_change["after_unknown"])),
                    related={("aws_launch_template", "launch_template"): [template]})
    model = builtin_registry().get("aws_eks_node_group")
    assert model is not None
    spec = model.extract(view)
    comps = model.components(spec, {})
    # instance_types is known (t3.large) and wins over the template's t2.micro.
    assert spec.instance_type == "t3.large" and spec.count == 1
    assert comps[0].key.attribute("instance_type") == "t3.large"
    assert comps[0].key.purchase_option == "on_demand"
    # The template's 200 GB volume has a type known only after apply: unknown, not $0.
    disk = comps[1]
    assert disk.quantity is None and disk.missing == "unknown"
    assert "volume_type" in (disk.reason or "")
