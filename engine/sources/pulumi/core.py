"""Pulumi resource steps -> a ChangeSet: what the three readers share.

Each reader turns its input into `Step`s, one per URN (the several steps of one
replacement already merged), and calls `build`. Here: the action of a URN's
operations, the attributes of each side (`props.convert`), the address
(`urn.py`), region and tags (`stack.ProviderFacts`, the cloud bundles'
conventions), dependencies as addresses, and the CloudFormation check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple

from engine.clouds import canonical_provider, tag_convention
from engine.errors import InputError
from engine.model import Action, ChangeSet, ResourceChange, SourceLocation
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.pulumi import cloudformation
from engine.sources.pulumi.props import PropertyError, convert, merge
from engine.sources.pulumi.stack import ProviderFacts, unknown_mask
from engine.sources.pulumi.types import PROVIDER_PREFIX, STACK_TYPE, TYPES, canonical_type, \
    package_of, provider_of
from engine.sources.pulumi.urn import Urn, leaf, parse_urn, provider_urn
from engine.sources.terraform_attrs import attribute_region, effective_tags, provider_region

if TYPE_CHECKING:  # pragma: no cover
    from engine.clouds import Cloud

_REPLACE_OPS = {"replace", "create-replacement", "delete-replaced", "import-replacement"}
_SKIPPED_OPS = {"discard", "discard-replaced", "remove-pending-replace"}
KNOWN_OPS = _REPLACE_OPS | _SKIPPED_OPS | {
    "same", "create", "update", "delete", "read", "read-replacement", "refresh", "import"}
_BEFORE: set[str] = {"update", "delete", "replace", "no-op"}
_AFTER: set[str] = {"create", "update", "replace", "no-op", "read"}


class Step(NamedTuple):
    """Everything one input says about one URN."""

    urn: str
    ops: tuple[str, ...]  # in the order they appeared
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    where: str  # shown in errors: "/steps/3", "line 12", "/deployment/resources/4"
    pointer: str | None = None
    line: int | None = None
    planned: bool = True  # the new state's outputs are planned (preview), not applied


def state_of(step: Step) -> Mapping[str, Any]:
    return step.new if step.new is not None else (step.old or {})


def action_of(step: Step, file: str) -> tuple[Action | None, str | None]:
    """(action, replace order); None: an operation without effect on what runs."""
    ops = set(step.ops)
    for op in step.ops:
        if op not in KNOWN_OPS:
            raise InputError(file, f"unknown operation {op[:40]!r} (Pulumi writes "
                                   "same, create, update, delete, replace, read, ...)",
                             where=step.where, line=step.line)
    if ops & _REPLACE_OPS or {"create", "delete"} <= ops:
        first = next((op for op in step.ops if op in ("create-replacement", "delete-replaced",
                                                      "create", "delete")), "create")
        order = "delete-before-create" if first.startswith("delete") else "create-before-delete"
        return "replace", order
    for op, action in (("create", "create"), ("update", "update"), ("delete", "delete"),
                       ("read", "read"), ("read-replacement", "read"), ("same", "no-op"),
                       ("refresh", "no-op"), ("import", "no-op")):
        if op in ops:
            return action, None  # type: ignore[return-value]
    return None, None


def build(steps: list[Step], file: str, source_format: str, *,
          config: Mapping[str, Any] | None = None, default_region: str | None = None,
          limits: Limits = DEFAULT_LIMITS, warnings: list[str] | None = None,
          clouds: "Iterable[Cloud] | None" = None, tool_version: str | None = None,
          errored: bool = False, complete: bool = True) -> ChangeSet:
    clouds = None if clouds is None else tuple(clouds)
    warnings = warnings if warnings is not None else []
    if len(steps) > limits.resources:
        raise InputError(file, f"{len(steps)} resources, above the limit of {limits.resources} "
                               "resources (raise it with --limit resources=N)")
    urns: dict[str, Urn] = {}
    stacks: set[tuple[str, str]] = set()
    facts = ProviderFacts(config)
    for step in steps:
        urn = parse_urn(step.urn)
        if urn is None:
            raise InputError(file, f"urn {str(step.urn)[:120]!r} is not a Pulumi URN "
                                   "(urn:pulumi:STACK::PROJECT::TYPE::NAME)",
                             where=step.where, line=step.line)
        state = state_of(step)
        token = state.get("type")
        if token is not None and not isinstance(token, str):
            raise InputError(file, "type must be a string", where=step.where, line=step.line)
        if isinstance(token, str) and token != urn.type:
            urn = urn._replace(types=urn.types[:-1] + (token,))
        urns[step.urn] = urn
        stacks.add((urn.stack, urn.project))
        if urn.type.startswith(PROVIDER_PREFIX):
            facts.add_provider(step.urn, urn.type, merge(state.get("outputs"),
                                                         state.get("inputs")))
    if len(stacks) > 1:
        shown = ", ".join(sorted(f"{p}/{s}" for s, p in stacks)[:4])
        raise InputError(file, f"resources of several stacks in one input ({shown}); pass "
                               "the preview or export of one stack")
    parents = {u: _parent(s) for s in steps for u in (s.urn,)}
    addresses = Addresses(urns, parents, file)
    changes, templates = [], []
    for step in steps:
        urn = urns[step.urn]
        if not _is_resource(urn, state_of(step)):
            continue
        change = _change(step, urn, file, addresses, facts, default_region, warnings, clouds)
        if change is not None:
            changes.append(change)
            if change.type == cloudformation.STACK_TYPE:
                templates.append(change)
    warnings.extend(cloudformation.unread(templates, changes, file))
    return ChangeSet(source_format=source_format, source_path=file, changes=tuple(changes),
                     tool_version=tool_version, errored=errored, complete=complete,
                     warnings=tuple(warnings))


def _parent(step: Step) -> str | None:
    parent = state_of(step).get("parent")
    return parent if isinstance(parent, str) and parent else None


def _is_resource(urn: Urn, state: Mapping[str, Any]) -> bool:
    """A custom resource (not the stack, a provider resource or a component)."""
    if urn.type == STACK_TYPE or urn.type.startswith(PROVIDER_PREFIX):
        return False
    custom = state.get("custom")
    return custom is True or (custom is None and urn.type in TYPES)


class Addresses:
    """URN -> address (see urn.py), unique over the input."""

    def __init__(self, urns: Mapping[str, Urn], parents: Mapping[str, str | None],
                 file: str | None = None) -> None:
        self._urns, self._parents, self._file = urns, parents, file
        self._raw: set[str] = set()
        self._memo: dict[str, tuple[str, tuple[str, ...]]] = {}
        seen: dict[str, list[str]] = {}
        for u in urns:
            seen.setdefault(self.of(u), []).append(u)
        clashes = {u for group in seen.values() if len(group) > 1 for u in group}
        if clashes:
            self._raw, self._memo = clashes, {}

    def of(self, urn: str) -> str:
        return self._resolve(urn, 0)[0]

    def module_path(self, urn: str) -> tuple[str, ...]:
        return self._resolve(urn, 0)[1]

    def _resolve(self, urn: str, depth: int) -> tuple[str, tuple[str, ...]]:
        if urn in self._memo:
            return self._memo[urn]
        parsed = self._urns.get(urn) or parse_urn(urn)
        if parsed is None:
            return urn, ()
        if depth > 64:
            raise InputError(self._file, f"the parent chain of {urn[:120]} is deeper than 64 "
                                         "resources (a cycle?)")
        label = parsed.type if urn in self._raw else canonical_type(parsed.type)
        own = leaf(label, parsed.name)
        parent = self._parents.get(urn)
        path: tuple[str, ...] = ()
        if parent and parent != urn:
            p = self._urns.get(parent) or parse_urn(parent)
            if p is not None and p.type != STACK_TYPE:
                address, above = self._resolve(parent, depth + 1)
                path = above + (_last_leaf(address, above),)
        result = (".".join(path + (own,)), path)
        self._memo[urn] = result
        return result


def _last_leaf(address: str, above: tuple[str, ...]) -> str:
    prefix = ".".join(above)
    return address[len(prefix) + 1:] if prefix else address


def _side(state: Mapping[str, Any] | None, ctype: str, planned: bool, file: str,
          step: Step) -> tuple[Any, frozenset, frozenset]:
    if state is None:
        return None, frozenset(), frozenset()
    inputs, outputs = state.get("inputs"), state.get("outputs")
    for name, value in (("inputs", inputs), ("outputs", outputs)):
        if value is not None and not isinstance(value, Mapping):
            raise InputError(file, f"{name} must be an object", where=step.where,
                             line=step.line)
    props = dict(inputs or {}) if planned else merge(inputs, outputs)
    try:
        converted = convert(props, ctype)
    except PropertyError as exc:
        raise InputError(file, str(exc), where=step.where, line=step.line) from None
    return converted.attrs, converted.unknown, converted.sensitive


def _change(step: Step, urn: Urn, file: str, addresses: Addresses, facts: ProviderFacts,
            default_region: str | None, warnings: list[str],
            clouds: "tuple[Cloud, ...] | None") -> ResourceChange | None:
    action, order = action_of(step, file)
    address = addresses.of(step.urn)
    if action is None:
        warnings.append(f"{file}: {address}: operation {'/'.join(step.ops)} changes nothing "
                        "that runs; not priced")
        return None
    ctype = canonical_type(urn.type)
    provider = canonical_provider(provider_of(urn.type), clouds)
    package = package_of(urn.type)
    fresh = step.planned and action in ("create", "update", "replace")
    before, _, sens_before = _side(step.old if action in _BEFORE else None, ctype, False,
                                   file, step)
    new = step.new if step.new is not None else (step.old if action == "no-op" else None)
    after, unknown, sens_after = _side(new if action in _AFTER else None, ctype, fresh,
                                       file, step)
    state = state_of(step)
    prov = provider_urn(state.get("provider"))
    region = attribute_region(provider, after, clouds) or \
        attribute_region(provider, before, clouds) or \
        provider_region(provider, facts.region(package, prov), clouds) or default_region
    defaults, known = facts.default_tags(package, prov)
    tags_before = _tags(provider, before, (), defaults, known, clouds)
    tags_after, unknown_tags = _tags_and_unknown(provider, after, unknown, defaults, known,
                                                 clouds)
    depends = set()
    for dep in _dependencies(step.new, step.old):
        depends.add(addresses.of(dep))
    depends.discard(address)
    return ResourceChange(
        address=address, type=ctype, name=urn.name, provider=provider, action=action,
        before=before, after=after, mode="data" if action == "read" else "managed",
        module_path=addresses.module_path(step.urn), region=region, actions=step.ops,
        replace_order=order,  # type: ignore[arg-type]
        unknown_paths=unknown, sensitive_paths=sens_before | sens_after,
        tags_before=tags_before, tags_after=tags_after,
        unknown_tag_keys=frozenset(unknown_tags) if after is not None else frozenset(),
        depends_on=tuple(sorted(depends)),
        source=SourceLocation(file=file, line=step.line, pointer=step.pointer),
        provider_config_key=prov)


def _tags(provider: str, values: Any, unknown: Iterable[tuple[Any, ...]], defaults: Any,
          known: bool, clouds: "tuple[Cloud, ...] | None") -> dict[str, str] | None:
    return _tags_and_unknown(provider, values, unknown, defaults, known, clouds)[0]


def _tags_and_unknown(provider: str, values: Any, unknown: Iterable[tuple[Any, ...]],
                      defaults: Any, known: bool, clouds: "tuple[Cloud, ...] | None"
                      ) -> tuple[dict[str, str] | None, set[str]]:
    if not isinstance(values, dict):
        return None, set()
    convention = tag_convention(provider, clouds)
    mask = unknown_mask(unknown, convention.attributes())
    merged = convention.merged_field
    if merged and merged not in values and merged not in mask and \
            any(isinstance(values.get(f), dict) for f in convention.fields):
        # Pulumi inputs carry the resource's own tags; the provider merges its defaults
        # in as the plan's merged map would (Terraform's tags_all).
        values = dict(values)
        if known:
            values[merged] = {**(defaults or {}), **next(
                values[f] for f in convention.fields if isinstance(values.get(f), dict))}
        else:
            mask = dict(mask)
            mask[merged] = True
    return effective_tags(provider, values, mask, defaults, known, clouds)


def _dependencies(*states: Mapping[str, Any] | None) -> Iterable[str]:
    for state in states:
        if not isinstance(state, Mapping):
            continue
        deps = state.get("dependencies")
        if isinstance(deps, list):
            yield from (d for d in deps if isinstance(d, str) and d)
        prop_deps = state.get("propertyDependencies")
        if isinstance(prop_deps, Mapping):
            for value in prop_deps.values():
                if isinstance(value, list):
                    yield from (d for d in value if isinstance(d, str) and d)
