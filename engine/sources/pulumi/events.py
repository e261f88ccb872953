"""The Pulumi engine event stream (`pulumi preview/up --json` event log, the Automation
API's events): JSON lines `{"sequence": n, "timestamp": t, "<kind>Event": {...}}`.

Read in one pass, line by line: `preludeEvent` gives the stack config,
`resourcePreEvent`/`resOutputsEvent` the steps (`metadata`: op, urn, old, new), the
other kinds (diagnostics, failures, the summary) warnings. A line that is not a JSON
object, or an event that is not well formed, is an error naming its line.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from engine.errors import InputError
from engine.model import ChangeSet
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.documents import _StrictJsonError, loads_strict
from engine.sources.pulumi.core import Step, build
from engine.sources.pulumi.preview import _kind

FORMAT = "pulumi-events"
_STEP_EVENTS = ("resourcePreEvent", "resOutputsEvent")


def event_kind(event: Any) -> str | None:
    """The `<kind>Event` key of an engine event, if it is one."""
    if not isinstance(event, dict):
        return None
    return next((k for k in event if isinstance(k, str) and k.endswith("Event")), None)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    start, number = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        number += 1
        yield number, text[start:end]
        start = end + 1


def read_events(value: Any, file: str, *, default_region: str | None = None,
                limits: Limits = DEFAULT_LIMITS, clouds: Any = None) -> ChangeSet:
    """`value`: the text of the stream, or one already parsed event."""
    events = iter([(1, value)]) if isinstance(value, dict) else _parsed(value, file)
    config: dict[str, Any] = {}
    steps: dict[str, Step] = {}
    outputs_seen: set[str] = set()
    planning = False
    failed = diagnostics = 0
    warnings: list[str] = []
    count = 0
    for number, event in events:
        kind = event_kind(event)
        if kind is None:
            raise InputError(file, "not a Pulumi engine event (no <kind>Event key)",
                             line=number)
        body = event[kind]
        if kind == "preludeEvent":
            if isinstance(body, dict) and isinstance(body.get("config"), dict):
                config.update(body["config"])
            continue
        if kind == "diagnosticEvent":
            diagnostics += isinstance(body, dict) and body.get("severity") == "error"
            continue
        if kind == "resOpFailedEvent":
            failed += 1
            continue
        if kind == "summaryEvent":
            if isinstance(body, dict) and body.get("maybeCorrupt") is True:
                warnings.append("the update says its state may be corrupt (maybeCorrupt)")
            continue
        if kind not in _STEP_EVENTS:
            continue
        if not isinstance(body, dict) or not isinstance(body.get("metadata"), dict):
            raise InputError(file, f"{kind} has no metadata object", line=number)
        planning = planning or body.get("planning") is True
        meta = body["metadata"]
        op, urn = meta.get("op"), meta.get("urn")
        if not isinstance(op, str) or not op or not isinstance(urn, str) or not urn:
            raise InputError(file, f"{kind} metadata needs an op and a urn (strings)",
                             line=number)
        old, new = meta.get("old"), meta.get("new")
        for name, state in (("old", old), ("new", new)):
            if state is not None and not isinstance(state, dict):
                raise InputError(file, f"metadata.{name} must be an object or null, not "
                                       f"{_kind(state)}", line=number)
        old, new = old or None, new or None  # a delete's `new` is {}
        seen = steps.get(urn)
        if seen is None:
            count += 1
            if count > limits.resources:
                raise InputError(file, f"more than {limits.resources} resources (raise the "
                                       "limit with --limit resources=N)", line=number)
            steps[urn] = Step(urn, (op,), old, new, "", None, number)
        else:
            ops = seen.ops if op in seen.ops else seen.ops + (op,)
            steps[urn] = seen._replace(ops=ops, old=seen.old or old, new=new or seen.new)
        if kind == "resOutputsEvent":
            outputs_seen.add(urn)
    if failed:
        warnings.append(f"{failed} resource operation(s) failed (resOpFailedEvent)")
    if diagnostics:
        warnings.append(f"the run reported {diagnostics} error diagnostic(s): it may be partial")
    final = [s._replace(planned=planning or s.urn not in outputs_seen) for s in steps.values()]
    pending = [s for s in final if s.urn not in outputs_seen]
    if not planning and pending:
        warnings.append(f"{len(pending)} resource(s) have no outputs event (the update was "
                        "interrupted?): their new state is as planned")
    return build(final, file, FORMAT, config=config, default_region=default_region,
                 limits=limits, warnings=warnings, clouds=clouds, errored=bool(failed))


def _parsed(text: Any, file: str) -> Iterator[tuple[int, Any]]:
    if not isinstance(text, str):
        raise InputError(file, "an event stream is JSON lines text")
    for number, line in _lines(text):
        if not line.strip():
            continue
        try:
            event = loads_strict(line)
        except json.JSONDecodeError as exc:
            raise InputError(file, f"invalid JSON: {exc.msg}", line=number,
                             where=f"column {exc.colno}") from None
        except _StrictJsonError as exc:
            raise InputError(file, f"invalid JSON: {exc}", line=number) from None
        except RecursionError:
            raise InputError(file, "JSON nesting is too deep", line=number) from None
        if not isinstance(event, dict):
            raise InputError(file, f"an event must be a JSON object, not {_kind(event)}",
                             line=number)
        yield number, event
