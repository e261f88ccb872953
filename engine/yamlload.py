"""YAML reading that keeps the line of every key and item.

PyYAML's constructors drop positions, so we compose the node tree (which keeps
marks) and build plain values ourselves, recording `path -> line` on the way.
Duplicate keys are an error here: PyYAML would silently keep the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import InputError

JsonPath = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(name, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(name, f"cannot read: {exc}") from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> YamlDoc:
    loader = _Loader(text)
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


def _build(loader: Any, node: yaml.Node, path: JsonPath, lines: dict[JsonPath, int],
           name: str, depth: int) -> Any:
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


def _scalar(loader: Any, node: yaml.ScalarNode) -> Any:
    # Dates stay text: schemas and waiver expiry parsing expect ISO strings.
    if node.tag in _KEEP_AS_TEXT:
        return node.value
    return loader.construct_object(node, deep=True)
