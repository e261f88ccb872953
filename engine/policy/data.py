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

from ..yamlload import YamlDoc, load_yaml

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

    def with_files(self, paths: list[str | Path]) -> "DataStore":
        docs = dict(self.docs)
        from .loader import display_name

        for path in paths:
            doc = load_yaml(path, display_name(Path(path)))
            if not isinstance(doc.data, Mapping):
                from ..errors import InputError
                raise InputError(doc.file, "a data file must be a YAML mapping", line=1)
            docs[Path(path).stem] = doc
        return DataStore(docs)

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


class _Deferred:
    """Marker: the reference has group placeholders and is resolved per group."""
