"""Reading input documents: encoding sniffing and JSON with one-line errors."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.settings import DEFAULT_LIMITS, Limits

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # must be tested before UTF-16 LE (same prefix)
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_bytes(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, or an InputError naming the file and what is wrong.

    Only regular files are read (a fifo, a device such as /dev/zero or a socket
    is refused before reading), and at most `limits.input_bytes` of them.
    """
    p = Path(path)
    cap = limits.input_bytes
    try:
        info = os.stat(p)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(str(path), "is a directory, expected a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(path), "is not a regular file (a device, fifo or socket); "
                                        "refusing to read it")
        if info.st_size > cap:
            raise InputError(str(path), f"file is {info.st_size} bytes, above the limit of "
                                        f"{cap} (raise it with --limit input_bytes=N)")
        with open(p, "rb") as handle:
            data = handle.read(cap + 1)
        if len(data) > cap:
            raise InputError(str(path), f"file is larger than the limit of {cap} bytes "
                                        "(raise it with --limit input_bytes=N)")
        return data
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read file: {exc.strerror or exc}") from None


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16/32 with BOM; reject binary and empty input."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    else:
        # UTF-16 without a BOM shows as NUL bytes next to ASCII; say so rather than "binary".
        head = data[:64]
        if len(head) >= 4 and head.count(0) * 4 >= len(head) and (head[0] == 0 or head[1] == 0):
            raise InputError(file, "looks like UTF-16 text without a byte-order mark; "
                                   "save it as UTF-8 (or UTF-16 with a BOM)")
    if not data.strip():
        raise InputError(file, "file is empty")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(file, f"not valid {encoding.upper()} text (bad byte at offset "
                               f"{exc.start}); binary file?") from None
    if "\x00" in text:
        raise InputError(file, "contains NUL characters; binary file?")
    if not text.strip():
        raise InputError(file, "file is empty")
    return text


def read_text(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a text document whatever its Unicode encoding (BOM sniffed first)."""
    return decode_text(read_bytes(path, limits), str(path))


class _StrictJsonError(ValueError):
    """A duplicate object key or a NaN/Infinity literal (not JSON, never written by tools)."""


class _ConstantError(_StrictJsonError):
    """A NaN/Infinity literal; `name` is the literal as written."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not a JSON value (numbers must be finite)")
        self.name = name


# Strings are matched whole so a NaN inside one is skipped; a string followed by ':' is a key.
_TOKENS = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?|(-?(?:NaN|Infinity))')


def _locate_constant(text: str, name: str) -> tuple[int | None, str | None]:
    """(line, last key before it) of the first bare `name` literal; error path only."""
    key = None
    for m in _TOKENS.finditer(text):
        if m.group(3) is None:
            if m.group(2):
                key = m.group(1)
            continue
        if m.group(3) == name:
            try:
                key = json.loads(f'"{key}"') if key is not None else None
            except json.JSONDecodeError:
                pass
            return text.count("\n", 0, m.start()) + 1, key
    return None, None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _StrictJsonError(f"duplicate key {key[:80]!r} in one JSON object "
                                       "(Terraform never writes them; which value counts "
                                       "is ambiguous)")
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise _ConstantError(name)


def loads_strict(text: str) -> Any:
    """json.loads refusing duplicate keys and NaN/Infinity (raises _StrictJsonError)."""
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def parse_json(text: str, file: str) -> Any:
    """Strict JSON with a one-line error: file:line: column N: what is wrong."""
    try:
        return loads_strict(text)
    except json.JSONDecodeError as exc:
        raise json_error(exc, text, file) from None
    except _ConstantError as exc:
        line, key = _locate_constant(text, exc.name)
        where = key[:200] if key is not None else None
        raise InputError(file, f"invalid JSON: {exc}", line=line, where=where) from None
    except _StrictJsonError as exc:
        raise InputError(file, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise InputError(file, "JSON nesting is too deep") from None


def json_error(exc: json.JSONDecodeError, text: str, file: str) -> InputError:
    what = exc.msg
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        what = f"file ends early (truncated?): {exc.msg}"
    elif exc.msg == "Extra data":
        what = "extra data after the JSON document (JSON lines or two documents?)"
    return InputError(file, f"invalid JSON: {what}", line=exc.lineno,
                      where=f"column {exc.colno}")


def load_json(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Read and parse a JSON document (any supported encoding)."""
    file = str(path)
    return parse_json(read_text(path, limits), file)
