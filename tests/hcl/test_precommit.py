"""The hooks of .pre-commit-hooks.yaml through the real `pre-commit` tool.

pre-commit clones a hook repository at a rev and pip-installs it into its own
virtualenv, so the test snapshots the current working tree of costwarden (tracked
and untracked, not ignored files) into a throwaway git repository and points a
user repository's .pre-commit-config.yaml at that commit. Installing the hook
environment from PyPI takes about a minute, once per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import IN_CI, REPO

pytest.importorskip("pre_commit", reason="pre-commit is a test dependency (pip install "
                                         "pre-commit)")

GIT_ENV = {"GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}

PROVIDER = '''provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = local.tags
  }
}

locals {
  tags = { project = "llm-pretrain", environment = "staging", "cost-center" = "CC-4410" }
}
'''
GPU = '''resource "aws_instance" "train" {
  ami           = "ami-0a7d3e2f9c1b04e55"
  instance_type = "p5.48xlarge"%s
}
'''


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=check, text=True,
                          capture_output=True)


@pytest.fixture(scope="session")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], str, str]:
    """(environment, hook repository path, its commit) shared by the session."""
    if shutil.which("git") is None:
        if IN_CI:
            pytest.fail("git is required")
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, **GIT_ENV, "HOME": str(base), "PRE_COMMIT_HOME": str(base / "home"),
           "COSTWARDEN_CACHE_DIR": str(base / "cache")}
    env.pop("PYTHONPATH", None)  # the hook must run from its own installed environment
    snapshot = base / "costwarden"
    listed = _git(REPO, "ls-files", "-co", "--exclude-standard", "-z").stdout
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():
            dst = snapshot / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    _git(snapshot, "init", "-q", env=env)
    _git(snapshot, "add", "-A", env=env)
    _git(snapshot, "commit", "-q", "--no-verify", "-m", "snapshot", env=env)
    rev = _git(snapshot, "rev-parse", "HEAD", env=env).stdout.strip()
    return env, str(snapshot), rev


def readme_hooks() -> list[str]:
    """The hook ids of the README's pre-commit block, in its order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("# .pre-commit-config.yaml of an infrastructure repository", 1)[1]
    block = block.split("```", 1)[0]
    return [line.split("id:", 1)[1].split("#", 1)[0].strip()
            for line in block.splitlines() if "- id:" in line]


def _user_repo(path: Path, env: dict[str, str], hook_repo: str, rev: str) -> Path:
    """An ordinary infrastructure repository (no policies/ folder) with the README's
    pre-commit configuration."""
    path.mkdir()
    _git(path, "init", "-q", env=env)
    hooks = "".join(f"      - id: {h}\n" for h in readme_hooks())
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n{hooks}", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=path, env=env,
                   check=True, capture_output=True)
    return path


def _commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A", env=env)
    return _git(repo, "commit", "-m", message, env=env, check=False)


def test_precommit_blocks_untagged_gpu_instance(hook_env: tuple[dict[str, str], str, str],
                                                tmp_path: Path) -> None:
    env, hook_repo, rev = hook_env
    repo = _user_repo(tmp_path / "infra-repo", env, hook_repo, rev)
    (repo / "training").mkdir()
    (repo / "training" / "providers.tf").write_text(PROVIDER, encoding="utf-8")
    (repo / "training" / "gpu.tf").write_text(GPU % "", encoding="utf-8")

    blocked = _commit(repo, env, "untagged GPU instance")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert ("training/gpu.tf:1: required-tags aws_instance.train (aws_instance): missing tags "
            "team (soft-mandatory)") in output
    assert _git(repo, "rev-list", "--all", env=env).stdout == ""  # nothing was committed

    (repo / "training" / "gpu.tf").write_text(
        GPU % '\n  tags          = { team = "ml-research" }', encoding="utf-8")
    passed = _commit(repo, env, "tagged GPU instance")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    report = passed.stdout + passed.stderr  # git shows hook output on stderr
    assert any(line.startswith("costwarden tags") and line.endswith("Passed")
               for line in report.splitlines()), report
    # the README's block holds the policy-test hook, and a repository without
    # policies/tests commits (issue 9 item 12)
    assert "costwarden-policy-test" in readme_hooks()
    assert any(line.startswith("costwarden policy test") and line.endswith("Passed")
               for line in report.splitlines()), report

    # an untagged resource elsewhere in the module is not reported when its file
    # is not part of the commit
    (repo / "training" / "old.tf").write_text(GPU.replace('"train"', '"old"') % "",
                                              encoding="utf-8")
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-q", "--no-verify", "-m", "legacy", env=env)
    (repo / "training" / "notes.tf").write_text("# notes\n", encoding="utf-8")
    assert _commit(repo, env, "unrelated file").returncode == 0


def test_precommit_check_hook_on_a_plan(hook_env: tuple[dict[str, str], str, str],
                                        tmp_path: Path) -> None:
    env, hook_repo, rev = hook_env
    repo = _user_repo(tmp_path / "plans-repo", env, hook_repo, rev)
    (repo / "k8s.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n", encoding="utf-8")
    shutil.copy(REPO / "examples" / "inference-service" / "plan.json", repo / "plan.json")
    ok = _commit(repo, env, "tagged inference plan")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    shutil.copy(REPO / "examples" / "training-cluster" / "plan.json", repo / "plan.json")
    blocked = _commit(repo, env, "training plan over quota")
    assert blocked.returncode == 1
    assert "plan.json: gpu-quota team (none) in (none) would run 32 GPUs" in (
        blocked.stdout + blocked.stderr)
