"""Shared fixtures: the public corpus in ../shared, golden files, CLI runner."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import settings

from support import require_corpus, run_cli

# Property tests judge results, never time: a shared 2-core machine can make one
# example slow (the first parse loads the grammar), which is not a failure.
settings.register_profile("costwarden", deadline=None)
settings.load_profile("costwarden")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files instead of comparing with them")


@pytest.fixture(autouse=True, scope="session")
def private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The suite's parse cache lives in a temporary directory, not the user's."""
    import os

    if "COSTWARDEN_CACHE_DIR" not in os.environ:
        os.environ["COSTWARDEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))


@pytest.fixture
def corpus() -> Path:
    """Root of ../shared/corpus/public (skips with a reason where it is absent)."""
    return require_corpus()


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        """Compare `actual` with the golden file at `path` (or rewrite it)."""
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file missing: {path} (write it with pytest --update-goldens "
                        "and check the diff)")
        expected = path.read_text(encoding="utf-8")
        if expected != actual:
            diff = "".join(difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True),
                fromfile=str(path), tofile="actual", n=2))
            pytest.fail(f"golden mismatch (rerun with --update-goldens to accept):\n{diff}")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-goldens")))


@pytest.fixture
def cli():
    return run_cli
