"""YAML reading that keeps the line of every key and item.

PyYAML's constructors drop positions, so we compose the node tree (which keeps
marks) and build plain values ourselves, recording `path -> line` on the way.
Duplicate keys are an error here: PyYAML would silently keep the last one.
Anchors and aliases (`&a`, `*a`, `<<: *a`) are an error too: policy, data,
usage and waiver files need none, and aliases are how a small file expands
into a huge document (a "billion laughs" bomb). A file larger than
`Limits.config_bytes` is refused before it is parsed.

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
from .settings import DEFAULT_LIMITS, DEFAULT_SETTINGS, Limits, Settings

JsonPath = tuple[str | int, ...]

_CACHE_FORMAT = "2"  # bump when the cached shape ({"data", "lines"}) changes
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


def load_yaml(path: str | Path, display: str | None = None, *,
              limits: Limits = DEFAULT_LIMITS, cache_dir: Path | None = None) -> YamlDoc:
    """Read one YAML file; any problem is an InputError naming file and line.
    `cache_dir` (Settings.cache_dir) holds the parse cache; None: none."""
    name = display or str(path)
    cap = limits.config_bytes
    try:
        with open(path, "rb") as fh:
            raw = fh.read(cap + 1)
    except FileNotFoundError:
        raise InputError(name, "file not found") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > cap:
        raise InputError(name, f"file larger than {cap:,} bytes (limit config_bytes)")
    root = filecache.cache_dir(cache_dir, "yaml")
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


def load_config(path: str | Path, display: str | None = None,
                settings: Settings = DEFAULT_SETTINGS) -> YamlDoc:
    """`load_yaml` of a policy, data, usage or waiver file under a run's settings."""
    return load_yaml(path, display, limits=settings.limits, cache_dir=settings.cache_dir)


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
        data = None if node is None else _build(loader, node, (), lines, name, 0, set())
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
           name: str, depth: int, seen: set[int], line: int | None = None) -> Any:
    import yaml

    # The composer gives every alias the very node of its anchor: a node met twice
    # is an alias (or a merge key's copy of one).
    if id(node) in seen:
        raise InputError(name, "YAML aliases (*name, <<: *name) are not allowed in this file; "
                               f"write the value out (anchor at line {node.start_mark.line + 1})",
                         line=line or node.start_mark.line + 1)
    seen.add(id(node))
    if depth > _MAX_DEPTH:
        raise InputError(name, "YAML nested too deeply (or a recursive alias)",
                         line=node.start_mark.line + 1)
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError(name, "YAML merge keys (<<) are not allowed in this file; "
                                       "write the keys out", line=key_node.start_mark.line + 1)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(name, "mapping keys must be plain scalars",
                                 line=key_node.start_mark.line + 1)
            if id(key_node) in seen:
                raise InputError(name, "YAML aliases (*name) are not allowed in this file",
                                 line=key_node.start_mark.line + 1)
            seen.add(id(key_node))
            key = _scalar(loader, key_node)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key_node.value)
            if key in out:
                raise InputError(name, f"duplicate key {key!r} at {json_path(path)}",
                                 line=key_node.start_mark.line + 1)
            child = path + (key,)
            lines[child] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, child, lines, name, depth + 1, seen,
                              key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, name, depth + 1, seen,
                       node.start_mark.line + 1) for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: Any, node: Any) -> Any:
    # Dates stay text: schemas and waiver expiry parsing expect ISO strings.
    if node.tag in _KEEP_AS_TEXT:
        return node.value
    return loader.construct_object(node, deep=True)
