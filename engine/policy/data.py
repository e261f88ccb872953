"""Data files: thresholds, budgets, quotas and allowed values kept out of rule text.

A data file is any YAML mapping. Its namespace is the file stem: `quotas.yaml`
is referenced as ``{data: "quotas.gpus.ml-research.prod"}``. A key missing at
some level falls back to a ``"*"`` key at that level (a default row). Segments
written ``{name}`` are filled from an aggregate group at evaluation time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..settings import DEFAULT_SETTINGS, Settings
from ..yamlload import YamlDoc, load_config

_PLACEHOLDER = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_-]*)\}$")


class DataRefError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class DataRef:
    namespace: str
    keys: tuple[str, ...]
    text: str

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(m.group(1) for k in self.keys if (m := _PLACEHOLDER.match(k)))


def parse_ref(text: str) -> DataRef:
    if not isinstance(text, str) or not text.strip():
        raise DataRefError("a data reference is a non-empty string like 'quotas.gpus'")
    parts = text.split(".")
    if any(not p for p in parts):
        raise DataRefError(f"bad data reference {text!r}")
    return DataRef(parts[0], tuple(parts[1:]), text)


def is_ref(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"data"}


@dataclass(frozen=True, slots=True)
class DataStore:
    """Loaded data files by namespace (later files override earlier ones)."""

    docs: Mapping[str, YamlDoc] = field(default_factory=dict)

    def with_files(self, paths: list[str | Path],
                   overrides: list[str | Path] = ()) -> "DataStore":  # type: ignore[assignment]
        """The pack's data files (`paths`, namespace = file stem) merged, then the
        user's `--data` files (`overrides`) merged over them; see `merge_data`."""
        from .spec import PolicyErrors

        store, errors = self.merged(paths, overrides)
        if errors:
            raise PolicyErrors(errors)
        return store

    def merged(self, paths: list[str | Path], overrides: list[str | Path] = (),
               settings: Settings = DEFAULT_SETTINGS) -> tuple["DataStore", list[Any]]:
        """As `with_files`, returning the problems (InputErrors) beside what merged."""
        from .loader import display_name

        def read(path: str | Path) -> YamlDoc:
            doc = load_config(path, display_name(Path(path)), settings)
            if not isinstance(doc.data, Mapping):
                from ..errors import InputError
                raise InputError(doc.file, "a data file must be a YAML mapping", line=1)
            _check_finite(doc)
            return doc

        seen: set[Path] = set()
        pack = []
        for path in paths:
            if Path(path).resolve() not in seen:  # one file named by several policy files
                seen.add(Path(path).resolve())
                pack.append((Path(path).stem, read(path)))
        return merge_data(pack, [read(p) for p in overrides], dict(self.docs))

    def lookup(self, ref: DataRef, fill: Mapping[str, str] | None = None) -> Any:
        """The value at `ref`, placeholders filled from `fill`; DataRefError when absent."""
        doc = self.docs.get(ref.namespace)
        if doc is None:
            known = ", ".join(sorted(self.docs)) or "none"
            raise DataRefError(f"no data file named {ref.namespace!r} is loaded "
                               f"(loaded: {known})")
        node: Any = doc.data
        walked = [ref.namespace]
        for key in ref.keys:
            m = _PLACEHOLDER.match(key)
            if m:
                if fill is None:
                    return _Deferred()
                key = str(fill.get(m.group(1), ""))
            if not isinstance(node, Mapping):
                raise DataRefError(f"data key {'.'.join(walked)!r} in {doc.file} is not a mapping")
            if key in node:
                node = node[key]
            elif "*" in node:
                node = node["*"]
                key = "*"
            else:
                raise DataRefError(f"unknown data key {key!r} under {'.'.join(walked)!r} "
                                   f"in {doc.file}")
            walked.append(key)
        return node


_Origin = tuple[str, "int | None", int]  # file, line, layer (0: pack, 1: --data)


