"""Checkov as a separate tool: run it, read its JSON, turn failed checks into Findings.

Never imported: checkov ships its own `hcl2` fork (which clashes with
python-hcl2) and pins old networkx/boto3, so it lives in its own environment
and runs as a subprocess on the same input we read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import CostwardenError, EXIT_BAD_INPUT, InputError
from ..model import Finding, SourceLocation

ENV_BIN = "COSTWARDEN_CHECKOV"
LEVELS = ("advisory", "soft-mandatory", "hard-mandatory")
TIMEOUT = 1800  # seconds: checkov on a 50,000-change plan is slow, never endless


class CheckovError(CostwardenError):
    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True, slots=True)
class CheckovRun:
    findings: tuple[Finding, ...]
    passed: int
    version: str | None


def find_checkov(explicit: str | None = None,
                 environ: Mapping[str, str] | None = None) -> str:
    """The checkov executable: --checkov-bin, then $COSTWARDEN_CHECKOV, then PATH."""
    env = os.environ if environ is None else environ
    candidate = explicit or env.get(ENV_BIN)
    if candidate:
        path = Path(candidate)
        if path.is_dir():
            path = path / "bin" / "checkov"  # a virtual environment
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise CheckovError(f"checkov not found at {candidate} (from "
                           f"{'--checkov-bin' if explicit else ENV_BIN})")
    found = shutil.which("checkov", path=env.get("PATH"))
    if not found:
        raise CheckovError("--checkov: the checkov command is not on PATH; install it in its "
                           "own environment (pipx install checkov) or pass --checkov-bin")
    return found


# input format -> checkov framework: checkov reads Terraform only
FRAMEWORKS = {"terraform-hcl": "terraform", "terraform-plan": "terraform_plan"}


def command(binary: str, path: str | Path, source_format: str) -> list[str]:
    """checkov's command line for the input at `path`, read as `source_format`."""
    framework = FRAMEWORKS.get(source_format)
    if framework is None or not isinstance(path, (str, Path)):
        what = source_format if framework is None else "a parsed document, not a file"
        raise InputError(str(path) if isinstance(path, (str, Path)) else None,
                         f"--checkov reads Terraform input only "
                         f"({', '.join(FRAMEWORKS)}); this input is {what}")
    p = Path(path)
    target = ["-d" if p.is_dir() else "-f", str(p), "--framework", framework]
    # --soft-fail: exit 0 with failed checks, so a non-zero exit means checkov broke;
    # --skip-download: no network (guidelines come from checkov's own metadata).
    return [binary, *target, "-o", "json", "--soft-fail", "--quiet", "--skip-download",
            "--compact"]


def run_checkov(path: str | Path, *, binary: str, source_format: str, level: str = "advisory",
                timeout: int = TIMEOUT) -> CheckovRun:
    cmd = command(binary, path, source_format)  # a non-Terraform input: exit 2, nothing run
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise CheckovError(f"checkov could not be started: {binary}") from None
    except subprocess.TimeoutExpired:
        raise CheckovError(f"checkov did not finish within {timeout} s on {path}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise CheckovError(f"checkov failed on {path} (exit {proc.returncode}): {last[:300]}")
    try:
        doc = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise CheckovError(f"checkov printed no JSON for {path}: {exc.msg} "
                           f"at line {exc.lineno}") from None
    return parse_output(doc, path, level)


def parse_output(doc: Any, path: str | Path, level: str = "advisory") -> CheckovRun:
    """Findings from checkov's `-o json` document (one report or a list of them)."""
    if level not in LEVELS:
        raise CheckovError(f"--checkov-level {level!r}: expected one of {', '.join(LEVELS)}")
    reports = doc if isinstance(doc, list) else [doc]
    findings: list[Finding] = []
    passed = 0
    version = None
    for report in reports:
        if not isinstance(report, Mapping):
            continue
        summary = report.get("summary") or report  # an empty scan prints the summary alone
        passed += int(summary.get("passed") or 0)
        version = version or summary.get("checkov_version")
        results = report.get("results") or {}
        findings.extend(_finding(c, path, level) for c in results.get("failed_checks") or ())
    findings.sort(key=lambda f: (f.policy_id, f.address or "",
                                 f.location.line if f.location and f.location.line else 0))
    return CheckovRun(tuple(findings), passed, version)


def _finding(check: Mapping[str, Any], path: str | Path, level: str) -> Finding:
    check_id = str(check.get("check_id") or "CKV_UNKNOWN")
    name = str(check.get("check_name") or check_id)
    resource = check.get("resource_address") or check.get("resource")
    lines = check.get("file_line_range") or []
    line = int(lines[0]) if lines and int(lines[0]) > 0 else None
    root = Path(path)
    rel = str(check.get("file_path") or "").lstrip("/")
    file = str(root / rel) if root.is_dir() and rel else str(path)
    evidence = {"check_name": name, "tool": "checkov"}
    if check.get("guideline"):
        evidence["guideline"] = str(check["guideline"])
    if check.get("severity"):
        evidence["severity"] = str(check["severity"])
    return Finding(policy_id=check_id, level=level, outcome="fail",  # type: ignore[arg-type]
                   address=str(resource) if resource else None,
                   message=f"{name} ({check_id})", blocking=level != "advisory",
                   evidence=evidence, location=SourceLocation(file, line),
                   policy_file="checkov")


def merge(result: Any, findings: Iterable[Finding]) -> Any:
    """A new Evaluation with the external findings added (counted as failures)."""
    from ..policy import Evaluation

    extra = tuple(findings)
    counts: dict[str, dict[str, int]] = {k: dict(v) for k, v in result.counts.items()}
    for f in extra:
        per = counts.setdefault(f.policy_id, {})
        per[f.outcome] = per.get(f.outcome, 0) + 1
    return Evaluation(tuple(result.findings) + extra, counts, tuple(result.policies),
                      tuple(result.warnings))


def describe(cmd: Sequence[str]) -> str:
    return " ".join(cmd)
