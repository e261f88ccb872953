"""The Terraform readers: plan JSON ("terraform-plan") and a directory of .tf files
("terraform-hcl"), with the HCL reader's own options and how they are declared.

Only the registry entries live here: the readers themselves
(`terraform_plan.read_plan`, `terraform_hcl.read_hcl`) are imported on first read,
so declaring the command line stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from engine.errors import InputError
from engine.sources.readers import ReadContext, Reader

_PLAN_KEYS = {"planned_values", "terraform_version", "configuration", "prior_state",
              "output_changes"}
_STATE = ("is a Terraform state (`terraform show -json` without a plan file), not a plan; "
          "pass the JSON of a saved plan")


# --- terraform-plan ----------------------------------------------------------------------


def _is_plan(document: Any) -> bool | str:
    if not isinstance(document, dict):
        return False
    keys = set(document)
    if "resource_changes" in keys or ("format_version" in keys and keys & _PLAN_KEYS):
        if "values" in keys and "planned_values" not in keys and "resource_changes" not in keys:
            return _STATE
        return True
    if "planned_values" in keys:
        return ("is a planned_values fragment, not a plan from `terraform show -json` (no "
                "resource_changes/format_version): it has no actions to price")
    return False


def _near_plan(document: Any) -> str | None:
    if isinstance(document, dict) and "format_version" in document and "values" in document:
        return _STATE
    return None


def _read_plan(document: Any, shown: str, options: Any, context: ReadContext) -> Any:
    from engine.sources.terraform_plan import read_plan

    return read_plan(document, shown, default_region=context.default_region,
                     limits=context.limits, clouds=context.clouds)


PLAN_READER = Reader(
    "terraform-plan", _read_plan, detect_document=_is_plan, explain=_near_plan,
    in_directory=lambda doc: isinstance(doc, dict) and "resource_changes" in doc,
    description="`terraform show -json` output (resource_changes / format_version)")


# --- terraform-state ---------------------------------------------------------------------


def _read_state(document: Any, shown: str, options: Any, context: ReadContext) -> Any:
    from engine.sources.terraform_state import read_state

    return read_state(document, shown, default_region=context.default_region,
                      limits=context.limits, clouds=context.clouds)


def _is_state(document: Any) -> bool | str:
    from engine.sources.terraform_state import detect

    return detect(document)


STATE_READER = Reader(
    "terraform-state", _read_state, detect_document=_is_state,
    description="a Terraform state: `terraform show -json` of a state, or a raw "
                "terraform.tfstate (version 4); every resource as it stands (no-op)")


# --- terraform-hcl -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HclOptions:
    """What only the HCL reader uses.

    `var_files`/`variables`: -var-file and -var NAME=VALUE; `base`: a second tree to
    compare with. `tags_only` reads only the tag and region attributes
    (terraform_hcl.TAG_ATTRIBUTES), nothing else is evaluated; `files` (paths joined to the
    directory as given) limits the ChangeSet to resources declared in those files
    or changed by those override files (the tag hook's fast path).
    """

    var_files: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()
    base: str | None = None
    tags_only: bool = False
    files: tuple[str, ...] | None = None


def _has_tf(entries: Sequence[Path]) -> bool:
    return any(e.suffix == ".tf" and e.is_file() for e in entries)


def _read_hcl(directory: Any, shown: str, options: HclOptions, context: ReadContext) -> Any:
    from engine.sources.terraform_hcl import TAG_ATTRIBUTES, read_hcl

    return read_hcl(shown, var_files=options.var_files, variables=dict(options.variables),
                    default_region=context.default_region, base=options.base,
                    attributes=TAG_ATTRIBUTES if options.tags_only else None,
                    files=options.files, limits=context.limits,
                    workers=context.settings.parallel, cache_dir=context.settings.cache_dir,
                    clouds=context.clouds)


def _refuse_hcl(options: HclOptions, shown: str, kind: str) -> None:
    if options.base is None:
        return
    if kind == "directory":
        raise InputError(shown, "--base compares two directories of .tf files; this directory "
                                "has none")
    what = "a file" if kind == "file" else "a document"
    raise InputError(shown, f"--base compares two directories of .tf files; this is {what} "
                            "(to compare two plans, price each and compare the JSON)")


def _hcl_arguments(group: Any) -> None:
    group.add_argument("--base", metavar="DIR",
                       help="directory of .tf files to compare with (e.g. the target branch)")
    group.add_argument("--var", metavar="NAME=VALUE", action="append", default=[],
                       help="Terraform variable for a .tf directory (repeatable)")
    group.add_argument("--var-file", metavar="FILE", action="append", default=[],
                       help="Terraform .tfvars file for a .tf directory (repeatable)")


def _hcl_options(args: Any) -> HclOptions | None:
    if not hasattr(args, "var_file"):
        return None  # the command does not offer the HCL options
    variables = []
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(None, f"--var {item!r}: expected NAME=VALUE")
        variables.append((name, value))
    return HclOptions(var_files=tuple(args.var_file), variables=tuple(variables),
                      base=args.base)


HCL_READER = Reader(
    "terraform-hcl", _read_hcl, detect_directory=_has_tf, options=HclOptions,
    add_arguments=_hcl_arguments, options_from_args=_hcl_options, refuse=_refuse_hcl,
    description="a directory of Terraform .tf files")