def merge_data(pack: list[tuple[str, YamlDoc]], overrides: list[YamlDoc],
               base: dict[str, YamlDoc] | None = None) -> tuple["DataStore", list[Any]]:
    """Namespace -> merged document.

    Pack files (namespace = stem) merge key by key. A `--data` file of any name
    merges over them: one named after a namespace (`quotas.yaml`) is that
    namespace's content; any other holds namespaces at its top level
    (`quotas: {gpus: ...}`), or, when its top-level keys name no namespace, is a
    new namespace named after its stem (for the user's own policies). A `--data`
    value replaces the pack's; a key a pack's namespace lacks at its first level is
    an error (a typo would otherwise be ignored); a key two files of the same layer
    both define is an error naming both files.
    """
    from ..errors import InputError

    trees: dict[str, dict[str, Any]] = {}
    files: dict[str, list[str]] = {}
    origin: dict[tuple[str, ...], _Origin] = {}
    errors: list[InputError] = []

    def merge(target: dict[str, Any], src: Mapping[str, Any], path: tuple[str, ...],
              doc: YamlDoc, at: tuple[Any, ...], layer: int) -> None:
        for key, value in src.items():
            key = str(key)
            here, line = path + (key,), doc.line(at + (key,))
            old = target.get(key)
            if isinstance(old, dict) and isinstance(value, Mapping):
                merge(old, value, here, doc, at + (key,), layer)
                continue
            if key in target:
                first = origin.get(here)
                if first is not None and first[2] == layer:
                    errors.append(InputError(doc.file, f"data key {'.'.join(here)!r} is also "
                                             f"defined in {first[0]}:{first[1]}", line=line))
                    continue
                for k in [k for k in origin if k[:len(here)] == here]:
                    del origin[k]
            target[key] = _plain(value)
            origin[here] = (doc.file, line, layer)

    def add(namespace: str, content: Mapping[str, Any], doc: YamlDoc, at: tuple[Any, ...],
            layer: int) -> None:
        tree = trees.setdefault(namespace, {})
        if layer == 1 and namespace in pack_names:
            for key in content:
                if str(key) not in tree:
                    near = ", ".join(sorted(tree)) or "none"
                    errors.append(InputError(doc.file, f"data key {key!r} is not a key of the "
                                             f"{namespace!r} data (keys: {near})",
                                             line=doc.line(at + (key,))))
                    return
        files.setdefault(namespace, []).append(doc.file)
        merge(tree, content, (namespace,), doc, at, layer)

    pack_names = {stem for stem, _ in pack} | set(base or {})
    for name, doc in (base or {}).items():
        add(name, doc.data, doc, (), 0)
    for stem, doc in pack:
        add(stem, doc.data, doc, (), 0)
    for doc in overrides:
        stem = Path(doc.file).stem
        keys = [str(k) for k in doc.data]
        if stem in pack_names:
            add(stem, doc.data, doc, (), 1)
        elif keys and all(k in pack_names for k in keys):
            for key in keys:
                value = doc.data[key]
                if not isinstance(value, Mapping):
                    errors.append(InputError(doc.file, f"data namespace {key!r} must be a "
                                             "mapping", line=doc.line((key,))))
                    continue
                add(key, value, doc, (key,), 1)
        else:
            add(stem, doc.data, doc, (), 1)
    return DataStore({name: YamlDoc(" + ".join(dict.fromkeys(files.get(name, []))), tree, {})
                      for name, tree in trees.items()}), errors


def _check_finite(doc: YamlDoc) -> None:
    """A NaN or infinite number (`.nan`, `.inf`) is an error naming file, line and key:
    every comparison with it is false, so a limit of `.nan` would never fire."""
    import math

    from ..errors import InputError

    stack: list[tuple[tuple[Any, ...], Any]] = [((), doc.data)]
    while stack:
        at, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            shown = ".nan" if value != value else "-.inf" if value < 0 else ".inf"
            where = ".".join(str(p) for p in at) or None
            raise InputError(doc.file, f"{shown} is not a finite number", line=doc.line(at),
                             where=where)
        if isinstance(value, Mapping):
            stack.extend((at + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((at + (i,), v) for i, v in enumerate(value))


def _plain(value: Any) -> Any:
    """A copy whose mappings are dicts (merged into later without touching the input)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Deferred:
    """Marker: the reference has group placeholders and is resolved per group."""
