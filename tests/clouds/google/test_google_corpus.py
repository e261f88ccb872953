"""Every Google Cloud input of the public corpus, read and priced end to end.

Each input's Google resources (status, hourly cost, GPUs/TPU chips and each
component's quantity, price and reason) are kept in a golden file under
golden/corpus/, so a change in reading, pricing or the catalog shows as a diff.
Infracost's Google test folders are run with their own usage files; their golden
figures are compared line by line in INFRACOST_COMPARISON.md (written by
`test_infracost_comparison`).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import googlekit as kit
from engine import Session
from engine.costs import builtin_registry
from engine.errors import InputError
from support import require_corpus

pytestmark = pytest.mark.corpus

GOLDEN = Path(__file__).parent / "golden" / "corpus"
INFRACOST = "infracost/internal/providers/terraform/google/testdata"

INPUTS = {
    "terracost-plan": "terracost/testdata/google/plan.json",
    "tgc-iam-binding": "tgc/pkg/tfplan2cai/resolvers/iamBinding.tfplan.json",
    "tgc-gke-custom-node-init": "tgc/pkg/tfplan2cai/resolvers/gke_custom_node_init.tfplan.json",
    "terraform-validator-instance":
        "terraform-validator/testdata/templates/full_compute_instance.tfplan.json",
    "terraform-validator-node-pool":
        "terraform-validator/testdata/templates/full_container_node_pool.tfplan.json",
    "regula-mixed-providers": "regula/rego/tests/lib/inputs/resource_view_07_infra.json",
    "tf-google-gke-node-pool": "tf-google-gke/examples/node_pool",
    "ai-on-gke-accelerator-cluster": "ai-on-gke/benchmarks/infra/accelerator-cluster/stage-1",
    "ai-infra-a3-gke": "ai-infra-cluster-provisioning/a3/terraform/modules/cluster/gke",
    "ai-infra-a3-instance-template":
        "ai-infra-cluster-provisioning/a3/terraform/modules/common/instance_template",
    "infracost-compute-instance": f"{INFRACOST}/compute_instance_test",
    "infracost-container-node-pool": f"{INFRACOST}/container_node_pool_test",
    "infracost-container-cluster": f"{INFRACOST}/container_cluster_test",
    "infracost-instance-group-manager": f"{INFRACOST}/compute_instance_group_manager_test",
}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.000001")).normalize())


# Infracost usage keys -> ours (its files are version 0.1, `resource_usage`).
USAGE_KEYS = {"monthly_hrs": "hours_per_month", "monthly_hours": "hours_per_month",
              "nodes": "nodes", "autopilot_vcpu_count": "autopilot_vcpu_count",
              "autopilot_memory_gb": "autopilot_memory_gb",
              "autopilot_ephemeral_storage_gb": "autopilot_ephemeral_storage_gb"}


def _usage(path: Path, tmp: Path) -> Path | None:
    """An infracost folder's usage file, translated into a costwarden usage file."""
    import yaml

    found = sorted(path.glob("*.usage.yml")) if path.is_dir() else []
    if not found:
        return None
    theirs = yaml.safe_load(found[0].read_text()) or {}
    ours = {"version": 1, "resources": {
        address: {USAGE_KEYS[k]: v for k, v in values.items()
                  if k in USAGE_KEYS and not isinstance(v, dict)}
        for address, values in (theirs.get("resource_usage") or {}).items()}}
    out = tmp / "usage.yml"
    out.write_text(yaml.safe_dump(ours))
    return out


def summary(estimate: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in estimate.resources:
        if r.change.provider != "google":
            continue
        side = r.after
        entry: dict[str, Any] = {"status": r.status}
        if side is not None:
            entry["hourly"] = _money(side.hourly)
            entry["complete"] = side.complete
            if side.gpus:
                entry["accelerators"] = dict(sorted(side.gpus.items()))
            entry["components"] = [
                {"name": c.name, "quantity": _money(c.quantity), "unit_price": _money(c.unit_price),
                 "status": c.status, "source": c.price_source, "reason": c.reason}
                for c in side.components]
            entry["reasons"] = list(side.reasons)
        out[r.address] = entry
    return out


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_corpus_input_is_read_and_priced(name: str, golden: Any, tmp_path: Path) -> None:
    path = require_corpus() / INPUTS[name]
    usage = _usage(path, tmp_path)
    estimate = Session(usage=usage).estimate(path)
    result = summary(estimate)
    warnings = [re.sub(r"/\S*/corpus/public/", "<corpus>/", w) for w in
                estimate.changeset.warnings]
    golden.check(GOLDEN / f"{name}.json", kit.dumps({"resources": result,
                                                      "warnings": warnings}))
    for address, entry in result.items():
        # Unknown is never $0: a resource with an unknown part is flagged incomplete.
        if entry["status"] in ("unknown", "unpriced"):
            assert entry.get("complete") is False or entry.get("hourly") is None, address


def test_every_google_type_in_the_corpus_is_modelled_or_listed() -> None:
    """The Google types the corpus uses are priced, free or carried — except the sole-tenant
    node group and its template, which have no sourced price."""
    registry = builtin_registry()
    seen: set[str] = set()
    for name in INPUTS:
        estimate = Session().estimate(require_corpus() / INPUTS[name])
        seen |= {r.change.type for r in estimate.resources if r.change.provider == "google"}
    unsupported = {t for t in seen if registry.get(t) is None and not registry.is_free(t)}
    assert unsupported == {"google_compute_node_group", "google_compute_node_template"}


def test_planned_values_fragment_is_refused_and_its_pool_prices() -> None:
    """ai-infra-cluster-provisioning's gke-gpu.json is a planned_values fragment: the plan
    reader refuses it with one line; its a3-highgpu-8g node pool still prices through the
    node-pool model."""
    path = require_corpus() / ("ai-infra-cluster-provisioning/test/pr/a3/terraform/modules/"
                               "cluster/gke/output/gke-gpu.json")
    with pytest.raises(InputError, match="planned_values fragment"):
        Session().estimate(path)
    doc = json.loads(path.read_text())
    pools = [r for r in doc["planned_values"]["root_module"]["resources"]
             if r["address"].startswith("google_container_node_pool.")]
    assert pools
    model = builtin_registry().get("google_container_node_pool")
    for pool in pools:
        view = kit.make_view("google_container_node_pool", pool["values"], region="us-east4")
        comps = model.components(model.extract(view), {})
        assert comps[0].key.attribute("instance_type") == "a3-highgpu-8g"
        assert comps[0].quantity == 1  # node_count 1 in one node location
        assert [c.key.attribute("disk_type") for c in comps[1:]] == ["pd-ssd"]
