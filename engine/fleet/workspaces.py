"""What a fleet is made of: workspaces found in a directory tree or listed in a manifest.

A workspace is one input the readers know: a plan JSON, a state (`terraform show
-json` or a raw `*.tfstate`), a Pulumi preview or stack export, or a directory of
`.tf` files (a root module). A tree is walked in sorted order: every `*.json` and
`*.tfstate` file is a workspace, and so is every directory holding `.tf` files.
A manifest (YAML or JSON) names each workspace, its path (relative to the manifest,
never outside its directory) or URL (`s3://`, `gs://`, `az://`, `memory://`, ... through
fsspec), labels such as team and env, and the region of resources whose input does not
say it (a raw state has no provider configuration).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..settings import DEFAULT_LIMITS, Limits

FILE_SUFFIXES = (".json", ".tfstate")
_SKIP_DIRS = {".terraform", ".git", "node_modules", "__pycache__"}
_LOCAL_PROTOCOLS = {"file", "local"}  # in a manifest they would reach outside its folder


@dataclass(frozen=True, slots=True)
class Workspace:
    name: str  # unique in the fleet: what every output shows
    source: str  # a local path or a URL
    labels: tuple[tuple[str, str], ...] = ()  # sorted (key, value)
    region: str | None = None  # for resources whose region the input does not say

    @property
    def is_url(self) -> bool:
        return is_url(self.source)


def is_url(text: str) -> bool:
    return "://" in text


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path in it) of a URL; a clear error without the extra."""
    try:
        import fsspec
    except ImportError:  # pragma: no cover - fsspec is in the test extra
        raise InputError(url, "URLs need fsspec: pip install 'costwarden[fleet]'") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ValueError, ImportError) as exc:
        raise InputError(url, f"cannot open this URL: {exc}") from None


def discover(root: str) -> tuple[Workspace, ...]:
    """Every workspace under `root` (a directory or a directory URL), by sorted path."""
    found = list(_walk_url(root) if is_url(root) else _walk_local(root))
    if not found:
        raise InputError(root, "no workspaces found (no *.json or *.tfstate file and no "
                               "directory of .tf files)")
    return tuple(sorted(found, key=lambda w: w.name))


def _walk_local(root: str) -> Iterator[Workspace]:
    base = Path(root)
    if not base.is_dir():
        raise InputError(root, "not a directory (give a directory of workspaces or a "
                               "manifest file)")
    for here, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        rel = Path(here).relative_to(base).as_posix()
        if any(f.endswith(".tf") for f in files):
            yield Workspace(rel if rel != "." else base.resolve().name or ".", here)
        for f in sorted(files):
            if f.endswith(FILE_SUFFIXES) and (Path(here) / f).is_file():
                yield Workspace(f if rel == "." else f"{rel}/{f}", str(Path(here) / f))


def _walk_url(root: str) -> Iterator[Workspace]:
    fs, top = filesystem(root)
    top = top.rstrip("/")
    try:
        paths = sorted(fs.find(top))
    except (OSError, ValueError) as exc:
        raise InputError(root, f"cannot list: {exc}") from None
    out: dict[str, Workspace] = {}
    for p in paths:
        rel = posixpath.relpath(p, top)
        parts = rel.split("/")
        if rel.startswith("../") or any(part in _SKIP_DIRS or part.startswith(".")
                                        for part in parts[:-1]):
            continue
        if p.endswith(".tf"):
            here = posixpath.dirname(p)
            name = posixpath.dirname(rel) or posixpath.basename(top)
            out.setdefault(name, Workspace(name, fs.unstrip_protocol(here)))
        elif p.endswith(FILE_SUFFIXES):
            out[rel] = Workspace(rel, fs.unstrip_protocol(p))
    return iter(out[k] for k in sorted(out))


