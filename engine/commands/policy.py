"""`costwarden policy validate|test|schema`: author, check and unit-test policies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction, formats: object = None) -> None:
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


_POLICY_FILE_KEYS = frozenset({"version", "description", "data", "levels", "policies"})
_WAIVER_FILE_KEYS = frozenset({"version", "waivers"})


def file_kind(path: Path) -> str | None:
    """"policies", "waivers", or None (a data file, a test expectation, other YAML).

    Read as YAML (flow style included), so `policy validate` and the pre-commit hook
    classify a file the same way. A top-level key close to `policies`/`waivers`
    (`polices:`) makes it a policy or waiver file, whose validation then names the
    misspelling; so does a `version` key beside only policy-file keys.
    """
    import difflib

    from ..errors import InputError
    from ..yamlload import load_yaml

    if path.name == "expected.yaml":  # a policy test case (its `policies:` lists ids)
        return None
    try:
        data = load_yaml(path).data
    except InputError:
        keys = _top_level_keys(path)  # unreadable YAML: judge by its top-level lines
    else:
        keys = {str(k) for k in data} if isinstance(data, dict) else set()
    if keys & {"findings", "passes"}:
        return None
    for key in sorted(keys):
        close = difflib.get_close_matches(key, ["policies", "waivers"], n=1, cutoff=0.75)
        if close:
            return close[0]
    if "version" in keys and keys <= _POLICY_FILE_KEYS | _WAIVER_FILE_KEYS:
        return "policies"
    return None


def _top_level_keys(path: Path) -> set[str]:
    keys = set()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return keys
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and ":" in line:
            keys.add(line.split(":", 1)[0].strip().lstrip("{").strip())
    return keys


def _classify(paths: list[str]) -> tuple[list[Path], list[Path]]:
    """Split into policy files and waiver files (every file that is not a waiver
    file is validated as a policy file)."""
    from ..policy.loader import policy_files

    policy, waiver = [], []
    for file in policy_files(paths):
        (waiver if file_kind(file) == "waivers" else policy).append(file)
    return policy, waiver


def run_validate(args: argparse.Namespace) -> int:
    from ..errors import InputError
    import datetime as dt

    from ..policy import load_policies, load_waivers
    from ..policy.spec import PolicyErrors
    from ..policy.waivers import waiver_warnings

    errors: list[InputError] = []
    policy_paths, waiver_paths = _classify(args.paths)
    policies = None
    try:
        if policy_paths or not waiver_paths:
            policies = load_policies(policy_paths or args.paths, args.data,
                                     settings=args.settings)
        else:
            policies = load_policies(args.policies, args.data, settings=args.settings)
    except PolicyErrors as exc:
        errors += exc.errors
    except InputError as exc:
        errors.append(exc)
    warnings: list[str] = []
    for path in waiver_paths:
        try:
            waivers = load_waivers(path, policies, settings=args.settings)
        except PolicyErrors as exc:
            errors += exc.errors
        except InputError as exc:
            errors.append(exc)
        else:
            warnings += waiver_warnings(waivers, policies, dt.date.today())
    for note in warnings:
        print(f"costwarden: warning: {note}", file=sys.stderr)
    for error in errors:
        print(error.render(), file=sys.stderr)
    if errors:
        print(f"costwarden: {len(errors)} problem(s) found", file=sys.stderr)
        return 2
    count = len(policies.policies) if policies else 0
    print(f"ok: {count} policies in {len(policy_paths)} file(s), "
          f"{len(waiver_paths)} waiver file(s)")
    return 0


def pack_of_tests(path: str | Path) -> Path | None:
    """The policy pack a test folder belongs to: the folder above the tests folder
    (`our-policies/` for `our-policies/tests` or one case in it), when it holds
    policy files."""
    path = Path(path)
    tests = path.parent if (path / "expected.yaml").is_file() else path
    import os

    pack = Path(os.path.normpath(os.path.join(tests, "..")))  # as the user named it
    try:
        candidates = sorted(p for p in pack.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return None
    return pack if any(file_kind(p) == "policies" for p in candidates) else None


def run_test(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..policy import load_policies
    from ..policy.loader import BUNDLED, display_name
    from ..policy.testing import TestRun, describe, run_tests

    groups: dict[tuple[str, ...], list[str]] = {}
    for path in args.paths:
        if not Path(path).exists():
            raise InputError(str(path), "policy test folder not found")
        if args.policies:
            packs = tuple(str(p) for p in args.policies)
        else:
            pack = pack_of_tests(path)
            if pack is None:
                raise InputError(str(path), "no policy files in the folder above the tests "
                                 "folder: pass --policies DIR (the pack these tests are for)")
            packs = (str(pack),)
        groups.setdefault(packs, []).append(path)
    cases, failed, errored = 0, 0, False
    for packs, paths in groups.items():
        names = ", ".join("the bundled pack (policies/)" if Path(p).resolve() == BUNDLED
                          else display_name(Path(p)) for p in packs)
        policies = load_policies(packs, args.data, settings=args.settings)
        print(f"pack: {names} ({len(policies.policies)} policies)")
        result: TestRun = run_tests(paths, policies, pack=names, settings=args.settings)
        for case in result.cases:
            print(f"{'PASS' if case.passed else 'FAIL'} {case.name}")
            if case.error:
                print(f"     error: {case.error}")
            for key in case.missing:
                print(f"     missing:    {describe(key)}")
            for key in case.unexpected:
                print(f"     unexpected: {describe(key)}")
        cases += len(result.cases)
        failed += result.failed
        errored = errored or any(c.error for c in result.cases)
    print(TestRun.summary_of(cases, failed))
    if errored:
        return 2
    return 1 if failed else 0


def run_schema(args: Any) -> int:
    from ..policy import build_registry, schema_text

    text = schema_text(build_registry())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
