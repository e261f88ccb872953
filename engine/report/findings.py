"""The policy findings of `check`: the JSON document and the terminal text below the table."""

from __future__ import annotations

from typing import Any

_ORDER = {"fail": 0, "unknown": 1, "waived": 2, "pass": 3}


def check_document(estimate: Any, result: Any) -> dict[str, Any]:
    from .json_report import estimate_document, finding_document

    doc = estimate_document(estimate)
    doc["findings"] = [finding_document(f) for f in _ordered(result.findings)]
    doc["policy_summary"] = {
        "totals": result.totals(),
        "policies": {p.id: {"level": p.level, **{o: result.counts.get(p.id, {}).get(o, 0)
                                                  for o in ("pass", "fail", "waived", "unknown")}}
                     for p in result.policies},
        "blocking": result.blocking,
        "warnings": list(result.warnings),
    }
    return doc


def _ordered(findings: Any) -> list[Any]:
    return sorted(findings, key=lambda f: (not f.blocking, _ORDER[f.outcome], f.policy_id,
                                           f.address or "", f.group or ""))


def render_findings(result: Any) -> str:
    t = result.totals()
    lines = ["", f"Policies: {len(result.policies)} evaluated: {t['fail']} fail "
                 f"({t['blocking']} blocking), {t['waived']} waived, {t['unknown']} unknown, "
                 f"{t['pass']} pass"]
    for f in _ordered(result.findings):
        target = f.address or (f"group {f.group}" if f.group else "whole change")
        tag = "BLOCK" if f.blocking else f.outcome.upper()
        lines.append(f"  {tag:<7} {f.level:<14} {f.policy_id}  {target}")
        lines.append(f"          {f.message}")
        if f.waiver:
            w = f.waiver
            who = w.get("approver") or w.get("owner")
            lines.append(f"          waived by {w['id']} ({who}, expires {w['expires']}): "
                         f"{w['reason']}")
    for note in result.warnings:
        lines.append(f"  warning: {note}")
    verdict = "FAILED: blocking policies failed" if result.blocking else "passed"
    lines.append(f"Result: {verdict}")
    return "\n".join(lines) + "\n"
