"""Shared fixtures: the public corpus in ../shared, golden files, CLI runner."""

from __future__ import annotations

import difflib
import io
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "public"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files instead of comparing with them")


def corpus_file(relative: str) -> Path:
    """A file of the public corpus; skips (outside CI) when ../shared is absent."""
    path = CORPUS / relative
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"public corpus missing at {CORPUS} (required under CI)")
        pytest.skip(f"public corpus not found at {CORPUS} (../shared is absent in this clone)")
    if not path.exists():
        pytest.fail(f"corpus file missing: {path}")
    return path


@pytest.fixture
def corpus() -> Path:
    """Root of ../shared/corpus/public (skips with a reason where it is absent)."""
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"public corpus missing at {CORPUS} (required under CI)")
        pytest.skip(f"public corpus not found at {CORPUS} (../shared is absent in this clone)")
    return CORPUS


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        """Compare `actual` with the golden file at `path` (or rewrite it)."""
        if self.update or not path.exists():
            if not self.update and IN_CI:
                pytest.fail(f"golden file missing: {path} (run pytest --update-goldens)")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        if expected != actual:
            diff = "".join(difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True),
                fromfile=str(path), tofile="actual", n=2))
            pytest.fail(f"golden mismatch (rerun with --update-goldens to accept):\n{diff}")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-goldens")))


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


@pytest.fixture
def cli():
    return run_cli
