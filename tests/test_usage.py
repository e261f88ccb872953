"""Usage files: schema from the registry, errors with file and line, precedence."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from engine.costs.base import CostModel, CostRegistry, UsageField
from engine.errors import InputError
from engine.usage import load_usage

REGISTRY = CostRegistry(models={
    "aws_s3_bucket": CostModel("aws_s3_bucket", lambda v: None, lambda s, u: (),
                               (UsageField("standard_storage_gb", "GB stored"),)),
    "aws_instance": CostModel("aws_instance", lambda v: None, lambda s, u: ()),
})


def write(tmp_path, text: str):
    path = tmp_path / "usage.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_precedence_default_glob_exact(tmp_path):
    usage = load_usage(write(tmp_path, """\
version: 1
defaults:
  aws_s3_bucket: {standard_storage_gb: 100}
resources:
  "module.data.*": {standard_storage_gb: 200}
  module.data.aws_s3_bucket.raw: {standard_storage_gb: 300, hours_per_month: 10}
"""), REGISTRY)
    assert usage.for_resource("aws_s3_bucket.x", "aws_s3_bucket") == {
        "standard_storage_gb": Decimal(100)}
    assert usage.for_resource("module.data.aws_s3_bucket.y", "aws_s3_bucket")[
        "standard_storage_gb"] == 200
    assert usage.for_resource("module.data.aws_s3_bucket.raw", "aws_s3_bucket") == {
        "standard_storage_gb": Decimal(300), "hours_per_month": Decimal(10)}


def test_data_transfer_entries_become_pseudo_resources(tmp_path):
    usage = load_usage(write(tmp_path, """\
version: 1
data_transfer:
  - name: egress
    region: us-west-2
    internet_egress_gb: 5000
  - name: replication
    inter_region_gb: 100
    destination_region: eu-west-1
    before: {inter_region_gb: 50}
