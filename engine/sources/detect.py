"""Detect an input's format from its content and read it into a ChangeSet.

The formats are the readers of a registry (`engine.sources.readers`): a path is
a file (parsed as JSON, or JSON lines) or a directory; an already parsed
document (a mapping or a list) is read as it is. The first reader that claims
the input reads it; to add a format, add a `Reader` (see readers.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from engine.errors import InputError
from engine.model import ChangeSet
from engine.settings import DEFAULT_SETTINGS, Settings
from engine.sources.documents import _StrictJsonError, decode_text, loads_strict, parse_json, \
    read_bytes
from engine.sources.readers import ReadContext, Reader, Readers, as_readers, options_mapping

_ZIP_MAGIC = b"PK\x03\x04"
_MAX_DIR_CANDIDATES = 50
DOCUMENT_NAME = "<document>"


def read_changeset(source: str | Path | Mapping[str, Any] | list[Any], *,
                   default_region: str | None = None,
                   options: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
                   readers: Readers | Iterable[Reader] | None = None,
                   name: str | None = None, settings: Settings = DEFAULT_SETTINGS,
                   clouds: Iterable[Any] | None = None) -> ChangeSet:
    """Read a plan file, a directory of .tf files (or holding one plan), or an already
    parsed document (`name` is shown in its errors) into a ChangeSet.

    `options` maps a reader's name to its options (e.g. {"terraform-hcl": HclOptions(...)});
    `readers` replaces the built-in registry; `clouds` the built-in cloud bundles."""
    registry = as_readers(readers)
    context = ReadContext(default_region, settings, options_mapping(options),
                          None if clouds is None else tuple(clouds))
    if isinstance(source, (Mapping, list)):
        shown = name or DOCUMENT_NAME
        _refuse(registry, context, shown, "document")
        return read_document(source, shown, context, registry)
    file = str(source)
    p = Path(source)
    if p.is_dir():
        return _read_directory(p, file, context, registry)
    if not p.exists():
        raise InputError(file, "file not found")
    _refuse(registry, context, file, "file")
    data = read_bytes(p, settings.limits)
    if data.startswith(_ZIP_MAGIC):
        raise InputError(file, "is a binary Terraform plan file; convert it with "
                               "`terraform show -json PLANFILE > plan.json` and pass that")
    return read_text(decode_text(data, file), file, context, registry)


def read_text(text: str, file: str, context: ReadContext = ReadContext(),
              readers: Readers | None = None) -> ChangeSet:
    """Read JSON text (one document, or JSON lines) into a ChangeSet."""
    registry = as_readers(readers)
    try:
        document = loads_strict(text)
    except _StrictJsonError:
        parse_json(text, file)  # raises the one-line InputError
        raise  # pragma: no cover - parse_json always raises here
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            for reader in registry:
                if reader.detect_lines is not None and reader.detect_lines(text):
                    return _read(reader, text, file, context)
        parse_json(text, file)  # raises the one-line InputError
        raise  # pragma: no cover - parse_json always raises here
    except RecursionError:
        raise InputError(file, "JSON nesting is too deep") from None
    return read_document(document, file, context, registry)


def read_document(document: Any, file: str, context: ReadContext = ReadContext(),
                  readers: Readers | None = None) -> ChangeSet:
    return _read(detect_document(document, file, readers), document, file, context)


def detect_document(document: Any, file: str, readers: Readers | None = None) -> Reader:
    """The reader of a parsed JSON document, or an InputError saying what it is."""
    registry = as_readers(readers)
    for reader in registry:
        if reader.detect_document is None:
            continue
        claimed = reader.detect_document(document)
        if isinstance(claimed, str):
            raise InputError(file, claimed)
        if claimed:
            return reader
    for reader in registry:
        reason = reader.explain(document) if reader.explain is not None else None
        if reason:
            raise InputError(file, reason)
    if not isinstance(document, dict):
        kind = "an array" if isinstance(document, list) else f"a JSON {type(document).__name__}"
        raise InputError(file, f"not a Terraform plan: the document is {kind}, expected an "
                               "object from `terraform show -json`")
    keys = set(document)
    shown = ", ".join(sorted(map(str, keys))[:8]) + (", ..." if len(keys) > 8 else "")
    raise InputError(file, "not a Terraform plan (expected resource_changes/format_version; "
                           f"found keys: {shown or 'none'})")


def sniff_format(document: Any, file: str, readers: Readers | None = None) -> str:
    """The format name of a parsed JSON document, or an InputError saying what it is."""
    return detect_document(document, file, readers).name


def _read(reader: Reader, value: Any, file: str, context: ReadContext) -> ChangeSet:
    return reader.read(value, file, context.options_for(reader), context)


def _refuse(registry: Readers, context: ReadContext, shown: str, kind: str) -> None:
    """Readers whose options were given for an input another reader reads refuse them."""
    for reader in registry:
        if reader.refuse is not None:
            reader.refuse(context.options_for(reader), shown, kind)


def _read_directory(directory: Path, file: str, context: ReadContext,
                    registry: Readers) -> ChangeSet:
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise InputError(file, f"cannot list directory: {exc.strerror or exc}") from None
    for reader in registry:
        if reader.detect_directory is not None and reader.detect_directory(entries):
            return _read(reader, directory, file, context)
    _refuse(registry, context, file, "directory")
    found: list[Path] = []
    listed = [r for r in registry if r.in_directory is not None]
    for candidate in [e for e in entries if e.suffix == ".json" and e.is_file()][
            :_MAX_DIR_CANDIDATES]:
        try:
            data = read_bytes(candidate, context.limits)
            document = loads_strict(decode_text(data, str(candidate)))
        except (InputError, json.JSONDecodeError, _StrictJsonError, RecursionError):
            continue
        if any(r.in_directory(document) for r in listed):  # type: ignore[misc]
            found.append(candidate)
    if not found:
        raise InputError(file, "directory holds no Terraform plan JSON (a *.json file from "
                               "`terraform show -json`) and no *.tf files")
    if len(found) > 1:
        names = ", ".join(p.name for p in found[:5])
        raise InputError(file, f"directory holds several plan files ({names}); pass one")
    return read_changeset(found[0], default_region=context.default_region,
                          readers=registry, settings=context.settings)
