"""`costwarden policy validate|test|schema`: author, check and unit-test policies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policy", help="validate, test and describe policy files")
    inner = p.add_subparsers(dest="policy_command", metavar="ACTION", parser_class=type(p))
    v = inner.add_parser("validate", help="check policy, data and waiver files (exit 2 on any "
                                          "mistake)")
    v.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    v.add_argument("--data", metavar="FILE", action="append", default=[])
    v.add_argument("--policies", metavar="DIR_OR_FILE", action="append", default=[],
                   help="policies that waiver files refer to (default: the files given, "
                        "else the bundled pack)")
    v.set_defaults(run=run_validate)
    t = inner.add_parser("test", help="run policy test cases (folders with expected.yaml)")
    t.add_argument("paths", nargs="+", metavar="DIR")
    t.add_argument("--policies", metavar="DIR_OR_FILE", action="append", default=[])
    t.add_argument("--data", metavar="FILE", action="append", default=[])
    t.set_defaults(run=run_test)
    s = inner.add_parser("schema", help="print the policy-file JSON Schema")
    s.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    s.set_defaults(run=run_schema)
    p.set_defaults(run=lambda args: _usage(p))


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def _classify(paths: list[str]) -> tuple[list[Path], list[Path]]:
    """Split into policy files and waiver files (top-level `waivers:` key)."""
    from ..policy.loader import policy_files

    policy, waiver = [], []
    for file in policy_files(paths):
        head = file.read_text(encoding="utf-8", errors="replace")
        (waiver if any(line.startswith("waivers:") for line in head.splitlines())
         else policy).append(file)
    return policy, waiver


def run_validate(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..policy import load_policies, load_waivers
    from ..policy.spec import PolicyErrors

    errors: list[InputError] = []
    policy_paths, waiver_paths = _classify(args.paths)
    policies = None
    try:
        if policy_paths or not waiver_paths:
            policies = load_policies(policy_paths or args.paths, args.data)
        else:
            policies = load_policies(args.policies, args.data)
    except PolicyErrors as exc:
        errors += exc.errors
    except InputError as exc:
        errors.append(exc)
    for path in waiver_paths:
        try:
            load_waivers(path, policies, expired_is_error=True)
        except PolicyErrors as exc:
            errors += exc.errors
        except InputError as exc:
            errors.append(exc)
    for error in errors:
        print(error.render(), file=sys.stderr)
    if errors:
        print(f"costwarden: {len(errors)} problem(s) found", file=sys.stderr)
        return 2
    count = len(policies.policies) if policies else 0
    print(f"ok: {count} policies in {len(policy_paths)} file(s), "
          f"{len(waiver_paths)} waiver file(s)")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from ..policy import load_policies
    from ..policy.testing import describe, run_tests

    policies = load_policies(args.policies, args.data)
    result = run_tests(args.paths, policies)
    for case in result.cases:
        print(f"{'PASS' if case.passed else 'FAIL'} {case.name}")
        if case.error:
            print(f"     error: {case.error}")
        for key in case.missing:
            print(f"     missing:    {describe(key)}")
        for key in case.unexpected:
            print(f"     unexpected: {describe(key)}")
    print(result.summary())
    if any(c.error for c in result.cases):
        return 2
    return 1 if result.failed else 0


def run_schema(args: Any) -> int:
    from ..policy import build_registry, schema_text

    text = schema_text(build_registry())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
