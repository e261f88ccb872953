"""Module instances: the evaluation scope (var, local, module, path...) of one
instance of a module, its providers, and the expansion of its module calls."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from engine.errors import InputError
from engine.sources.address import format_key
from engine.sources.hcl.blocks import eval_body
from engine.sources.hcl.config import ModuleConfig, ResourceDecl
from engine.sources.hcl.providers import ProviderConfig, provider_ref
from engine.sources.hcl.evaluate import Evaluator
from engine.sources.hcl.syntax import Expr
from engine.sources.hcl.repetition import instance_keys
from engine.sources.hcl.templates import TemplateScope, template_from_text
from engine.sources.hcl.typeconv import convert
from engine.sources.hcl.files import FILE_FUNCTIONS, file_function
from engine.sources.hcl.values import (
    UNKNOWN, EvalError, Refused, has_unknown,
)

if TYPE_CHECKING:
    from engine.sources.hcl.reader import Context

Thunk = Callable[[], Any]
_MISSING = object()
# Functions whose result is not known at plan time (or not reproducible): UNKNOWN, silently.
_QUIET_UNKNOWN = frozenset({"timestamp", "plantimestamp", "uuid", "uuidv5", "bcrypt",
                            "timeadd", "formatdate", "timecmp", "rsadecrypt"})


def refused(file: str, what: str, exc: Refused, line: int | None) -> InputError:
    """The InputError (exit 2) for a Refused met while evaluating `what`."""
    return InputError(file, f"{what}: {exc.message}", line=exc.line or line)


@dataclass
class ResourceInstances:
    items: list[tuple[Any, str, dict[str, Any]]]  # (instance key, address, attributes)
    repetition: str | None  # None | "count" | "for_each"
    known: bool  # False: count/for_each unknown, one item stands for all


@dataclass
class ChildCall:
    """A module call expanded: instances by key (None: no count/for_each)."""

    kind: str  # "local" | "remote" | "missing" | "unknown"
    instances: dict[Any, "ModuleInstance"]
    repetition: str | None  # None | "count" | "for_each"


class ModuleInstance:
    def __init__(self, ctx: "Context", cfg: ModuleConfig, path: tuple[str, ...],
                 inputs: dict[str, Thunk], providers: dict[str, ProviderConfig],
                 calls: tuple[tuple[Path, str], ...] = ()) -> None:
        self.ctx, self.cfg, self.path = ctx, cfg, path
        self.inputs = inputs
        # (directory, address) of this module and every module that called it
        self.calls = calls + ((cfg.directory, self.module_address or "root module"),)
        self.ev = Evaluator(self, ctx.budget)
        self._values: dict[str, Any] = {}
        self._busy: list[str] = []
        self._children: dict[str, ChildCall] | None = None
        self.providers = dict(providers)
        prefix = self.module_address
        for decl in cfg.providers:
            key = decl.key if not path else f"{prefix}:{decl.key}"
            self.providers[decl.key] = ProviderConfig(decl.name, key, decl, self)

    @property
    def module_address(self) -> str:
        return ".".join(self.path)

    def address(self, key: str) -> str:
        return f"{self.module_address}.{key}" if self.path else key

    def warn(self, message: str) -> None:
        self.ctx.warn(message)

    # --- values -------------------------------------------------------------
    def _memo(self, key: str, file: str, line: int | None, compute: Thunk) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._busy:
            chain = " -> ".join(self._busy[self._busy.index(key):] + [key])
            raise InputError(file, f"{self.address(key)}: cycle: {chain}", line=line)
        self._busy.append(key)
        try:
            value = compute()
        except EvalError as exc:
            where = f"{file}:{line}" if line else file
            self.warn(f"{where}: {self.address(key)}: {exc}; value unknown")
            value = UNKNOWN
        except Refused as exc:
            raise refused(file, self.address(key), exc, line) from None
        except RecursionError:
            raise InputError(file, f"{self.address(key)}: expressions nested too deeply",
                             line=line) from None
        finally:
            self._busy.pop()
        self._values[key] = value
        return value

    def safe_eval(self, attr: list[Any] | None, file: str, bound: dict[str, Any] | None = None
                  ) -> Any:
        if attr is None:
            return None
        try:
            return self.ev.eval(attr[0], bound)
        except EvalError as exc:
            self.warn(f"{file}:{attr[1]}: {exc}; value unknown")
            return UNKNOWN
        except Refused as exc:
            raise refused(file, self.module_address or "root module", exc, attr[1]) from None

    def var(self, name: str) -> Any:
        decl = self.cfg.variables.get(name)
        if decl is None:
            raise EvalError(f"reference to undeclared input variable {name!r}")

        def compute() -> Any:
            if name in self.inputs:
                value = self.inputs[name]()
            elif decl.has_default:
                value = self.ev.eval(decl.default)
            else:
                self.warn(f"{decl.file}:{decl.line}: {self.address('var.' + name)} has no "
                          "value (no default, not set): unknown")
                return UNKNOWN
            value = convert(value, decl.type, self.ev.eval)
            if decl.sensitive:
                self.taint(value)
            return value
        return self._memo(f"var.{name}", decl.file, decl.line, compute)

    def taint(self, value: Any) -> None:
        """`value` is sensitive: resources holding it get sensitive paths."""
        self.ctx.taint(value)

    def local(self, name: str) -> Any:
        decl = self.cfg.locals.get(name)
        if decl is None:
            raise EvalError(f"reference to undeclared local value {name!r}")
        return self._memo(f"local.{name}", decl.file, decl.line,
                          lambda: self.ev.eval(decl.expr))

    def output(self, name: str) -> Any:
        decl = self.cfg.outputs[name]

        def compute() -> Any:
            value = self.ev.eval(decl.expr) if decl.expr else None
            if decl.sensitive:
                self.taint(value)
            return value
        return self._memo(f"output.{name}", decl.file, decl.line, compute)

    def outputs(self) -> dict[str, Any]:
        return {name: self.output(name) for name in self.cfg.outputs}

    def module_value(self, name: str) -> Any:
        if name not in self.cfg.modules:
            raise EvalError(f"reference to undeclared module {name!r}")
        call = self.children()[name]
        if call.kind != "local":
            return UNKNOWN
        if call.repetition is None:
            inst = call.instances.get(None)
            return inst.outputs() if inst else UNKNOWN
        if call.repetition == "count":
            return [call.instances[k].outputs() for k in sorted(call.instances)]
        return {k: call.instances[k].outputs() for k in sorted(call.instances)}

    # --- resources ----------------------------------------------------------------
    def resource_instances(self, decl: ResourceDecl, only: frozenset[str] | None = None
                           ) -> ResourceInstances:
        """Each instance's evaluated body (UNKNOWN where not known), computed once.

        `only` evaluates just those top-level attributes and blocks, not kept: a
        reference from another resource always sees the whole body.
        """
        key = f"resource.{decl.key}"
        if key not in self._values:
            self._busy.append(key)
            try:
                if only is not None:
                    return self._evaluate_resource(decl, only)
                self._values[key] = self._evaluate_resource(decl)
            finally:
                self._busy.pop()
        return self._values[key]

    def _evaluate_resource(self, decl: ResourceDecl, only: frozenset[str] | None = None
                           ) -> ResourceInstances:
        attrs = decl.body["attrs"]
        config_addr = self.address(decl.key)
        keyed, repetition = self.repetition(attrs, decl.file, config_addr)
        try:
            self.ctx.budget.spend(len(keyed or ()), config_addr)
            return self._instances(decl, keyed, repetition, only)
        except Refused as exc:
            raise refused(decl.file, config_addr, exc, decl.line) from None

    def _instances(self, decl: ResourceDecl, keyed: Any, repetition: str | None,
                   only: frozenset[str] | None) -> ResourceInstances:
        config_addr = self.address(decl.key)
        known = keyed is not None
        if keyed is None:
            self.warn(f"{decl.file}:{decl.line}: {config_addr}: {repetition} is not known "
                      "before apply: reported once, attributes that depend on it unknown")
            keyed = [(None, {"count": {"index": UNKNOWN}} if repetition == "count" else
                      {"each": {"key": UNKNOWN, "value": UNKNOWN}})]
        out = []
        shared: dict[int, list[Any]] | None = {} if len(keyed) > 1 else None
        for ikey, bound in keyed:
            address = config_addr + (format_key(ikey) if ikey is not None else "")

            def on_error(where: str, line: int | None, message: str, address: str = address
                         ) -> None:
                self.warn(f"{decl.file}:{line}: {address}.{where}: {message}; value unknown")

            out.append((ikey, address, eval_body(self.ev, decl.body, bound, on_error,
                                                 shared=shared, only=only)))
        return ResourceInstances(out, repetition, known)

    def resource_value(self, decl: ResourceDecl) -> Any:
        """What `type.name` evaluates to: configured attributes known, computed unknown."""
        if f"resource.{decl.key}" in self._busy:
            return UNKNOWN  # a reference cycle (Terraform rejects it): do not recurse
        res = self.resource_instances(decl)
        if not res.known:
            return UNKNOWN
        if res.repetition is None:
            return res.items[0][2]
        if res.repetition == "count":
            return [raw for _, _, raw in res.items]
        return {k: raw for k, _, raw in res.items}

    # --- Scope protocol -------------------------------------------------------
    def ref(self, root: str, attr: str) -> Any:
        if root == "var" or root == "local":
            value = self._values.get(f"{root}.{attr}", _MISSING)  # computed already
            if value is not _MISSING:
                return value
            return self.var(attr) if root == "var" else self.local(attr)
        if root == "module":
            return self.module_value(attr)
        if root == "data":
            return UNKNOWN
        if root in ("path", "terraform"):
            obj = self.root(root)
            if attr not in obj:
                raise EvalError(f"unsupported attribute {root}.{attr}")
            return obj[attr]
        if root in ("count", "each", "self"):
            raise EvalError(f"{root}.{attr} used outside of a resource that sets it")
        decl = self.cfg.resource_by_key.get(f"{root}.{attr}")
        if decl is not None:
            return self.resource_value(decl)
        raise EvalError(f"reference to undeclared resource {root}.{attr}")

    def root(self, name: str) -> Any:
        if name == "path":
            rel = os.path.relpath(self.cfg.directory, self.ctx.root_dir)
            return {"module": Path(rel).as_posix(), "root": ".", "cwd": "."}
        if name == "terraform":
            return {"workspace": "default"}
        if name == "var":
            return {n: self.var(n) for n in self.cfg.variables}
        raise EvalError(f"unknown name {name!r}")

    def call(self, name: str, args: list[Any]) -> Any:
        if name in FILE_FUNCTIONS:
            return self._file_function(name, args)
        if name in ("basename", "dirname", "abspath", "pathexpand") and args:
            if has_unknown(args[0]):
                return UNKNOWN
            return {"basename": os.path.basename, "dirname": os.path.dirname,
                    "abspath": lambda p: p, "pathexpand": lambda p: p}[name](args[0])
        if name not in _QUIET_UNKNOWN:
            self.ctx.warn_once(f"function {name}() is not supported: its result is unknown")
        return UNKNOWN

    def _file_function(self, name: str, args: list[Any]) -> Any:
        """File functions read inside the root module's tree, or inside the tree of
        the module that calls them (a module sourced from outside the root reads
        its own files), after resolving symlinks: see files.py."""
        if not args or has_unknown(args[0]):
            return UNKNOWN
        allowed = (self.ctx.root_dir, self.cfg.directory)
        result = file_function(name, args, self.ctx.root_dir, allowed,
                               self.ctx.budget.limits.file_read_bytes)
        if name != "templatefile" or result is UNKNOWN:
            if name == "fileset":
                self.ctx.warn_once("function fileset() is not supported: its result is unknown")
            return result
        if len(args) < 2 or has_unknown(args[1]) or not isinstance(args[1], dict):
            return UNKNOWN
        template = template_from_text(result, None)
        return Evaluator(TemplateScope(self), self.ctx.budget).eval(template, args[1])

    # --- module calls -----------------------------------------------------------
    def close(self) -> None:
        """Drop what refers back to this instance once the read is done (its evaluator,
        provider configs, memoised values and the thunks of its children's inputs):
        cycles that would hold the whole syntax tree for the cyclic collector."""
        for call in (self._children or {}).values():
            for child in call.instances.values():
                child.close()
        self._children = None
        self._values.clear()
        self.inputs = {}
        self.providers = {}
        self.ev = None  # type: ignore[assignment]

    def children(self) -> dict[str, ChildCall]:
        if self._children is None:
            self._children = {}
            for name, decl in self.cfg.modules.items():
                self._children[name] = self._expand_call(name, decl)
        return self._children

    def _expand_call(self, name: str, decl: Any) -> ChildCall:
        body = decl.body
        attrs = body["attrs"]
        where = self.address(f"module.{name}")
        source_expr = attrs.get("source", [["L", None]])[0]
        source = source_expr[1] if source_expr[0] == "L" else None
        if not isinstance(source, str):
            self.warn(f"{decl.file}:{decl.line}: {where}: source is not a literal string")
            return ChildCall("missing", {}, None)
        if not is_local_source(source):
            version = attrs.get("version", [["L", None]])[0]
            shown = f"source {source}" + (f", version {version[1]}" if version[0] == "L" and
                                           version[1] else "")
            self.ctx.warn_once(f"{where} ({shown}) not read: remote module")
            return ChildCall("remote", {}, None)
        cfg = self.ctx.module_config(self.cfg, source, where)
        if cfg is None:
            return ChildCall("missing", {}, None)
        dirs = [d for d, _ in self.calls]
        if cfg.directory in dirs:
            first = dirs.index(cfg.directory)
            chain = " -> ".join(f"{a} ({self.ctx.shown(d)})" for d, a in self.calls[first:])
            raise InputError(decl.file, f"{where}: module cycle: {chain} -> {where} "
                                        f"({self.ctx.shown(cfg.directory)})", line=decl.line)
        depth = self.ctx.budget.limits.module_depth
        if len(self.path) >= depth:
            raise InputError(decl.file, f"{where}: modules nested deeper than {depth} "
                                        "(limit module_depth)", line=decl.line)
        keys, repetition = self.repetition(attrs, decl.file, where)
        if keys is None:
            self.warn(f"{where}: {repetition} is not known before apply: module not expanded")
            return ChildCall("unknown", {}, repetition)
        try:
            self.ctx.budget.spend(len(keys), where)
        except Refused as exc:
            raise refused(decl.file, where, exc, decl.line) from None
        instances = {}
        for key, bound in keys:
            suffix = format_key(key) if key is not None else ""
            inputs = {n: self._input_thunk(expr, dict(bound)) for n, (expr, _) in attrs.items()
                      if n not in ("source", "version", "count", "for_each", "providers",
                                   "depends_on")}
            providers = self._child_providers(attrs.get("providers"), where)
            instances[key] = ModuleInstance(self.ctx, cfg, self.path + (f"module.{name}{suffix}",),
                                            inputs, providers, self.calls)
        return ChildCall("local", instances, repetition)

    def _input_thunk(self, expr: Expr, bound: dict[str, Any]) -> Thunk:
        return lambda: self.ev.eval(expr, bound)

    def _child_providers(self, mapping: list[Any] | None, where: str) -> dict[str, ProviderConfig]:
        # Default (unaliased) configurations are inherited; aliases only through `providers`.
        out = {k: p for k, p in self.providers.items() if "." not in k}
        if mapping is None or mapping[0][0] != "OB":
            return out
        for key_node, value_node in mapping[0][1]:
            child_key = provider_ref(key_node)
            parent_key = provider_ref(value_node)
            if child_key and parent_key:
                parent = self.providers.get(parent_key)
                out[child_key] = parent or ProviderConfig(parent_key.split(".")[0], parent_key,
                                                          None, None)
        return out

    def repetition(self, attrs: dict[str, Any], file: str, where: str
                   ) -> tuple[list[tuple[Any, dict[str, Any]]] | None, str | None]:
        """Instances as (key, bound names); None keys when count/for_each is unknown."""
        return instance_keys(attrs, lambda attr: self.safe_eval(attr, file), self.warn,
                             self.ctx.budget.limits.instances, file, where)


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")
