"""Usage files: schema from the registry, errors with file and line, precedence."""

from __future__ import annotations

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
