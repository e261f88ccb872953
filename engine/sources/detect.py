"""Detect an input's format from its content and read it into a ChangeSet.

Formats (by content, never by file name):
- "terraform-plan":  `terraform show -json` output (resource_changes / format_version)
- "terraform-hcl":   a directory of *.tf files            (engine.sources.terraform_hcl)
- "pulumi-preview":  `pulumi preview --json` (steps)      (reader added separately)
- "pulumi-events":   engine event stream, JSON lines      (reader added separately)
- "pulumi-export":   `pulumi stack export` (deployment)   (reader added separately)
To add a reader, give its format a branch in `_read_document` / `_read_directory`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.model import ChangeSet
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.documents import _StrictJsonError, decode_text, loads_strict, parse_json, \
    read_bytes
from engine.sources.terraform_plan import read_plan

_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class HclOptions:
    """What only the HCL reader uses: variable values and a base tree to compare with."""

    var_files: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()
    base: str | None = None
_MAX_DIR_CANDIDATES = 50


def read_changeset(path: str | Path, *, default_region: str | None = None,
                   hcl: HclOptions | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> ChangeSet:
    """Read a plan file, or a directory of .tf files (or holding one plan), into a ChangeSet."""
    file = str(path)
    p = Path(path)
    hcl = hcl or HclOptions()
    if p.is_dir():
        return _read_directory(p, file, default_region, hcl, limits)
    if not p.exists():
        raise InputError(file, "file not found")
    if hcl.base is not None:
        raise InputError(file, "--base compares two directories of .tf files; this is a file "
                               "(to compare two plans, price each and compare the JSON)")
    data = read_bytes(p, limits)
    if data.startswith(_ZIP_MAGIC):
        raise InputError(file, "is a binary Terraform plan file; convert it with "
                               "`terraform show -json PLANFILE > plan.json` and pass that")
    text = decode_text(data, file)
    try:
        document = loads_strict(text)
    except _StrictJsonError:
        parse_json(text, file)  # raises the one-line InputError
        raise  # pragma: no cover - parse_json always raises here
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _looks_like_json_lines(text):
            return _read_document("pulumi-events", text, file, default_region, limits)
        parse_json(text, file)  # raises the one-line InputError
        raise  # pragma: no cover - parse_json always raises here
    except RecursionError:
        raise InputError(file, "JSON nesting is too deep") from None
    return _read_document(sniff_format(document, file), document, file, default_region, limits)


def sniff_format(document: Any, file: str) -> str:
    """The format name of a parsed JSON document, or an InputError saying what it is."""
    if not isinstance(document, dict):
        kind = "an array" if isinstance(document, list) else f"a JSON {type(document).__name__}"
        raise InputError(file, f"not a Terraform plan: the document is {kind}, expected an "
                               "object from `terraform show -json`")
    keys = set(document)
    if "resource_changes" in keys or ("format_version" in keys and keys & {
            "planned_values", "terraform_version", "configuration", "prior_state",
            "output_changes"}):
        if "values" in keys and "planned_values" not in keys and "resource_changes" not in keys:
            raise InputError(file, "is a Terraform state (`terraform show -json` without a "
                                   "plan file), not a plan; pass the JSON of a saved plan")
        return "terraform-plan"
    if "planned_values" in keys:
        raise InputError(file, "is a planned_values fragment, not a plan from `terraform show "
                               "-json` (no resource_changes/format_version): it has no actions "
                               "to price")
    if "steps" in keys and isinstance(document.get("steps"), list):
        return "pulumi-preview"
    if "deployment" in keys or "checkpoint" in keys:
        return "pulumi-export"
    if "format_version" in keys and "values" in keys:
        raise InputError(file, "is a Terraform state (`terraform show -json` without a plan "
                               "file), not a plan; pass the JSON of a saved plan")
    shown = ", ".join(sorted(map(str, keys))[:8]) + (", ..." if len(keys) > 8 else "")
    raise InputError(file, "not a Terraform plan (expected resource_changes/format_version; "
                           f"found keys: {shown or 'none'})")


def _looks_like_json_lines(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _read_document(fmt: str, document: Any, file: str, default_region: str | None,
                   limits: Limits = DEFAULT_LIMITS) -> ChangeSet:
    if fmt == "terraform-plan":
        return read_plan(document, file, default_region=default_region, limits=limits)
    # Pulumi readers plug in here (pulumi-preview, pulumi-events, pulumi-export).
    raise InputError(file, f"{fmt} input is recognised but not supported yet")


def _read_directory(directory: Path, file: str, default_region: str | None,
                    hcl: HclOptions, limits: Limits = DEFAULT_LIMITS) -> ChangeSet:
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise InputError(file, f"cannot list directory: {exc.strerror or exc}") from None
    if any(e.suffix == ".tf" and e.is_file() for e in entries):
        from engine.sources.terraform_hcl import read_hcl

        return read_hcl(file, var_files=hcl.var_files, variables=dict(hcl.variables),
                        default_region=default_region, base=hcl.base, limits=limits)
    if hcl.base is not None:
        raise InputError(file, "--base compares two directories of .tf files; this directory "
                               "has none")
    plans: list[Path] = []
    for candidate in [e for e in entries if e.suffix == ".json" and e.is_file()][
            :_MAX_DIR_CANDIDATES]:
        try:
            data = read_bytes(candidate, limits)
            document = loads_strict(decode_text(data, str(candidate)))
        except (InputError, json.JSONDecodeError, _StrictJsonError, RecursionError):
            continue
        if isinstance(document, dict) and "resource_changes" in document:
            plans.append(candidate)
    if not plans:
        raise InputError(file, "directory holds no Terraform plan JSON (a *.json file from "
                               "`terraform show -json`) and no *.tf files")
    if len(plans) > 1:
        names = ", ".join(p.name for p in plans[:5])
        raise InputError(file, f"directory holds several plan files ({names}); pass one")
    return read_changeset(plans[0], default_region=default_region, limits=limits)
