"""CrossGuard argument objects -> the Pulumi readers' steps -> a ChangeSet.

A resource under `pulumi preview`/`up` is a creation: its inputs become the after
side through `engine.sources.pulumi.core.build` (the same conversion, address, region
and tag rules as a preview file). Its provider resource, when given, is a step of its
own (`pulumi:providers:<package>`) so the region and default tags come from it as the
reader takes them. Every step's pointer is its URN: a finding's resource is found again
by `change.source.pointer`.

`pulumi_policy` hands props through proxies that raise on unknown values and wrap
secrets; `plain()` turns them into the JSON a preview carries (the unknown sentinels
become the preview's unknown marker, a secret becomes `[secret]`). Nothing here
imports `pulumi_policy`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Iterable

from engine.model import ChangeSet
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.pulumi.core import Step, build
from engine.sources.pulumi.props import SECRET_TEXT, UNKNOWN
from engine.sources.pulumi.types import PACKAGES, package_of

FORMAT = "pulumi-crossguard"
FILE = "(pulumi policy pack)"
# pulumi_policy.proxy's sentinels: a value known only after the update
UNKNOWN_SENTINELS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN, "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a", "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})
_MAX_DEPTH = 64


def plain(value: Any, depth: int = 0) -> Any:
    """Proxies, secrets and unknowns -> plain JSON values (see the module docstring)."""
    if depth > _MAX_DEPTH:
        return UNKNOWN
    kind = type(value).__name__
    if kind in ("_DictProxy", "_ListProxy", "_DictSecretsProxy", "_ListSecretsProxy"):
        try:
            value = value["__target"]
        except (KeyError, IndexError, TypeError):
            pass
    if kind == "Secret" and hasattr(value, "value"):
        return SECRET_TEXT
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [plain(v, depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return UNKNOWN  # an asset or archive: opaque, never priced from


def _provider_step(provider: Any) -> Step | None:
    if provider is None or not isinstance(getattr(provider, "urn", None), str):
        return None
    state = {"type": provider.resource_type, "inputs": plain(provider.props or {})}
    return Step(provider.urn, ("create",), None, state, provider.urn, provider.urn)


def _step(resource: Any, parent: str | None, dependencies: Iterable[str]) -> Step:
    provider = getattr(resource, "provider", None)
    token = resource.resource_type
    state: dict[str, Any] = {"type": token, "inputs": plain(resource.props or {})}
    if package_of(token) in PACKAGES:
        state["custom"] = True  # a cloud resource, priced or shown unsupported
    if provider is not None and isinstance(getattr(provider, "urn", None), str):
        state["provider"] = f"{provider.urn}::crossguard"
    if parent:
        state["parent"] = parent
    deps = [d for d in dependencies if d]
    if deps:
        state["dependencies"] = deps
    return Step(resource.urn, ("create",), None, state, resource.urn, resource.urn)


def resource_changes(args: Any, *, config: Mapping[str, Any] | None = None,
                     region: str | None = None, clouds: Any = None,
                     limits: Limits = DEFAULT_LIMITS) -> ChangeSet:
    """One `ResourceValidationArgs` -> a ChangeSet of its creation."""
    steps = [s for s in (_provider_step(args.provider),) if s is not None]
    parent = getattr(getattr(args, "opts", None), "parent", None)
    steps.append(_step(args, parent if isinstance(parent, str) else None, ()))
    return build(steps, FILE, FORMAT, config=config, default_region=region, limits=limits,
                 clouds=clouds, complete=False)


def stack_changes(args: Any, *, config: Mapping[str, Any] | None = None,
                  region: str | None = None, clouds: Any = None,
                  limits: Limits = DEFAULT_LIMITS) -> ChangeSet:
    """One `StackValidationArgs` -> a ChangeSet of every resource it lists."""
    steps: dict[str, Step] = {}
    for resource in args.resources:
        provider = _provider_step(getattr(resource, "provider", None))
        if provider is not None and provider.urn not in steps:
            steps[provider.urn] = provider
    for resource in args.resources:
        if resource.urn in steps:
            continue  # a provider resource listed as a resource as well
        parent = getattr(resource, "parent", None)
        deps = [getattr(d, "urn", None) for d in getattr(resource, "dependencies", None) or ()]
        steps[resource.urn] = _step(resource, getattr(parent, "urn", None),
                                    (d for d in deps if isinstance(d, str)))
    return build(list(steps.values()), FILE, FORMAT, config=config, default_region=region,
                 limits=limits, clouds=clouds)
