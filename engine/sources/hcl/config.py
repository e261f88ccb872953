"""One module directory as declarations: variables, locals, providers, resources,
module calls, outputs, plus static reference analysis (for depends_on)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.sources.hcl.syntax import Body, Expr

# Roots that never name a resource.
NON_RESOURCE_ROOTS = frozenset({"var", "local", "path", "terraform", "count", "each", "self"})


@dataclass(frozen=True)
class Decl:
    """A named expression (local, output) or block with where it was written."""

    name: str
    file: str
    line: int | None
    expr: Expr | None = None
    body: Body | None = None
    sensitive: bool = False  # an output with `sensitive = true`


@dataclass(frozen=True)
class Variable:
    name: str
    file: str
    line: int | None
    default: Expr | None
    type: Expr | None
    has_default: bool
    sensitive: bool = False  # `sensitive = true`: its value is tainted


@dataclass(frozen=True)
class ResourceDecl:
    mode: str  # "managed" | "data"
    type: str
    name: str
    body: Body
    file: str
    line: int | None
    overridden_in: tuple[str, ...] = ()  # override files merged into it

    @property
    def key(self) -> str:
        base = f"{self.type}.{self.name}"
        return base if self.mode == "managed" else f"data.{base}"


@dataclass(frozen=True)
class ProviderDecl:
    name: str
    alias: str | None
    body: Body
    file: str
    line: int | None

    @property
    def key(self) -> str:
        return f"{self.name}.{self.alias}" if self.alias else self.name


@dataclass
class ModuleConfig:
    directory: Path
    shown: str  # the directory as shown in messages
    variables: dict[str, Variable] = field(default_factory=dict)
    locals: dict[str, Decl] = field(default_factory=dict)
    outputs: dict[str, Decl] = field(default_factory=dict)
    providers: list[ProviderDecl] = field(default_factory=list)
    resources: list[ResourceDecl] = field(default_factory=list)
    modules: dict[str, Decl] = field(default_factory=dict)
    _local_refs: dict[str, frozenset[str]] = field(default_factory=dict)

    resource_by_key: dict[str, ResourceDecl] = field(default_factory=dict)

    _declared: frozenset[str] | None = None

    @property
    def resource_keys(self) -> frozenset[str]:
        return frozenset(self.resource_by_key)

    def declared(self) -> frozenset[str]:
        """Keys a reference may point at: resources, data sources, module calls."""
        if self._declared is None:
            self._declared = frozenset(self.resource_by_key) | {f"module.{m}" for m in self.modules}
        return self._declared


def _is_true(expr: Expr | None) -> bool:
    return isinstance(expr, (list, tuple)) and len(expr) > 1 and expr[0] == "L" \
        and expr[1] is True


def is_override_file(name: str) -> bool:
    """Terraform's override files: `override.tf` and `*_override.tf`."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base == "override.tf" or base.endswith("_override.tf")


def build_config(directory: Path, shown: str, files: list[tuple[str, Body]]) -> ModuleConfig:
    """Declarations of a module's files (in name order); override files are merged
    into them afterwards, in name order, as Terraform does."""
    cfg = ModuleConfig(directory, shown)
    overrides = [(f, b) for f, b in files if is_override_file(f)]
    files = [(f, b) for f, b in files if not is_override_file(f)]
    seen: dict[str, tuple[str, int | None]] = {}

    def claim(key: str, file: str, line: int | None) -> None:
        if key in seen:
            where = f"{seen[key][0]}:{seen[key][1]}"
            raise InputError(file, f"duplicate {key} (first declared at {where})", line=line)
        seen[key] = (file, line)

    for file, body in files:
        for btype, labels, inner, line in body["blocks"]:
            if btype == "variable" and len(labels) == 1:
                claim(f"variable {labels[0]!r}", file, line)
                attrs = inner["attrs"]
                cfg.variables[labels[0]] = Variable(
                    labels[0], file, line, attrs.get("default", [None])[0],
                    attrs.get("type", [None])[0], "default" in attrs,
                    _is_true(attrs.get("sensitive", [None])[0]))
            elif btype == "locals":
                for name, (expr, aline) in inner["attrs"].items():
                    claim(f"local.{name}", file, aline)
                    cfg.locals[name] = Decl(name, file, aline, expr=expr)
            elif btype == "output" and len(labels) == 1:
                expr = inner["attrs"].get("value", [None])[0]
                cfg.outputs[labels[0]] = Decl(labels[0], file, line, expr=expr, sensitive=_is_true(
                    inner["attrs"].get("sensitive", [None])[0]))
            elif btype == "provider" and len(labels) == 1:
                alias = inner["attrs"].get("alias")
                alias_name = alias[0][1] if alias and alias[0][0] == "L" else None
                cfg.providers.append(ProviderDecl(labels[0], alias_name, inner, file, line))
            elif btype in ("resource", "data") and len(labels) == 2:
                mode = "managed" if btype == "resource" else "data"
                decl = ResourceDecl(mode, labels[0], labels[1], inner, file, line)
                claim(decl.key, file, line)
                cfg.resources.append(decl)
                cfg.resource_by_key[decl.key] = decl
            elif btype == "module" and len(labels) == 1:
                claim(f"module.{labels[0]}", file, line)
                cfg.modules[labels[0]] = Decl(labels[0], file, line, body=inner)
    for file, body in overrides:
        _apply_override(cfg, file, body)
    return cfg


