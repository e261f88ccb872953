"""A content-keyed cache of parsed files (HCL syntax trees, YAML documents).

Entries are JSON values keyed by sha256(format version + file bytes) in
`<Settings.cache_dir>/<kind>`; no cache_dir (a library's default) means no cache.
The command line takes the directory from the environment once
(`Settings.from_environment`: COSTWARDEN_CACHE_DIR, XDG_CACHE_HOME, ~/.cache).
Writes go to a temporary file renamed into place (atomic, safe for concurrent
runs); an unreadable or malformed entry is a miss and is rewritten.

Each entry is one header line, `costwarden-cache 2 <key> <blake2b of payload>`,
then the JSON payload. An entry whose header does not name the key it is read
for (it was copied from another source file) or whose payload does not match its
checksum (edited, truncated) is ignored, re-parsed and rewritten. This catches
corruption and tampering by anything that does not recompute the checksum; a
cache directory must still not be writable by untrusted jobs (anyone who can
write it can write a consistent entry).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any


def cache_dir(root: str | Path | None, kind: str) -> Path | None:
    """The folder of one kind of entries ("hcl", "yaml") under `root`; None: no cache."""
    return None if root is None else Path(root) / kind


def content_key(version: str, data: bytes) -> str:
    h = hashlib.sha256(version.encode())
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


_MAGIC = b"costwarden-cache 2 "


def checksum(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


def load_entry(root: Path | None, key: str) -> Any:
    """The cached JSON value, or None on a miss (absent, unreadable, malformed, or
    failing its checks: another key in the header, a payload that does not match
    its checksum)."""
    if root is None:
        return None
    try:  # plain os.path and open(): pathlib costs more than the read of a small file
        with open(os.path.join(root, key[:2], key + ".json"), "rb") as fh:
            raw = fh.read()
        head, sep, payload = raw.partition(b"\n")
        if not sep or not head.startswith(_MAGIC):
            return None
        fields = head[len(_MAGIC):].split(b" ")
        if len(fields) != 2 or fields[0] != key.encode() or \
                fields[1] != checksum(payload).encode():
            return None
        return json.loads(payload.decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None


def store_entry(root: Path | None, key: str, value: Any) -> None:
    if root is None:
        return
    import tempfile  # (and shutil with it) only when writing

    path = root / key[:2] / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            payload = json.dumps(value, separators=(",", ":")).encode("utf-8")
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + f"{key} {checksum(payload)}\n".encode() + payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full cache directory only costs speed


def installed_version(distribution: str, package: str) -> str:
    """A distribution's version without importing it: the name of its .dist-info
    folder beside the package (importlib.metadata, the fallback, costs ~20 ms of
    imports, a tenth of a warm pre-commit run). `distribution` as in that folder
    name, lower case with underscores (python_hcl2, pyyaml)."""
    prefix = distribution + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        if package in names:
            for name in names:
                if name.lower().startswith(prefix) and name.endswith(".dist-info"):
                    return name[len(prefix):-len(".dist-info")]
            break
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"
