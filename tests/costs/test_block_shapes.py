"""The attribute-shape contract (engine/model.py): a nested block written as an
object (Pulumi) prices exactly like the one-element list Terraform writes.

Every golden case of every cost model runs twice, the second time with each
one-element list of objects turned into the object itself, in its attributes and
in those of the resources it refers to; the results must be identical.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from costkit import kit  # noqa: F401  (fixture)
from test_cost_goldens import CASES, Case, run_case


def flatten(value: Any) -> Any:
    """Every one-element list of an object becomes that object, all the way down."""
    if isinstance(value, dict):
        return {k: flatten(v) for k, v in value.items()}
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict):
            return flatten(value[0])
        return [flatten(v) for v in value]
    return value


def as_objects(case: Case) -> Case:
    return dataclasses.replace(
        case, attrs=flatten(case.attrs),
        related=tuple(dataclasses.replace(r, attrs=flatten(r.attrs)) for r in case.related))


NESTED = [c for c in CASES if flatten(c.attrs) != c.attrs
          or any(flatten(r.attrs) != r.attrs for r in c.related)]


def test_the_twin_covers_every_model_with_nested_blocks() -> None:
    models = {c.model for c in NESTED}
    assert {"aws_instance", "aws_autoscaling_group", "aws_eks_node_group",
            "aws_sagemaker_endpoint"} <= models


@pytest.mark.parametrize("case", NESTED, ids=[f"{c.model}/{c.name}" for c in NESTED])
def test_object_blocks_price_like_one_element_lists(kit: Any, case: Case) -> None:
    assert run_case(kit, as_objects(case)) == run_case(kit, case)


def test_a_root_volume_written_as_an_object_is_priced(kit: Any) -> None:
    from engine.costs import builtin_registry

    model = builtin_registry().get("aws_instance")
    attrs = {"instance_type": "m5.large",
             "root_block_device": {"volume_type": "gp3", "volume_size": 50}}
    listed = dict(attrs, root_block_device=[attrs["root_block_device"]])
    got = [model.components(model.extract(kit.view("aws_instance", a)), {}) for a in
           (attrs, listed)]
    assert got[0] == got[1]
    root = [c for c in got[0] if c.name.startswith("root storage")]
    assert root and root[0].quantity == 50 and root[0].missing is None
