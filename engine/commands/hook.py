"""`costwarden hook ...`: the entry points of the pre-commit hooks (.pre-commit-hooks.yaml).

- `hook tags FILE...`  changed .tf files: each directory holding one is read as a root
  module (its other .tf files, tfvars, locals and provider default tags count), every
  policy the source alone decides (tags, instance types and families, GPU class,
  purchase option, attributes) is evaluated, and only findings located in the changed
  files are reported, one line each: `path/main.tf:12: required-tags <message>
  (soft-mandatory)`; the selected policies that need a plan are named as not run.
- `hook check FILE...` plan JSON files: the whole policy pack, one line per finding.
- `hook policy-validate FILE...` changed policy and waiver files (others are skipped).
- `hook policy-test [DIR...]` the policy test cases of a policy repository.

Exit codes as everywhere: 0 nothing blocks, 1 a blocking finding, 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..redact import safe
from .options import add_evaluation_options, add_input_options, add_policy_options


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    p = sub.add_parser("hook", help="pre-commit hook entry points (tags, check, policy-*)")
    inner = p.add_subparsers(dest="hook_command", metavar="HOOK", parser_class=type(p))

    t = inner.add_parser("tags", help="policies source alone decides (tags, instance family, "
                                      "GPU class, purchase option) on changed .tf files")
    t.add_argument("files", nargs="*", metavar="FILE")
    _evaluation_options(t)
    t.add_argument("--policy", metavar="ID", action="append", default=[],
                   help="policy id or glob to evaluate (repeatable; default: every policy "
                        "Terraform source alone decides; the others are named as not run)")
    add_input_options(t, path=False, pricing=False, readers=False)
    t.set_defaults(run=run_tags)

    c = inner.add_parser("check", help="the policy pack on changed plan JSON files")
    c.add_argument("files", nargs="*", metavar="FILE")
    _evaluation_options(c)
    add_input_options(c, path=False, readers=False)
    c.set_defaults(run=run_check)

    v = inner.add_parser("policy-validate", help="validate changed policy and waiver files")
    v.add_argument("files", nargs="*", metavar="FILE")
    add_policy_options(v)
    v.set_defaults(run=run_policy_validate)

    pt = inner.add_parser("policy-test", help="run policy test cases (default: policies/tests)")
    pt.add_argument("dirs", nargs="*", metavar="DIR")
    add_policy_options(pt)
    pt.set_defaults(run=run_policy_test)
    p.set_defaults(run=lambda args: _usage(p))


def _evaluation_options(p: argparse.ArgumentParser) -> None:
    add_evaluation_options(p, unknown=False)


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


# --- tags ------------------------------------------------------------------------


def tag_policies(policies: Any, patterns: Sequence[str]) -> Any:
    """The per-resource policies decided by tags alone, as a PolicySet (the hook's
    fast path: nothing priced, only tag attributes of the changed files read)."""
    import dataclasses

    from ..errors import InputError

    chosen, _ = hook_policies(policies, patterns)
    tags = tuple(p for p in chosen.policies if p.tags_only)
    if not tags:
        raise InputError(None, "no selected policy is decided by tags alone")
    return dataclasses.replace(policies, policies=tags)


def hook_policies(policies: Any, patterns: Sequence[str]) -> tuple[Any, list[str]]:
    """(the selected policies Terraform source alone decides, as a PolicySet; the ids
    of selected policies that need a plan). Default selection: every policy."""
    import dataclasses
    from fnmatch import fnmatchcase

    from ..errors import InputError

    selected = [p for p in policies.policies
                if not patterns or any(fnmatchcase(p.id, pat) for pat in patterns)]
    if not selected:
        raise InputError(None, f"no policy matches {', '.join(patterns)}")
    runnable = tuple(p for p in selected if p.source_only and p.aggregate is None)
    not_run = sorted(p.id for p in selected if p not in runnable)
    if not runnable:
        verb = "needs" if len(not_run) == 1 else "need"
        raise InputError(None, f"no selected policy can be decided from source alone "
                         f"({', '.join(not_run)} {verb} a plan: use costwarden check)")
    return dataclasses.replace(policies, policies=runnable), not_run


# Types whose own block names the instance type (no launch template, no endpoint
# configuration, no overrides): source-decided policies need no other resource.
_SELF_DESCRIBED = frozenset({"aws_instance", "aws_spot_instance_request",
                             "aws_sagemaker_notebook_instance", "google_compute_instance"})


def _self_described(change: Any) -> bool:
    after = change.after or {}
    return change.type in _SELF_DESCRIBED and not after.get("launch_template") \
        and any(isinstance(after.get(k), str) and after[k]
                for k in ("instance_type", "machine_type"))


def _counts(policy: Any) -> bool:
    """Whether a policy reads GPU counts (which need the priced instance count)."""
    return "gpu_count" in policy.uses or "{gpu_count}" in policy.message


def changed_tf_dirs(files: Iterable[str]) -> dict[str, set[str]]:
    """Directory (as given) -> normalised paths of the changed .tf files in it."""
    out: dict[str, set[str]] = {}
    for f in files:
        if not f.endswith(".tf"):
            continue  # other types: nothing to read
        if not os.path.isfile(f):
            # pre-commit passes only files that exist: a missing one is a wrong argument.
            from ..errors import InputError

            raise InputError(f, "file not found" if not os.path.exists(f)
                             else "is not a regular file")
        out.setdefault(os.path.dirname(f) or ".", set()).add(os.path.normpath(f))
    return out


def _in_changed_files(f: Any, changed: set[str]) -> bool:
    """A finding located in a changed file, or on a resource a changed override file changes."""
    loc = f.location
    return loc is not None and (os.path.normpath(loc.file) in changed
                                or any(os.path.normpath(o) in changed for o in loc.overridden_in))


def _options(args: argparse.Namespace) -> Any:
    """How the hook evaluates: the environment options, waivers of other files kept quiet."""
    from ..policy import EvaluationOptions
    from ..policy.taggable import load_taggable

    return EvaluationOptions(env=args.env, env_tag=args.env_tag, waiver_targets=False,
                             taggable=load_taggable(settings=args.settings))


def run_tags(args: argparse.Namespace) -> int:
    dirs = changed_tf_dirs(args.files)
    if not dirs:
        return 0
    import dataclasses

    from ..pipeline import EstimateOptions, estimate_changeset, load_prices, read_input
    from ..policy import evaluate, load_policies, load_waivers
    from ..sources.terraform_readers import HclOptions
    from ..usage import Usage

    policies, not_run = hook_policies(load_policies(args.policies, args.data,
                                                    settings=args.settings), args.policy)
    waivers = load_waivers(args.waivers, policies, settings=args.settings) \
        if args.waivers else None
    options = _options(args)
    catalog = load_prices()
    # Policies decided by tags alone judge each resource on its own, with neither
    # prices nor other attribute values: only the resources of the changed files are
    # read (the HCL reader's tags-only read), only their tag and region attributes are
    # evaluated, and nothing is priced. The other policies source decides (instance
    # family, GPU class, purchase option, attributes) may look through launch
    # templates and endpoint configurations: when a changed file holds a resource
    # one of them selects, the whole directory is read and priced, as `check` does.
    tag_set = dataclasses.replace(policies, policies=tuple(
        p for p in policies.policies if p.tags_only))
    others = [p for p in policies.policies if not p.tags_only]
    needs_counts = any(_counts(p) for p in others)
    kept: list[Any] = []
    warnings: list[str] = []

    def read(directory: str, hcl: HclOptions) -> Any:
        # read_input registers sensitive values, so that `safe()` scrubs them from the lines
        return read_input(directory, EstimateOptions(
            default_region=args.region, settings=args.settings,
            reader_options={"terraform-hcl": hcl}))

    for directory in sorted(dirs):
        changed = tuple(sorted(dirs[directory]))
        changeset = read(directory, HclOptions(tags_only=True, files=changed))
        selected = [c for c in changeset.changes
                    if any(p.selector.type_matches(c.type) for p in others)]
        chosen, price = tag_set, False
        if selected and not needs_counts and all(c.type in _SELF_DESCRIBED for c in selected):
            # resources that may name their own instance type: when they do, their
            # own attributes decide those policies and nothing is priced
            own = read(directory, HclOptions(files=changed))
            if all(_self_described(c) for c in own.changes
                   if any(p.selector.type_matches(c.type) for p in others)):
                changeset, chosen, selected = own, policies, []
        if selected:
            changeset, chosen, price = read(directory, HclOptions()), policies, True
        if not chosen.policies:
            continue
        est = estimate_changeset(changeset, catalog=catalog, usage=Usage(), price=price)
        result = evaluate(est, chosen, waivers, options)
        warnings += result.warnings
        kept += [f for f in result.findings if _in_changed_files(f, dirs[directory])]
    for note in dict.fromkeys(warnings):
        print(f"costwarden: warning: {note}", file=sys.stderr)
    if not_run:
        print(f"costwarden: not run, they need a plan (the costwarden-check hook or "
              f"costwarden check): {', '.join(not_run)}", file=sys.stderr)
    return _report(kept)


# --- check -----------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    files = [f for f in args.files if os.path.isfile(f)]
    if not files:
        return 0
    from ..pipeline import estimate_path
    from ..policy import evaluate, load_policies, load_waivers
    from .options import estimate_options

    policies = load_policies(args.policies, args.data, settings=args.settings)
    waivers = load_waivers(args.waivers, policies, settings=args.settings) \
        if args.waivers else None
    options = _options(args)
    est_options = estimate_options(args)
    found: list[Any] = []
    warnings: list[str] = []
    for file in files:
        result = evaluate(estimate_path(file, est_options), policies, waivers, options)
        found += [(file, f) for f in result.findings]
        warnings += result.warnings
    for note in dict.fromkeys(warnings):
        print(f"costwarden: warning: {note}", file=sys.stderr)
    return _report([f for _, f in found], {id(f): file for file, f in found})


# --- output ----------------------------------------------------------------------


def finding_line(f: Any, fallback_file: str | None = None) -> str:
    """`file:line: policy-id message (level[, note])` — the form linters print."""
    loc = f.location
    if loc is not None:
        where = f"{loc.file}:{loc.line}" if loc.line else str(loc)
    else:
        where = fallback_file or "(change)"
    notes = [f.level]
    if f.outcome == "unknown":
        notes.append("unknown before apply")
    elif f.outcome == "waived" and f.waiver:
        notes.append(f"waived by {f.waiver.get('id')}")
    elif f.outcome == "fail" and not f.blocking and f.level != "advisory":
        notes.append("not blocking")
    return f"{where}: {f.policy_id} {f.message} ({', '.join(notes)})"


def _report(findings: list[Any], files: dict[int, str] | None = None) -> int:
    files = files or {}

    def key(f: Any) -> tuple[Any, ...]:
        loc = f.location
        return (loc.file if loc else files.get(id(f), ""), (loc.line or 0) if loc else 0,
                f.policy_id, f.address or "", f.group or "")

    shown = sorted((f for f in findings if f.outcome != "pass"), key=key)
    for f in shown:
        print(safe(finding_line(f, files.get(id(f)))))
    blocking = sum(1 for f in shown if f.blocking)
    if blocking:
        print(f"costwarden: {blocking} blocking finding(s)", file=sys.stderr)
    return 1 if blocking else 0


# --- policy repositories ---------------------------------------------------------


def run_policy_validate(args: argparse.Namespace) -> int:
    from .policy import file_kind, run_validate

    # data files, test expectations and other YAML are checked through the policies
    # that use them, not on their own; policy and waiver files are told apart as
    # `policy validate` tells them (file_kind), and validated by it
    paths = [f for f in args.files if f.endswith((".yaml", ".yml")) and os.path.isfile(f)
             and file_kind(Path(f)) is not None]
    if not paths:
        return 0
    return run_validate(argparse.Namespace(paths=paths, data=args.data,
                                           policies=args.policies, settings=args.settings))


def run_policy_test(args: argparse.Namespace) -> int:
    """The policy tests of a policy repository: DIRs given in the hook's args, else
    `policies/tests`. A repository without that folder (an infrastructure repository
    using the bundled or a remote pack) has nothing to test: a pass, not an error."""
    from .policy import run_test

    dirs = args.dirs
    if not dirs:
        if not Path("policies", "tests").is_dir():
            return 0
        dirs = ["policies/tests"]
    return run_test(argparse.Namespace(paths=dirs, policies=args.policies, data=args.data,
                                       settings=args.settings))
