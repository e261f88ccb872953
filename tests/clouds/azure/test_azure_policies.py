"""Azure in the bundled pack: case-insensitive tag names, NC/ND/NV GPU families,
priority Spot and Azure ML low-priority in the purchase-option rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import Session
from engine.clouds import tag_convention
from engine.clouds.azure.machines import instance_family, priority_option
from engine.policy.evaluate import EvaluationOptions
from engine.policy.subject import FoldedTags

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "aks-h100-azureml"


def test_the_azure_bundle_says_tag_names_are_case_insensitive() -> None:
    assert tag_convention("azurerm").case_insensitive
    assert not tag_convention("aws").case_insensitive


def test_folded_tags_find_names_without_case_and_keep_the_spelling() -> None:
    tags = FoldedTags({"Environment": "prod", "team": "ml"})
    assert tags.get("environment") == "prod" and "ENVIRONMENT" in tags
    assert tags.get("Team") == "ml" and "owner" not in tags and tags.get("owner") is None
    assert list(tags) == ["Environment", "team"] and len(tags) == 2


@pytest.mark.parametrize("size, family", [
    ("Standard_ND96isr_H100_v5", "nd_h100_v5"), ("Standard_NC24ads_A100_v4", "nc_a100_v4"),
    ("Standard_NV36ads_A10_v5", "nv_a10_v5"), ("standard_nc4as_t4_v3", "nc_t4_v3"),
    ("Standard_D8s_v3", "d_v3"), ("Basic_A4", "a")])
def test_families_are_series(size: str, family: str) -> None:
    assert instance_family(size) == family


@pytest.mark.parametrize("value, option", [
    ("Spot", "spot"), ("LowPriority", "low_priority"), ("Low Priority", "low_priority"),
    ("Dedicated", "on_demand"), ("Regular", "on_demand"), (None, "on_demand")])
def test_priorities(value: object, option: str) -> None:
    assert priority_option(value) == option


def _retagged(tmp_path: Path, address: str, tags: dict[str, str]) -> Path:
    doc = json.loads((EXAMPLE / "plan.json").read_text(encoding="utf-8"))
    for rc in doc["resource_changes"]:
        if rc["address"] == address:
            rc["change"]["after"]["tags"] = tags
    for r in doc["planned_values"]["root_module"]["resources"]:
        if r["address"] == address:
            r["values"]["tags"] = tags
    out = tmp_path / "plan.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def _outcomes(evaluation, policy: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.address: f.outcome for f in evaluation.findings if f.policy_id == policy}


def test_nd_series_in_development_needs_a_waiver(tmp_path: Path) -> None:
    plan = _retagged(tmp_path, "azurerm_kubernetes_cluster_node_pool.h100_spot", {
        "team": "ml-platform", "project": "llm-finetune", "ENVIRONMENT": "dev",
        "cost-center": "CC-4410", "workload": "training"})
    evaluation = Session(options=EvaluationOptions(include_passes=True)).check(plan)
    large = _outcomes(evaluation, "no-large-gpu-in-dev")
    assert large["azurerm_kubernetes_cluster_node_pool.h100_spot"] == "fail"
    # The A100 cluster (NC series) runs in staging: not judged by the dev rule.
    assert "azurerm_machine_learning_compute_cluster.a100" not in large
    spot = _outcomes(evaluation, "spot-for-nonprod-training")
    assert spot["azurerm_kubernetes_cluster_node_pool.h100_spot"] == "pass"


def test_the_example_judges_tags_without_case() -> None:
    evaluation = Session(options=EvaluationOptions(include_passes=True)).check(EXAMPLE / "plan.json")
    tags = _outcomes(evaluation, "required-tags")
    # "Environment" on the A100 cluster is its environment tag.
    assert tags["azurerm_machine_learning_compute_cluster.a100"] == "pass"
    spot = _outcomes(evaluation, "spot-for-nonprod-training")
    assert spot["azurerm_machine_learning_compute_cluster.a100"] == "fail"
    assert spot["azurerm_machine_learning_compute_cluster.t4_low_priority"] == "pass"
    assert spot["azurerm_kubernetes_cluster_node_pool.h100_spot"] == "pass"


def test_hcl_and_plan_twins_price_alike() -> None:
    session = Session()
    plan, hcl = session.estimate(EXAMPLE / "plan.json"), session.estimate(EXAMPLE)
    def figures(est):  # type: ignore[no-untyped-def]
        return {r.address: (r.status, r.after and r.after.hourly) for r in est.resources}
    assert figures(plan) == figures(hcl)


def test_usage_sets_a_band_and_azure_data_transfer(tmp_path: Path) -> None:
    from decimal import Decimal

    usage = tmp_path / "usage.yml"
    usage.write_text("""version: 1
resources:
  azurerm_machine_learning_compute_cluster.a100: {instances: 2.5}
data_transfer:
  - name: checkpoints
    cloud: azure
    region: eastus
    inter_region_gb: 2000
    destination_region: westus2
""", encoding="utf-8")
    estimate = Session(usage=str(usage)).estimate(EXAMPLE / "plan.json")
    by = {r.address: r for r in estimate.resources}
    a100 = by["azurerm_machine_learning_compute_cluster.a100"]
    assert a100.status == "priced" and a100.after.hourly == Decimal("2.5") * Decimal("3.673")
    transfer = by["data_transfer.checkpoints"]
    (comp,) = transfer.after.components
    assert comp.price_estimated and comp.monthly == Decimal("40.00")
