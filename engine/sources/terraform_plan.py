"""Reader for `terraform show -json` plan documents -> ChangeSet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple

from engine.clouds import canonical_provider, region_convention, tag_convention
from engine.errors import InputError
from engine.settings import DEFAULT_LIMITS, Limits
from engine.model import Action, ChangeSet, ResourceChange, SourceLocation
from engine.sources.address import AddressError, Key, ModuleStep, format_key, \
    parse_address, parse_module_address
from engine.sources.terraform_attrs import attribute_region, effective_tags, mask_paths, \
    provider_region
from engine.sources.terraform_config import PlanConfig, lst, obj, resource_key
from engine.sources.terraform_deps import Dependencies

FORMAT = "terraform-plan"

_SIMPLE: dict[tuple[str, ...], Action] = {
    ("create",): "create", ("update",): "update", ("delete",): "delete",
    ("no-op",): "no-op", ("read",): "read",
}
_REPLACE = {("delete", "create"): "delete-before-create",
            ("create", "delete"): "create-before-delete"}

if TYPE_CHECKING:  # pragma: no cover
    from engine.clouds import Cloud


class _Entry(NamedTuple):
    index: int
    raw: Mapping[str, Any]
    change: Mapping[str, Any]
    address: str
    mode: str
    type: str
    name: str
    key: Key | None
    module: tuple[ModuleStep, ...]
    module_instance: str
    cfg_module: str
    module_path: tuple[str, ...]
    actions: tuple[str, ...]


def provider_short_name(provider_name: Any, type_: str) -> str:
    """`registry.terraform.io/hashicorp/aws` / `provider["…/aws"]` / `aws` -> `aws`."""
    if isinstance(provider_name, str) and provider_name:
        text = provider_name.strip()
        if text.startswith("provider["):
            text = text[len("provider["):].strip('"]')
        text = text.rsplit("/", 1)[-1]
        text = text.removeprefix("provider.").split(".", 1)[0]
        if text:
            return text
    return type_.split("_", 1)[0] if type_ else "unknown"


def map_actions(actions: tuple[str, ...], before: Any, after: Any, where: str,
                warnings: list[str]) -> tuple[Action, str | None]:
    """Terraform's action list -> (canonical action, replace order)."""
    if actions in _SIMPLE:
        return _SIMPLE[actions], None
    if actions in _REPLACE:
        return "replace", _REPLACE[actions]
    if actions == ("forget",):
        warnings.append(f"{where}: 'forget' removes the resource from state without "
                        "destroying it; it keeps running (and costing) untracked")
        return "no-op", None
    if actions == ("create", "forget"):
        warnings.append(f"{where}: the old object is forgotten (still running, untracked) "
                        "and a new one is created")
        return "create", None
    raise ValueError(f"unknown actions {[a[:40] for a in actions[:5]]!r} (Terraform "
                     "writes create, update, delete, no-op, read, forget or a replace pair)")


def _check_version(document: Mapping[str, Any], warnings: list[str]) -> str | None:
    fv = document.get("format_version")
    if fv is None:
        warnings.append("plan has no format_version; read as format 1.x")
        return None
    if not isinstance(fv, str):
        warnings.append(f"format_version is not a string ({fv!r}); read as format 1.x")
        return str(fv)
    if fv.split(".", 1)[0] not in ("0", "1"):
        warnings.append(f"unknown plan format_version {fv!r} (this reader knows 0.x and 1.x); "
                        "reading it as 1.x")
    return fv


def _identify(i: int, raw: Any, path: str, modules: dict[str, _ModuleInfo]) -> _Entry:
    where = f"/resource_changes/{i}"
    if not isinstance(raw, dict):
        raise InputError(path, f"resource change must be an object, not {_kind(raw)}",
                         where=where)
    change = raw.get("change")
    if not isinstance(change, dict):
        raise InputError(path, "resource change has no 'change' object", where=where)
    actions = change.get("actions")
    if not isinstance(actions, list) or not actions or \
            not all(isinstance(a, str) for a in actions):
        raise InputError(path, "change.actions must be a non-empty list of strings",
                         where=where)
    for field in ("address", "type", "name"):
        if field in raw and not isinstance(raw[field], str):
            raise InputError(path, f"{field} must be a string, not {_kind(raw[field])}",
                             where=f"{where}/{field}")
    address, type_, name = raw.get("address"), raw.get("type"), raw.get("name")
    mode, key = raw.get("mode"), raw.get("index")
    module_address = raw.get("module_address")
    if module_address is None and isinstance(address, str) and not address.startswith("module."):
        module_address = ""  # a root-module resource: nothing to tokenize
    module = modules.get(module_address) if isinstance(module_address, str) else None
    if module is None and isinstance(module_address, str):
        try:
            module = modules[module_address] = _module_info(parse_module_address(module_address))
        except AddressError:
            module = None
    key_ok = key is None or (isinstance(key, (int, str)) and not isinstance(key, bool))
    complete = (isinstance(type_, str) and type_ and isinstance(name, str) and name
                and mode in ("managed", "data") and module is not None and key_ok)
    if not complete:
        parsed = None
        if isinstance(address, str):
            try:
                parsed = parse_address(address)
            except AddressError:
                parsed = None
        if module is None:
            module = _module_info(parsed.module if parsed else ())
        if not isinstance(type_, str) or not isinstance(name, str) or not type_ or not name:
            if parsed is None:
                raise InputError(path, "resource change has neither a valid address nor "
                                       "type and name", where=where)
            type_, name = parsed.type, parsed.name
        if mode not in ("managed", "data"):
            mode = parsed.mode if parsed else "managed"
        if not key_ok or (key is None and "index" not in raw):
            key = parsed.key if parsed else None
    steps, module_instance, cfg_module, module_path = module
    if not isinstance(address, str) or not address:
        prefix = module_instance + "." if module_instance else ""
        address = prefix + resource_key(mode, type_, name) + (
            "" if key is None else format_key(key))
    return _Entry(i, raw, change, address, mode, type_, name, key, steps, module_instance,
                  cfg_module, module_path, tuple(actions))


