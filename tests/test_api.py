"""The library API in engine/__init__.py."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine

REPO = Path(__file__).resolve().parent.parent


def test_estimate_and_check_match_the_cli(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    est = engine.estimate("examples/training-cluster/plan.json",
                          usage_file="examples/training-cluster/usage.yml")
    assert isinstance(est, engine.Estimate)
    assert {r.address for r in est.resources} >= {"aws_autoscaling_group.trainers"}
    result = engine.check("examples/training-cluster/plan.json",
                          usage_file="examples/training-cluster/usage.yml")
    cli_result = cli("check", "examples/training-cluster/plan.json", "--usage",
                     "examples/training-cluster/usage.yml")
    assert cli_result.code == (1 if result.blocking else 0)
    assert all(isinstance(f, engine.Finding) for f in result.findings)


def test_exports_resolve_lazily():
    for name in engine.__all__:
        assert getattr(engine, name) is not None
    with pytest.raises(AttributeError):
        engine.no_such_name  # noqa: B018
