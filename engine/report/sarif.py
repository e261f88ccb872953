"""SARIF 2.1.0 (`--format sarif`): one run, one rule per evaluated policy.

Results are the failing, unknown and waived findings; waived ones carry an
external suppression with the waiver's reason, so code scanning shows them as
dismissed rather than hiding them. Findings that no YAML policy backs (Checkov
checks merged into the run) get a rule from their own evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Iterable

from .. import __version__
from ..model import Estimate, Finding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/costwarden/costwarden"
BLOCKING_LEVELS = ("hard-mandatory", "soft-mandatory")
_OUTCOME_ORDER = {"fail": 0, "unknown": 1, "waived": 2, "pass": 3}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What every CI format needs to know about a policy or an external check."""

    id: str
    description: str
    level: str
    help_uri: str | None = None
    source: str | None = None  # policy file, or "checkov"


def rules_of(result: Any) -> tuple[RuleInfo, ...]:
    """Rules of an Evaluation: its policies, then checks only findings name."""
    rules = [RuleInfo(p.id, p.description, p.level, None, p.file) for p in result.policies]
    known = {r.id for r in rules}
    for f in result.findings:
        if f.policy_id in known:
            continue
        known.add(f.policy_id)
        ev = f.evidence or {}
        rules.append(RuleInfo(f.policy_id, str(ev.get("check_name") or f.policy_id), f.level,
                              ev.get("guideline") or None, f.policy_file))
    return tuple(rules)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Blocking first, then fail, unknown, waived, pass; stable by policy and target."""
    return sorted(findings, key=lambda f: (not f.blocking, _OUTCOME_ORDER[f.outcome],
                                           f.policy_id, f.address or "", f.group or ""))


def target(f: Finding) -> str:
    return f.address or (f"group {f.group}" if f.group else "whole change")


def result_level(f: Finding) -> str:
    if f.outcome == "unknown":
        return "note"
    return "error" if f.level in BLOCKING_LEVELS else "warning"


def sarif_document(estimate: Estimate, result: Any) -> dict[str, Any]:
    rules = rules_of(result)
    index = {r.id: i for i, r in enumerate(rules)}
    plan_uri = _uri(estimate.changeset.source_path)
    results = [_result(f, index, plan_uri) for f in ordered(result.findings)
               if f.outcome in ("fail", "unknown", "waived")]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "costwarden", "version": __version__,
                                "informationUri": INFO_URI,
                                "rules": [_rule(r) for r in rules]}},
            "results": results,
            "columnKind": "unicodeCodePoints",
            **_invocations(estimate.changeset.warnings),
        }],
    }


def _invocations(warnings: Iterable[str]) -> dict[str, Any]:
    """Input warnings (plan, usage file) as notes of the run's one invocation."""
    notes = [{"level": "note", "message": {"text": w}} for w in warnings]
    if not notes:
        return {}
    return {"invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notes}]}


def render(estimate: Estimate, result: Any) -> str:
    return json.dumps(sarif_document(estimate, result), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def _rule(r: RuleInfo) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": r.id, "name": r.id,
        "shortDescription": {"text": r.description or r.id},
        "defaultConfiguration": {"level": "error" if r.level in BLOCKING_LEVELS else "warning",
                                 "enabled": r.level != "disabled"},
        "properties": {"level": r.level, **({"source": r.source} if r.source else {})},
    }
    if r.help_uri:
        rule["helpUri"] = r.help_uri
    return rule


def _result(f: Finding, index: dict[str, int], plan_uri: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.policy_id, "ruleIndex": index[f.policy_id], "level": result_level(f),
        "kind": "fail",  # SARIF: any other kind requires level "none"
        "message": {"text": f.message},
        "locations": [_location(f, plan_uri)],
        "properties": {"outcome": f.outcome, "policyLevel": f.level, "blocking": f.blocking,
                       **({"group": f.group} if f.group else {})},
    }
    if f.outcome == "waived":
        w = f.waiver or {}
        out["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": _justification(w)}]
    return out


def _justification(w: Any) -> str:
    text = str(w.get("reason") or "waived")
    who = w.get("approver") or w.get("owner")
    extra = ", ".join(x for x in (f"waiver {w['id']}" if w.get("id") else "",
                                  f"approved by {who}" if who else "",
                                  f"expires {w['expires']}" if w.get("expires") else "") if x)
    return f"{text} ({extra})" if extra else text


def _location(f: Finding, plan_uri: str) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    src = f.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(src.file) if src else plan_uri}}
    if src is not None and src.line is not None:
        physical["region"] = {"startLine": src.line}
    loc["physicalLocation"] = physical
    name = f.address or f.group or "whole change"
    logical = {"fullyQualifiedName": name, "name": name}
    if f.address:
        logical["kind"] = "resource"
    loc["logicalLocations"] = [logical]
    return loc


def _uri(path: str) -> str:
    """A relative URI reference (SARIF wants '/' separators and %-escaping)."""
    from urllib.parse import quote

    return quote(PurePath(path).as_posix(), safe="/:@!$&'()*+,;=-._~")
