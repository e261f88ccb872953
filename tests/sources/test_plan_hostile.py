"""Hostile plan documents: each is one clear exit-2 error naming file and place, never a number.

Table-driven: every case is a small plan (or a raw text) with the error fragment
it must produce. Before these checks the same inputs gave NaN.00, Infinity,
negative or absurd dollars, a fake create/delete, a t3.medium default, or exit 3.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from engine.errors import InputError
from engine.settings import Limits, Settings
from engine.sources.detect import read_changeset
from support import run_cli


def change(type_: str, after: Any, *, name: str = "x", actions: tuple[str, ...] = ("create",),
           before: Any = None) -> dict[str, Any]:
    return {"address": f"{type_}.{name}", "mode": "managed", "type": type_, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": list(actions), "before": before, "after": after,
                       "after_unknown": {}}}


def plan(*changes: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.0",
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
                "region": {"constant_value": "us-east-1"}}}}},
            "resource_changes": list(changes)}


def node_group(**scaling: Any) -> dict[str, Any]:
    return change("aws_eks_node_group", {"instance_types": ["m5.large"], "scaling_config": [
        {"desired_size": 2, "min_size": 1, "max_size": 3, **scaling}]})


TEMPLATE = change("aws_launch_template", {"name": "lt", "instance_type": "m5.large"},
                  name="lt")


def group(**attrs: Any) -> dict[str, Any]:
    return change("aws_autoscaling_group", {"launch_template": [{"name": "lt"}],
                                            "desired_capacity": 2, "min_size": 1,
                                            "max_size": 4, **attrs}, name="g")


CASES: list[tuple[str, Any, str]] = [
    # (id, plan document or raw text, fragment of the one error line)
    ("size-1e30", plan(change("aws_ebs_volume", {"size": 1e30, "type": "gp3"})),
     "aws_ebs_volume.x.size: size in GB 1.000E+30 is beyond the plausible maximum"),
    ("size-negative", plan(change("aws_ebs_volume", {"size": -100, "type": "gp3"})),
     "aws_ebs_volume.x.size: size in GB must not be negative"),
    ("size-not-a-number", plan(change("aws_ebs_volume", {"size": "lots", "type": "gp3"})),
     "aws_ebs_volume.x.size: expected a number, not 'lots'"),
    ("size-string-nan", plan(change("aws_ebs_volume", {"size": "NaN", "type": "gp3"})),
     "aws_ebs_volume.x.size: NaN is not a number"),
    ("iops-infinite-string", plan(change("aws_ebs_volume", {"size": 10, "type": "io2",
                                                            "iops": "Infinity"})),
     "aws_ebs_volume.x.iops: infinity"),
    ("before-side-named", plan(change("aws_ebs_volume", None, actions=("delete",),
                                      before={"size": -1, "type": "gp3"})),
     "aws_ebs_volume.x.size (before the change): size in GB must not be negative"),
    ("desired-capacity-1e18", plan(TEMPLATE, group(desired_capacity=1e18)),
     "aws_autoscaling_group.g.desired_capacity: count 1.000E+18 is beyond"),
    ("desired-capacity-fraction", plan(TEMPLATE, group(desired_capacity=2.5)),
     "aws_autoscaling_group.g.desired_capacity: count must be a whole number"),
    ("desired-capacity-string-nan", plan(TEMPLATE, group(desired_capacity="nan")),
     "aws_autoscaling_group.g.desired_capacity: NaN is not a number"),
    ("on-demand-percent-200", plan(TEMPLATE, change("aws_autoscaling_group", {
        "desired_capacity": 4, "mixed_instances_policy": [{
            "launch_template": [{"launch_template_specification": [{"launch_template_name":
                                                                    "lt"}],
                                 "override": [{"instance_type": "m5.large"}]}],
            "instances_distribution": [{"on_demand_percentage_above_base_capacity": 200}]}]},
        name="g")),
     "on_demand_percentage_above_base_capacity: percentage 200 is beyond"),
    ("desired-size-string-nan", plan(node_group(desired_size="NaN")),
     "aws_eks_node_group.x.scaling_config[0].desired_size: NaN is not a number"),
    ("desired-size-negative", plan(node_group(desired_size=-3)),
     "desired_size: count must not be negative"),
    ("numeric-instance-types-element", plan(change("aws_eks_node_group", {
        "instance_types": [5], "scaling_config": [{"desired_size": 1}]})),
     "aws_eks_node_group.x.instance_types[0]: instance type must be a string, not int"),
    ("numeric-instance-types", plan(change("aws_eks_node_group", {
        "instance_types": 5, "scaling_config": [{"desired_size": 1}]})),
     "aws_eks_node_group.x.instance_types: instance_types must be a list"),
    ("numeric-instance-type", plan(change("aws_instance", {"instance_type": 5})),
     "aws_instance.x.instance_type: instance type must be a string, not int"),
    ("object-instance-type", plan(change("aws_sagemaker_notebook_instance",
                                         {"instance_type": {"a": 1}})),
     "instance_type: instance type must be a string, not an object"),
    ("notebook-volume-1e30", plan(change("aws_sagemaker_notebook_instance", {
        "instance_type": "ml.t3.medium", "volume_size": 1e30})),
     "aws_sagemaker_notebook_instance.x.volume_size: size in GB"),
    ("efs-throughput-1e30", plan(change("aws_efs_file_system", {
        "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 1e30})),
     "provisioned_throughput_in_mibps: throughput in MB/s 1.000E+30 is beyond"),
    ("fsx-capacity-negative", plan(change("aws_fsx_lustre_file_system", {
        "storage_capacity": -1200})),
     "aws_fsx_lustre_file_system.x.storage_capacity: size in GB must not be negative"),
    ("eks-disk-size-nan-string", plan(change("aws_eks_node_group", {
        "instance_types": ["m5.large"], "scaling_config": [{"desired_size": 1}],
        "disk_size": "NaN"})),
     "aws_eks_node_group.x.disk_size: NaN is not a number"),
    # --- the document itself
    ("nan-literal", '{"format_version": "1.2", "resource_changes": [{"address": "aws_ebs_volume.x",'
                    ' "mode": "managed", "type": "aws_ebs_volume", "name": "x", "change": '
                    '{"actions": ["create"], "before": null, "after": {"size": NaN}}}]}',
     "plan.json:1: size: invalid JSON: NaN is not a JSON value"),
    ("infinity-literal", '{"format_version": "1.2", "resource_changes": [], "x": -Infinity}',
     "plan.json:1: x: invalid JSON: -Infinity is not a JSON value"),
    ("nan-key-after-strings", '{"format_version": "1.2", "d": "\\" NaN \\"y\\": NaN",\n'
                              '"resource_changes": [],\n "desired_capacity": NaN}',
     "plan.json:3: desired_capacity: invalid JSON: NaN is not a JSON value"),
    ("address-number", plan({**change("aws_instance", {}), "address": 42}),
     "/resource_changes/0/address: address must be a string, not a number"),
    ("address-null", plan({**change("aws_instance", {}), "address": None}),
     "/resource_changes/0/address: address must be a string, not null"),
    ("type-list", plan({**change("aws_instance", {}), "type": ["aws_instance"]}),
     "/resource_changes/0/type: type must be a string, not an array"),
    ("unknown-action", plan(change("aws_instance", {}, actions=("explode",))),
     "/resource_changes/0/change/actions: unknown actions ['explode']"),
    ("update-before-null", plan(change("aws_instance", {"instance_type": "t3.micro"},
                                       actions=("update",), before=None)),
     "/resource_changes/0/change/before: change.before is null on an update"),
    ("eks-instance-types-null-entry", plan(change("aws_eks_node_group", {
        "instance_types": [None], "scaling_config": [{"desired_size": 1}]})),
     "aws_eks_node_group.x.instance_types[0]: instance_types entries must be instance type "
     "strings, not null"),
    ("duplicate-key", '{"format_version": "1.2", "resource_changes": [{"address": "a.b", '
                      '"address": "c.d"}]}',
     "invalid JSON: duplicate key 'address'"),
    ("duplicate-top-key", '{"format_version": "1.2", "resource_changes": [], '
                          '"resource_changes": []}',
     "duplicate key 'resource_changes'"),
    ("resource-changes-null", {"format_version": "1.2", "resource_changes": None},
     "/resource_changes: resource_changes is null"),
    ("after-a-string", plan(change("aws_instance", "t3.micro")),
     "/resource_changes/0/change/after: change.after must be an object or null, not a string"),
    ("before-an-array", plan(change("aws_instance", {"instance_type": "t3.micro"},
                                    actions=("update",), before=[1])),
     "/resource_changes/0/change/before: change.before must be an object or null, not an "
     "array"),
]


@pytest.mark.parametrize("document, fragment", [(d, f) for _, d, f in CASES],
                         ids=[i for i, _, _ in CASES])
def test_hostile_plan_is_one_exit_2_error(tmp_path: Path, document: Any, fragment: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document),
                    encoding="utf-8")
    for fmt in ("table", "json"):
        result = run_cli("estimate", path, "--format", fmt)
        assert result.code == 2, result
        assert result.out == ""
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"costwarden: {path}"), result.err
        assert fragment in lines[0], result.err


def test_plausible_plan_still_prices(tmp_path: Path) -> None:
    """The bounds reject nothing real: a big but real fleet prices as before."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(
        change("aws_ebs_volume", {"size": 16384, "type": "gp3", "iops": 16000}),
        node_group(desired_size=500.0))), encoding="utf-8")
    result = run_cli("estimate", path, "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    assert all(r["status"] == "priced" for r in doc["resources"])


def test_special_files_are_refused_before_reading(tmp_path: Path) -> None:
    result = run_cli("estimate", "/dev/zero")
    assert result.code == 2
    assert "is not a regular file" in result.err
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)  # reading it would block forever
    result = run_cli("estimate", fifo)
    assert result.code == 2 and "is not a regular file" in result.err


