"""`check --pulumi-stack`: the preview run through the Automation API's PulumiCommand.

No Pulumi CLI is installed on the test machines, so each test puts a stand-in
`pulumi` executable on PATH: it answers `pulumi version` like the real CLI and
`pulumi --non-interactive preview --json --stack NAME` by printing the
hand-written preview of examples/training-cluster (examples/PULUMI-PREVIEWS.md says
how it was made: not recorded),
or fails the way the CLI does for a stack that does not exist. The real
`pulumi.automation` code (version check, arguments, environment, errors) runs.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from tests.support import run_cli

pytest.importorskip("pulumi.automation", reason="the pulumi SDK is a test dependency")

FIXTURE = Path(__file__).resolve().parents[2] / "examples" / "training-cluster" / \
    "pulumi-preview.json"

STAND_IN = f"""#!{sys.executable}
import json, os, sys
args = sys.argv[1:]
log = os.environ["STAND_IN_LOG"]
with open(log, "a") as fh:
    fh.write(json.dumps({{"args": args, "cwd": os.getcwd(),
                         "automation": os.environ.get("PULUMI_AUTOMATION_API")}}) + "\\n")
if args == ["version"]:
    print("v3.200.0")
    sys.exit(0)
stack = args[args.index("--stack") + 1]
if stack == "missing":
    sys.stderr.write("error: no stack named 'missing' found\\n")
    sys.exit(255)
sys.stdout.write(open({str(FIXTURE)!r}).read())
"""


@pytest.fixture()
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "pulumi"
    exe.write_text(STAND_IN)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_LOG", str(log))
    return log


def _figures(text: str) -> tuple:
    doc = json.loads(text)
    findings = sorted((f["policy_id"], f["address"] or "", f["outcome"])
                      for f in doc["findings"])
    return doc["summary"], findings


def test_the_stack_preview_is_judged_like_the_same_file(stand_in: Path, tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    ran = run_cli("check", "--pulumi-stack", "staging", "--pulumi-dir", project,
                  "--format", "json")
    from_file = run_cli("check", FIXTURE, "--format", "json")
    assert ran.code == from_file.code == 1, ran.err
    assert _figures(ran.out) == _figures(from_file.out)
    calls = [json.loads(line) for line in stand_in.read_text().splitlines()]
    assert calls[0]["args"] == ["version"]
    preview = calls[-1]
    assert preview["args"] == ["--non-interactive", "preview", "--json", "--stack", "staging"]
    assert Path(preview["cwd"]).resolve() == project.resolve()
    assert preview["automation"] == "true"


def test_a_failed_preview_is_one_line(stand_in: Path):
    result = run_cli("check", "--pulumi-stack", "missing")
    assert result.code == 2 and result.out == ""
    assert result.err.strip().splitlines() == [
        "costwarden: pulumi preview --stack missing: the preview failed: "
        "error: no stack named 'missing' found"], result.err


def test_without_the_cli_one_line_says_how_to_install_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pulumi here
    result = run_cli("check", "--pulumi-stack", "staging")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "the Pulumi CLI is not installed" in result.err
    assert "curl -fsSL https://get.pulumi.com | sh" in result.err


@pytest.mark.parametrize("argv, message", [
    (["check"], "give a PATH (plan JSON, .tf directory, Pulumi preview) or --pulumi-stack"),
    (["check", str(FIXTURE), "--pulumi-stack", "staging"],
     "give either a PATH or --pulumi-stack, not both"),
    (["check", "--pulumi-stack", "staging", "--pulumi-dir", "/nonexistent/dir"],
     "--pulumi-dir is not a directory"),
])
def test_the_input_is_a_path_or_a_stack(argv: list[str], message: str):
    result = run_cli(*argv)
    assert result.code == 2 and message in result.err
    assert len(result.err.strip().splitlines()) == 1