_ModuleInfo = tuple[tuple[ModuleStep, ...], str, str, tuple[str, ...]]


def _module_info(steps: tuple[ModuleStep, ...]) -> _ModuleInfo:
    """(steps, module instance address, configuration module address, module path)."""
    parts = tuple(str(m) for m in steps)
    return steps, ".".join(parts), ".".join(f"module.{m.name}" for m in steps), parts


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def read_plan(document: Mapping[str, Any], path: str, *,
              default_region: str | None = None, limits: Limits = DEFAULT_LIMITS,
              clouds: "Iterable[Cloud] | None" = None) -> ChangeSet:
    """Turn a parsed `terraform show -json` document into a ChangeSet.

    `clouds` (default: the built-in bundles) give provider aliases and the tag and
    region conventions."""
    clouds = None if clouds is None else tuple(clouds)
    warnings: list[str] = []
    format_version = _check_version(document, warnings)
    tool_version = document.get("terraform_version")
    raw_changes = document.get("resource_changes", [])
    if raw_changes is None:
        # Terraform omits the key when nothing changes; null is a damaged document.
        raise InputError(path, "resource_changes is null; expected an array of resource "
                               "changes (omit the key when there are none)",
                         where="/resource_changes")
    if not isinstance(raw_changes, list):
        raise InputError(path, f"resource_changes must be an array, not {_kind(raw_changes)}",
                         where="/resource_changes")
    if len(raw_changes) > limits.resources:
        raise InputError(path, f"{len(raw_changes)} resource changes, above the limit of "
                               f"{limits.resources} resources (raise it with --limit "
                               "resources=N)", where="/resource_changes")
    config = PlanConfig(document)
    deps = Dependencies(config)
    modules: dict[str, _ModuleInfo] = {}
    entries = [_identify(i, raw, path, modules) for i, raw in enumerate(raw_changes)]
    for e in entries:
        deps.add(e.address, e.module_instance, e.module, resource_key(e.mode, e.type, e.name),
                 e.key)
    provider_memo: dict[tuple[str, str, str], tuple[str | None, str | None, Any, bool]] = {}
    changes = []
    for e in entries:
        changes.append(_build(e, path, config, deps, provider_memo, default_region, warnings,
                              clouds))

    errored = document.get("errored") is True
    if errored:
        warnings.append("the plan errored (errored: true): it may be partial")
    complete = document.get("complete") is not False
    if not complete:
        warnings.append("the plan is incomplete (complete: false: -target or deferred "
                        "changes): resources outside it are not shown")
    if document.get("applyable") is False and not errored:
        warnings.append("the plan is not applyable (applyable: false)")
    targeted = _untouched_prior(document, config, {e.address for e in entries}, warnings)
    return ChangeSet(
        source_format=FORMAT, source_path=path, changes=tuple(changes),
        tool_version=tool_version if isinstance(tool_version, str) else None,
        format_version=format_version, errored=errored, complete=complete and not targeted,
        targeted=targeted, warnings=tuple(warnings))


