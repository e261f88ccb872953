"""Every condition type and every operator, table-tested on hand-built resources."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.policy.operators import MISSING, OPERATORS, prepare
from policy_helpers import change, cost, side, subject

# --- operators: (operator, expected, actual, result) ----------------------------
OPERATOR_CASES = [
    ("exists", True, "x", True), ("exists", True, MISSING, False), ("exists", True, [], False),
    ("exists", True, None, False), ("exists", False, MISSING, True), ("exists", False, "x", False),
    ("equals", "gp2", "gp2", True), ("equals", "gp2", "gp3", False), ("equals", 8, "8", True),
    ("equals", 8, Decimal("8.0"), True), ("equals", "8", 8, False), ("equals", "a", MISSING, False),
    ("not_equals", "gp2", "gp3", True), ("not_equals", "gp2", MISSING, True),
    ("not_equals", "gp2", "gp2", False),
    ("in", ["dev", "prod"], "dev", True), ("in", ["dev"], "qa", False), ("in", [1, 2], "2", True),
    ("in", ["dev"], MISSING, False),
    ("not_in", ["spot"], "on_demand", True), ("not_in", ["spot"], "spot", False),
    ("not_in", ["spot"], MISSING, True),
    ("matches", "CC-[0-9]{4}", "CC-1234", True), ("matches", "CC-[0-9]{4}", "CC-12345", False),
    ("matches", "CC-[0-9]{4}", "xCC-1234", False), ("matches", ".*", 5, False),
    ("not_matches", "tmp-.*", "prod-1", True), ("not_matches", "tmp-.*", "tmp-1", False),
    ("glob", ["p5*", "ml.p*"], "p5e", True), ("glob", "p5*", "g5", False),
    ("glob", ["ml.p*"], "ml.p4d", True), ("not_glob", ["p5*"], "g5", True),
    ("not_glob", ["p5*"], "p5", False),
    ("gt", 10, 11, True), ("gt", 10, 10, False), ("gt", 10, "abc", False), ("gt", 10, MISSING, False),
    ("gte", 10, 10, True), ("gte", 10, Decimal("9.99"), False),
    ("lt", 10, 9, True), ("lt", 10, 10, False), ("lte", 10, 10, True), ("lte", 10, True, False),
    ("contains", "a", ["a", "b"], True), ("contains", "k", {"k": 1}, True),
    ("contains", "ell", "hello", True), ("contains", "z", ["a"], False),
    ("contains", "a", MISSING, False),
    ("not_contains", "z", ["a"], True), ("not_contains", "a", ["a"], False),
]


@pytest.mark.parametrize("op,expected,actual,result", OPERATOR_CASES)
def test_operator(op, expected, actual, result):  # type: ignore[no-untyped-def]
    assert OPERATORS[op].test(actual, prepare(op, expected)) is result


def test_every_operator_is_table_tested():  # type: ignore[no-untyped-def]
    assert {c[0] for c in OPERATOR_CASES} == set(OPERATORS)


# --- conditions: (condition, resource factory, verdict) -------------------------
def inst(itype="p5.48xlarge", option="on_demand", tags=None, **kw):  # type: ignore[no-untyped-def]
    ch = change("aws_instance", after={"instance_type": itype, **kw.pop("attrs", {})},
                tags=tags if tags is not None else {"team": "ml", "environment": "prod"}, **kw)
    return cost(ch, after=side("55.04", gpus={"NVIDIA H100": 8}, instances=((itype, option),)))


ATTRS = {"root_block_device": [{"volume_type": "gp2", "volume_size": 100}],
         "ebs_block_device": [{"volume_type": "gp3"}, {"volume_type": "gp2"}],
         "production_variants": [{"instance_type": "ml.g5.xlarge"}], "monitoring": True}


def with_attrs(**kw):  # type: ignore[no-untyped-def]
    return inst(attrs=ATTRS, **kw)


CONDITION_CASES = [
    # attribute
    ({"attribute": {"path": "instance_type", "equals": "p5.48xlarge"}}, inst, True),
    ({"attribute": {"path": "instance_type", "glob": "g*"}}, inst, False),
    ({"attribute": {"path": "root_block_device[0].volume_type", "equals": "gp2"}}, with_attrs, True),
    ({"attribute": {"path": "root_block_device.volume_type", "equals": "gp2"}}, with_attrs, True),
    ({"attribute": {"path": "ebs_block_device[*].volume_type", "not_equals": "gp2"}}, with_attrs, False),
    ({"attribute": {"path": "ebs_block_device[*].volume_type", "match": "any", "equals": "gp3"}},
     with_attrs, True),
    ({"attribute": {"path": "missing[*].volume_type", "not_equals": "gp2"}}, with_attrs, True),
    ({"attribute": {"path": "monitoring", "equals": True}}, with_attrs, True),
    ({"attribute": {"path": "nope", "exists": False}}, inst, True),
    ({"attribute": {"path": "instance_type", "exists": True, "in": ["p5.48xlarge"]}}, inst, True),
    ({"attribute": {"path": "key_name", "exists": True}},
     lambda: inst(unknown=(("key_name",),)), None),
    ({"attribute": {"path": "instance_type", "side": "before", "exists": True}}, inst, False),
    # tag / tags
    ({"tag": {"key": "team", "equals": "ml"}}, inst, True),
    ({"tag": {"key": "team", "in": ["infra"]}}, inst, False),
    ({"tag": {"key": "owner", "exists": True}}, inst, False),
    ({"tag": {"key": "owner", "exists": True}}, lambda: inst(unknown_tags=("owner",)), None),
    ({"tag": {"key": "owner", "exists": True}}, lambda: inst(unknown_tags=("*",)), None),
    ({"tag": {"key": "owner", "exists": True}},
     lambda: cost(change("aws_volume_attachment", after={})), True),  # takes no tags
    ({"tags": {"required": ["team", "environment"]}}, inst, True),
    ({"tags": {"required": ["team", "cost-center"]}}, inst, False),
    ({"tags": {"required": ["team"], "allowed": {"environment": ["dev"]}}}, inst, False),
    ({"tags": {"patterns": {"team": "[a-z]+"}}}, inst, True),
    ({"tags": {"patterns": {"team": "[0-9]+"}}}, inst, False),
    ({"tags": {"required": ["owner"]}}, lambda: inst(unknown_tags=("owner",)), None),
    ({"tags": {"required": ["team"]}}, lambda: inst(tags={}), False),
    # instance facts
    ({"instance_type": {"in": ["p5.48xlarge"]}}, inst, True),
    ({"instance_family": {"not_glob": ["p5*", "p4d*"]}}, inst, False),
    ({"instance_family": {"glob": "ml.g5"}},
     lambda: cost(change("aws_sagemaker_endpoint_configuration",
                         after={"production_variants": [{"instance_type": "ml.g5.xlarge"}]}),
                  after=side(None)), True),
    ({"instance_family": {"equals": "g6e"}},
     lambda: cost(change("aws_eks_node_group", after={"instance_types": ["g6e.12xlarge"]}),
                  after=side(None)), True),
    ({"instance_type": {"exists": True}},
     lambda: cost(change("aws_instance", after={}, unknown=(("instance_type",),)),
                  after=side(None)), None),
    ({"instance_family": {"in": ["p5"]}},
     lambda: cost(change("aws_s3_bucket", after={"bucket": "b"})), True),  # vacuous: no instances
    ({"gpu_model": {"in": ["NVIDIA H100"]}}, inst, True),
    ({"gpu_model": {"not_in": ["NVIDIA H100"]}}, inst, False),
    ({"gpu_count": {"gte": 8}}, inst, True),
    ({"gpu_count": {"lt": 8}}, inst, False),
    ({"gpu_count": {"gt": 0}},
     lambda: cost(change("aws_instance", after={}), after=side(None, gpus_known=False)), None),
    ({"purchase_option": {"in": ["spot"]}}, lambda: inst(option="spot"), True),
    ({"purchase_option": {"not_in": ["spot"]}}, lambda: inst(option="spot"), False),
    ({"purchase_option": {"in": ["spot"]}},
     lambda: cost(change("aws_eks_node_group", after={"capacity_type": "SPOT",
                                                      "instance_types": ["g5.xlarge"]})), True),
    ({"purchase_option": {"in": ["on_demand"]}},
     lambda: cost(change("aws_instance", after={"instance_type": "m5.large"})), True),
    # environment and action
    ({"environment": {"in": ["prod"]}}, inst, True),
    ({"environment": {"in": ["dev"]}}, inst, False),
    ({"environment": {"exists": True}}, lambda: inst(tags={}), False),
    ({"action": {"in": ["create"]}}, inst, True),
    ({"action": {"equals": "delete"}}, inst, False),
    # cost
    ({"cost": {"lte": 50}}, inst, False),
    ({"cost": {"period": "month", "gt": 40000}}, inst, True),
    ({"cost": {"side": "delta", "equals": 55.04}}, inst, True),
    ({"cost": {"side": "before", "equals": 0}}, inst, True),
    ({"cost": {"period": "run", "lte": 10000}}, inst, True),  # no run hours: not a job
    ({"cost": {"period": "run", "lte": 10000}},
     lambda: cost(inst().change, after=side("55.04"), run_hours="200"), False),
    ({"cost": {"period": "job", "lte": 10000}},
     lambda: cost(inst().change, after=side("55.04"), run_hours="100"), True),
    ({"cost": {"period": "job", "lte": 10000}}, inst, False),  # monthly delta 40,179
    ({"cost": {"gt": 0}}, lambda: cost(inst().change, after=side(None)), None),
    # logic (Kleene)
    ({"all": [{"tag": {"key": "team", "exists": True}}, {"gpu_count": {"gt": 0}}]}, inst, True),
    ({"all": [{"tag": {"key": "team", "exists": True}}, {"gpu_count": {"gt": 9}}]}, inst, False),
    ({"all": [{"tag": {"key": "o", "exists": True}}, {"gpu_count": {"gt": 9}}]},
     lambda: inst(unknown_tags=("o",)), False),
    ({"all": [{"tag": {"key": "o", "exists": True}}, {"gpu_count": {"gt": 0}}]},
     lambda: inst(unknown_tags=("o",)), None),
    ({"any": [{"tag": {"key": "o", "exists": True}}, {"gpu_count": {"gt": 0}}]},
     lambda: inst(unknown_tags=("o",)), True),
    ({"any": [{"tag": {"key": "o", "exists": True}}, {"gpu_count": {"gt": 9}}]},
     lambda: inst(unknown_tags=("o",)), None),
    ({"any": [{"tag": {"key": "o", "exists": True}}, {"gpu_count": {"gt": 9}}]}, inst, False),
    ({"not": {"gpu_count": {"gt": 9}}}, inst, True),
    ({"not": {"tag": {"key": "o", "exists": True}}}, lambda: inst(unknown_tags=("o",)), None),
]


@pytest.mark.parametrize("cond,make,verdict", CONDITION_CASES)
def test_condition(compile_cond, cond, make, verdict):  # type: ignore[no-untyped-def]
    check = compile_cond(cond)
    ok, evidence = check(subject(make()))
    assert ok is verdict, evidence


def test_every_condition_type_is_table_tested(registry):  # type: ignore[no-untyped-def]
    tested = {next(iter(c)) for c, _, _ in CONDITION_CASES} | {"relation"}
    assert tested == set(registry.names())


# --- relations -----------------------------------------------------------------
def test_relation_incoming_by_reference_and_value(compile_cond):  # type: ignore[no-untyped-def]
    check = compile_cond({"relation": {"type": "aws_s3_bucket_lifecycle_configuration",
                                       "via": "bucket"}})
    data = cost(change("aws_s3_bucket", "data", after={"bucket": "acme-data"}))
    ckpt = cost(change("aws_s3_bucket", "ckpt", after={"bucket": "acme-ckpt"}))
    logs = cost(change("aws_s3_bucket", "logs", after={"bucket": "acme-logs"}))
    by_ref = cost(change("aws_s3_bucket_lifecycle_configuration", "a", after={},
                         unknown=(("bucket",),), depends_on=("aws_s3_bucket.data",)))
    by_value = cost(change("aws_s3_bucket_lifecycle_configuration", "b",
                           after={"bucket": "acme-ckpt"}))
    from engine.policy.taggable import load_taggable
    from engine.policy.world import World

    world = World.build([data, ckpt, logs, by_ref, by_value], load_taggable())
    assert check(world.by_address["aws_s3_bucket.data"])[0] is True
    assert check(world.by_address["aws_s3_bucket.ckpt"])[0] is True
    assert check(world.by_address["aws_s3_bucket.logs"])[0] is False


def test_relation_unknown_when_a_candidate_cannot_be_resolved(compile_cond):  # type: ignore[no-untyped-def]
    check = compile_cond({"relation": {"type": "aws_s3_bucket_lifecycle_configuration",
                                       "via": "bucket"}})
    bucket = cost(change("aws_s3_bucket", "data", after={"bucket": "acme-data"}))
    orphan = cost(change("aws_s3_bucket_lifecycle_configuration", "a", after={},
                         unknown=(("bucket",),)))
    assert check(subject(bucket, orphan))[0] is None


def test_relation_outgoing_and_module_relative_reference(compile_cond):  # type: ignore[no-untyped-def]
    check = compile_cond({"relation": {"type": "aws_sagemaker_notebook_instance_lifecycle_configuration",
                                       "direction": "outgoing", "via": "lifecycle_config_name",
                                       "match": ["name"]}})
    mod = ('module.nb',)
    config = cost(change("aws_sagemaker_notebook_instance_lifecycle_configuration", "stop",
                         after={"name": "stop"}, module_path=mod))
    by_ref = cost(change("aws_sagemaker_notebook_instance", "a", after={}, module_path=mod,
                         unknown=(("lifecycle_config_name",),),
                         depends_on=("aws_sagemaker_notebook_instance_lifecycle_configuration.stop.name",)))
    by_name = cost(change("aws_sagemaker_notebook_instance", "b",
                          after={"lifecycle_config_name": "stop"}))
    none = cost(change("aws_sagemaker_notebook_instance", "c", after={}))
    assert check(subject(by_ref, config))[0] is True
    assert check(subject(by_name, config))[0] is True
    assert check(subject(none, config))[0] is False


def test_relation_exists_false(compile_cond):  # type: ignore[no-untyped-def]
    check = compile_cond({"relation": {"type": "aws_eip", "via": "instance", "exists": False,
                                       "match": ["id"]}})
    vm = cost(change("aws_instance", "vm", after={"id": "i-1"}))
    eip = cost(change("aws_eip", "ip", after={"instance": "i-1"}))
    assert check(subject(vm, eip))[0] is False
    assert check(subject(vm))[0] is True


def test_deleted_resource_is_evaluated_on_its_before_side(compile_cond):  # type: ignore[no-untyped-def]
    check = compile_cond({"tag": {"key": "team", "exists": True}})
    gone = cost(change("aws_instance", action="delete", after=None, before={"instance_type": "m5"},
                       tags_before={"team": "ml"}))
    assert check(subject(gone))[0] is True


def test_environment_flag_overrides_tag(compile_cond):  # type: ignore[no-untyped-def]
    check = compile_cond({"environment": {"equals": "dev"}})
    assert check(subject(inst(), env="dev"))[0] is True
    assert check(subject(inst()))[0] is False
