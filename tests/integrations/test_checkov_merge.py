"""`check --checkov`: checkov runs in its own virtual environment, its findings merge into ours.

The real test creates tests/.checkov-venv once (python -m venv + pip install
'checkov>=3,<4', about two minutes), guarded by a file lock so parallel runs
share it. Under CI it must run; elsewhere it skips when pip cannot install.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import IN_CI

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / "tests" / ".checkov-venv"
PLAN = "examples/training-cluster/plan.json"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="session")
def checkov_bin() -> Path:
    binary = VENV / "bin" / "checkov"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(REPO / "tests" / ".checkov-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second run waits for the first install
        if not (VENV / ".complete").exists():
            try:
                subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)],
                               check=True, capture_output=True, timeout=300)
                subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q",
                                "--disable-pip-version-check", "checkov>=3,<4"],
                               check=True, capture_output=True, text=True, timeout=1500)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                detail = getattr(exc, "stderr", "") or ""
                msg = f"cannot install checkov into {VENV}: {str(detail)[-500:]}"
                if IN_CI:
                    pytest.fail(msg)
                pytest.skip(msg)
            (VENV / ".complete").write_text("checkov>=3,<4\n", encoding="utf-8")
    return binary


def validate_sarif(doc: dict) -> None:
    import jsonschema

    schema = json.loads((REPO / "tests" / "report" / "data" / "sarif-2.1.0-rtm.5.json")
                        .read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_parse_output_maps_failed_checks():
    from engine.integrations.checkov import parse_output

    doc = {"check_type": "terraform_plan", "results": {"failed_checks": [
        {"check_id": "CKV_AWS_8", "check_name": "Ensure EBS is encrypted",
         "resource": "aws_instance.gpu", "file_path": "/plan.json", "file_line_range": [12, 40],
         "guideline": "https://docs.example/ckv-aws-8"}]},
        "summary": {"passed": 3, "failed": 1, "checkov_version": "3.3.30"}}
    run = parse_output([doc], "plans/plan.json", "soft-mandatory")
    (f,) = run.findings
    assert (f.policy_id, f.address, f.outcome, f.level, f.blocking) == \
        ("CKV_AWS_8", "aws_instance.gpu", "fail", "soft-mandatory", True)
    assert f.location.file == "plans/plan.json" and f.location.line == 12
    assert f.evidence["guideline"] == "https://docs.example/ckv-aws-8"
    assert run.passed == 3 and run.version == "3.3.30"
    empty = parse_output({"passed": 0, "failed": 0, "skipped": 0}, "x.json")
    assert empty.findings == ()


def test_missing_checkov_is_one_line_exit_2(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("COSTWARDEN_CHECKOV", raising=False)
    result = cli("check", PLAN, "--checkov")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "checkov command is not on PATH" in result.err
    result = cli("check", PLAN, "--checkov", "--checkov-bin", tmp_path / "nope")
    assert result.code == 2 and "checkov not found at" in result.err


def test_checkov_findings_merge_into_one_report(cli, checkov_bin):
    sarif = cli("check", PLAN, "--checkov", "--checkov-bin", checkov_bin, "--format", "sarif")
    assert sarif.code == 1, sarif  # our blocking policies; checkov ones are advisory
    doc = json.loads(sarif.out)
    validate_sarif(doc)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    ours = [r for r in rules if not r.startswith("CKV")]
    theirs = [r for r in rules if r.startswith("CKV")]
    assert "required-tags" in ours and theirs
    assert all(rules[r]["properties"]["source"] == "checkov" for r in theirs)
    ckv = [r for r in doc["runs"][0]["results"] if r["ruleId"].startswith("CKV")]
    assert ckv and all(r["level"] == "warning" for r in ckv)
    assert any(r["locations"][0]["physicalLocation"].get("region") for r in ckv)

    md = cli("check", PLAN, "--checkov", "--checkov-bin", checkov_bin, "--format", "markdown",
             "--checkov-level", "hard-mandatory")
    assert md.code == 1 and "hard-mandatory" in md.out and "CKV" in md.out


def test_checkov_on_a_directory(cli, checkov_bin, monkeypatch):
    monkeypatch.setenv("COSTWARDEN_CHECKOV", str(VENV))  # a venv folder is accepted too
    result = cli("check", "tests/hcl/fixtures/gpu_stack", "--checkov", "--format", "json")
    assert result.code in (0, 1), result
    doc = json.loads(result.out)
    ckv = [f for f in doc["findings"] if f["policy_file"] == "checkov"]
    assert ckv and all(f["location"].startswith("tests/hcl/fixtures/gpu_stack/") for f in ckv)
    assert os.path.exists(VENV / ".complete")


def test_checkov_refuses_an_input_that_is_not_terraform(tmp_path):
    """checkov is run with a Terraform framework only; another format is one InputError
    (exit 2) and checkov is never started."""
    from engine.checking import CheckOptions, check_source
    from engine.errors import InputError
    from engine.integrations.checkov import command
    from engine.model import ChangeSet
    from engine.sources.readers import Reader, builtin_readers

    ran = tmp_path / "ran"
    fake = tmp_path / "checkov"
    fake.write_text(f"#!/bin/sh\ntouch {ran}\necho '{{}}'\n", encoding="utf-8")
    fake.chmod(0o755)
    toy = Reader("toy", lambda doc, shown, opts, ctx: ChangeSet(source_format="toy",
                                                                source_path=shown, changes=()),
                 detect_document=lambda doc: isinstance(doc, dict) and "toy" in doc)
    source = tmp_path / "toy.json"
    source.write_text('{"toy": 1}', encoding="utf-8")
    with pytest.raises(InputError) as err:
        check_source(source, options=CheckOptions(checkov=True, checkov_bin=str(fake)),
                     readers=builtin_readers().with_readers(toy))
    assert err.value.exit_code == 2
    assert str(err.value) == (f"{source}: --checkov reads Terraform input only (terraform-hcl, "
                              "terraform-plan); this input is toy")
    assert not ran.exists()
    assert command("checkov", PLAN, "terraform-plan")[1:5] == ["-f", PLAN, "--framework",
                                                               "terraform_plan"]
    assert command("checkov", "tests/hcl/fixtures/gpu_stack", "terraform-hcl")[1:5] == [
        "-d", "tests/hcl/fixtures/gpu_stack", "--framework", "terraform"]
    with pytest.raises(InputError, match="this input is pulumi-preview"):
        command("checkov", PLAN, "pulumi-preview")
