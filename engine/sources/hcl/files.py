"""Terraform's file functions, confined to the module tree.

A .tf file may be written by someone who wants the CI job's secrets, so a file
function reads only a regular file inside an allowed directory tree (the root
module's, or the calling module's own for a module sourced from outside the
root), after resolving symlinks. Refused, with the file and line of the call:
absolute and `~` paths, paths that leave the tree (`..`, a symlink pointing
out), anything inside a `.git` directory (checkout credentials live there),
special files (/proc, /dev, fifos, devices, directories) and files larger than
`Limits.file_read_bytes`. The message names the path, never the content.
Relative paths are relative to the root module directory (Terraform's working
directory), as `${path.module}/...` expects.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path
from typing import Any, Sequence

from engine.sources.hcl.values import UNKNOWN, EvalError, Refused, type_name

_HASHES = {"filemd5": hashlib.md5, "filesha1": hashlib.sha1, "filesha256": hashlib.sha256,
           "filesha512": hashlib.sha512}
_BASE64_HASHES = {"filebase64sha256": hashlib.sha256, "filebase64sha512": hashlib.sha512}
FILE_FUNCTIONS = frozenset({"file", "templatefile", "fileexists", "filebase64", "fileset",
                            *_HASHES, *_BASE64_HASHES})


def file_function(name: str, args: Sequence[Any], base: Path, allowed: Sequence[Path],
                  max_bytes: int) -> Any:
    """The value of `name(args...)`; text for templatefile (evaluated by the caller).

    `base` resolves relative paths; `allowed` are the directory trees a read may
    touch. Raises Refused for a path outside them or a file that is not a small
    regular file, EvalError for a file that does not exist.
    """
    raw = args[0]
    if not isinstance(raw, str):
        raise EvalError(f"{name}(): a path must be a string, got {type_name(raw)}")
    path = confine(name, raw, base, allowed)
    if name == "fileset":
        return UNKNOWN  # listing is not supported (the caller warns); the path was checked
    if name == "fileexists":
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise EvalError(f"fileexists(): cannot read {_show(raw)}: {exc.strerror}") from None
        if stat.S_ISDIR(mode):
            raise EvalError(f"fileexists(): {_show(raw)} is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise Refused(f"fileexists(): {_show(raw)} is not a regular file (refused)")
        return True
    data = read_regular(name, raw, path, max_bytes)
    if name == "filebase64":
        return base64.b64encode(data).decode()
    if name in _HASHES:
        return _HASHES[name](data).hexdigest()
    if name in _BASE64_HASHES:
        return base64.b64encode(_BASE64_HASHES[name](data).digest()).decode()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError(f"{name}(): {_show(raw)} is not UTF-8 text (use filebase64)") from None


def confine(name: str, raw: str, base: Path, allowed: Sequence[Path]) -> str:
    """The real path of `raw` when it lies inside one of the `allowed` trees."""
    if "\0" in raw:
        raise Refused(f"{name}(): a path with a NUL character is refused")
    if os.path.isabs(raw) or raw.startswith("~") or (len(raw) > 1 and raw[1] == ":"):
        raise Refused(f"{name}(): absolute path {_show(raw)} refused: only files inside "
                      "the module directory are read")
    real = os.path.realpath(os.path.join(base, raw))
    for tree in allowed:
        top = os.path.realpath(tree)
        rel = os.path.relpath(real, top)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            continue
        if ".git" in Path(rel).parts:
            raise Refused(f"{name}(): {_show(raw)} is inside a .git directory (refused)")
        return real
    raise Refused(f"{name}(): {_show(raw)} is outside the module directory (refused: "
                  "after resolving .. and symlinks, only files inside it are read)")


def read_regular(name: str, raw: str, path: str, max_bytes: int) -> bytes:
    """At most `max_bytes` of a regular file; never blocks on a fifo or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise EvalError(f"{name}(): no file {_show(raw)}") from None
    except OSError as exc:
        raise EvalError(f"{name}(): cannot read {_show(raw)}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{name}(): {_show(raw)} is not a regular file (refused)")
        if info.st_size > max_bytes:
            raise Refused(f"{name}(): {_show(raw)} is larger than {max_bytes:,} bytes "
                          "(limit file_read_bytes)")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise Refused(f"{name}(): {_show(raw)} is larger than {max_bytes:,} bytes "
                              "(limit file_read_bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise EvalError(f"{name}(): cannot read {_show(raw)}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _show(raw: str) -> str:
    return repr(raw if len(raw) <= 120 else raw[:117] + "...")
