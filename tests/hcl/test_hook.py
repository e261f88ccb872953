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
    assert result.out.splitlines() == [
        "infra/train.tf:2: required-tags aws_instance.train (aws_instance): missing tags team "
        "(soft-mandatory)",
        "infra/train.tf:2: spot-for-nonprod-training aws_instance.train (p4d.24xlarge) in "
        "staging runs on_demand: use spot for non-production training (advisory)"]
    assert "1 blocking finding" in result.err


def test_only_changed_files_are_reported(module: Path) -> None:
    # serve.tf is tagged (team from the resource, the rest from default tags in
    # locals of providers.tf); train.tf is untagged but not among the changed files
    result = run_cli("hook", "tags", "infra/serve.tf", "infra/providers.tf", "README.md")
    assert result.code == 0, result
    assert "aws_instance.train" not in result.out and "required-tags" not in result.out


def test_a_changed_override_file_reports_the_resources_it_overrides(module: Path) -> None:
    (module / "infra" / "serve_override.tf").write_text(
        'resource "aws_instance" "serve" {\n  tags = {}\n}\n')
    result = run_cli("hook", "tags", "infra/serve_override.tf")
    assert result.code == 1, result
    assert result.out.startswith("infra/serve.tf:2: required-tags aws_instance.serve ")
    assert "aws_instance.train" not in result.out  # not overridden, not changed


def test_untagged_gpu_machine_in_development_is_blocked(module: Path, tmp_path: Path) -> None:
    """Issue 9 item 7: required-tags blocks in development too, and the hook runs the
    instance-family rule (source decides it), naming the policies that need a plan."""
    result = run_cli("hook", "tags", "--env", "dev", "infra/train.tf")
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert lines[0].startswith("infra/train.tf:2: no-large-gpu-in-dev aws_instance.train can "
                               "launch p4d.24xlarge (p4d) in dev")
    assert lines[0].endswith("(soft-mandatory)")
    assert "infra/train.tf:2: required-tags aws_instance.train (aws_instance): missing tags " \
           "team (soft-mandatory)" in lines
    assert ("not run, they need a plan (the costwarden-check hook or costwarden check): "
            "bucket-lifecycle, change-hourly-limit, change-monthly-limit, gpu-quota, "
            "job-cost-approval, notebook-auto-stop") in result.err
    # a team's own pack can still relax the tag rule in development
    own = tmp_path / "own.yaml"
    own.write_text("version: 1\nlevels: {dev: advisory}\npolicies:\n"
                   "  - id: team-tag\n    description: d\n    level: soft-mandatory\n"
                   "    message: \"{address} has no team\"\n"
                   "    require: {tag: {key: team, exists: true}}\n")
    relaxed = run_cli("hook", "tags", "--policies", own, "--env", "dev", "infra/train.tf")
    assert relaxed.code == 0, relaxed
    assert relaxed.out == "infra/train.tf:2: team-tag aws_instance.train has no team (advisory)\n"


