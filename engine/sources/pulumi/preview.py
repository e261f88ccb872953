"""`pulumi preview --json` (the preview digest: `config`, `steps[]`, `diagnostics`)."""

from __future__ import annotations

from typing import Any, Mapping

from engine.errors import InputError
from engine.model import ChangeSet
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.pulumi.core import Step, build

FORMAT = "pulumi-preview"


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def read_preview(document: Mapping[str, Any], file: str, *, default_region: str | None = None,
                 limits: Limits = DEFAULT_LIMITS, clouds: Any = None) -> ChangeSet:
    raw = document.get("steps")
    if not isinstance(raw, list):
        raise InputError(file, f"steps must be an array, not {_kind(raw)}", where="/steps")
    if len(raw) > limits.resources:
        raise InputError(file, f"{len(raw)} steps, above the limit of {limits.resources} "
                               "resources (raise it with --limit resources=N)", where="/steps")
    merged: dict[str, Step] = {}
    for i, step in enumerate(raw):
        where = f"/steps/{i}"
        if not isinstance(step, dict):
            raise InputError(file, f"step must be an object, not {_kind(step)}", where=where)
        op, urn = step.get("op"), step.get("urn")
        if not isinstance(op, str) or not op:
            raise InputError(file, "step has no op (a string: create, update, same, ...)",
                             where=where)
        old, new = step.get("oldState"), step.get("newState")
        for name, value in (("oldState", old), ("newState", new)):
            if value is not None and not isinstance(value, dict):
                raise InputError(file, f"{name} must be an object or null, not {_kind(value)}",
                                 where=f"{where}/{name}")
        if not isinstance(urn, str) or not urn:
            urn = (new or old or {}).get("urn")
        if not isinstance(urn, str) or not urn:
            raise InputError(file, "step has no urn", where=where)
        seen = merged.get(urn)
        if seen is None:
            merged[urn] = Step(urn, (op,), old, new, where, where)
        else:  # the steps of one replacement: the first old state, the last new one
            merged[urn] = seen._replace(ops=seen.ops + (op,), old=seen.old or old,
                                        new=new or seen.new)
    warnings = []
    diagnostics = document.get("diagnostics")
    if isinstance(diagnostics, list):
        errors = [d for d in diagnostics if isinstance(d, dict) and d.get("severity") == "error"]
        if errors:
            warnings.append(f"the preview reported {len(errors)} error diagnostic(s): it may "
                            "be partial")
    if document.get("maybeCorrupt") is True:
        warnings.append("the preview says its state may be corrupt (maybeCorrupt)")
    config = document.get("config")
    return build(list(merged.values()), file, FORMAT,
                 config=config if isinstance(config, dict) else None,
                 default_region=default_region, limits=limits, warnings=warnings, clouds=clouds)