"""), REGISTRY, default_region="us-east-1")
    egress, repl = usage.transfers
    assert (egress.address, egress.action, egress.region) == (
        "data_transfer.egress", "create", "us-west-2")
    assert egress.after["internet_egress_gb"] == 5000
    assert (repl.action, repl.region, repl.before["inter_region_gb"]) == (
        "update", "us-east-1", 50)
    assert repl.before["destination_region"] == "eu-west-1"


@pytest.mark.parametrize("text,expected", [
    ("version: 2\n", "usage.yml:1: $.version: 2 must be 1"),
    ("version: 1\ndefaults:\n  aws_s3_bucket:\n    standard_storge_gb: 1\n",
     "usage.yml:4: $.defaults.aws_s3_bucket.standard_storge_gb: unknown key "
     "'standard_storge_gb' in usage of aws_s3_bucket (expected one of: hours_per_month, "
     "run_hours, standard_storage_gb)"),
    ("version: 1\ndefaults:\n  aws_lambda_function: {hours_per_month: 1}\n",
     "usage.yml:3: $.defaults.aws_lambda_function: unknown key 'aws_lambda_function' in "
     "usage defaults (resource types with a cost model)"),
    ("version: 1\nresources:\n  aws_instance.a:\n    hours_per_month: -5\n",
     "usage.yml:4: $.resources.aws_instance.a.hours_per_month: -5 is less than the minimum "
     "of 0"),
    ("version: 1\nresources:\n  aws_instance.a: {hours_per_month: lots}\n",
     "usage.yml:3: $.resources.aws_instance.a.hours_per_month: wrong type: expected number, "
     "got string ('lots')"),
    ("version: 1\nversion: 1\n", "usage.yml:2: duplicate key 'version' at $"),
    ("version: 1\nresources: [\n", "usage.yml:3: YAML syntax error:"),
    ("version: 1\ndata_transfer:\n  - {name: a}\n  - {name: a}\n",
     "usage.yml:4: $.data_transfer[1]: duplicate data_transfer name 'a'"),
])
def test_bad_usage_files_name_file_line_and_path(tmp_path, text, expected):
    with pytest.raises(InputError) as err:
        load_usage(write(tmp_path, text), REGISTRY)
    message = str(err.value).replace(str(tmp_path) + "/", "")
    assert message.startswith(expected), message
    assert "\n" not in message


def test_missing_usage_file(tmp_path):
    with pytest.raises(InputError, match="nope.yml: file not found"):
        load_usage(str(tmp_path / "nope.yml"), REGISTRY)


def test_readme_lists_every_usage_key():
    from pathlib import Path

    from engine.costs.registry import builtin_registry
    from engine.usage import usage_keys_markdown

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert usage_keys_markdown(builtin_registry()) in readme, \
        "README usage-key table is stale: paste engine.usage.usage_keys_markdown() output"


# --- hostile values and entries that match nothing -----------------------------------

from support import REPO, run_cli  # noqa: E402

PLAN = REPO / "examples" / "gpu-swap" / "plan.json"  # aws_eks_node_group.inference, ...


@pytest.mark.parametrize("values, line, fragment", [
    ("hours_per_month: 1000", 4, "$.resources.aws_eks_node_group.inference.hours_per_month: "
                                 "hours per month 1000 is beyond the plausible maximum 744"),
    ("hours_per_month: .nan", 4, "hours_per_month: NaN is not a number"),
    ("hours_per_month: .inf", 4, "hours_per_month: infinity is not a valid value"),
    ("instances: 1.0e+18", 4, "instances: average count 1.000E+18 is beyond"),
    ("run_hours: 1.0e+30", 4, "run_hours: hours 1.000E+30 is beyond"),
])
def test_hostile_usage_values_are_exit_2_with_line(tmp_path, values, line, fragment):
    path = write(tmp_path, f"version: 1\nresources:\n  aws_eks_node_group.inference:\n"
                           f"    {values}\n")
    result = run_cli("estimate", PLAN, "--usage", path)
    assert result.code == 2, result
    assert result.err.strip() == f"costwarden: {path}:{line}: {fragment}" or \
        (result.err.startswith(f"costwarden: {path}:{line}: ") and fragment in result.err), \
        result.err


def test_hostile_default_and_transfer_values(tmp_path):
    path = write(tmp_path, "version: 1\ndefaults:\n  aws_s3_bucket: {standard_storage_gb: .inf}\n")
    with pytest.raises(InputError, match=r"usage.yml:3: \$.defaults.aws_s3_bucket."
                                         r"standard_storage_gb: infinity"):
        load_usage(path, REGISTRY)
    path = write(tmp_path, "version: 1\ndata_transfer:\n  - name: e\n    region: us-east-1\n"
                           "    internet_egress_gb: .nan\n")
    with pytest.raises(InputError, match=r"usage.yml:5: \$.data_transfer\[0\]."
                                         r"internet_egress_gb: NaN"):
        load_usage(path)


@pytest.mark.parametrize("entry, fragment", [
    ("aws_eks_node_group.inferense: {hours_per_month: 100}",
     "$.resources.aws_eks_node_group.inferense: no resource 'aws_eks_node_group.inferense' "
     "in this change; did you mean 'aws_eks_node_group.inference'?"),
    ("aws_ebs_volume.nothing_like_it_at_all_here: {hours_per_month: 100}",
     "no resource 'aws_ebs_volume.nothing_like_it_at_all_here' in this change; addresses"),
    ("aws_ebs_volume.feature_cache: {storage_gb: 100}",
     "$.resources.aws_ebs_volume.feature_cache.storage_gb: 'storage_gb' is not a usage key "
     "of aws_ebs_volume (it belongs to aws_cloudwatch_log_group, aws_ebs_snapshot, "
     "aws_ecr_repository, aws_efs_file_system, google_storage_bucket)"),
    ("aws_eks_node_group.inference: {standard_storage_gb: 3}",
     "'standard_storage_gb' is not a usage key of aws_eks_node_group (it belongs to "
     "aws_s3_bucket); its keys: hours_per_month, instances, os, purchase_option, run_hours"),
    ("aws_eks_node_group.inference: {storage_gbs: 3}",
     "unknown key 'storage_gbs'"),  # not a key of any type: the schema says so
])
def test_usage_entries_that_match_nothing_are_errors(tmp_path, entry, fragment):
    path = write(tmp_path, f"version: 1\nresources:\n  {entry}\n")
    result = run_cli("estimate", PLAN, "--usage", path)
    assert result.code == 2, result
    assert result.err.startswith(f"costwarden: {path}:3: "), result.err
    assert fragment in result.err, result.err


def test_glob_that_matches_nothing_warns_in_every_format(tmp_path):
    path = write(tmp_path, 'version: 1\nresources:\n  "module.gone.*": {hours_per_month: 10}\n'
                           '  "aws_ebs_*": {instances: 2}\n')
    warning = f"{path}:3: usage glob 'module.gone.*' matches no resource in this change"
    idle = (f"{path}:4: usage glob 'aws_ebs_*': instances applies to none of the resources "
            "it matches (aws_ebs_volume)")
    for fmt in ("table", "json", "markdown"):
        result = run_cli("estimate", PLAN, "--usage", path, "--format", fmt)
        assert result.code == 0, result
        out = re.sub(r"\\(.)", r"\1", result.out)  # undo markdown escapes
        assert warning in out and idle in out, (fmt, result.out)
    doc = json.loads(run_cli("estimate", PLAN, "--usage", path, "--format", "json").out)
    assert warning in doc["input"]["warnings"]
    sarif = json.loads(run_cli("check", PLAN, "--usage", path, "--format", "sarif").out)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {"level": "note", "message": {"text": warning}} in notes
    junit = run_cli("check", PLAN, "--usage", path, "--format", "junit").out
    assert 'name="costwarden input warnings"' in junit and "module.gone.*" in junit


def test_glob_brackets_are_literal(tmp_path):
    """Addresses carry [0] and ["key"]: only * and ? are wildcards."""
    from engine.usage import glob_match

    assert glob_match('aws_instance.x[0]', "aws_instance.x[*]")
    assert glob_match('module.a["k"].aws_instance.x', 'module.a["*"].*')
    assert not glob_match("aws_instance.x0", "aws_instance.x[0]")
    assert glob_match("aws_instance.web", "aws_instance.we?")


def test_data_transfer_cloud_routes_to_the_bundle_pseudo_type(tmp_path):
    from engine.clouds import Cloud

    text = ("version: 1\ndata_transfer:\n  - {name: a, region: r1, internet_egress_gb: 5}\n"
            "  - {name: b, cloud: toy, region: r2, internet_egress_gb: 7}\n")
    toy = Cloud(name="toy", providers=("toycloud",), data_transfer_type="toy_data_transfer")
    aws = Cloud(name="aws", providers=("aws",), data_transfer_type="costwarden_data_transfer")
    a, b = load_usage(write(tmp_path, text), REGISTRY, clouds=(aws, toy)).transfers
    assert (a.type, a.provider) == ("costwarden_data_transfer", "aws")  # default cloud: aws
    assert (b.type, b.provider, b.after) == ("toy_data_transfer", "toycloud",
                                             {"region": "r2", "internet_egress_gb": 7})


@pytest.mark.parametrize("cloud", ["google", "nowhere"])
def test_data_transfer_for_a_cloud_without_prices_is_an_error(tmp_path, cloud):
    text = f"version: 1\ndata_transfer:\n  - {{name: a, cloud: {cloud}, inter_az_gb: 1}}\n"
    with pytest.raises(InputError) as err:
        load_usage(write(tmp_path, text), REGISTRY)
    message = str(err.value).replace(str(tmp_path) + "/", "")
    assert message == (f"usage.yml:3: $.data_transfer[0].cloud: data_transfer cloud {cloud!r} "
                       "has no data-transfer prices (clouds with them: aws, azure)")