def test_input_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan()), encoding="utf-8")
    with pytest.raises(InputError, match="above the limit of 10"):
        read_changeset(path, settings=Settings(Limits(input_bytes=10)))
    assert read_changeset(path, settings=Settings(Limits(input_bytes=10_000))).changes == ()


def test_limits_from_the_command_line_reach_the_plan_reader(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(change("aws_instance", {}, name="a"),
                                    change("aws_instance", {}, name="b"))), encoding="utf-8")
    result = run_cli("--limit", "input_bytes=100", "estimate", path)
    assert result.code == 2 and "above the limit of 100" in result.err, result
    result = run_cli("--limit", "resources=1", "estimate", path)
    assert result.code == 2, result
    assert "/resource_changes: 2 resource changes, above the limit of 1 resources" in result.err
    assert run_cli("--limit", "resources=2", "estimate", path).code == 0


def test_largest_plausible_numbers_never_crash_any_command(tmp_path: Path) -> None:
    """At the readers' bounds every command and format still answers (no exit 3, no NaN)."""
    fleet = {"instance_types": ["p5.48xlarge"], "scaling_config": [{"desired_size": 1_000_000}],
             "tags": {"team": "a"}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(
        change("aws_eks_node_group", fleet),
        change("aws_eks_node_group", None, name="old", actions=("delete",), before=fleet),
        change("aws_ebs_volume", {"size": 10 ** 9, "type": "io2", "iops": 10 ** 7}),
        change("aws_efs_file_system", {"throughput_mode": "provisioned",
                                       "provisioned_throughput_in_mibps": 10 ** 7}),
        change("aws_ebs_volume", {"size": 0.000001, "type": "gp3"}, name="tiny"))),
        encoding="utf-8")
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 1\nresources:\n"
                     "  aws_eks_node_group.x: {hours_per_month: 744, run_hours: 1000000}\n"
                     "  aws_efs_file_system.x: {storage_gb: 1000000000}\n", encoding="utf-8")
    runs = [("estimate", f) for f in ("table", "json", "markdown")] + \
        [("check", f) for f in ("table", "json", "markdown", "sarif", "junit")] + \
        [("graph", f) for f in ("mermaid", "dot", "json")]
    for command, fmt in runs:
        result = run_cli(command, path, "--usage", usage, "--format", fmt)
        assert result.code in (0, 1), (command, fmt, result)
        assert "NaN" not in result.out and "Infinity" not in result.out, (command, fmt)
    for fmt in ("table", "json"):
        result = run_cli("breakdown", path, "--format", fmt)
        assert result.code == 0, result


