"""`costwarden hook ...` in-process: the pre-commit entry points and their output form."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from support import REPO, run_cli

Tree = Callable[..., Path]

PROVIDER = '''
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = local.common
  }
}

locals {
  common = { project = "llm", environment = "staging", "cost-center" = "CC-1234" }
}
'''
UNTAGGED = '''
resource "aws_instance" "train" {
  ami           = "ami-123"
  instance_type = "p4d.24xlarge"
}
'''
TAGGED = '''
resource "aws_instance" "serve" {
  ami           = "ami-123"
  instance_type = "g5.xlarge"
  tags          = { team = "ml-research" }
}
'''


@pytest.fixture
def module(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tree({"infra/providers.tf": PROVIDER, "infra/train.tf": UNTAGGED,
                 "infra/serve.tf": TAGGED, "README.md": "not terraform\n"})
    monkeypatch.chdir(root)
    return root


def test_untagged_gpu_instance_is_blocked(module: Path) -> None:
    result = run_cli("hook", "tags", "infra/train.tf")
    assert result.code == 1, result
    assert result.out == ("infra/train.tf:2: required-tags aws_instance.train (aws_instance): "
                          "missing tags [team]; invalid tag values [] (soft-mandatory)\n")
    assert "1 blocking finding" in result.err


def test_only_changed_files_are_reported(module: Path) -> None:
    # serve.tf is tagged (team from the resource, the rest from default tags in
    # locals of providers.tf); train.tf is untagged but not among the changed files
    result = run_cli("hook", "tags", "infra/serve.tf", "infra/providers.tf", "README.md")
    assert result.code == 0, result
    assert result.out == ""


def test_dev_environment_makes_the_tag_policy_advisory(module: Path) -> None:
    result = run_cli("hook", "tags", "--env", "dev", "infra/train.tf")
    assert result.code == 0, result
    assert result.out.startswith("infra/train.tf:2: required-tags ")
    assert result.out.rstrip().endswith("(advisory)")


def test_explicit_policy_selection_and_unknown_policy(module: Path) -> None:
    assert run_cli("hook", "tags", "--policy", "allowed-team", "infra/train.tf").code == 0
    result = run_cli("hook", "tags", "--policy", "nope-*", "infra/train.tf")
    assert result.code == 2
    assert "no per-resource policy matches nope-*" in result.err


def test_unknown_tag_value_is_reported_not_blocking(tree: Tree,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree({"m/main.tf": PROVIDER + '''
variable "team" { type = string }
resource "aws_instance" "x" {
  ami           = "ami-123"
  instance_type = "g5.xlarge"
  tags          = { team = var.team }
}
'''})
    monkeypatch.chdir(root)
    result = run_cli("hook", "tags", "m/main.tf")
    assert result.code == 0, result
    assert "unknown before apply" in result.out


def test_bad_hcl_exits_2_with_file_and_line(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree({"m/main.tf": 'resource "aws_instance" "x" {\n  ami = = 1\n}\n'})
    monkeypatch.chdir(root)
    result = run_cli("hook", "tags", "m/main.tf")
    assert result.code == 2
    assert result.err.startswith("costwarden: m/main.tf:2: invalid HCL")


def test_no_tf_files_is_a_pass(tmp_path: Path) -> None:
    assert run_cli("hook", "tags", str(tmp_path / "gone.tf"), "x.md").code == 0


def test_hook_check_on_a_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("hook", "check", "examples/training-cluster/plan.json",
                     "--usage", "examples/training-cluster/usage.yml")
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert ("examples/training-cluster/plan.json: gpu-quota team (none) in (none) would run "
            "32 GPUs (was 0, change 32); the quota is 8 (soft-mandatory)") in lines
    assert any(line.startswith("examples/training-cluster/plan.json (/resource_changes/")
               and " required-tags aws_autoscaling_group.trainers " in line for line in lines)


def test_hook_policy_validate_skips_data_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("hook", "policy-validate", "policies/tagging.yaml",
                     "policies/data/tags.yaml", "policies/tests/gp2-volumes/expected.yaml")
    assert result.code == 0, result
    assert result.out.startswith("ok: 2 policies in 1 file(s)")
    assert run_cli("hook", "policy-validate", "policies/data/tags.yaml").code == 0


def test_hook_policy_validate_reports_a_broken_policy(tmp_path: Path) -> None:
    bad = tmp_path / "pack.yaml"
    bad.write_text("version: 1\npolicies:\n  - id: x\n    level: loud\n", encoding="utf-8")
    result = run_cli("hook", "policy-validate", bad)
    assert result.code == 2
    assert str(bad) in result.err


def test_hook_policy_test_defaults_to_policies_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("hook", "policy-test")
    assert result.code == 0, result
    assert "PASS tagging-default-tags" in result.out
