"""The `configuration` section of a plan: module tree, provider configs, constant values.

Indexes are built once per plan; lookups are memoised per configuration module, so
thousands of instances of one resource block cost one resolution.
"""

from __future__ import annotations

from typing import Any, Mapping

from engine.sources.address import AddressError, parse_module_address

_EMPTY: Mapping[str, Any] = {}
_MAX_DEPTH = 32


def obj(value: Any) -> Mapping[str, Any]:
    """`value` when it is a JSON object, else an empty mapping (tolerates wrong types)."""
    return value if isinstance(value, dict) else _EMPTY


def lst(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parent_module(cfg_module: str) -> str:
    """`module.a.module.b` -> `module.a`; `module.a` -> `` (works for instance paths too)."""
    try:
        steps = parse_module_address(cfg_module)
    except AddressError:
        return ""
    return ".".join(str(s) for s in steps[:-1])


def config_module_of(module_instance: str) -> str:
    """`module.a["k"].module.b[0]` -> `module.a.module.b`."""
    try:
        return ".".join(f"module.{s.name}" for s in parse_module_address(module_instance))
    except AddressError:
        return module_instance


def resource_key(mode: str, type_: str, name: str) -> str:
    return ("data." if mode == "data" else "") + f"{type_}.{name}"


class PlanConfig:
    """Static configuration: modules by configuration path, resources, provider configs."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        config = obj(document.get("configuration"))
        self.providers: Mapping[str, Any] = obj(config.get("provider_config"))
        self.variables: Mapping[str, Any] = obj(document.get("variables"))
        self.modules: dict[str, Mapping[str, Any]] = {}
        self.calls: dict[str, Mapping[str, Any]] = {}  # child module path -> its module call
        self.resources: dict[tuple[str, str], Mapping[str, Any]] = {}
        self._chains: dict[str, tuple[tuple[str, Mapping[str, Any]], ...]] = {}
        self._start: dict[tuple[str, str, str], str | None] = {}
        stack: list[tuple[str, Mapping[str, Any], int]] = [("", obj(config.get("root_module")), 0)]
        while stack:
            path, module, depth = stack.pop()
            self.modules[path] = module
            for res in lst(module.get("resources")):
                res = obj(res)
                t, n = res.get("type"), res.get("name")
                if isinstance(t, str) and isinstance(n, str):
                    mode = "data" if res.get("mode") == "data" else "managed"
                    self.resources[(path, resource_key(mode, t, n))] = res
            if depth >= _MAX_DEPTH:
                continue
            for name, call in obj(module.get("module_calls")).items():
                child = f"{path}.module.{name}" if path else f"module.{name}"
                self.calls[child] = obj(call)
                stack.append((child, obj(obj(call).get("module")), depth + 1))

    # --- values -----------------------------------------------------------------

    def resolve(self, expr: Any, cfg_module: str, depth: int = 0) -> tuple[bool, Any]:
        """(True, value) for a constant or a value that is only `var.X` traced to a
        constant (root variables, module call arguments, variable defaults)."""
        expr = obj(expr)
        if "constant_value" in expr:
            return True, expr["constant_value"]
        refs = [r for r in lst(expr.get("references")) if isinstance(r, str)]
        if depth > _MAX_DEPTH or not refs or not all(r.startswith("var.") for r in refs):
            return False, None
        names = {r.split(".")[1].split("[")[0] for r in refs}
        if len(names) != 1:
            return False, None
        var = names.pop()
        if not cfg_module:
            entry = obj(self.variables.get(var))
            if "value" in entry:
                return True, entry["value"]
        else:
            call_expr = obj(self.calls.get(cfg_module, _EMPTY).get("expressions")).get(var)
            if call_expr is not None:
                return self.resolve(call_expr, parent_module(cfg_module), depth + 1)
        decl = obj(obj(self.modules.get(cfg_module, _EMPTY).get("variables")).get(var))
        if "default" in decl:
            return True, decl["default"]
        return False, None

    # --- providers ----------------------------------------------------------------

    def provider_key(self, cfg_module: str, resource_cfg: Mapping[str, Any],
                     local_name: str) -> str | None:
        """The provider_config key a resource uses (following old `call:name` keys)."""
        raw = resource_cfg.get("provider_config_key")
        raw = raw if isinstance(raw, str) else ""
        memo = (cfg_module, raw, local_name)
        if memo in self._start:
            return self._start[memo]
        found: str | None = None
        if raw in self.providers:
            found = raw
        else:
            name = raw.rsplit(":", 1)[-1] if raw else local_name
            candidate = f"{cfg_module}:{name}" if cfg_module else name
            found = candidate or None  # walked up by chain() when absent
        self._start[memo] = found
        return found

    def chain(self, key: str | None) -> tuple[tuple[str, Mapping[str, Any]], ...]:
        """Provider configs to look in, nearest first: the key, its parent_key chain,
        then the same provider in each enclosing module (Terraform's inheritance)."""
        if not key:
            return ()
        if key in self._chains:
            return self._chains[key]
        out: list[tuple[str, Mapping[str, Any]]] = []
        seen: set[str] = set()
        current: str | None = key
        while current and current not in seen and len(seen) < _MAX_DEPTH:
            seen.add(current)
            entry = obj(self.providers.get(current))
            module = entry.get("module_address")
            if ":" in current:
                module_part, local = current.rsplit(":", 1)
            else:
                module_part, local = "", current
            module = module if isinstance(module, str) else module_part
            if entry:
                out.append((config_module_of(module), entry))
            parent = entry.get("parent_key")
            if isinstance(parent, str) and parent:
                current = parent
            elif module_part:
                up = parent_module(module_part)
                current = f"{up}:{local}" if up else local
            else:
                current = None
        result = tuple(out)
        self._chains[key] = result
        return result

    def provider_value(self, key: str | None, attribute: str) -> tuple[bool, Any, bool]:
        """(found, value, known) of a provider argument such as `region`."""
        for cfg_module, entry in self.chain(key):
            expressions = obj(entry.get("expressions"))
            if attribute in expressions:
                known, value = self.resolve(expressions[attribute], cfg_module)
                return True, value, known
        return False, None, True

    def provider_block_value(self, key: str | None, block: str,
                             attribute: str) -> tuple[bool, Any, bool]:
        """Like provider_value for `block[0].attribute` (e.g. default_tags[0].tags)."""
        for cfg_module, entry in self.chain(key):
            blocks = lst(obj(entry.get("expressions")).get(block))
            if blocks:
                expr = obj(blocks[0]).get(attribute)
                if expr is None:
                    return False, None, True
                known, value = self.resolve(expr, cfg_module)
                return True, value, known
        return False, None, True
