"""Fixtures of the hostile-input tests: one bounded worker process per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def pool(tmp_path_factory: pytest.TempPathFactory):
    p = harness.Pool(cache_dir=tmp_path_factory.mktemp("adversarial-cache"))
    yield p
    p.close()



@pytest.fixture(scope="session", autouse=True)
def _print_fuzz_seed(request):
    import mutate

    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"adversarial fuzz seed: {mutate.fuzz_seed()} "
                            "(set FUZZ_SEED to reproduce)")


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: the budgeted hostile-input fuzzer")
