"""An Azure group that scales between a minimum and a maximum reads as a range of
dollars: an ML compute cluster that scales to 0 is $0.00…$X, never $0 nor unknown;
usage `instances` gives the exact figure."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from engine import Session
from engine.model import side_range
from engine.report.summary import money
from support import run_cli

CLUSTER = """
provider "azurerm" {
  features {}
}
resource "azurerm_machine_learning_compute_cluster" "train" {
  name                          = "train"
  location                      = "eastus"
  vm_priority                   = "Dedicated"
  vm_size                       = "Standard_NC24ads_A100_v4"
  machine_learning_workspace_id = "ws-id"
  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT30S"
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "gpu" {
  name                  = "gpu"
  kubernetes_cluster_id = "aks-id"
  vm_size               = "Standard_NC24ads_A100_v4"
  auto_scaling_enabled  = true
  min_count             = 1
  max_count             = 3
  os_disk_size_gb       = 128
}
"""


def _write(tmp_path: Path, usage: str | None = None) -> tuple[Path, Path | None]:
    (tmp_path / "main.tf").write_text(CLUSTER, encoding="utf-8")
    usage_path = None
    if usage is not None:
        usage_path = tmp_path / "usage.yml"
        usage_path.write_text(usage, encoding="utf-8")
    return tmp_path / "main.tf", usage_path


def test_a_cluster_that_scales_to_zero_reads_zero_to_max(tmp_path: Path) -> None:
    path, _ = _write(tmp_path)
    est = Session().estimate(str(path.parent))
    cluster = next(r for r in est.resources if r.address.endswith(".train"))
    assert cluster.status == "priced" and not cluster.partial
    (nodes,) = cluster.after.components
    assert (nodes.quantity, nodes.quantity_low) == (Decimal(4), Decimal(0))
    top = nodes.unit_price * 4
    assert top > 0 and nodes.hourly == top and nodes.hourly_low == 0
    assert side_range(cluster.after, "hourly").low == 0
    assert side_range(cluster.after, "hourly").high == top
    # a GPU quota sees the most the cluster may run
    assert cluster.after.gpus == {"NVIDIA A100 80GB": 4}

    doc = json.loads(run_cli("estimate", path.parent, "--format", "json").out)
    row = next(r for r in doc["resources"] if r["address"].endswith(".train"))
    assert row["hourly"]["after_low"] == "0.00"
    assert row["hourly"]["after_high"] == money(top)
    assert row["components"][0]["quantity_low"] == "0"
    assert row["components"][0]["quantity"] == "4"
    table = run_cli("estimate", path.parent).out
    line = next(x for x in table.splitlines() if x.startswith("azurerm_machine_learning"))
    assert f"- → 0.00…{top:,.2f}" in line, table


def test_a_node_pool_range_covers_its_disks(tmp_path: Path) -> None:
    path, _ = _write(tmp_path)
    est = Session(region="eastus").estimate(str(path.parent))  # the cluster is not in it
    pool = next(r for r in est.resources if r.address.endswith(".gpu"))
    by_name = {c.name.split(" (")[0]: c for c in pool.after.components}
    assert (by_name["nodes"].quantity_low, by_name["nodes"].quantity) == (1, 3)
    assert (by_name["node OS disk"].quantity_low, by_name["node OS disk"].quantity) == (1, 3)
    low, high = side_range(pool.after, "monthly").low, side_range(pool.after, "monthly").high
    assert high == 3 * low  # every part scales with the node count


def test_usage_instances_is_the_exact_figure(tmp_path: Path) -> None:
    path, usage = _write(tmp_path, "version: 1\nresources:\n"
                                   "  azurerm_machine_learning_compute_cluster.train:\n"
                                   "    instances: 2\n")
    est = Session(usage=str(usage)).estimate(str(path.parent))
    cluster = next(r for r in est.resources if r.address.endswith(".train"))
    (nodes,) = cluster.after.components
    assert nodes.quantity == 2 and nodes.quantity_low is None
    assert cluster.after.hourly_low is None
    assert side_range(cluster.after, "hourly").low == side_range(cluster.after, "hourly").high
