"""A Google group that scales between a minimum and a maximum reads as a range of
dollars: a GKE node pool that scales to 0 is $0.00…$X, never $0 nor unknown; an
instance group's autoscaler min–max likewise; usage `nodes` gives the exact figure."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from engine import Session
from engine.model import side_range
from engine.report.summary import money
from support import run_cli

CONFIG = """
provider "google" {
  project = "p"
  region  = "us-central1"
}
resource "google_container_node_pool" "gpu" {
  name     = "gpu"
  cluster  = "projects/p/locations/us-central1-a/clusters/c"
  location = "us-central1-a"
  autoscaling {
    min_node_count = 0
    max_node_count = 3
  }
  node_config {
    machine_type = "a3-highgpu-8g"
    disk_size_gb = 200
  }
}
resource "google_compute_instance_template" "t4" {
  name         = "t4"
  machine_type = "n1-standard-8"
  disk {
    source_image = "debian-cloud/debian-12"
    disk_type    = "pd-ssd"
    disk_size_gb = 100
  }
  guest_accelerator {
    type  = "nvidia-tesla-t4"
    count = 1
  }
}
resource "google_compute_instance_group_manager" "workers" {
  name               = "workers"
  zone               = "us-central1-a"
  base_instance_name = "w"
  version {
    instance_template = google_compute_instance_template.t4.id
  }
}
resource "google_compute_autoscaler" "workers" {
  name   = "workers"
  zone   = "us-central1-a"
  target = google_compute_instance_group_manager.workers.id
  autoscaling_policy {
    min_replicas = 2
    max_replicas = 6
  }
}
"""


def _dir(tmp_path: Path, usage: str | None = None) -> tuple[Path, str | None]:
    (tmp_path / "main.tf").write_text(CONFIG, encoding="utf-8")
    if usage is None:
        return tmp_path, None
    (tmp_path / "usage.yml").write_text(usage, encoding="utf-8")
    return tmp_path, str(tmp_path / "usage.yml")


def test_a_node_pool_that_scales_to_zero_reads_zero_to_max(tmp_path: Path) -> None:
    path, _ = _dir(tmp_path)
    est = Session().estimate(str(path))
    pool = next(r for r in est.resources if r.address == "google_container_node_pool.gpu")
    assert pool.status == "priced" and not pool.partial
    machine, disk = pool.after.components
    assert (machine.quantity_low, machine.quantity) == (0, 3)
    assert (disk.quantity_low, disk.quantity) == (0, 600)
    top = pool.after.hourly
    assert top > 0 and pool.after.hourly_low == 0
    assert (side_range(pool.after, "hourly").low, side_range(pool.after, "hourly").high) \
        == (0, top)
    assert pool.after.gpus == {"NVIDIA H100": 24}  # a quota sees the most the pool may run

    doc = json.loads(run_cli("estimate", path, "--format", "json").out)
    row = next(r for r in doc["resources"] if r["address"] == "google_container_node_pool.gpu")
    assert (row["hourly"]["after_low"], row["hourly"]["after_high"]) == ("0.00", money(top))
    assert [c.get("quantity_low") for c in row["components"]] == ["0", "0"]
    table = run_cli("estimate", path).out
    line = next(x for x in table.splitlines() if x.startswith("google_container_node_pool"))
    assert f"- → 0.00…{top:,.2f}" in line, table


def test_an_autoscaled_group_reads_its_min_to_max(tmp_path: Path) -> None:
    path, _ = _dir(tmp_path)
    est = Session().estimate(str(path))
    group = next(r for r in est.resources
                 if r.address == "google_compute_instance_group_manager.workers")
    assert group.status == "priced"
    assert {c.name: (c.quantity_low, c.quantity) for c in group.after.components} == {
        "instance (n1-standard-8, on-demand)": (2, 6),
        "GPU nvidia-tesla-t4 x 1 (on-demand)": (2, 6),
        "boot disk (pd-ssd)": (200, 600)}
    assert group.after.monthly == 3 * group.after.monthly_low


def test_usage_nodes_is_the_exact_figure(tmp_path: Path) -> None:
    path, usage = _dir(tmp_path, "version: 1\nresources:\n"
                                 "  google_container_node_pool.gpu:\n    nodes: 2\n")
    est = Session(usage=usage).estimate(str(path))
    pool = next(r for r in est.resources if r.address == "google_container_node_pool.gpu")
    assert [c.quantity_low for c in pool.after.components] == [None, None]
    assert pool.after.components[0].quantity == Decimal(2)
    assert pool.after.hourly_low is None
