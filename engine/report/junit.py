"""JUnit XML (`--format junit`): one testsuite per policy, one testcase per finding.

A blocking failure is a <failure>; a waived finding is <skipped> with the
waiver's reason; advisory failures and unknown results pass as test cases but
carry their message in <system-out>, so CI dashboards show them without
failing the build. Passing resources are counted in `tests` only when the
evaluation listed them (`--show-passes`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..model import Estimate, Finding
from .sarif import ordered, rules_of, target


def junit_tree(estimate: Estimate, result: Any) -> ET.Element:
    rules = rules_of(result)
    by_policy: dict[str, list[Finding]] = {r.id: [] for r in rules}
    for f in ordered(result.findings):
        by_policy.setdefault(f.policy_id, []).append(f)
    root = ET.Element("testsuites", name="costwarden")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for rule in rules:
        found = by_policy[rule.id]
        suite = ET.SubElement(root, "testsuite", name=rule.id)
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="level", value=rule.level)
        ET.SubElement(props, "property", name="description", value=rule.description)
        if rule.source:
            ET.SubElement(props, "property", name="source", value=rule.source)
        n = {"tests": 0, "failures": 0, "skipped": 0}
        for f in found:
            n["tests"] += 1
            case = ET.SubElement(suite, "testcase", name=target(f), classname=rule.id)
            if f.location is not None:
                case.set("file", f.location.file)
                if f.location.line is not None:
                    case.set("line", str(f.location.line))
            detail = f"{f.level} {f.outcome}: {f.message}"
            if f.blocking:
                n["failures"] += 1
                el = ET.SubElement(case, "failure", message=f.message, type=f.level)
                el.text = detail
            elif f.outcome == "waived":
                n["skipped"] += 1
                w = f.waiver or {}
                ET.SubElement(case, "skipped", message=(
                    f"waived by {w.get('id', '?')} ({w.get('approver') or w.get('owner') or '?'}"
                    f", expires {w.get('expires', '?')}): {w.get('reason', '')}"))
            elif f.outcome != "pass":
                ET.SubElement(case, "system-out").text = detail
        passes = result.counts.get(rule.id, {}).get("pass", 0)
        listed = sum(1 for f in found if f.outcome == "pass")
        if passes > listed:  # counted but not listed: one summary case keeps the count honest
            case = ET.SubElement(suite, "testcase", name=f"{passes - listed} passing",
                                 classname=rule.id)
            n["tests"] += 1
        for k, v in n.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("errors", "0")
    warnings = tuple(estimate.changeset.warnings)
    if warnings:  # input warnings (plan, usage file) as notes: a suite with no test cases
        suite = ET.SubElement(root, "testsuite", name="costwarden input warnings", tests="0",
                              failures="0", skipped="0", errors="0")
        props = ET.SubElement(suite, "properties")
        for w in warnings:
            ET.SubElement(props, "property", name="warning", value=w)
        ET.SubElement(suite, "system-out").text = "\n".join(f"warning: {w}" for w in warnings)
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("errors", "0")
    return root


def render(estimate: Estimate, result: Any) -> str:
    root = junit_tree(estimate, result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