def test_the_hook_reads_the_whole_module_only_for_a_resource_source_policies_select(
        module: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit touching only resources no instance/GPU policy selects keeps the fast
    tag-only read; an instance naming its own type is read alone, unpriced; a group
    (whose types live in a launch template) gets the whole module, priced."""
    from engine.sources import terraform_hcl

    calls: list[tuple[object, bool]] = []
    real = terraform_hcl.read_hcl

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((kwargs.get("attributes"), kwargs.get("files") is not None))
        return real(*args, **kwargs)

    monkeypatch.setattr(terraform_hcl, "read_hcl", spy)
    tags = terraform_hcl.TAG_ATTRIBUTES
    (module / "infra" / "bucket.tf").write_text('resource "aws_s3_bucket" "b" {\n'
                                                '  bucket = "b"\n}\n')
    assert run_cli("hook", "tags", "infra/bucket.tf").code == 1
    assert calls == [(tags, True)]
    calls.clear()
    assert run_cli("hook", "tags", "infra/train.tf").code == 1
    assert calls == [(tags, True), (None, True)]
    calls.clear()
    (module / "infra" / "asg.tf").write_text(
        'resource "aws_launch_template" "lt" {\n  instance_type = "p5.48xlarge"\n}\n'
        'resource "aws_autoscaling_group" "g" {\n  min_size = 1\n  max_size = 1\n'
        '  launch_template {\n    id = aws_launch_template.lt.id\n  }\n}\n')
    result = run_cli("hook", "tags", "--env", "dev", "infra/asg.tf")
    assert calls == [(tags, True), (None, False)]
    assert "no-large-gpu-in-dev aws_autoscaling_group.g can launch p5.48xlarge (p5)" in result.out


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
    assert run_cli("hook", "tags", "x.md").code == 0


def test_missing_tf_file_is_an_error(tmp_path: Path) -> None:
    result = run_cli("hook", "tags", str(tmp_path / "gone.tf"), "x.md")
    assert result.code == 2
    assert result.err.strip().endswith("gone.tf: file not found")


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


@pytest.mark.parametrize("text", [
    "version: 1\npolices:\n  - id: x\n",  # misspelled top-level key
    "{version: 1, policies: [{id: x, description: d, level: loud, message: m,\n"
    "  require: {tag: {key: t, exists: true}}}]}\n",  # flow style
    "{waivers: [{id: W, policy: gp3-not-gp2}]}\n",  # a flow-style waiver file
    "version: 1\nwaiver:\n  - id: W\n",
])
def test_hook_policy_validate_rejects_what_policy_validate_rejects(tmp_path: Path,
                                                                   text: str) -> None:
    bad = tmp_path / "pack.yaml"
    bad.write_text(text, encoding="utf-8")
    direct = run_cli("policy", "validate", bad)
    hooked = run_cli("hook", "policy-validate", bad)
    assert direct.code == hooked.code == 2, (direct, hooked)
    assert hooked.err == direct.err


@pytest.mark.parametrize("name, text", [
    (".github/workflows/ci.yml", "name: ci\non: push\njobs: {build: {runs-on: x}}\n"),
    ("docker-compose.yml", "version: '3'\nservices: {web: {image: x}}\n"),
    ("k8s/deploy.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
    ("policies/data/quotas.yaml", "gpus: {team: {dev: 1}}\n"),
])
def test_hook_policy_validate_skips_other_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               name: str, text: str) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("hook", "policy-validate", name)
    assert result.code == 0 and result.out == result.err == "", result


def test_hook_policy_test_passes_in_a_repository_without_policy_tests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 9 item 12: the README's pre-commit block in an ordinary infra repository."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text("# infra\n")
    assert run_cli("hook", "policy-test").code == 0
    missing = run_cli("hook", "policy-test", "our/tests")  # a folder named in args must exist
    assert missing.code == 2 and "policy test folder not found" in missing.err


def test_hook_policy_test_defaults_to_policies_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("hook", "policy-test")
    assert result.code == 0, result
    assert "PASS tagging-default-tags" in result.out


# --- the tag-only read -------------------------------------------------------------

def _tag_findings(directory: Path, attributes: frozenset[str] | None,
                  files: set[str] | None = None) -> list[tuple]:
    from engine.commands.hook import tag_policies
    from engine.costs.base import CostRegistry
    from engine.pipeline import load_prices
    from engine.policy import EvaluationOptions, evaluate, load_policies
    from engine.pricing import estimate
    from engine.sources.terraform_hcl import read_hcl
    from engine.usage import Usage

    policies = tag_policies(load_policies(), [])
    cs = read_hcl(directory, attributes=attributes, files=files)
    est = estimate(cs, catalog=load_prices(), usage=Usage(), registry=CostRegistry(models={}))
    result = evaluate(est, policies, None, EvaluationOptions(include_passes=True))
    return sorted((f.policy_id, f.address or "", f.outcome, f.message, str(f.location))
                  for f in result.findings)


def test_tagging_policies_are_decided_by_tags_alone() -> None:
    from engine.commands.hook import tag_policies
    from engine.policy import load_policies

    pack = load_policies()
    assert tag_policies(pack, []).tags_only
    assert not pack.tags_only  # cost, GPU and attribute policies need the whole resource
    assert {p.id for p in pack.policies if p.tags_only} == {"required-tags", "allowed-team"}


@pytest.mark.parametrize("policy, tags_only", [
    ("require: {tag: {key: team, exists: true}}", True),
    ("require: {all: [{tag: {key: team, exists: true}}, {not: {action: {equals: delete}}}]}", True),
    ("require: {any: [{tag: {key: team, exists: true}}, "
     "{attribute: {path: instance_type, equals: x}}]}", False),
    ("select: {instance_family: [p5]}\n    require: {tag: {key: team, exists: true}}", False),
    ("select: {where: {gpu_count: {gt: 0}}}\n    require: {tag: {key: team, exists: true}}",
     False),
    ("require: {cost: {period: hour, lte: 10}}", False),
])
def test_tags_only_is_derived_from_selector_conditions_and_message(
        tmp_path: Path, policy: str, tags_only: bool) -> None:
    from engine.policy import load_policies

    f = tmp_path / "p.yaml"
    f.write_text(f"version: 1\npolicies:\n  - id: p\n    description: d\n    level: advisory\n"
                 f"    message: \"{{address}}\"\n    {policy}\n")
    assert load_policies([f]).tags_only is tags_only
    f.write_text(f.read_text().replace('"{address}"', '"{address} {instance_type}"'))
    assert load_policies([f]).tags_only is False  # the message needs an attribute


def test_tag_only_read_gives_the_same_findings(tmp_path: Path) -> None:
    from engine.sources.terraform_hcl import TAG_ATTRIBUTES

    (tmp_path / "main.tf").write_text(PROVIDER + '''
resource "aws_instance" "base" {
  instance_type = "p5.48xlarge"
  tags = { team = "ml-research" }
}
resource "aws_instance" "copy" {
  count         = 2
  instance_type = aws_instance.base.instance_type
  tags = { team = aws_instance.base.tags["team"], Name = "gpu-${count.index}" }
}
resource "aws_autoscaling_group" "asg" {
  max_size = 1
  min_size = 0
  tag {
    key                 = "team"
    value               = "ml-research"
    propagate_at_launch = true
  }
}
''')
    projected = _tag_findings(tmp_path, TAG_ATTRIBUTES)
    assert projected == _tag_findings(tmp_path, None)
    outcomes = {(f[0], f[1]): f[2] for f in projected}
    assert outcomes["allowed-team", "aws_instance.copy[1]"] == "pass"  # via aws_instance.base
    assert outcomes["required-tags", "aws_autoscaling_group.asg"] == "fail"  # no default tags


@pytest.mark.corpus
def test_tag_only_read_matches_the_full_read_on_the_corpus(corpus: Path) -> None:
    """Whole directories, then one file at a time as the hook reads a commit."""
    from engine.sources.terraform_hcl import TAG_ATTRIBUTES

    dirs = sorted({p.parent for p in corpus.rglob("*.tf")})
    compared = per_file = 0
    for d in dirs:
        full = _tag_findings(d, None)
        assert _tag_findings(d, TAG_ATTRIBUTES) == full, d
        compared += len(full)
        for f in sorted(d.glob("*.tf")):
            expected = [x for x in full if x[4].startswith(f"{f}:")]
            assert _tag_findings(d, TAG_ATTRIBUTES, {str(f)}) == expected, f
            per_file += len(expected)
    assert compared > 100 and per_file > 100


def test_a_read_limited_to_some_files_still_evaluates_what_they_refer_to(tree: Tree) -> None:
    from engine.sources.terraform_hcl import TAG_ATTRIBUTES, read_hcl

    root = tree({"providers.tf": PROVIDER,
                 "base.tf": 'resource "aws_iam_role" "r" {\n  name = "r"\n'
                            '  tags = { team = "platform" }\n}\n',
                 "train.tf": 'resource "aws_instance" "train" {\n  count = 2\n'
                             '  tags = { team = aws_iam_role.r.tags.team }\n}\n',
                 "x_override.tf": 'resource "aws_iam_role" "r" {\n  name = "r2"\n}\n'})
    only_train = read_hcl(root, attributes=TAG_ATTRIBUTES, files=[str(root / "train.tf")])
    assert [c.address for c in only_train.changes] == ["aws_instance.train[0]",
                                                       "aws_instance.train[1]"]
    assert only_train.changes[0].tags_after["team"] == "platform"  # from base.tf
    assert only_train.changes[0].tags_after["project"] == "llm"  # providers.tf default tags
    overridden = read_hcl(root, files=[str(root / "x_override.tf")])
    assert [(c.address, c.after["name"]) for c in overridden.changes] == [("aws_iam_role.r", "r2")]
    with pytest.raises(ValueError, match="cannot be diffed"):
        read_hcl(root, files=[], base=root)
