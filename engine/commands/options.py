"""The options commands share, declared once: the input options every command that reads
a change offers, the policy, evaluation and checkov options, and the one place that
turns them into `EstimateOptions` (and `CheckOptions`).

Each reader of the registry (engine/sources/readers.py) adds its own options
(the HCL reader: --base, --var, --var-file); the rest are the region fallback and
what pricing reads (usage file, price books).
"""

from __future__ import annotations

import argparse
from typing import Any

PATH_HELP = "plan JSON file (terraform show -json), or a directory of Terraform .tf files"


def add_input_options(p: Any, *, path: bool = True, pricing: bool = True,
                      readers: bool = True, pulumi: bool = False) -> None:
    """Declare the input options on a parser or argument group: the input `path`
    (positional), --region, with `pricing` --usage and --price-book, with `readers`
    each reader's own options, with `pulumi` --pulumi-stack/--pulumi-dir (a preview
    run for the user instead of a `path`)."""
    if path and pulumi:
        p.add_argument("path", nargs="?", help=PATH_HELP + " (or --pulumi-stack)")
        p.add_argument("--pulumi-stack", metavar="NAME",
                       help="run `pulumi preview` of this stack (Pulumi CLI and the "
                            "costwarden[pulumi] extra) and judge it instead of a PATH")
        p.add_argument("--pulumi-dir", metavar="DIR",
                       help="the Pulumi project directory for --pulumi-stack (default: .)")
    elif path:
        p.add_argument("path", help=PATH_HELP)
    if pricing:
        p.add_argument("--usage", metavar="FILE",
                       help="usage file (YAML): duty cycle, storage, traffic")
    p.add_argument("--region", metavar="REGION",
                   help="region for resources whose provider region cannot be known")
    if pricing:
        p.add_argument("--price-book", metavar="FILE", action="append", default=[],
                       help="price book overlaying the bundled catalog (repeatable)")
    if readers:
        from ..sources.readers import builtin_readers

        for reader in builtin_readers():
            if reader.add_arguments is not None:
                reader.add_arguments(p)


def estimate_options(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The EstimateOptions the parsed input options say (a bad --var: exit 2)."""
    from ..pipeline import EstimateOptions
    from ..sources.readers import options_from_args

    return EstimateOptions(usage_file=getattr(args, "usage", None),
                           default_region=getattr(args, "region", None),
                           price_books=tuple(getattr(args, "price_book", None) or ()),
                           settings=args.settings,
                           reader_options=options_from_args(args))


def add_policy_options(p: Any) -> None:
    p.add_argument("--policies", metavar="DIR_OR_FILE", action="append", default=[],
                   help="policy file or folder (repeatable; default: the bundled pack)")
    p.add_argument("--data", metavar="FILE", action="append", default=[],
                   help="data file overriding the one with the same name (repeatable)")


def add_evaluation_options(p: Any, *, unknown: bool = True) -> None:
    """Policies, waivers and environment; with `unknown` how an unknown result counts."""
    add_policy_options(p)
    p.add_argument("--waivers", metavar="FILE", help="waivers file (YAML)")
    p.add_argument("--env", metavar="NAME",
                   help="environment for level overrides and environment conditions "
                        "(default: each resource's environment tag)")
    p.add_argument("--env-tag", metavar="KEY", default="environment",
                   help="tag that names a resource's environment (default: environment)")
    if unknown:
        p.add_argument("--unknown", choices=("unknown", "fail", "pass"), default="unknown",
                       help="how a result known only after apply counts (default: unknown, "
                            "reported but not blocking)")


def add_checkov_options(p: Any) -> None:
    p.add_argument("--checkov", action="store_true",
                   help="also run checkov on the same input and merge its failed checks")
    p.add_argument("--checkov-bin", metavar="PATH",
                   help="checkov executable or virtual environment (default: "
                        "$COSTWARDEN_CHECKOV, then PATH)")
    p.add_argument("--checkov-level", choices=("advisory", "soft-mandatory", "hard-mandatory"),
                   default="advisory", help="level of checkov findings (default: advisory)")


def check_options(args: argparse.Namespace, *, include_passes: bool | None = None,
                  waiver_targets: bool = True):  # type: ignore[no-untyped-def]
    """The CheckOptions the parsed policy, evaluation and checkov options say."""
    from ..checking import CheckOptions
    from ..policy import EvaluationOptions

    passes = getattr(args, "show_passes", False) if include_passes is None else include_passes
    evaluation = EvaluationOptions(env=args.env, env_tag=args.env_tag,
                                   unknown=getattr(args, "unknown", "unknown"),
                                   include_passes=passes, waiver_targets=waiver_targets)
    return CheckOptions(policies=tuple(args.policies), data=tuple(args.data),
                        waivers=args.waivers, evaluation=evaluation,
                        checkov=getattr(args, "checkov", False),
                        checkov_bin=getattr(args, "checkov_bin", None),
                        checkov_level=getattr(args, "checkov_level", "advisory"))


def input_source(args: argparse.Namespace) -> Any:
    """(PATH, None), or with --pulumi-stack (the preview document the Pulumi CLI prints,
    the name its errors show)."""
    from ..errors import InputError

    stack = getattr(args, "pulumi_stack", None)
    if stack is None:
        if args.path is None:
            raise InputError(None, "give a PATH (plan JSON, .tf directory, Pulumi preview) "
                                   "or --pulumi-stack NAME")
        return args.path, None
    if args.path is not None:
        raise InputError(args.path, "give either a PATH or --pulumi-stack, not both")
    from ..integrations.pulumi_cli import preview_document

    return preview_document(stack, getattr(args, "pulumi_dir", None), args.settings.limits)


def check_from_args(args: argparse.Namespace, path: str | None = None,
                    include_passes: bool | None = None) -> tuple[Any, Any]:
    """(Estimate, Evaluation) of `path` (default: args.path) as the parsed options say;
    the evaluation's warnings go to stderr."""
    import sys

    from ..checking import check_source

    source, name = input_source(args) if path is None else (path, None)
    estimate, result = check_source(source, estimate_options(args),
                                    check_options(args, include_passes=include_passes),
                                    name=name)
    for note in result.warnings:
        print(f"costwarden: warning: {note}", file=sys.stderr)
    return estimate, result
