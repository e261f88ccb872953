"""Terraform state: `terraform show -json` of a state (`values.root_module`) and the raw
`terraform.tfstate` file (version 4, `resources[].instances[]`).

A state is what exists: every managed resource becomes a no-op change (before and
after the same object), read by the plan reader, so tags, provider default names,
modules and sensitive values are handled in one place. Data sources are left out
(they describe, they cost nothing).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Iterator

from engine.errors import InputError
from engine.model import ChangeSet

FORMAT = "terraform-state"
_PLAN_ONLY = ("resource_changes", "planned_values", "prior_state", "configuration")
_PROVIDER = re.compile(r'provider\["([^"]+)"\]')
_LEGACY_PROVIDER = re.compile(r"provider\.([A-Za-z0-9_-]+)")


def detect(document: Any) -> bool | str:
    """A shown state (format_version + values, or format_version alone for an empty
    state) or a raw state file (version 4 with resources)."""
    if not isinstance(document, dict) or any(k in document for k in _PLAN_ONLY):
        return False
    if "format_version" in document:
        if "values" not in document:
            return set(document) <= {"format_version", "terraform_version"}
        values = document["values"]
        if not isinstance(values, dict) or not isinstance(values.get("root_module"), dict):
            return ("is a Terraform state (`terraform show -json`) whose values have no "
                    "root_module object")
        return True
    if "lineage" in document or "serial" in document or "terraform_version" in document:
        version = document.get("version")
        if version == 4:
            return True
        if isinstance(version, int) and version < 4:
            return (f"is a Terraform state file of version {version}; only version 4 "
                    "(Terraform 0.12 and later) is read: run `terraform show -json` on it "
                    "with a newer Terraform")
    return False


def read_state(document: dict[str, Any], shown: str, *, default_region: str | None = None,
               limits: Any = None, clouds: Any = None) -> ChangeSet:
    from engine.settings import DEFAULT_LIMITS
    from engine.sources.terraform_plan import read_plan

    limits = limits or DEFAULT_LIMITS
    entries = list(_shown(document, shown) if "format_version" in document
                   else _raw(document, shown))
    if len(entries) > limits.resources:
        raise InputError(shown, f"{len(entries)} resources, above the limit of "
                                f"{limits.resources} (raise it with --limit resources=N)")
    depends = {e["address"]: e.pop("depends_on") for e in entries}
    plan = {"format_version": "1.2", "resource_changes": entries}
    version = document.get("terraform_version")
    if isinstance(version, str):
        plan["terraform_version"] = version
    cs = read_plan(plan, shown, default_region=default_region, limits=limits, clouds=clouds)
    instances: dict[str, list[str]] = {}
    for c in cs.changes:
        instances.setdefault(c.address.rsplit("[", 1)[0] if c.index is not None else c.address,
                             []).append(c.address)
    changes = tuple(replace(c, depends_on=tuple(sorted(
        {a for d in depends.get(c.address, ()) for a in instances.get(d, ())} - {c.address})))
        for c in cs.changes)
    return replace(cs, source_format=FORMAT, changes=changes)


def _dependencies(value: Any, shown: str, where: str) -> list[str]:
    """The resource addresses an object depends on, as the state records them."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise InputError(shown, "dependencies must be an array of addresses", where=where)
    return value


def _change(address: str, module: str | None, raw: dict[str, Any], values: Any,
            sensitive: Any, provider: str | None, index: Any, depends_on: list[str]
            ) -> dict[str, Any]:
    entry = {"address": address, "depends_on": depends_on, "mode": "managed",
             "type": raw.get("type"),
             "name": raw.get("name"), "provider_name": provider,
             "change": {"actions": ["no-op"], "before": values, "after": values,
                        "after_unknown": {}, "before_sensitive": sensitive,
                        "after_sensitive": sensitive}}
    if module:
        entry["module_address"] = module
    if index is not None:
        entry["index"] = index
    return entry


def _shown(document: dict[str, Any], shown: str) -> Iterator[dict[str, Any]]:
    """The managed resources of `values.root_module` and its child modules."""
    root = (document.get("values") or {}).get("root_module") or {}
    stack: list[tuple[Any, str, int]] = [(root, "/values/root_module", 0)]
    while stack:
        module, where, depth = stack.pop()
        if not isinstance(module, dict):
            raise InputError(shown, "a module must be an object", where=where)
        if depth > 64:
            raise InputError(shown, "modules are nested too deeply", where=where)
        resources = module.get("resources")
        children = module.get("child_modules")
        resources = [] if resources is None else resources
        children = [] if children is None else children
        if not isinstance(resources, list) or not isinstance(children, list):
            raise InputError(shown, "resources and child_modules must be arrays", where=where)
        address = module.get("address") if isinstance(module.get("address"), str) else None
        for i, res in enumerate(resources):
            at = f"{where}/resources/{i}"
            if not isinstance(res, dict) or not isinstance(res.get("address"), str):
                raise InputError(shown, "a resource must be an object with an address",
                                 where=at)
            if res.get("mode", "managed") != "managed":
                continue
            values = res.get("values")
            if not isinstance(values, dict):
                raise InputError(shown, f"values must be an object ({res['address']})",
                                 where=at)
            yield _change(res["address"], address, res, values, res.get("sensitive_values"),
                          res.get("provider_name"), res.get("index"),
                          _dependencies(res.get("depends_on"), shown, f"{at}/depends_on"))
        for j, child in reversed(list(enumerate(children))):
            stack.append((child, f"{where}/child_modules/{j}", depth + 1))