@pytest.mark.parametrize("value, fragment", [
    ("NaN", "/resources/0/hourly/after: NaN is not a number"),
    ("abc", "/resources/0/hourly/after: expected a number, not 'abc'"),
    ("-5", "/resources/0/hourly/after: cost must not be negative"),
    ("1e30", "/resources/0/hourly/after: cost 1.000E+30 is beyond the plausible maximum"),
    (True, "/resources/0/hourly/after: expected a number, not a boolean"),
])
def test_diff_of_a_tampered_saved_estimate_is_exit_2(tmp_path: Path, value: Any,
                                                     fragment: str) -> None:
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan(change("aws_instance", {"instance_type": "m5.large"}))),
                         encoding="utf-8")
    saved = json.loads(run_cli("estimate", plan_path, "--format", "json").out)
    saved["resources"][0]["hourly"]["after"] = value
    old = tmp_path / "old.json"
    old.write_text(json.dumps(saved), encoding="utf-8")
    result = run_cli("diff", old, plan_path)
    assert result.code == 2, result
    assert result.err.startswith(f"costwarden: {old}: ") and fragment in result.err, result.err


def test_diff_of_a_saved_estimate_with_a_duplicate_key_is_exit_2(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan(change("aws_instance", {"instance_type": "m5.large"}))),
                         encoding="utf-8")
    text = run_cli("estimate", plan_path, "--format", "json").out
    old = tmp_path / "old.json"
    old.write_text(text.replace('"currency":', '"currency": "EUR", "currency":', 1),
                   encoding="utf-8")
    result = run_cli("diff", old, plan_path)
    assert result.code == 2, result
    assert result.err.startswith(f"costwarden: {old}: ") and \
        "duplicate key 'currency'" in result.err, result.err
