"""Helpers shared by test modules (import as `from support import ...`)."""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "public"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_corpus() -> Path:
    """../shared/corpus/public; skips (outside CI) when ../shared is absent."""
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"public corpus missing at {CORPUS} (required under CI)")
        pytest.skip(f"public corpus not found at {CORPUS} (../shared is absent in this clone)")
    return CORPUS


def corpus_file(relative: str) -> Path:
    """A file of the public corpus (see `require_corpus`)."""
    path = require_corpus() / relative
    if not path.exists():
        pytest.fail(f"corpus file missing: {path}")
    return path


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, err={self.err!r}, out={self.out[:300]!r})"


def run_cli(*argv: str | Path) -> CliResult:
    """Run `costwarden ARGV` in-process and capture exit code, stdout and stderr."""
    from engine.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return CliResult(code, out.getvalue(), err.getvalue())
