"""Resource dependencies from the plan's configuration references.

Mapping rules (configuration is per block, plan entries are per instance):
- `aws_x.y`, `aws_x.y.id`, `data.t.n` -> every instance of that block in the same module
  instance; `aws_x.y[0]` -> just that instance (a specific reference wins over the
  bare one Terraform lists beside it).
- `module.m.out` -> followed through the child module's output expression to the
  resources it reads (in each instance of `module.m`, or the one named by its key);
  a bare `module.m` or `depends_on = [module.m]` -> every resource inside the module.
- `var.v` inside a module -> followed through the module call argument in the parent.
- `local.*`, `each.*`, `count.*`, `path.*`, `self`, ... -> nothing (not in the plan JSON).
Only addresses present in resource_changes are returned.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterator, Mapping

from engine.sources.address import AddressError, Attr, Index, Key, Step, tokenize
from engine.sources.terraform_config import PlanConfig, lst, obj, parent_module

_MAX_DEPTH = 32


def expression_references(node: Any, depth: int = 0) -> Iterator[str]:
    """Every reference string in an expression tree (nested blocks included)."""
    out: list[str] = []
    _collect_references(node, depth, out)
    return iter(out)


def _collect_references(node: Any, depth: int, out: list[str]) -> None:
    # Appends in place: nested generators (`yield from` per level) cost 3x as much.
    if depth > 64:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "constant_value":
                continue
            if k == "references" and isinstance(v, list):
                out.extend(r for r in v if isinstance(r, str))
            elif isinstance(v, (dict, list)):
                _collect_references(v, depth + 1, out)
    elif isinstance(node, list):
        for item in node:
            _collect_references(item, depth + 1, out)


class Dependencies:
    def __init__(self, config: PlanConfig) -> None:
        self.config = config
        # (module instance, resource key) -> [(key, address)]
        self.instances: dict[tuple[str, str], list[tuple[Key | None, str]]] = defaultdict(list)
        # (module instance, call name) -> [(key, child module instance)]
        self.children: dict[tuple[str, str], set[tuple[Key | None, str]]] = defaultdict(set)
        self.by_module: dict[str, list[str]] = defaultdict(list)
        self._subtree: dict[str, frozenset[str]] | None = None
        self._memo: dict[tuple[str, str, str], frozenset[str]] = {}
        self._res_memo: dict[tuple[str, str], frozenset[str]] = {}

    def add(self, address: str, module_instance: str, module_steps: tuple[Any, ...],
            res_key: str, key: Key | None) -> None:
        self.instances[(module_instance, res_key)].append((key, address))
        if module_instance in self.by_module:
            self.by_module[module_instance].append(address)
            return
        self.by_module[module_instance].append(address)
        parent = ""
        for step in module_steps:
            here = f"{parent}.{step}" if parent else str(step)
            self.children[(parent, step.name)].add((step.key, here))
            parent = here

    def subtree(self, module_instance: str) -> frozenset[str]:
        if self._subtree is None:
            acc: dict[str, set[str]] = defaultdict(set)
            for mod, addrs in self.by_module.items():
                prefix = mod
                while prefix:
                    acc[prefix].update(addrs)
                    prefix = parent_module(prefix)
            self._subtree = {k: frozenset(v) for k, v in acc.items()}
        return self._subtree.get(module_instance, frozenset())

    def of_resource(self, module_instance: str, cfg_module: str, res_key: str,
                    resource_cfg: Mapping[str, Any]) -> frozenset[str]:
        memo = (module_instance, res_key)
        found = self._res_memo.get(memo)
        if found is None:
            refs = list(expression_references(resource_cfg.get("expressions")))
            refs += expression_references(resource_cfg.get("count_expression"))
            refs += expression_references(resource_cfg.get("for_each_expression"))
            found = self.resolve_all(refs, module_instance, cfg_module, 0)
            whole = [d for d in lst(resource_cfg.get("depends_on")) if isinstance(d, str)]
            if whole:
                found = found | self.resolve_all(whole, module_instance, cfg_module, 0,
                                                 whole_module=True)
            self._res_memo[memo] = found
        return found

    def resolve_all(self, refs: list[str], module_instance: str, cfg_module: str, depth: int,
                    whole_module: bool = False) -> frozenset[str]:
        parsed: list[tuple[str, list[Step]]] = []
        for ref in dict.fromkeys(refs):
            try:
                steps = list(tokenize(ref))
            except AddressError:
                # A splat or computed index (`aws_x.y[*].id`, `aws_x.y[count.index]`)
                # written out by older Terraform: the block itself, every instance.
                prefix = _REF_PREFIX.match(ref)
                if prefix is None:
                    continue
                ref = prefix.group(0)
                try:
                    steps = list(tokenize(ref))
                except AddressError:
                    continue
            parsed.append((ref, steps))
        # A reference with an index or an attribute beyond the base makes the bare one redundant.
        specific: set[str] = set()
        for _, steps in parsed:
            base, is_specific = _base(steps)
            if base and is_specific:
                specific.add(base)
        out: set[str] = set()
        for ref, steps in parsed:
            base, is_specific = _base(steps)
            if not base or (not is_specific and base in specific and not whole_module):
                continue
            out |= self.resolve(ref, steps, module_instance, cfg_module, depth, whole_module)
        return frozenset(out)

    def resolve(self, ref: str, steps: list[Step], module_instance: str, cfg_module: str,
                depth: int, whole_module: bool) -> frozenset[str]:
        memo = (ref + ("!" if whole_module else ""), module_instance, cfg_module)
        if memo in self._memo:
            return self._memo[memo]
        self._memo[memo] = frozenset()  # cycle guard
        result = frozenset()
        if depth <= _MAX_DEPTH:
            result = self._resolve(steps, module_instance, cfg_module, depth, whole_module)
        self._memo[memo] = result
        return result

    def _resolve(self, steps: list[Step], inst: str, cfg: str, depth: int,
                 whole_module: bool) -> frozenset[str]:
        head = steps[0].name if isinstance(steps[0], Attr) else ""
        if head == "var":
            if not inst or len(steps) < 2 or not isinstance(steps[1], Attr):
                return frozenset()
            call = self.config.calls.get(cfg, {})
            expr = obj(call.get("expressions")).get(steps[1].name)
            refs = list(expression_references(expr))
            return self.resolve_all(refs, parent_module(inst), parent_module(cfg), depth + 1)
        if head == "module":
            if len(steps) < 2 or not isinstance(steps[1], Attr):
                return frozenset()
            name = steps[1].name
            rest = steps[2:]
            wanted: Any = _NO_KEY
            if rest and isinstance(rest[0], Index):
                wanted, rest = rest[0].key, rest[1:]
            child_cfg = f"{cfg}.module.{name}" if cfg else f"module.{name}"
            out: set[str] = set()
            for key, child in self.children.get((inst, name), ()):
                if wanted is not _NO_KEY and key != wanted:
                    continue
                output = rest[0].name if rest and isinstance(rest[0], Attr) else None
                outputs = obj(self.config.modules.get(child_cfg, {}).get("outputs"))
                if output is None or whole_module or output not in outputs:
                    out |= self.subtree(child)
                    continue
                decl = obj(outputs[output])
                refs = list(expression_references(decl.get("expression")))
                refs += [d for d in lst(decl.get("depends_on")) if isinstance(d, str)]
                out |= self.resolve_all(refs, child, child_cfg, depth + 1)
            return frozenset(out)
        if head in ("data",):
            if len(steps) < 3 or not all(isinstance(s, Attr) for s in steps[1:3]):
                return frozenset()
            res_key, rest = f"data.{steps[1].name}.{steps[2].name}", steps[3:]  # type: ignore
        elif head and len(steps) >= 2 and isinstance(steps[1], Attr) and head not in _NOT_RESOURCES:
            res_key, rest = f"{head}.{steps[1].name}", steps[2:]
        else:
            return frozenset()
        entries = self.instances.get((inst, res_key), ())
        if rest and isinstance(rest[0], Index):
            wanted_key = rest[0].key
            return frozenset(a for k, a in entries if k == wanted_key)
        return frozenset(a for _, a in entries)


_NO_KEY = object()
# The reference up to its first splat or non-literal index: `data.t.n`, `module.m`, `type.name`.
_REF_PREFIX = re.compile(r"(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*")
_NOT_RESOURCES = frozenset({"local", "each", "count", "path", "self", "terraform", "var",
                            "module", "data", "resource", "ephemeral", "run", "check"})


def _base(steps: list[Step]) -> tuple[str, bool]:
    """('module.m' | 'type.name' | 'data.t.n', has index/attribute beyond the base)."""
    if not steps or not isinstance(steps[0], Attr):
        return "", False
    head = steps[0].name
    if head == "module":
        if len(steps) < 2 or not isinstance(steps[1], Attr):
            return "", False
        return f"module.{steps[1].name}", len(steps) > 2
    if head == "data":
        if len(steps) < 3:
            return "", False
        return "data." + ".".join(str(getattr(s, "name", "")) for s in steps[1:3]), \
            len(steps) > 3 and isinstance(steps[3], Index)
    if head in _NOT_RESOURCES:
        return head, True
    if len(steps) < 2:
        return "", False
    return f"{head}.{getattr(steps[1], 'name', '')}", len(steps) > 2 and isinstance(steps[2], Index)
