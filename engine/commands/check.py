"""`costwarden check PATH`: the estimate plus policy findings; exit 1 when blocking."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .estimate import add_common_input_options


def add_policy_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policies", metavar="DIR_OR_FILE", action="append", default=[],
                   help="policy file or folder (repeatable; default: the bundled pack)")
    p.add_argument("--data", metavar="FILE", action="append", default=[],
                   help="data file overriding the one with the same name (repeatable)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="price a change and evaluate cost policies")
    add_common_input_options(p)
    add_policy_options(p)
    p.add_argument("--waivers", metavar="FILE", help="waivers file (YAML)")
    p.add_argument("--env", metavar="NAME",
                   help="environment for level overrides and environment conditions "
                        "(default: each resource's environment tag)")
    p.add_argument("--env-tag", metavar="KEY", default="environment",
                   help="tag that names a resource's environment (default: environment)")
    p.add_argument("--unknown", choices=("unknown", "fail", "pass"), default="unknown",
                   help="how a result known only after apply counts (default: unknown, "
                        "reported but not blocking)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--show-passes", action="store_true",
                   help="list passing findings too (counts are always shown)")
    add_report_options(p)
    p.set_defaults(run=run)


FORMATS = ("table", "json", "markdown", "sarif", "junit")


def add_report_options(p: argparse.ArgumentParser) -> None:
    """Options of the CI outputs (shared with `costwarden comment --from-plan`)."""
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write the report to FILE instead of standard output")
    p.add_argument("--comment-key", metavar="KEY",
                   help="project key in the markdown comment's hidden marker (one comment "
                        "per key on a pull request)")
    p.add_argument("--checkov", action="store_true",
                   help="also run checkov on the same input and merge its failed checks")
    p.add_argument("--checkov-bin", metavar="PATH",
                   help="checkov executable or virtual environment (default: "
                        "$COSTWARDEN_CHECKOV, then PATH)")
    p.add_argument("--checkov-level", choices=("advisory", "soft-mandatory", "hard-mandatory"),
                   default="advisory", help="level of checkov findings (default: advisory)")


def run(args: argparse.Namespace) -> int:
    estimate, result = evaluate_args(args)
    text = render(args.format, estimate, result, comment_key=args.comment_key)
    from ..report import annotations

    notes = annotations.render_result(result, estimate.changeset.source_path) \
        if annotations.enabled() else ""
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        sys.stdout.write(notes)
    else:
        sys.stdout.write(text)
        # workflow commands on stdout would corrupt a machine-readable document there;
        # the runner reads them from stderr too
        (sys.stdout if args.format in ("table", "markdown") else sys.stderr).write(notes)
    return 1 if result.blocking else 0


def evaluate_args(args: argparse.Namespace) -> tuple[Any, Any]:
    """Read, price and evaluate as the options say (checkov merged when asked)."""
    from ..pipeline import estimate_path
    from ..policy import EvaluationOptions, evaluate, load_policies, load_waivers
    from .estimate import options_from

    policies = load_policies(args.policies, args.data)  # bad policies fail before pricing
    waivers = load_waivers(args.waivers, policies) if args.waivers else None
    binary = None
    if getattr(args, "checkov", False):
        from ..integrations.checkov import find_checkov

        binary = find_checkov(args.checkov_bin)  # missing checkov: exit 2 before pricing
    estimate = estimate_path(args.path, options_from(args))
    options = EvaluationOptions(env=args.env, env_tag=args.env_tag, unknown=args.unknown,
                                include_passes=args.show_passes)
    result = evaluate(estimate, policies, waivers, options)
    if binary is not None:
        from ..integrations.checkov import merge, run_checkov

        result = merge(result, run_checkov(args.path, binary=binary,
                                           level=args.checkov_level).findings)
    for note in result.warnings:
        print(f"costwarden: warning: {note}", file=sys.stderr)
    return estimate, result


def render(fmt: str, estimate: Any, result: Any, *, comment_key: str | None = None) -> str:
    if fmt == "json":
        from ..report.json_report import dumps

        return dumps(check_document(estimate, result))
    if fmt == "markdown":
        from ..report.markdown import render as markdown

        return markdown(estimate, result, comment_key=comment_key)
    if fmt == "sarif":
        from ..report.sarif import render as sarif

        return sarif(estimate, result)
    if fmt == "junit":
        from ..report.junit import render as junit

        return junit(estimate, result)
    from ..report.table import render_estimate

    return render_estimate(estimate) + render_findings(result)


def check_document(estimate: Any, result: Any) -> dict[str, Any]:
    from ..report.json_report import estimate_document, finding_document

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


_ORDER = {"fail": 0, "unknown": 1, "waived": 2, "pass": 3}


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
