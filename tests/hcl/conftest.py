"""HCL reader tests: every test gets its own parse cache directory."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> Path:
    path = tmp_path_factory.mktemp("hclcache")
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(path))
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Callable[..., Path]:
    """Write {relative name: text} under a fresh directory and return it."""

    def make(files: dict[str, str], root: str = "root") -> Path:
        base = tmp_path / root
        for name, text in files.items():
            path = base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return base

    return make
