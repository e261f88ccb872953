"""YAML reading that keeps the line of every key and item.

PyYAML's constructors drop positions, so we compose the node tree (which keeps
marks) and build plain values ourselves, recording `path -> line` on the way.
Duplicate keys are an error here: PyYAML would silently keep the last one.

Parsed documents go to the content-keyed parse cache (engine/filecache.py, kind
"yaml"): a run whose policy and data files are all cached never imports PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Mapping

from . import filecache
from .errors import InputError

JsonPath = tuple[str | int, ...]

_CACHE_FORMAT = "1"  # bump when the cached shape ({"data", "lines"}) changes
_MAX_DEPTH = 64
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document plus the line (1-based) of every path in it."""

    file: str
    data: Any
    lines: Mapping[JsonPath, int]

    def line(self, path: JsonPath) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one."""
        for i in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:i]))
            if line is not None:
                return line
        return None


def json_path(path: JsonPath) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def load_yaml(path: str | Path, display: str | None = None) -> YamlDoc:
    """Read one YAML file; any problem is an InputError naming file and line."""
    name = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(name, "file not found") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc}") from None
    root = filecache.cache_dir("yaml")
    key = filecache.content_key(_cache_version(), raw) if root is not None else ""
    doc = _cached_doc(name, filecache.load_entry(root, key)) if key else None
    if doc is not None:
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"cannot read: {exc}") from None
    doc = parse_yaml(text, name)
    if key and _json_exact(doc.data):
        filecache.store_entry(root, key, {"data": doc.data,
                                          "lines": [[list(p), n] for p, n in doc.lines.items()]})
    return doc


@cache
def _cache_version() -> str:
    return f"yaml{_CACHE_FORMAT}-pyyaml-{filecache.installed_version('pyyaml', 'yaml')}"


def _cached_doc(name: str, entry: Any) -> YamlDoc | None:
    if not isinstance(entry, dict) or "data" not in entry or not isinstance(entry.get("lines"), list):
        return None
    try:
        lines = {tuple(p): n for p, n in entry["lines"]}
    except (TypeError, ValueError):
        return None
    return YamlDoc(name, entry["data"], lines)


def _json_exact(value: Any) -> bool:
    """Whether JSON gives `value` back unchanged (YAML allows integer mapping keys)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_exact(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_exact(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def parse_yaml(text: str, name: str) -> YamlDoc:
    import yaml  # only on a cache miss

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        lines: dict[JsonPath, int] = {}
        data = None if node is None else _build(loader, node, (), lines, name, 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(name, f"YAML syntax error: {problem}",
                         line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(name, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    return YamlDoc(name, data, lines)


def _build(loader: Any, node: Any, path: JsonPath, lines: dict[JsonPath, int],
           name: str, depth: int) -> Any:
    import yaml

    if depth > _MAX_DEPTH:
        raise InputError(name, "YAML nested too deeply (or a recursive alias)",
                         line=node.start_mark.line + 1)
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(name, "mapping keys must be plain scalars",
                                 line=key_node.start_mark.line + 1)
            key = _scalar(loader, key_node)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key_node.value)
            if key in out:
                raise InputError(name, f"duplicate key {key!r} at {json_path(path)}",
                                 line=key_node.start_mark.line + 1)
            child = path + (key,)
            lines[child] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, child, lines, name, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, name, depth + 1)
                for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: Any, node: Any) -> Any:
    # Dates stay text: schemas and waiver expiry parsing expect ISO strings.
    if node.tag in _KEEP_AS_TEXT:
        return node.value
    return loader.construct_object(node, deep=True)
