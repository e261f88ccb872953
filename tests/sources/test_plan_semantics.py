"""Hand-written plan documents for cases the corpus does not cover."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import InputError

from engine.sources.terraform_plan import read_plan


def rc(address: str, actions: list[str], after: Any = None, before: Any = None,
       **extra: Any) -> dict[str, Any]:
    change = {"actions": actions, "before": before, "after": after}
    change.update(extra.pop("change", {}))
    type_ = address.split(".")[-2].split("[")[0] if "." in address else address
    entry = {"address": address, "mode": "managed", "type": type_,
             "name": address.split(".")[-1].split("[")[0],
             "provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
    entry.update(extra)
    return entry


def plan(*changes: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.0",
            "resource_changes": list(changes), **top}


def test_forget_actions_warn() -> None:
    cs = read_plan(plan(rc("aws_instance.a", ["forget"], before={}),
                        rc("aws_instance.b", ["create", "forget"], after={}, before={})),
                   "p.json")
    assert [c.action for c in cs.changes] == ["no-op", "create"]
    assert cs.changes[0].actions == ("forget",)
    assert len(cs.warnings) == 2


def test_unknown_actions_are_an_error() -> None:
    # Guessing an action from before/after priced a fake create or delete.
    with pytest.raises(InputError, match=r"/resource_changes/1/change/actions: unknown "
                                         r"actions \['teleport'\]"):
        read_plan(plan(rc("aws_instance.a", ["create"], after={}),
                       rc("aws_instance.c", ["teleport"], after={})), "p.json")


@pytest.mark.parametrize("version, warns", [("0.1", False), ("1.2", False), ("1.9", False),
                                            ("2.0", True), (3, True)])
def test_format_versions(version: Any, warns: bool) -> None:
    cs = read_plan({"format_version": version, "resource_changes": []}, "p.json")
    assert bool(cs.warnings) is warns


def test_errored_and_incomplete() -> None:
    cs = read_plan(plan(errored=True, complete=False, applyable=False), "p.json")
    assert cs.errored and not cs.complete and len(cs.warnings) == 2


def test_alias_and_module_region_through_variables() -> None:
    doc = plan(
        rc("aws_instance.west", ["create"], after={}),
        rc('module.net["a"].aws_instance.x', ["create"], after={}, module_address='module.net["a"]'),
        variables={"region": {"value": "eu-north-1"}},
        configuration={
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}},
                "aws.west": {"name": "aws", "alias": "west",
                             "expressions": {"region": {"constant_value": "us-west-2"}}},
                "module.net:aws": {"name": "aws", "module_address": "module.net",
                                   "expressions": {"region": {"references": ["var.r"]}}}},
            "root_module": {
                "resources": [{"address": "aws_instance.west", "mode": "managed",
                               "type": "aws_instance", "name": "west",
                               "provider_config_key": "aws.west"}],
                "module_calls": {"net": {
                    "expressions": {"r": {"references": ["var.region"]}},
                    "module": {"resources": [{"address": "aws_instance.x", "mode": "managed",
                                              "type": "aws_instance", "name": "x",
                                              "provider_config_key": "module.net:aws"}]}}}}})
    west, mod = read_plan(doc, "p.json").changes
    assert (west.region, west.provider_config_key) == ("us-west-2", "aws.west")
    assert mod.region == "eu-north-1" and mod.module_path == ('module.net["a"]',)
    assert read_plan(plan(rc("aws_instance.z", ["create"], after={})), "p.json",
                     default_region="ap-south-1").changes[0].region == "ap-south-1"


def _aws_config(default_tags: Any) -> dict[str, Any]:
    return {"provider_config": {"aws": {"name": "aws", "expressions": {
        "default_tags": [{"tags": default_tags}]}}}}


def test_default_tags_merged_when_tags_all_unknown() -> None:
    after = {"tags": {"team": "ml", "env": None}, "tags_all": None}
    unknown = {"tags_all": True, "tags": {"env": True}}
    doc = plan(rc("aws_instance.a", ["create"], after=after, change={"after_unknown": unknown}),
               configuration=_aws_config({"constant_value": {"owner": "ops", "team": "x"}}))
    (c,) = read_plan(doc, "p.json").changes
    assert c.tags_after == {"owner": "ops", "team": "ml"}
    assert c.unknown_tag_keys == {"env", "*"}
    doc["configuration"] = _aws_config({"references": ["local.tags"]})
    (c,) = read_plan(doc, "p.json").changes
    assert "*" in c.unknown_tag_keys


def test_default_tags_do_not_reach_autoscaling_group_tag_blocks() -> None:
    # aws_autoscaling_group has no tags_all: provider default tags never apply to it.
    after = {"tag": [{"key": "Name", "value": "w", "propagate_at_launch": True}]}
    doc = plan(rc("aws_autoscaling_group.g", ["create"], after=after),
               configuration=_aws_config({"constant_value": {"team": "ml"}}))
    (c,) = read_plan(doc, "p.json").changes
    assert c.tags_after == {"Name": "w"} and not c.unknown_tag_keys


def test_tags_before_and_after_on_update() -> None:
    before = {"tags": {"a": "1"}, "tags_all": {"a": "1", "d": "x"}}
    after = {"tags": {"a": "2", "n": 5, "b": True}, "tags_all": {"a": "2", "d": "x", "n": 5, "b": True}}
    (c,) = read_plan(plan(rc("aws_instance.a", ["update"], after=after, before=before)),
                     "p.json").changes
    assert c.tags_before == {"a": "1", "d": "x"}
    assert c.tags_after == {"a": "2", "d": "x", "n": "5", "b": "true"}


def test_google_labels_and_azure_location() -> None:
    g = rc("google_compute_instance.a", ["create"],
           after={"zone": "europe-west4-b", "labels": {"team": "ml"}, "effective_labels": None},
           change={"after_unknown": {"effective_labels": True}},
           provider_name="registry.terraform.io/hashicorp/google-beta")
    z = rc("azurerm_linux_virtual_machine.v", ["create"], after={"location": "West Europe",
                                                                  "tags": {"cc": "42"}},
           provider_name="registry.terraform.io/hashicorp/azurerm")
    gc, zc = read_plan(plan(g, z), "p.json").changes
    assert (gc.provider, gc.region, gc.tags_after) == ("google", "europe-west4", {"team": "ml"})
    assert gc.unknown_tag_keys == {"*"}
    assert (zc.provider, zc.region, zc.tags_after) == ("azurerm", "westeurope", {"cc": "42"})


def test_sensitive_root_and_unknown_lists() -> None:
    c = rc("aws_instance.a", ["update"], before={"x": 1}, after={"x": 2, "blk": [{}, {}]},
           change={"before_sensitive": True, "after_sensitive": {"x": False},
                   "after_unknown": {"blk": [{}, {"id": True}], "arn": True, "n": False}})
    (c,) = read_plan(plan(c), "p.json").changes
    assert c.sensitive_paths == {()}  # the whole before value
    assert c.unknown_paths == {("blk", 1, "id"), ("arn",)}


def test_deps_depends_on_module_and_index() -> None:
    config = {"root_module": {
        "resources": [
            {"mode": "managed", "type": "aws_instance", "name": "a",
             "expressions": {"subnet_id": {"references": ["aws_subnet.s[1].id", "aws_subnet.s"]},
                             "nested": [{"x": {"references": ["module.m.out", "module.m"]}}]},
             "depends_on": ["module.other"]}],
        "module_calls": {
            "m": {"module": {"outputs": {"out": {"expression": {"references": ["aws_vpc.v.id"]}}},
                             "resources": [{"mode": "managed", "type": "aws_vpc", "name": "v"}]}},
            "other": {"module": {"resources": []}}}}}
    doc = plan(rc("aws_instance.a", ["create"], after={}),
               rc("aws_subnet.s[0]", ["create"], after={}, index=0),
               rc("aws_subnet.s[1]", ["create"], after={}, index=1),
               rc("module.m.aws_vpc.v", ["create"], after={}, module_address="module.m"),
               rc("module.m.aws_vpc.w", ["create"], after={}, module_address="module.m"),
               rc("module.other.aws_s3_bucket.b", ["create"], after={},
                  module_address="module.other"),
               configuration=config)
    a = read_plan(doc, "p.json").changes[0]
    assert a.depends_on == ("aws_subnet.s[1]", "module.m.aws_vpc.v",
                            "module.other.aws_s3_bucket.b")


def test_entry_without_address_and_quoted_keys() -> None:
    entry = rc("aws_x.y", ["create"], after={}, index='a"b.c', module_address='module.m["k/1"]')
    del entry["address"]
    (c,) = read_plan(plan(entry), "p.json").changes
    assert c.address == 'module.m["k/1"].aws_x.y["a\\"b.c"]'
    assert c.module_path == ('module.m["k/1"]',) and c.index == 'a"b.c'


def test_never_mutates_input() -> None:
    import copy
    doc = plan(rc("aws_instance.a", ["create"], after={"tags": {"a": "b"}},
                  change={"after_unknown": {"id": True}}))
    snapshot = copy.deepcopy(doc)
    cs = read_plan(doc, "p.json")
    assert doc == snapshot
    assert cs.changes[0].after is doc["resource_changes"][0]["change"]["after"]
