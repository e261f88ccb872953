"""Fixtures for policy tests."""

from __future__ import annotations

from typing import Any

import pytest

from engine.policy.conditions import CompileContext, build_registry
from engine.policy.data import DataStore


@pytest.fixture(scope="session")
def registry():  # type: ignore[no-untyped-def]
    return build_registry(plugins=False)


@pytest.fixture
def compile_cond(registry):  # type: ignore[no-untyped-def]
    def build(cond: Any, data: DataStore | None = None):  # type: ignore[no-untyped-def]
        return CompileContext(registry, data or DataStore()).compile(cond)
    return build
