"""A Pulumi preview of each example gives the same resources, costs and findings as its
Terraform plan (the pattern of tests/hcl/test_hcl_equivalence.py).

The previews are hand-written fixtures (examples/PULUMI-PREVIEWS.md says how);
the resources agree on address, type, action, region, effective tags and
dependencies, and `check --format json` agrees on every figure and finding.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest

from support import REPO, run_cli
from engine.sources.detect import read_changeset

TWINS = {name: REPO / "examples" / name / "pulumi-preview.json"
         for name in ("training-cluster", "inference-service", "gpu-swap")}


def _reduce() -> Any:
    path = REPO / "tests" / "hcl" / "test_hcl_equivalence.py"
    spec = importlib.util.spec_from_file_location("_hcl_equivalence", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.reduce


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _check(*args: str) -> dict[str, Any]:
    result = run_cli("check", *args, "--format", "json", "--show-passes")
    assert result.code in (0, 1), result
    return json.loads(result.out)


def _resources(path: Any) -> dict[str, tuple[Any, ...]]:
    return {c.address: (c.type, c.provider, c.action, c.replace_order, c.region,
                        c.tags_before, c.tags_after,
                        sorted(c.unknown_tag_keys), c.depends_on, c.module_path)
            for c in read_changeset(path).changes}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_pulumi_twin_reads_the_same_resources(name: str) -> None:
    plan = _resources(REPO / "examples" / name / "plan.json")
    preview = _resources(TWINS[name])
    assert preview == plan
    assert len(preview) >= 3


@pytest.mark.parametrize("name", sorted(TWINS))
def test_pulumi_twin_prices_and_judges_like_the_plan(name: str) -> None:
    reduce = _reduce()
    usage = ["--usage", f"examples/{name}/usage.yml"]
    plan_doc = _check(f"examples/{name}/plan.json", *usage)
    pulumi_doc = _check(str(TWINS[name].relative_to(REPO)), *usage)
    assert pulumi_doc["input"]["format"] == "pulumi-preview"
    assert not pulumi_doc["input"]["warnings"]
    plan, pulumi = reduce(plan_doc), reduce(pulumi_doc)
    assert pulumi == plan
    assert plan["findings"] and plan["summary"]["hourly"]["after"] != "0"