def _raw(document: dict[str, Any], shown: str) -> Iterator[dict[str, Any]]:
    """The managed resources of a version 4 state file, one entry per instance."""
    resources = document.get("resources")
    resources = [] if resources is None else resources
    if not isinstance(resources, list):
        raise InputError(shown, "resources must be an array", where="/resources")
    for i, res in enumerate(resources):
        where = f"/resources/{i}"
        if not isinstance(res, dict) or not isinstance(res.get("type"), str) \
                or not isinstance(res.get("name"), str):
            raise InputError(shown, "a resource must be an object with a type and a name",
                             where=where)
        if res.get("mode", "managed") != "managed":
            continue
        module = res.get("module")
        if module is not None and not isinstance(module, str):
            raise InputError(shown, "module must be a string", where=f"{where}/module")
        instances = res.get("instances")
        instances = [] if instances is None else instances
        if not isinstance(instances, list):
            raise InputError(shown, "instances must be an array", where=f"{where}/instances")
        base = f"{module + '.' if module else ''}{res['type']}.{res['name']}"
        for j, inst in enumerate(instances):
            at = f"{where}/instances/{j}"
            if not isinstance(inst, dict):
                raise InputError(shown, "an instance must be an object", where=at)
            if inst.get("deposed"):
                continue  # an old object waiting to be destroyed: listed beside the current
            values = inst.get("attributes")
            if values is None and "attributes_flat" in inst:
                raise InputError(shown, "instance has only attributes_flat (a state written by "
                                        "Terraform 0.11): upgrade the state", where=at)
            if not isinstance(values, dict):
                raise InputError(shown, f"attributes must be an object ({base})", where=at)
            key = inst.get("index_key")
            if isinstance(key, bool) or (key is not None and not isinstance(key, (int, str))):
                raise InputError(shown, "index_key must be a number or a string",
                                 where=f"{at}/index_key")
            address = base if key is None else f"{base}[{json.dumps(key)}]"
            sensitive = _mask(inst.get("sensitive_attributes"), shown, at)
            yield _change(address, module, res, values, sensitive,
                          _provider(res.get("provider")), key,
                          _dependencies(inst.get("dependencies"), shown, f"{at}/dependencies"))


def _provider(text: Any) -> str | None:
    """`provider["registry.terraform.io/hashicorp/aws"].alias` -> the source address;
    the 0.12 spelling `provider.aws` -> `aws`."""
    if not isinstance(text, str):
        return None
    m = _PROVIDER.search(text) or _LEGACY_PROVIDER.search(text)
    return m.group(1) if m else None


def _mask(paths: Any, shown: str, where: str) -> Any:
    """`sensitive_attributes` (cty paths) as the mask a plan's `after_sensitive` is."""
    if not paths:
        return {}
    if not isinstance(paths, list):
        raise InputError(shown, "sensitive_attributes must be an array",
                         where=f"{where}/sensitive_attributes")
    mask: dict[str, Any] = {}
    for path in paths:
        if isinstance(path, dict):
            path = [path]  # one step written without its list
        if not isinstance(path, list) or not path:
            raise InputError(shown, "a sensitive attribute path must be a non-empty array",
                             where=f"{where}/sensitive_attributes")
        _hide(mask, [_step(s, shown, where) for s in path])
    return mask


def _hide(mask: dict[str, Any], steps: list[str | int]) -> None:
    """Mark the value at `steps` sensitive in `mask` (a shape the mask cannot follow
    hides the whole value above it)."""
    parent: Any = None
    key: Any = None
    node: Any = mask
    for i, step in enumerate(steps):
        if isinstance(node, list) and isinstance(step, int) and 0 <= step < 10_000:
            node.extend([False] * (step + 1 - len(node)))
        elif not (isinstance(node, dict) and isinstance(step, str)):
            if parent is not None:
                parent[key] = True
            return
        if i == len(steps) - 1:
            node[step] = True
            return
        child = node[step] if isinstance(node, list) else node.get(step)
        if child is True:
            return
        if not isinstance(child, (dict, list)):
            child = [] if isinstance(steps[i + 1], int) else {}
            node[step] = child
        parent, key, node = node, step, child


def _step(step: Any, shown: str, where: str) -> str | int:
    if isinstance(step, dict):
        kind, value = step.get("type"), step.get("value")
        if kind == "get_attr" and isinstance(value, str):
            return value
        if kind == "index":
            inner = value.get("value") if isinstance(value, dict) else value
            if isinstance(inner, str):
                return inner
            if isinstance(inner, (int, float)) and not isinstance(inner, bool) \
                    and float(inner).is_integer():
                return int(inner)
    raise InputError(shown, "a sensitive attribute step must be a get_attr or index step",
                     where=f"{where}/sensitive_attributes")
