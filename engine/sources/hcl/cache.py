"""Parse `.tf` files, in parallel when asked and it pays, through the parse cache.

Cache entries (engine/filecache.py, kind "hcl") are JSON syntax trees keyed by
the tree format, the python-hcl2 version and the file content.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Sequence

from engine import filecache
from engine.errors import InputError
from engine.sources.hcl.syntax import AST_VERSION, Body

# Below this many bytes to parse, a process pool costs more than it saves
# (worker start-up ~50-100 ms on 2 cores; parsing runs at ~150-300 KB/s).
PARALLEL_MIN_BYTES = 96 * 1024
PARALLEL_MIN_FILES = 4


@cache
def _version() -> str:
    return f"ast{AST_VERSION}-hcl2-{filecache.installed_version('python_hcl2', 'hcl2')}"


def content_key(data: bytes) -> str:
    return filecache.content_key(_version(), data)


def load_entry(root: Path | None, key: str) -> Body | None:
    data = filecache.load_entry(root, key)
    if (isinstance(data, dict) and isinstance(data.get("attrs"), dict)
            and isinstance(data.get("blocks"), list)):
        return data
    return None


def read_text(path: Path, shown: str, max_bytes: int | None = None) -> tuple[bytes, str]:
    try:
        with open(path, "rb") as fh:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(shown, f"cannot read file: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(shown, f"file larger than {max_bytes:,} bytes (limit input_bytes)")
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(shown, f"not UTF-8 text (byte {exc.start})") from None


def _parse_job(text: str, shown: str) -> tuple[Body | None, tuple[str, int | None] | None]:
    # InputError does not survive pickling (keyword-only arguments): return its parts.
    from engine.sources.hcl.parse import parse_text  # the grammar loads only on a cache miss

    try:
        return parse_text(text, shown), None
    except InputError as exc:
        return None, (exc.message, exc.line)


def parse_files(files: Sequence[tuple[Path, str]], *, workers: int = 0,
                cache_dir: Path | None = None, stats: dict[str, Any] | None = None,
                max_bytes: int | None = None) -> list[Body]:
    """Parse (path, shown name) pairs; returns bodies in the same order.

    `workers` (Settings.parallel): up to that many processes parse when there are
    at least PARALLEL_MIN_FILES files and PARALLEL_MIN_BYTES to parse; 0 or 1 never
    starts a process (a daemonic worker, e.g. Dask's, cannot). `cache_dir`
    (Settings.cache_dir) holds the parse cache; None: none."""
    root = filecache.cache_dir(cache_dir, "hcl")
    bodies: list[Body | None] = [None] * len(files)
    todo: list[tuple[int, str, str]] = []
    for i, (path, shown) in enumerate(files):
        data, text = read_text(path, shown, max_bytes)
        key = content_key(data)
        cached = load_entry(root, key)
        if cached is not None:
            bodies[i] = cached
        else:
            todo.append((i, key, text))
    size = sum(len(t) for _, _, t in todo)
    workers = min(len(todo), workers)
    parallel = workers > 1 and len(todo) >= PARALLEL_MIN_FILES and size >= PARALLEL_MIN_BYTES
    if stats is not None:
        stats.update(hits=len(files) - len(todo), parsed=len(todo), parallel=parallel)
    if parallel:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # only when parsing in parallel

        method = multiprocessing.get_start_method(allow_none=True) or \
            multiprocessing.get_all_start_methods()[0]
        if method == "fork":  # forked workers inherit the parser instead of each loading it
            from engine.sources.hcl.parse import _parser

            _parser()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(todo) // (workers * 4))
            results = list(pool.map(_parse_job, [t for _, _, t in todo],
                                    [files[i][1] for i, _, _ in todo], chunksize=chunk))
    else:
        results = [_parse_job(t, files[i][1]) for i, _, t in todo]
    for (i, key, _), (body, err) in zip(todo, results):
        if err is not None:
            raise InputError(files[i][1], err[0], line=err[1])
        assert body is not None
        bodies[i] = body
        filecache.store_entry(root, key, body)
    return [b for b in bodies if b is not None]
