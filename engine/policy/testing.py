"""Policy tests as data: a folder per case with an input and the expected findings.

```
<case>/plan.json        the input (`input:` in expected.yaml names another file)
<case>/usage.yml        optional usage file
<case>/waivers.yaml     optional waivers
<case>/expected.yaml    env, unknown, today, policies (ids compared), findings, passes
```

A case fails on a missing expected finding and on an unexpected one: every
non-pass finding of the compared policies must be listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InputError
from .evaluate import EvaluationOptions, evaluate
from .spec import PolicyErrors, PolicySet
from .taggable import load_taggable
from .waivers import load_waivers
from ..settings import DEFAULT_SETTINGS, Settings
from ..yamlload import load_config

_TEXT = {"type": "string", "minLength": 1}
_FINDING = {"type": "object", "additionalProperties": False, "required": ["policy"],
            "properties": {"policy": _TEXT, "address": _TEXT, "group": _TEXT,
                           "outcome": {"enum": ["fail", "waived", "unknown", "pass"]}}}
EXPECTED_SCHEMA = {
    "type": "object", "title": "expected.yaml", "additionalProperties": False,
    "properties": {
        "description": {"type": "string"}, "input": _TEXT, "usage": _TEXT, "waivers": _TEXT,
        "env": _TEXT, "unknown": {"enum": ["unknown", "fail", "pass"]},
        "today": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "policies": {"type": "array", "items": _TEXT},
        "findings": {"type": "array", "items": _FINDING},
        "passes": {"type": "array", "items": _FINDING},
    },
}
Key = tuple[str, str | None, str | None, str]


@dataclass(frozen=True)
class CaseResult:
    name: str
    missing: tuple[Key, ...] = ()
    unexpected: tuple[Key, ...] = ()
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected and self.error is None


@dataclass(frozen=True)
class TestRun:
    cases: tuple[CaseResult, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if not c.passed)

    def summary(self) -> str:
        return self.summary_of(len(self.cases), self.failed)

    @staticmethod
    def summary_of(cases: int, failed: int) -> str:
        return f"policy tests: {cases - failed} passed, {failed} failed, {cases} cases"


def find_cases(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if (path / "expected.yaml").is_file():
            out.append(path)
        elif path.is_dir():
            out += sorted(p for p in path.iterdir() if (p / "expected.yaml").is_file())
        else:
            raise InputError(str(path), "policy test folder not found")
    if not out:
        raise InputError(", ".join(map(str, paths)), "no policy test cases (folders with "
                         "expected.yaml) found")
    return out


def run_case(case: Path, policies: PolicySet, pack: str | None = None,
             settings: Settings = DEFAULT_SETTINGS) -> CaseResult:
    from ..pipeline import EstimateOptions, estimate_path
    from ..yamlschema import schema_errors

    doc = load_config(case / "expected.yaml", None, settings)
    errors = schema_errors(doc, EXPECTED_SCHEMA)
    if errors:
        raise PolicyErrors(errors)
    spec: Mapping[str, Any] = doc.data or {}
    for i, item in enumerate(list(spec.get("findings", [])) + list(spec.get("passes", []))):
        if policies.get(item["policy"]) is None:
            where = f" in {pack}" if pack else ""
            raise InputError(doc.file, f"unknown policy id {item['policy']!r}{where} (a test "
                             "is run against the pack above its tests folder; pass "
                             "--policies DIR to name the pack it belongs to)",
                             line=doc.line(("findings", i, "policy")))
    for i, pid in enumerate(spec.get("policies") or []):
        if policies.get(pid) is None:
            where = f" in {pack}" if pack else ""
            raise InputError(doc.file, f"unknown policy id {pid!r}{where} (a test is run "
                             "against the pack above its tests folder; pass --policies DIR "
                             "to name the pack it belongs to)", line=doc.line(("policies", i)))
    usage = spec.get("usage") or next((n for n in ("usage.yml", "usage.yaml")
                                       if (case / n).is_file()), None)
    estimate = estimate_path(case / spec.get("input", "plan.json"),
                             EstimateOptions(usage_file=str(case / usage) if usage else None,
                                             settings=settings))
    today = dt.date.fromisoformat(spec["today"]) if "today" in spec else None
    waiver_file = case / spec.get("waivers", "waivers.yaml")
    waivers = load_waivers(waiver_file, policies, today, settings=settings) \
        if waiver_file.is_file() else None
    options = EvaluationOptions(env=spec.get("env"), unknown=spec.get("unknown", "unknown"),
                                include_passes=bool(spec.get("passes")), today=today,
                                taggable=load_taggable(settings=settings))
    result = evaluate(estimate, policies, waivers, options)
    compared = set(spec.get("policies") or [p.id for p in policies.policies])
    actual = {(f.policy_id, f.address, f.group, f.outcome) for f in result.findings
              if f.policy_id in compared and f.outcome != "pass"}
    passes = {(f.policy_id, f.address, f.group, f.outcome) for f in result.findings
              if f.outcome == "pass"}
    expected = {_key(item, "fail") for item in spec.get("findings", [])}
    want_passes = {_key(item, "pass") for item in spec.get("passes", [])}
    missing = sorted((expected - actual) | (want_passes - passes), key=str)
    unexpected = sorted(actual - expected, key=str)
    return CaseResult(case.name, tuple(missing), tuple(unexpected))


def _key(item: Mapping[str, Any], default: str) -> Key:
    return (item["policy"], item.get("address"), item.get("group"), item.get("outcome", default))


def run_tests(paths: Iterable[str | Path], policies: PolicySet,
              pack: str | None = None, settings: Settings = DEFAULT_SETTINGS) -> TestRun:
    results = []
    for case in find_cases(paths):
        try:
            results.append(run_case(case, policies, pack, settings))
        except InputError as exc:
            results.append(CaseResult(case.name, error=str(exc)))
    return TestRun(tuple(results))


def describe(key: Key) -> str:
    policy, address, group, outcome = key
    where = address or (f"group {group}" if group else "whole change")
    return f"{policy} {outcome} on {where}"


__all__ = ["CaseResult", "TestRun", "find_cases", "run_case", "run_tests"]
