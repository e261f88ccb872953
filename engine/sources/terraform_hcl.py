"""Terraform HCL source: a directory of `.tf` files -> ChangeSet ("terraform-hcl").

What can be known without providers is evaluated (variables, tfvars, locals,
functions, count/for_each, local modules, provider regions and default tags);
everything else is UNKNOWN and its attribute paths go to `unknown_paths`, never a
guess. Remote modules are not read: they are listed in the warnings and their
resources are absent (the ChangeSet is then marked incomplete).

Every resource is a "create" unless `base` names a second tree: both are read
and diffed by address (only in base: delete, only in head: create, known
attributes differ: update, else no-op). Replacement (attributes that force a new
resource) needs provider schemas and is out of scope: such changes show as updates.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Collection, Iterable, Mapping, Sequence

from engine.errors import InputError
from engine.model import ChangeSet, ResourceChange
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.hcl.cache import parse_files, read_text
from engine.sources.hcl.config import Variable
from engine.sources.hcl.evaluate import Evaluator
from engine.sources.hcl.modules import ModuleInstance
from engine.clouds import reader_attributes
from engine.sources.hcl.typeconv import refuse_non_finite
from engine.sources.hcl.reader import Context, resource_changes
from engine.sources.hcl.values import Budget, EvalError, HclSyntaxError, Refused, equal

FORMAT = "terraform-hcl"
__all__ = ["read_hcl", "FORMAT", "TAG_ATTRIBUTES"]

# The attributes tags and region are read from (the cloud bundles' tag and region
# conventions): a read limited to them serves policies decided by tags alone (the tag hook).
TAG_ATTRIBUTES = reader_attributes()


def read_hcl(directory: str | Path, *, var_files: Sequence[Path] = (),
             variables: Mapping[str, str] | None = None, default_region: str | None = None,
             base: str | Path | None = None, attributes: frozenset[str] | None = None,
             files: Collection[str] | None = None, limits: Limits = DEFAULT_LIMITS,
             workers: int = 0, cache_dir: Path | None = None,
             clouds: Iterable[Any] | None = None) -> ChangeSet:
    """Read the root module in `directory` (and its local modules) into a ChangeSet.

    Variable precedence, lowest first: defaults, terraform.tfvars(.json),
    *.auto.tfvars(.json) in lexical order, `var_files` in order, `variables` (-var).
    `attributes` limits each resource's `after` to those top-level attributes and
    blocks (e.g. TAG_ATTRIBUTES); the others are not evaluated at all. `files`
    (paths as shown, i.e. joined to `directory` as given) limits the ChangeSet to
    the resources declared in those files or changed by those override files;
    what they refer to is still evaluated. `limits` bounds what hostile input may
    cost (count/for_each instances, string and collection sizes, file reads,
    module depth): past one, or on a file function reaching outside the module
    tree, the read stops with an InputError naming the file and line. `workers` and
    `cache_dir` are Settings.parallel and Settings.cache_dir (see parse_files); `clouds`
    the cloud bundles whose conventions apply (None: the built-in ones).
    """
    if files is not None and base is not None:
        raise ValueError("a ChangeSet limited to some files cannot be diffed against a base")
    only = None if files is None else frozenset(os.path.normpath(f) for f in files)
    parse = (workers, cache_dir, None if clouds is None else tuple(clouds))
    changes, warnings, complete = _read_tree(directory, var_files, variables or {},
                                             default_region, attributes, only, limits, parse)
    if base is not None:
        base_changes, base_warnings, base_complete = _read_tree(
            base, var_files, variables or {}, default_region, attributes, only, limits, parse)
        changes = diff(base_changes, changes)
        warnings += [f"base: {w}" for w in base_warnings]
        complete = complete and base_complete
    return ChangeSet(source_format=FORMAT, source_path=str(directory), changes=tuple(changes),
                     complete=complete, warnings=tuple(warnings))


def _read_tree(directory: str | Path, var_files: Sequence[Path], cli_vars: Mapping[str, str],
               default_region: str | None, attributes: frozenset[str] | None,
               files: frozenset[str] | None, limits: Limits = DEFAULT_LIMITS,
               parse: tuple[int, Path | None, Any] = (0, None, None)
               ) -> tuple[list[ResourceChange], list[str], bool]:
    shown = str(directory)
    root = Path(directory).resolve()
    if not root.is_dir():
        raise InputError(shown, "not a directory")
    if not any(p.is_file() for p in root.glob("*.tf")):
        raise InputError(shown, "no .tf files in this directory")
    ctx = Context(root, shown, default_region, attributes, files, limits, *parse)
    ctx.preload(root)
    cfg = ctx.configs[root]
    values = root_variable_values(ctx, cfg.variables, var_files, cli_vars)
    inputs = {name: (lambda v=v: v) for name, v in values.items()}
    inst = ModuleInstance(ctx, cfg, (), inputs, {})
    try:
        changes = list(resource_changes(inst))
    finally:
        inst.close()
    incomplete = any(" not read: " in w for w in ctx.warnings)
    return changes, ctx.warnings, not incomplete


class _ConstScope:
    """tfvars and -var values: literals and functions, no references."""

    def ref(self, root: str, attr: str) -> Any:
        raise EvalError(f"variables may not refer to {root}.{attr}")

    def root(self, name: str) -> Any:
        raise EvalError(f"variables may not refer to {name!r}")

    def call(self, name: str, args: list[Any]) -> Any:
        raise EvalError(f"function {name}() is not available here")


def root_variable_values(ctx: Context, declared: Mapping[str, Variable],
                         var_files: Sequence[Path], cli_vars: Mapping[str, str]
                         ) -> dict[str, Any]:
    root = ctx.root_dir
    files: list[Path] = []
    for name in ("terraform.tfvars", "terraform.tfvars.json"):
        if (root / name).is_file():
            files.append(root / name)
    files += sorted((p for p in root.iterdir() if p.is_file() and
                     (p.name.endswith(".auto.tfvars") or p.name.endswith(".auto.tfvars.json"))),
                    key=lambda p: p.name)
    values: dict[str, Any] = {}
    for f in files:
        values.update(_finite_numbers(_tfvars(f, ctx.shown(f), ctx), declared, ctx.shown(f)))
    for f in var_files:
        path = Path(f)
        if not path.is_file():
            raise InputError(str(f), "variable file not found")
        values.update(_finite_numbers(_tfvars(path, str(f), ctx), declared, str(f)))
    ev = Evaluator(_ConstScope(), ctx.budget)
    for name, text in cli_vars.items():
        decl = declared.get(name)
        if decl is not None and _is_complex(decl):
            try:
                from engine.sources.hcl.parse import parse_expression

                values[name] = ev.eval(parse_expression(text))
            except (EvalError, HclSyntaxError, Refused) as exc:
                raise InputError(None, f"-var {name}: {exc}") from None
        else:
            _finite_numbers({name: text}, declared, "-var")
            values[name] = text  # primitive: converted by the declared type later
    for name in values:
        if name not in declared:
            ctx.warn_once(f"a value is set for undeclared variable {name!r}")
    return values


def _finite_numbers(values: dict[str, Any], declared: Mapping[str, Variable],
                    shown: str) -> dict[str, Any]:
    """Refuse a number variable set to a non-finite number ("1e999", "NaN", "inf"),
    naming where it was set; returns `values`."""
    for name, value in values.items():
        decl = declared.get(name)
        if decl is None or not isinstance(value, str) or not _is_number(decl):
            continue
        try:
            refuse_non_finite(value)
        except Refused as exc:
            raise InputError(shown, f"variable {name}: {exc.message}") from None
    return values


def _finite(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _is_number(decl: Variable) -> bool:
    t = decl.type
    return t is not None and t[0] == "V" and t[1] == "number"


def _is_complex(decl: Variable) -> bool:
    t = decl.type
    return t is not None and not (t[0] == "V" and t[1] in ("string", "number", "bool"))


def _tfvars(path: Path, shown: str, ctx: Context) -> dict[str, Any]:
    if path.name.endswith(".json"):
        _, text = read_text(path, shown, ctx.budget.limits.config_bytes)
        try:
            data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except json.JSONDecodeError as exc:
            raise InputError(shown, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
        except (ValueError, RecursionError) as exc:
            raise InputError(shown, f"invalid JSON: {str(exc)[:200]}") from None
        if not isinstance(data, dict):
            raise InputError(shown, "a variables file must hold a JSON object")
        return data
    body = parse_files([(path, shown)], cache_dir=ctx.cache_dir,
                       max_bytes=ctx.budget.limits.config_bytes)[0]
    ev = Evaluator(_ConstScope(), ctx.budget)
    out: dict[str, Any] = {}
    for name, (expr, line) in body["attrs"].items():
        try:
            out[name] = ev.eval(expr)
        except EvalError as exc:
            raise InputError(shown, f"{name}: {exc}", line=line) from None
        except Refused as exc:
            raise InputError(shown, f"{name}: {exc.message}", line=exc.line or line) from None
    if body["blocks"]:
        raise InputError(shown, "blocks are not allowed in a variables file",
                         line=body["blocks"][0][3])
    return out


def diff(base: Sequence[ResourceChange], head: Sequence[ResourceChange]) -> list[ResourceChange]:
    """Pair two readings of a configuration by address."""
    before = {c.address: c for c in base}
    out: list[ResourceChange] = []
    for c in head:
        old = before.get(c.address)
        if old is None:
            out.append(c)
            continue
        same = (equal(old.after, c.after) and old.unknown_paths == c.unknown_paths
                and old.tags_after == c.tags_after and old.region == c.region)
        action = "no-op" if same else "update"
        out.append(dataclasses.replace(c, action=action, actions=(action,), before=old.after,
                                       tags_before=old.tags_after))
    head_addresses = {c.address for c in head}
    for c in base:
        if c.address not in head_addresses:
            out.append(dataclasses.replace(
                c, action="delete", actions=("delete",), before=c.after, after=None,
                tags_before=c.tags_after, tags_after=None, unknown_paths=frozenset(),
                unknown_tag_keys=frozenset()))
    return out