def _apply_override(cfg: ModuleConfig, file: str, body: Body) -> None:
    """Merge one override file: each block changes the declaration it names, which
    must exist (a declaration's file and line stay those of the original)."""
    def missing(what: str, line: int | None) -> InputError:
        return InputError(file, f"{what} overrides nothing: no such declaration in "
                                f"{cfg.shown}", line=line)

    for btype, labels, inner, line in body["blocks"]:
        if btype == "variable" and len(labels) == 1:
            old = cfg.variables.get(labels[0])
            if old is None:
                raise missing(f"variable {labels[0]!r}", line)
            attrs = inner["attrs"]
            cfg.variables[labels[0]] = dataclasses.replace(
                old, default=attrs["default"][0] if "default" in attrs else old.default,
                type=attrs["type"][0] if "type" in attrs else old.type,
                has_default=old.has_default or "default" in attrs)
        elif btype == "locals":
            for name, (expr, aline) in inner["attrs"].items():
                if name not in cfg.locals:
                    raise missing(f"local.{name}", aline)
                cfg.locals[name] = dataclasses.replace(cfg.locals[name], expr=expr)
        elif btype == "output" and len(labels) == 1:
            old_out = cfg.outputs.get(labels[0])
            if old_out is None:
                raise missing(f"output {labels[0]!r}", line)
            if "value" in inner["attrs"]:
                cfg.outputs[labels[0]] = dataclasses.replace(old_out,
                                                             expr=inner["attrs"]["value"][0])
        elif btype == "provider" and len(labels) == 1:
            alias = inner["attrs"].get("alias")
            key = labels[0] + (f".{alias[0][1]}" if alias and alias[0][0] == "L" else "")
            for i, prov in enumerate(cfg.providers):
                if prov.key == key:
                    cfg.providers[i] = dataclasses.replace(prov, body=merge_body(prov.body, inner))
                    break
            else:
                raise missing(f"provider {key!r}", line)
        elif btype in ("resource", "data") and len(labels) == 2:
            key = resource_key(btype, labels)
            res = cfg.resource_by_key.get(key)
            if res is None:
                raise missing(key, line)
            merged = dataclasses.replace(res, body=merge_body(res.body, inner),
                                         overridden_in=res.overridden_in + (file,))
            cfg.resource_by_key[key] = merged
            cfg.resources[cfg.resources.index(res)] = merged
        elif btype == "module" and len(labels) == 1:
            mod = cfg.modules.get(labels[0])
            if mod is None:
                raise missing(f"module.{labels[0]}", line)
            cfg.modules[labels[0]] = dataclasses.replace(mod, body=merge_body(mod.body, inner))


def resource_key(block_type: str, labels: list[str]) -> str:
    """The key of a `resource` block (`type.name`) or `data` block (`data.type.name`)."""
    return ("data." if block_type == "data" else "") + f"{labels[0]}.{labels[1]}"


def merge_body(base: Body, override: Body) -> Body:
    """Terraform's override merge: arguments replace arguments one by one; nested
    blocks of a type the override has replace all the original's blocks of that type."""
    def kind(block: list[Any]) -> str:
        return block[1][0] if block[0] == "dynamic" and block[1] else block[0]

    replaced = {kind(b) for b in override["blocks"]}
    return {"attrs": {**base["attrs"], **override["attrs"]},
            "blocks": [b for b in base["blocks"] if kind(b) not in replaced] + override["blocks"]}


def traversal_root(expr: Expr) -> tuple[str, list[str]] | None:
    """`a.b.c` (attribute/index chain) -> ("a", ["b", "c"]); index steps are skipped."""
    names: list[str] = []
    node = expr
    while node[0] in ("GA", "IX", "SP", "P"):
        if node[0] == "GA":
            names.append(node[2])
        node = node[1]
    if node[0] != "V":
        return None
    return node[1], names[::-1]


def ref_key(root: str, names: list[str]) -> str | None:
    """The declaration a reference points at: "aws_x.y", "data.t.n", "module.m"."""
    if root in NON_RESOURCE_ROOTS:
        return None
    if root == "module":
        return f"module.{names[0]}" if names else None
    if root == "data":
        return f"data.{names[0]}.{names[1]}" if len(names) >= 2 else None
    return f"{root}.{names[0]}" if names else None


