"""The reader registry: one `Reader` per input format, and the list of the built-in ones.

A reader says how it recognises its input (by content, never by file name) and
how it reads it into a ChangeSet. There are three kinds of input, and a reader
claims any of them through its own `detect_*` function:

- a parsed JSON document (`detect_document(document) -> bool | str`; a string
  refuses a near miss with that message, e.g. a Terraform state where a plan
  was expected);
- a directory (`detect_directory(entries) -> bool`, the directory's sorted entries);
- JSON lines, i.e. text that is several JSON values one per line
  (`detect_lines(text) -> bool`).

`read(value, name, options, context)` gets what was claimed (the document, the
directory's path or the text), the name to show in errors, the reader's own
options (an instance of `options`, defaults when none were given) and the
`ReadContext` shared by every reader (default region, limits).

A reader's own command-line options are declared by `add_arguments(group)` and
collected by `options_from_args(args)`; `refuse(options, name, kind)` lets it
refuse its options given for an input another reader reads (kind "file" or
"directory"). To add an input format: one module with its `read`, and one
`Reader(...)` line in `_builtin()` (or pass it in: `read_changeset(..., readers=...)`).
Nothing here imports a parser: the built-in readers import theirs on first read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from engine.settings import DEFAULT_SETTINGS, Limits, Settings


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What every read is given: the region fallback, the run's settings (limits,
    parse processes, parse cache), each reader's options."""

    default_region: str | None = None
    settings: Settings = DEFAULT_SETTINGS
    options: tuple[tuple[str, Any], ...] = ()  # (reader name, that reader's options)
    # The cloud bundles whose conventions (aliases, tags, regions) readers apply
    # (None: the built-in ones).
    clouds: tuple[Any, ...] | None = None

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    def options_for(self, reader: "Reader") -> Any:
        for name, value in self.options:
            if name == reader.name:
                return value
        return reader.options() if reader.options is not None else None


@dataclass(frozen=True, slots=True)
class Reader:
    """One input format: how it is recognised, read, and configured."""

    name: str  # the ChangeSet's source_format, e.g. "terraform-plan"
    read: Callable[[Any, str, Any, ReadContext], Any]
    detect_document: Callable[[Any], bool | str] | None = None
    detect_directory: Callable[[Sequence[Path]], bool] | None = None
    detect_lines: Callable[[str], bool] | None = None
    # a document found among a directory's *.json files that is this input
    in_directory: Callable[[Any], bool] | None = None
    # when no reader claims a document: the reason it is not this input, if a near miss
    explain: Callable[[Any], str | None] | None = None
    options: type | None = None  # a frozen dataclass; its defaults mean "no option given"
    add_arguments: Callable[[Any], None] | None = None
    options_from_args: Callable[[Any], Any] | None = None
    refuse: Callable[[Any, str, str], None] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a reader needs a name, got {self.name!r}")
        if not callable(self.read):
            raise ValueError(f"reader {self.name!r}: read must be callable")
        if not (self.detect_document or self.detect_directory or self.detect_lines):
            raise ValueError(f"reader {self.name!r} detects nothing: give it a detect_document, "
                             "detect_directory or detect_lines")


class Readers:
    """An ordered set of readers, names unique; the first that claims an input reads it."""

    def __init__(self, readers: Iterable[Reader]) -> None:
        found: dict[str, Reader] = {}
        for reader in readers:
            if not isinstance(reader, Reader):
                raise TypeError(f"not a Reader: {reader!r}")
            if reader.name in found:
                raise ValueError(f"two readers are named {reader.name!r}")
            found[reader.name] = reader
        self._readers = tuple(found.values())

    def __iter__(self) -> Iterator[Reader]:
        return iter(self._readers)

    def __len__(self) -> int:
        return len(self._readers)

    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self._readers)

    def get(self, name: str) -> Reader:
        for r in self._readers:
            if r.name == name:
                return r
        raise KeyError(name)

    def with_readers(self, *extra: Reader) -> "Readers":
        """These readers and `extra` after them (a duplicate name is an error)."""
        return Readers([*self._readers, *extra])


@lru_cache(maxsize=1)
def builtin_readers() -> Readers:
    return Readers(_builtin())


def as_readers(readers: Readers | Iterable[Reader] | None) -> Readers:
    if readers is None:
        return builtin_readers()
    return readers if isinstance(readers, Readers) else Readers(readers)


def options_from_args(args: Any, readers: Readers | None = None) -> tuple[tuple[str, Any], ...]:
    """Each reader's options from parsed arguments (readers whose options were declared)."""
    out = []
    for reader in as_readers(readers):
        if reader.options_from_args is not None:
            value = reader.options_from_args(args)
            if value is not None:
                out.append((reader.name, value))
    return tuple(out)


def options_mapping(options: Mapping[str, Any] | Iterable[tuple[str, Any]] | None
                    ) -> tuple[tuple[str, Any], ...]:
    if not options:
        return ()
    items = options.items() if isinstance(options, Mapping) else options
    return tuple((str(k), v) for k, v in items)


# --- the built-in readers ------------------------------------------------------------------


def _builtin() -> list[Reader]:
    from engine.sources import terraform_readers as tf
    from engine.sources.pulumi import readers as pulumi

    return [
        tf.STATE_READER,  # before the plan reader, which refuses a state
        tf.PLAN_READER,
        tf.HCL_READER,
        pulumi.PREVIEW_READER,
        pulumi.EXPORT_READER,
        pulumi.EVENTS_READER,
    ]
