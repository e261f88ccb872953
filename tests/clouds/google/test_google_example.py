"""examples/gke-h100-tpu: its plan and its Terraform twin give the same resources,
costs, accelerators and policy findings; the plan's estimate is kept as a golden.

A GKE node pool has no labels of its own in either input: policies give it its
cluster's labels (provider default_labels included) under its
node_config.resource_labels (the Google bundle's `TagConvention.inherits`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from support import REPO, run_cli

EXAMPLE = "examples/gke-h100-tpu"
GOLDEN = REPO / "tests" / "clouds" / "google" / "golden" / "example-gke-h100-tpu.json"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _estimate(source: str) -> dict[str, Any]:
    result = run_cli("estimate", source, "--usage", f"{EXAMPLE}/usage.yml", "--format", "json")
    assert result.code == 0, result
    return json.loads(result.out)


def _reduce(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "resources": sorted(({k: r[k] for k in ("address", "type", "action", "status", "region",
                                                 "hourly", "monthly", "gpus", "cost_per_run")}
                             for r in doc["resources"]), key=lambda r: r["address"]),
        "summary": {k: doc["summary"][k] for k in ("hourly", "monthly", "gpus")},
    }


def test_plan_and_hcl_twin_agree() -> None:
    plan, hcl = _estimate(f"{EXAMPLE}/plan.json"), _estimate(EXAMPLE)
    assert plan["input"]["format"] == "terraform-plan" and hcl["input"]["format"] == \
        "terraform-hcl"
    assert not hcl["input"]["warnings"]
    assert _reduce(plan) == _reduce(hcl)


def test_example_estimate_golden(golden: Any) -> None:
    doc = _reduce(_estimate(f"{EXAMPLE}/plan.json"))
    by_address = {r["address"]: r for r in doc["resources"]}
    # 2 x a3-highgpu-8g (8 H100 each) and a 2x2x2 v5p slice (8 chips) in us-east5, on spot.
    assert by_address["google_container_node_pool.h100"]["gpus"]
    assert doc["summary"]["gpus"]
    golden.check(GOLDEN, json.dumps(doc, indent=2, sort_keys=True) + "\n")


def _findings(source: str) -> list[dict[str, Any]]:
    result = run_cli("check", source, "--usage", f"{EXAMPLE}/usage.yml", "--format", "json",
                     "--show-passes")
    assert result.code == 0, result
    doc = json.loads(result.out)
    keep = ("policy_id", "outcome", "address", "group", "message")
    return sorted(({k: f.get(k) for k in keep} for f in doc["findings"]),
                  key=lambda f: json.dumps(f, sort_keys=True))


def test_plan_and_hcl_twin_give_the_same_findings() -> None:
    plan, hcl = _findings(f"{EXAMPLE}/plan.json"), _findings(EXAMPLE)
    assert plan == hcl
    quota = [f for f in plan if f["policy_id"] == "gpu-quota"]
    assert quota and all(f["outcome"] == "pass" for f in quota)
    assert not any("(none)" in (f["group"] or "") for f in quota)