def _build(e: _Entry, path: str, config: PlanConfig, deps: Dependencies,
           provider_memo: dict[tuple[str, str, str], tuple[str | None, str | None, Any, bool]],
           default_region: str | None, warnings: list[str],
           clouds: "tuple[Cloud, ...] | None" = None) -> ResourceChange:
    change = e.change
    before, after = change.get("before"), change.get("after")
    for side, value in (("before", before), ("after", after)):
        if value is not None and not isinstance(value, dict):
            raise InputError(path, f"change.{side} must be an object or null, not "
                                   f"{_kind(value)} ({e.address})",
                             where=f"/resource_changes/{e.index}/change/{side}")
    where = f"{path}: {e.address}"
    pointer = f"/resource_changes/{e.index}/change"
    try:
        action, order = map_actions(e.actions, before, after, where, warnings)
    except ValueError as exc:
        raise InputError(path, f"{exc} ({e.address})", where=f"{pointer}/actions") from None
    if action == "update" and e.mode == "managed":
        # An update changes an existing object into another: both sides exist.
        for side in ("before", "after"):
            if side in change and change[side] is None:
                raise InputError(path, f"change.{side} is null on an update ({e.address}); "
                                       f"an update has a {side} object",
                                 where=f"{pointer}/{side}")
    local_name = provider_short_name(e.raw.get("provider_name"), e.type)
    provider = canonical_provider(local_name, clouds)
    res_key = resource_key(e.mode, e.type, e.name)
    resource_cfg = obj(config.resources.get((e.cfg_module, res_key)))
    # the provider facts depend on the block only through its provider_config_key
    pck = resource_cfg.get("provider_config_key")
    memo = (e.cfg_module, pck if isinstance(pck, str) else "", local_name)
    if memo not in provider_memo:
        provider_memo[memo] = _provider_facts(config, e.cfg_module, resource_cfg, local_name,
                                              provider, clouds)
    pkey, pregion, defaults, defaults_known = provider_memo[memo]
    region = attribute_region(provider, after, clouds) \
        or attribute_region(provider, before, clouds) or pregion or default_region
    unknown = change.get("after_unknown")
    tags_before = tags_after = None
    unknown_tags: set[str] = set()
    if e.mode == "managed":
        tags_before, _ = effective_tags(provider, before, None, None, True, clouds)
        tags_after, unknown_tags = effective_tags(provider, after, unknown, defaults,
                                                  defaults_known, clouds)
    sensitive = mask_paths(change.get("before_sensitive")) | \
        mask_paths(change.get("after_sensitive"))
    depends = deps.of_resource(e.module_instance, e.cfg_module, res_key, resource_cfg)
    reason = e.raw.get("action_reason")
    return ResourceChange(
        address=e.address, type=e.type, name=e.name, provider=provider, action=action,
        before=before, after=after, mode=e.mode, index=e.key,  # type: ignore[arg-type]
        module_path=e.module_path, region=region, actions=e.actions,
        replace_order=order, action_reason=reason if isinstance(reason, str) else None,
        unknown_paths=frozenset(mask_paths(unknown)), sensitive_paths=frozenset(sensitive),
        tags_before=tags_before, tags_after=tags_after,
        unknown_tag_keys=frozenset(unknown_tags) if after is not None else frozenset(),
        depends_on=tuple(sorted(depends - {e.address})),
        source=SourceLocation(file=path, pointer=f"/resource_changes/{e.index}"),
        provider_config_key=pkey)


def _provider_facts(config: PlanConfig, cfg_module: str, resource_cfg: Mapping[str, Any],
                    local_name: str, provider: str, clouds: "tuple[Cloud, ...] | None" = None
                    ) -> tuple[str | None, str | None, Any, bool]:
    """(provider config key, region, default tags/labels, whether those are known)."""
    pkey = config.provider_key(cfg_module, resource_cfg, local_name)
    region = None
    for field in region_convention(provider, clouds).provider_fields:
        _, value, _ = config.provider_value(pkey, field)
        region = provider_region(provider, value, clouds)
        if region:
            break
    source = tag_convention(provider, clouds).defaults
    found, defaults, known = False, None, True
    if len(source) == 1:
        found, defaults, known = config.provider_value(pkey, source[0])
    elif len(source) == 2:
        found, defaults, known = config.provider_block_value(pkey, *source)
    if not found:
        defaults, known = None, True
    return pkey, region, defaults, known


def _untouched_prior(document: Mapping[str, Any], config: PlanConfig, changed: set[str],
                     warnings: list[str]) -> bool:
    """Detect -target: managed resources in prior_state and in the configuration that
    resource_changes leaves out (Terraform lists every configured resource, no-op
    included, unless the plan was targeted). A heuristic: it needs prior_state."""
    if not changed:
        return False
    root = obj(obj(obj(document.get("prior_state")).get("values")).get("root_module"))
    missing: list[str] = []
    stack: list[tuple[Mapping[str, Any], int]] = [(root, 0)]
    while stack:
        module, depth = stack.pop()
        prefix = module.get("address") if isinstance(module.get("address"), str) else ""
        for res in lst(module.get("resources")):
            res = obj(res)
            address = res.get("address")
            if res.get("mode") != "managed" or not isinstance(address, str):
                continue
            if prefix and not address.startswith(prefix + "."):
                address = f"{prefix}.{address}"  # TF 0.12 wrote module-relative addresses
            if address in changed:
                continue
            try:
                parsed = parse_address(address)
            except AddressError:
                continue
            cfg_module = ".".join(f"module.{m.name}" for m in parsed.module)
            if (cfg_module, parsed.resource_key) in config.resources:
                missing.append(address)
        if depth < 32:
            stack.extend((obj(c), depth + 1) for c in lst(module.get("child_modules")))
    if not missing:
        return False
    missing.sort()
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    warnings.append(f"the plan looks targeted (-target): {len(missing)} configured resource(s) "
                    f"in prior_state are not in resource_changes ({shown}); costs cover only "
                    "the targeted part")
    return True
