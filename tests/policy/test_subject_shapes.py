"""What a policy sees of a resource comes from what cost models declare, and
attribute paths read nested blocks in both shapes of the contract in engine/model.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.model import ChangeSet, ComponentFacts, Machine, PricedComponent
from engine.policy.operators import MISSING
from engine.policy.subject import parse_path, resolve
from policy_helpers import change, cost, side, subject

LISTED = {"root_block_device": [{"volume_type": "gp2"}],
          "block_device_mappings": [{"ebs": [{"volume_type": "gp2"}]}]}
OBJECTS = {"root_block_device": {"volume_type": "gp2"},
           "block_device_mappings": [{"ebs": {"volume_type": "gp2"}}]}


@pytest.mark.parametrize("doc", [LISTED, OBJECTS], ids=["lists", "objects"])
@pytest.mark.parametrize("path", ["root_block_device[*].volume_type",
                                  "root_block_device[0].volume_type",
                                  "root_block_device.volume_type",
                                  "block_device_mappings[*].ebs[*].volume_type"])
def test_a_block_path_reads_both_shapes(doc: dict, path: str) -> None:
    assert [v for _, v in resolve(doc, parse_path(path))] == ["gp2"]


def test_only_index_0_reaches_an_object() -> None:
    assert [v for _, v in resolve(OBJECTS, parse_path("root_block_device[1].volume_type"))] \
        == [MISSING]


@pytest.mark.parametrize("doc", [LISTED, OBJECTS], ids=["lists", "objects"])
def test_the_gp2_policy_paths_fail_an_object_shaped_volume(compile_cond, doc: dict) -> None:  # type: ignore[no-untyped-def]
    check = compile_cond({"all": [
        {"attribute": {"path": "root_block_device[*].volume_type", "not_equals": "gp2"}},
        {"attribute": {"path": "block_device_mappings[*].ebs[*].volume_type",
                       "not_equals": "gp2"}}]})
    ok, _ = check(subject(cost(change("aws_instance", after=doc))))
    assert ok is False


def _priced(*components: PricedComponent):  # type: ignore[no-untyped-def]
    from dataclasses import replace
    return replace(side("1"), components=components)


def _component(key: str, facts: ComponentFacts = ComponentFacts()) -> PricedComponent:
    return PricedComponent(name="c", unit="hour", per="hour", quantity=Decimal(1),
                           unit_price=Decimal(1), hourly=Decimal(1), monthly=Decimal(730),
                           status="priced", price_key=key, facts=facts)


def test_facts_come_from_the_component_not_its_price_key() -> None:
    key = "aws/ec2/instance[instance_type=p5.48xlarge,os=linux,tenancy=shared]@us-east-1:spot"
    bare = subject(cost(change("toy_vm", after={}), _priced(_component(key))))
    assert bare.instance_types("after") == ((), False)  # a key string is never parsed
    declared = _component("toy/compute/gpu[]@?:on_demand", ComponentFacts(
        Machine("toy", "a3-highgpu-8g", family="a3"), "spot", "r1"))
    s = subject(cost(change("toy_vm", after={}), _priced(declared)))
    assert s.instance_types("after") == (("a3-highgpu-8g",), False)
    assert s.families("after") == (("a3",), False)
    assert s.purchase_options("after") == (("spot",), False)


def _estimate(*changes: Any):  # type: ignore[no-untyped-def]
    from engine.pricing import estimate
    from engine.usage import Usage
    from pricing_catalog import load_catalog

    return estimate(ChangeSet("terraform-plan", "plan.json", changes), catalog=load_catalog(),
                    usage=Usage())


def _world(est: Any):  # type: ignore[no-untyped-def]
    from engine.policy.taggable import load_taggable
    from engine.policy.world import World

    return World.build(est.resources, load_taggable())


def test_a_launch_template_is_judged_on_what_its_cloud_reads() -> None:
    lt = change("aws_launch_template", "lt", after={
        "name": "lt", "instance_type": "p5.48xlarge",
        "instance_market_options": {"market_type": "spot"}})  # the object shape
    s = _world(_estimate(lt)).by_address["aws_launch_template.lt"]
    assert s.cost.after.launchable is not None  # declared by the aws bundle, at pricing
    assert s.instance_types("after") == (("p5.48xlarge",), False)
    assert s.purchase_options("after") == (("spot",), False)
    assert s.gpu_models("after") == (("NVIDIA H100",), False)


def test_a_node_group_sees_the_type_its_launch_template_gives() -> None:
    lt = change("aws_launch_template", "lt", after={"name": "lt", "id": "lt-1",
                                                     "instance_type": "g5.xlarge"})
    ng = change("aws_eks_node_group", "ng", after={
        "launch_template": [{"id": "lt-1"}], "capacity_type": "SPOT",
        "scaling_config": [{"desired_size": 2, "min_size": 1, "max_size": 3}]},
        depends_on=("aws_launch_template.lt",))
    s = _world(_estimate(lt, ng)).by_address["aws_eks_node_group.ng"]
    assert s.instance_types("after") == (("g5.xlarge",), False)
    assert s.purchase_options("after") == (("spot",), False)
    assert s.gpu_count("after") == 2


def test_a_resource_nothing_declares_machines_for_falls_back_to_common_names() -> None:
    vm = change("google_compute_instance", "vm", after={"machine_type": "a2-highgpu-1g",
                                                        "scheduling": [{}]})
    s = subject(cost(vm, side(None, status="unsupported")))
    assert s.instance_types("after") == (("a2-highgpu-1g",), False)
    assert s.families("after") == (("a2",), False)
    spot = change("azurerm_linux_virtual_machine", "vm", after={"size": "Standard_NC6",
                                                                "priority": "Spot"})
    assert subject(cost(spot, side(None, status="unsupported"))).purchase_options("after") == \
        (("spot",), False)


def test_without_pricing_a_launch_template_is_read_by_its_cloud() -> None:
    lt = change("aws_launch_template", "lt", after={
        "instance_type": "g5.xlarge", "instance_market_options": [{"market_type": "spot"}]})
    s = subject(cost(lt, side(None, status="free")))  # no launchable attached
    assert s.instance_types("after") == (("g5.xlarge",), False)
    assert s.purchase_options("after") == (("spot",), False)


def test_families_follow_the_cloud_of_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.clouds
    from engine.clouds import Cloud

    toy = Cloud("toy", ("toy",), instance_family=lambda t: t.split("_")[1])
    monkeypatch.setattr(engine.clouds, "cloud_of",
                        lambda provider, clouds=None: toy if provider == "toy" else None)
    vm = change("toy_vm", "vm", after={"size": "Standard_ND96asr_v4"})
    s = subject(cost(vm, side(None, status="unsupported")))
    assert s.families("after") == (("ND96asr",), False)
