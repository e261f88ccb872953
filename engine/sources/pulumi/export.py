"""`pulumi stack export` (`deployment.resources[]`, or the older
`checkpoint.latest.resources[]`): the current state, every resource a no-op."""

from __future__ import annotations

from typing import Any, Mapping

from engine.errors import InputError
from engine.model import ChangeSet
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.pulumi.core import Step, build
from engine.sources.pulumi.preview import _kind

FORMAT = "pulumi-export"


def read_export(document: Mapping[str, Any], file: str, *, default_region: str | None = None,
                limits: Limits = DEFAULT_LIMITS, clouds: Any = None) -> ChangeSet:
    if "deployment" in document:
        deployment, base = document.get("deployment"), "/deployment"
    else:
        checkpoint = document.get("checkpoint")
        deployment = checkpoint.get("latest") if isinstance(checkpoint, dict) else None
        base = "/checkpoint/latest"
        if isinstance(checkpoint, dict) and deployment is None:
            return build([], file, FORMAT, warnings=["the checkpoint has no deployment (an "
                                                     "empty stack)"])
    if not isinstance(deployment, dict):
        raise InputError(file, f"deployment must be an object, not {_kind(deployment)}",
                         where=base)
    raw = deployment.get("resources", [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise InputError(file, f"resources must be an array, not {_kind(raw)}",
                         where=f"{base}/resources")
    if len(raw) > limits.resources:
        raise InputError(file, f"{len(raw)} resources, above the limit of {limits.resources} "
                               "resources (raise it with --limit resources=N)",
                         where=f"{base}/resources")
    steps: dict[str, Step] = {}
    for i, resource in enumerate(raw):
        where = f"{base}/resources/{i}"
        if not isinstance(resource, dict):
            raise InputError(file, f"resource must be an object, not {_kind(resource)}",
                             where=where)
        urn = resource.get("urn")
        if not isinstance(urn, str) or not urn:
            raise InputError(file, "resource has no urn", where=where)
        if resource.get("delete") is True:
            continue  # a resource pending deletion: replaced already, listed once more
        if urn in steps:
            raise InputError(file, f"urn {urn[:120]} appears twice", where=where)
        steps[urn] = Step(urn, ("same",), resource, resource, where, where, planned=False)
    manifest = deployment.get("manifest")
    version = manifest.get("version") if isinstance(manifest, dict) else None
    warnings = []
    if deployment.get("pending_operations"):
        warnings.append("the stack has pending operations (an interrupted update): what "
                        "they create or delete is not in this state")
    return build(list(steps.values()), file, FORMAT, default_region=default_region,
                 limits=limits, warnings=warnings, clouds=clouds,
                 tool_version=version if isinstance(version, str) else None)
