"""YAML loading that remembers where every value came from.

`load_yaml` returns plain Python data plus a map from JSON pointer to line,
so schema errors can name `file:line` and the JSON path of the bad value.
Duplicate keys are errors (PyYAML silently keeps the last one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .errors import InputError


@dataclass(frozen=True, slots=True)
class YamlDocument:
    path: str
    data: Any
    lines: Mapping[str, int]  # JSON pointer -> 1-based line

    def line_of(self, pointer: str) -> int | None:
        """Line of `pointer`, or of its nearest parent that has one."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def pointer_of(path: Any) -> str:
    """JSON pointer for a sequence of keys/indexes (jsonschema's error.absolute_path)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def load_yaml(path: str | Path, text: str | None = None) -> YamlDocument:
    import yaml

    name = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError(name, "file not found") from None
        except IsADirectoryError:
            raise InputError(name, "is a directory, expected a YAML file") from None
        except UnicodeDecodeError as exc:
            raise InputError(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise InputError(name, f"cannot read: {exc.strerror}") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        data = _build(loader, node, "", lines, name) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(name, f"YAML syntax error: {exc.problem or exc.context}",
                         line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(name, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return YamlDocument(name, data, lines)


def _build(loader: Any, node: Any, pointer: str, lines: dict[str, int], name: str) -> Any:
    import yaml

    lines[pointer] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise InputError(name, "mapping keys must be scalars",
                                 line=key_node.start_mark.line + 1)
            if key in out:
                raise InputError(name, f"duplicate key {key!r}", line=key_node.start_mark.line + 1,
                                 where=pointer or "/")
            child = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            out[key] = _build(loader, value_node, child, lines, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, f"{pointer}/{i}", lines, name)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def validate(doc: YamlDocument, schema: Mapping[str, Any], *, what: str = "") -> None:
    """Validate against a JSON Schema; the first error (by position) becomes an InputError."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(doc.data))
    if not errors:
        return
    def position(err: Any) -> tuple[int, str]:
        ptr = pointer_of(err.absolute_path)
        return (doc.line_of(ptr) or 0, ptr)
    err = min(errors, key=position)
    # Prefer the most specific error inside anyOf/oneOf branches.
    if err.context:
        err = min(err.context, key=lambda e: (-len(e.absolute_path), position(e)))
    ptr = pointer_of(err.absolute_path)
    raise InputError(doc.path, f"{what}{_describe(err)}", line=doc.line_of(ptr),
                     where=ptr or "/")


def _describe(err: Any) -> str:
    if err.validator == "additionalProperties":
        return err.message.replace("Additional properties are not allowed", "unknown key")
    if err.validator == "required":
        return err.message.replace("is a required property", "is required")
    return err.message
