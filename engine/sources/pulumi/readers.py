"""The registry entries of the Pulumi readers (see engine/sources/readers.py): how each
input is recognised; the readers themselves are imported on first read."""

from __future__ import annotations

import json
from typing import Any

from engine.sources.readers import ReadContext, Reader


def is_preview(document: Any) -> bool:
    """The preview digest (a damaged `steps` is the preview reader's error to report)."""
    return isinstance(document, dict) and "steps" in document


def is_export(document: Any) -> bool:
    return isinstance(document, dict) and ("deployment" in document or "checkpoint" in document)


def _event_kind(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(k, str) and k.endswith("Event")
                                           for k in value)


def is_event(document: Any) -> bool:
    """One engine event as a whole document (a stream of one line)."""
    return _event_kind(document) and "sequence" in document


def is_event_lines(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        return _event_kind(json.loads(first))
    except (json.JSONDecodeError, RecursionError):
        return False


def _read_preview(document: Any, shown: str, options: Any, context: ReadContext) -> Any:
    from engine.sources.pulumi.preview import read_preview

    return read_preview(document, shown, default_region=context.default_region,
                        limits=context.limits, clouds=context.clouds)


def _read_export(document: Any, shown: str, options: Any, context: ReadContext) -> Any:
    from engine.sources.pulumi.export import read_export

    return read_export(document, shown, default_region=context.default_region,
                       limits=context.limits, clouds=context.clouds)


def _read_events(value: Any, shown: str, options: Any, context: ReadContext) -> Any:
    from engine.sources.pulumi.events import read_events

    return read_events(value, shown, default_region=context.default_region,
                       limits=context.limits, clouds=context.clouds)


PREVIEW_READER = Reader("pulumi-preview", _read_preview, detect_document=is_preview,
                        description="`pulumi preview --json` (steps)")
EXPORT_READER = Reader("pulumi-export", _read_export, detect_document=is_export,
                       description="`pulumi stack export` (deployment)")
EVENTS_READER = Reader("pulumi-events", _read_events, detect_document=is_event,
                       detect_lines=is_event_lines,
                       description="Pulumi engine event stream (JSON lines)")