def expr_refs(node: Any, out: set[str], locals_used: set[str],
              bound: frozenset[str] = frozenset()) -> None:
    """Collect declaration keys referenced by an expression (and local names used)."""
    if not isinstance(node, list) or not node:
        return
    tag = node[0]
    if tag in ("GA", "IX", "SP", "V"):
        found = traversal_root(node)
        if found is None:
            for child in node[1:]:  # index expressions may hold references too
                if isinstance(child, list):
                    expr_refs(child, out, locals_used, bound)
            return
        root, names = found
        if root not in bound:
            if root == "local" and names:
                locals_used.add(names[0])
            key = ref_key(root, names)
            if key:
                out.add(key)
        # The inner steps of the chain name the same root with fewer names (nothing
        # new): only what hangs off them (index expressions, splat operations) is scanned.
        while node[0] != "V":
            for child in node[2:]:
                if isinstance(child, list):
                    expr_refs(child, out, locals_used, bound)
            node = node[1]
    elif tag in ("FT", "FO"):
        inner = bound | {n for n in (node[1], node[2]) if n}
        expr_refs(node[3], out, locals_used, bound)
        for child in node[4:]:
            expr_refs(child, out, locals_used, inner)
    elif tag == "T":
        _template_refs(node[1], out, locals_used, bound)
    elif tag == "C":  # ["C", name, args, expand]
        for arg in node[2]:
            expr_refs(arg, out, locals_used, bound)
    elif tag == "TU":  # ["TU", items]
        for item in node[1]:
            expr_refs(item, out, locals_used, bound)
    elif tag == "OB":  # ["OB", [[key, value], ...]]
        for key, value in node[1]:
            expr_refs(key, out, locals_used, bound)
            expr_refs(value, out, locals_used, bound)
    elif tag != "L":  # operators and conditionals: every operand is an expression
        for child in node[1:]:
            if isinstance(child, list):
                expr_refs(child, out, locals_used, bound)


def _template_refs(parts: list[Any], out: set[str], locals_used: set[str],
                   bound: frozenset[str]) -> None:
    """References in template parts: text, expressions and %{if}/%{for} directives."""
    for part in parts:
        if not isinstance(part, list) or not part:
            continue  # literal text
        if part[0] == "IF":  # ["IF", cond, then_parts, else_parts]
            expr_refs(part[1], out, locals_used, bound)
            _template_refs(part[2], out, locals_used, bound)
            _template_refs(part[3], out, locals_used, bound)
        elif part[0] == "FOR":  # ["FOR", key, value, coll, body_parts]
            expr_refs(part[3], out, locals_used, bound)
            inner = bound | {n for n in (part[1], part[2]) if n}
            _template_refs(part[4], out, locals_used, inner)
        else:
            expr_refs(part, out, locals_used, bound)


def body_refs(body: Body, out: set[str], locals_used: set[str],
              bound: frozenset[str] = frozenset()) -> None:
    for expr, _ in body["attrs"].values():
        expr_refs(expr, out, locals_used, bound)
    for btype, labels, inner, _ in body["blocks"]:
        # The iterator of a dynamic block is named after its label (or `iterator`).
        extra = frozenset(labels[:1]) if btype == "dynamic" else frozenset()
        it = inner["attrs"].get("iterator") if btype == "dynamic" else None
        if it and it[0][0] == "V":
            extra = frozenset({it[0][1]})
        body_refs(inner, out, locals_used, bound | extra)


def declaration_refs(body: Body) -> tuple[set[str], set[str]]:
    """(declaration keys, local names) a resource body references, `depends_on` included."""
    cached = body.get("refs")
    if cached is not None:
        return set(cached[0]), set(cached[1])
    refs: set[str] = set()
    used: set[str] = set()
    body_refs(body, refs, used)
    explicit = body["attrs"].get("depends_on")
    if explicit and explicit[0][0] == "TU":
        for item in explicit[0][1]:
            found = traversal_root(item)
            key = ref_key(*found) if found else None
            if key:
                refs.add(key)
    return refs, used


def annotate_refs(file_body: Body) -> Body:
    """Store each resource/data block's references in its body (kept in the parse cache:
    a warm read then scans no expression for dependencies)."""
    for btype, labels, inner, _ in file_body["blocks"]:
        if btype in ("resource", "data") and len(labels) == 2:
            inner.pop("refs", None)
            refs, used = declaration_refs(inner)
            inner["refs"] = [sorted(refs), sorted(used)]
    return file_body


def resolve_refs(cfg: ModuleConfig, refs: set[str], locals_used: set[str]) -> set[str]:
    """Add what the used locals reference, transitively; keep declared targets only."""
    result = set(refs)
    for name in locals_used:
        result |= _local_refs(cfg, name)
    declared = cfg.declared()
    return {r for r in result if r in declared}


def _local_refs(cfg: ModuleConfig, name: str) -> frozenset[str]:
    """Declarations a local reaches through other locals (memoized per config)."""
    if name in cfg._local_refs:
        return cfg._local_refs[name]
    cfg._local_refs[name] = frozenset()  # cycle guard: a cycle adds nothing new
    found: set[str] = set()
    if name in cfg.locals:
        used: set[str] = set()
        expr_refs(cfg.locals[name].expr, found, used)
        for other in used:
            found |= _local_refs(cfg, other)
    cfg._local_refs[name] = frozenset(found)
    return cfg._local_refs[name]