# --- manifests ---------------------------------------------------------------------------

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["workspaces"],
    "properties": {
        "version": {"const": 1},
        "labels": {"$ref": "#/$defs/labels"},
        "region": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$"},
        "workspaces": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 256},
                    "path": {"type": "string", "minLength": 1, "maxLength": 4096},
                    "team": {"type": "string", "minLength": 1, "maxLength": 256},
                    "env": {"type": "string", "minLength": 1, "maxLength": 256},
                    "region": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$"},
                    "labels": {"$ref": "#/$defs/labels"},
                },
            },
        },
    },
    "$defs": {"labels": {
        "type": "object", "maxProperties": 64,
        "propertyNames": {"pattern": "^[A-Za-z0-9_.-]{1,64}$"},
        "additionalProperties": {"type": "string", "maxLength": 256}}},
}


def load_manifest(path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Workspace, ...]:
    """The workspaces a manifest file (a local path or URL) lists, in its order."""
    from ..yamlload import parse_yaml
    from ..yamlschema import schema_errors

    text = _manifest_text(path, limits)
    doc = parse_yaml(text, path)
    errors = schema_errors(doc, MANIFEST_SCHEMA)
    if errors:
        raise errors[0]
    defaults = doc.data.get("labels") or {}
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(doc.data["workspaces"]):
        where = f"$.workspaces[{i}]"
        line = doc.line(("workspaces", i))
        source = _resolve(path, item["path"], line, where)
        name = item.get("name") or item["path"]
        if name in seen:
            raise InputError(path, f"workspace name {name!r} is also used by "
                                   f"$.workspaces[{seen[name]}]", line=line, where=where)
        seen[name] = i
        labels = dict(defaults) | (item.get("labels") or {})
        labels.update({k: item[k] for k in ("team", "env") if k in item})
        out.append(Workspace(name, source, tuple(sorted(labels.items())),
                             item.get("region") or doc.data.get("region")))
    if not out:
        raise InputError(path, "the manifest lists no workspaces", where="$.workspaces")
    return tuple(out)


def _manifest_text(path: str, limits: Limits) -> str:
    from ..sources.documents import decode_text, read_bytes

    cap = limits.config_bytes
    if not is_url(path):
        if not Path(path).is_file():
            raise InputError(path, "manifest file not found")
        data = read_bytes(path, Limits(input_bytes=cap))
        return decode_text(data, path)
    fs, inner = filesystem(path)
    try:
        size = fs.size(inner)
        if size is not None and size > cap:
            raise InputError(path, f"manifest is {size} bytes, above the limit of {cap} "
                                   "(limit config_bytes)")
        with fs.open(inner, "rb") as fh:
            data = fh.read(cap + 1)
    except FileNotFoundError:
        raise InputError(path, "manifest file not found") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    if len(data) > cap:
        raise InputError(path, f"manifest is larger than {cap} bytes (limit config_bytes)")
    return decode_text(data, path)


def _resolve(manifest: str, given: str, line: int | None, where: str) -> str:
    """A workspace path: a URL as it is; a local path joined to the manifest's directory
    (or URL), which it must not leave."""
    if is_url(given):
        protocols = {part.split("://", 1)[0].lower() for part in given.split("::")}
        if protocols & _LOCAL_PROTOCOLS:
            raise InputError(manifest, f"path {given[:200]!r}: a local file is named by a "
                                       "path relative to the manifest, not a file:// URL",
                             line=line, where=f"{where}.path")
        return given
    bad = InputError(manifest, f"path {given!r} leaves the manifest's directory (give a "
                               "path inside it, or a URL)", line=line, where=f"{where}.path")
    if given.startswith("/") or given.startswith("\\") or ":" in given[:3]:
        raise bad
    joined = posixpath.normpath(given.replace("\\", "/"))
    if joined == ".." or joined.startswith("../"):
        raise bad
    if is_url(manifest):
        return posixpath.join(posixpath.dirname(manifest), joined)
    base = Path(manifest).resolve().parent
    target = (base / joined).resolve()
    if target != base and base not in target.parents:
        raise bad  # a symbolic link out of the tree
    return str(Path(manifest).parent / joined)
