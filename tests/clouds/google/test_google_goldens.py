"""Golden files per Google Cloud cost model: spec and components of table-driven cases.

One golden per model, tests/clouds/google/golden/<type>.json. Rewrite with
`pytest tests/clouds/google --update-goldens`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import googlekit as kit
from engine.clouds import builtin_clouds
from engine.costs import UnknownAttribute, builtin_registry

GOLDEN = Path(__file__).parent / "golden"
PRICE_KEYS = Path(__file__).resolve().parents[3] / "pricing_catalog" / "PRICE_KEYS.md"
GOOGLE = next(c for c in builtin_clouds() if c.name == "google")


@dataclass(frozen=True)
class Rel:
    resource_type: str
    ref_attr: str
    attrs: dict[str, Any]
    name: str = "main"


@dataclass(frozen=True)
class Case:
    model: str
    name: str
    attrs: dict[str, Any]
    unknown: tuple[tuple[Any, ...], ...] = ()
    related: tuple[Rel, ...] = ()
    peers: tuple[Rel, ...] = ()  # resources that point at this one (autoscalers)
    usage: dict[str, str] = field(default_factory=dict)


def boot(size: int | None = 50, dtype: str | None = "pd-balanced") -> list[dict[str, Any]]:
    params = {k: v for k, v in (("size", size), ("type", dtype)) if v is not None}
    return [{"initialize_params": [dict(params, image="debian-cloud/debian-12")]}]


def gpu(gtype: str, count: int, **extra: Any) -> list[dict[str, Any]]:
    return [dict({"type": gtype, "count": count}, **extra)]


TEMPLATE = Rel("google_compute_instance_template", "version.instance_template", {
    "name": "gpu-template", "self_link": "projects/p/global/instanceTemplates/gpu-template",
    "machine_type": "n1-standard-8", "guest_accelerator": gpu("nvidia-tesla-t4", 1),
    "disk": [{"boot": True, "disk_size_gb": 100, "disk_type": "pd-ssd"},
             {"disk_type": "local-ssd", "type": "SCRATCH", "disk_size_gb": 375}],
    "scheduling": [{"preemptible": False, "provisioning_model": "SPOT"}]})
CLUSTER_REGIONAL = Rel("google_container_cluster", "cluster", {
    "name": "ml", "location": "us-central1"})
CLUSTER_ZONAL = Rel("google_container_cluster", "cluster", {
    "name": "ml", "location": "us-east5-a"})

CASES: tuple[Case, ...] = (
    # --- google_compute_instance ---
    Case("google_compute_instance", "a3_h100_bundled_gpus_not_double_counted", {
        "machine_type": "a3-highgpu-8g", "zone": "us-central1-a", "boot_disk": boot(200),
        "guest_accelerator": gpu("nvidia-h100-80gb", 8)}),
    Case("google_compute_instance", "n1_with_attached_t4_spot", {
        "machine_type": "n1-standard-8", "boot_disk": boot(100, "pd-ssd"),
        "guest_accelerator": gpu("nvidia-tesla-t4", 2),
        "scheduling": [{"provisioning_model": "SPOT", "preemptible": False}]}),
    Case("google_compute_instance", "preemptible_with_scratch_ssd", {
        "machine_type": "n2-standard-8", "boot_disk": boot(None, None),
        "scheduling": [{"preemptible": True}],
        "scratch_disk": [{"interface": "NVME"}, {"interface": "NVME", "size": 3000}]}),
    Case("google_compute_instance", "placeholder_accelerator_is_unpriced_not_zero", {
        "machine_type": "n1-standard-1", "boot_disk": boot(10, "pd-standard"),
        "guest_accelerator": [{"type": "test-type1", "count": 42}]}),
    Case("google_compute_instance", "custom_machine_type", {
        "machine_type": "n2-custom-6-20480", "boot_disk": boot(20)}),
    Case("google_compute_instance", "machine_type_unknown", {"boot_disk": boot()},
         unknown=(("machine_type",),)),
    Case("google_compute_instance", "tpu_vm_machine_type_is_chip_hours", {
        "machine_type": "ct5lp-hightpu-4t", "boot_disk": boot(100)}),
    # --- instance groups ---
    Case("google_compute_instance_group_manager", "target_size_times_template", {
        "name": "workers", "target_size": 4,
        "version": [{"instance_template": TEMPLATE.attrs["self_link"]}]},
        related=(TEMPLATE,)),
    Case("google_compute_instance_group_manager", "template_not_in_change", {
        "name": "workers", "target_size": 4,
        "version": [{"instance_template": "projects/p/global/instanceTemplates/x"}]}),
    Case("google_compute_region_instance_group_manager", "autoscaler_min_max_range", {
        "name": "workers", "self_link": "projects/p/regions/us-central1/igm/workers",
        "version": [{"instance_template": TEMPLATE.attrs["self_link"]}]},
        related=(TEMPLATE,),
        peers=(Rel("google_compute_region_autoscaler", "target", {
            "target": "projects/p/regions/us-central1/igm/workers",
            "autoscaling_policy": [{"min_replicas": 2, "max_replicas": 16}]}),)),
    Case("google_compute_region_instance_group_manager", "autoscaler_with_usage", {
        "name": "workers", "self_link": "workers",
        "version": [{"instance_template": TEMPLATE.attrs["self_link"]}]},
        related=(TEMPLATE,),
        peers=(Rel("google_compute_region_autoscaler", "target", {
            "target": "workers", "autoscaling_policy": [{"min_replicas": 2,
                                                          "max_replicas": 16}]}),),
        usage={"nodes": "6.5"}),
    # --- GKE ---
    Case("google_container_cluster", "regional_default_pool_three_zones", {
        "name": "ml", "location": "us-central1", "initial_node_count": 1}),
    Case("google_container_cluster", "removed_default_pool_fee_only", {
        "name": "ml", "location": "us-central1", "remove_default_node_pool": True,
        "initial_node_count": 1}),
    Case("google_container_cluster", "inline_pools_and_node_locations", {
        "name": "ml", "location": "us-central1-a",
        "node_locations": ["us-central1-a", "us-central1-b"],
        "node_pool": [{"name": "cpu", "node_count": 2},
                      {"name": "gpu", "autoscaling": [{"min_node_count": 0,
                                                       "max_node_count": 4}],
                       "node_config": [{"machine_type": "g2-standard-8", "spot": True,
                                        "guest_accelerator": gpu("nvidia-l4", 1)}]}]}),
    Case("google_container_cluster", "autopilot_fee_and_pods_from_usage", {
        "name": "ap", "location": "us-central1", "enable_autopilot": True},
        usage={"autopilot_vcpu_count": "10", "autopilot_memory_gb": "50"}),
    Case("google_container_node_pool", "h100_pool_regional_cluster", {
        "name": "h100", "node_count": 1,
        "node_config": [{"machine_type": "a3-highgpu-8g", "disk_size_gb": 200,
                         "disk_type": "pd-ssd",
                         "guest_accelerator": gpu("nvidia-h100-80gb", 8,
                                                  gpu_driver_installation_config=[
                                                      {"gpu_driver_version": "LATEST"}]),
                         "ephemeral_storage_local_ssd_config": [{"local_ssd_count": 16}]}]},
        related=(CLUSTER_REGIONAL,)),
    Case("google_container_node_pool", "tpu_v5p_slice_spot", {
        "name": "v5p", "location": "us-east5", "node_locations": ["us-east5-a"],
        "node_count": 2, "placement_policy": [{"type": "COMPACT", "tpu_topology": "2x2x2"}],
        "node_config": [{"machine_type": "ct5p-hightpu-4t", "spot": True}]}),
    Case("google_container_node_pool", "autoscaling_total_counts", {
        "name": "burst", "location": "us-central1",
        "autoscaling": [{"total_min_node_count": 1, "total_max_node_count": 8}],
        "node_config": [{"machine_type": "n1-standard-16", "preemptible": True,
                         "guest_accelerator": gpu("nvidia-tesla-v100", 2,
                                                  gpu_partition_size="1g.5gb")}]}),
    Case("google_container_node_pool", "defaults_and_usage", {"name": "default"},
         related=(CLUSTER_ZONAL,), usage={"nodes": "5"}),
    Case("google_container_node_pool", "cluster_not_in_change", {"name": "x", "node_count": 2}),
    # --- TPUs ---
    Case("google_tpu_v2_vm", "v5p_8_is_four_chips", {
        "name": "train", "zone": "us-east5-a", "accelerator_type": "v5p-8"}),
    Case("google_tpu_v2_vm", "accelerator_config_topology_spot", {
        "name": "train", "zone": "us-central1-a",
        "accelerator_config": [{"type": "V5LITE_POD", "topology": "4x4"}],
        "scheduling_config": [{"spot": True}]}),
    Case("google_tpu_node", "v4_preemptible", {
        "name": "tpu", "zone": "us-central2-b", "accelerator_type": "v4-32",
        "scheduling_config": [{"preemptible": True}]}),
    Case("google_tpu_node", "unknown_accelerator_type", {
        "name": "tpu", "zone": "us-central1-b", "accelerator_type": "v9x-3"}),
    # --- disks, storage, network, notebooks ---
    Case("google_compute_disk", "ssd", {"name": "data", "type": "pd-ssd", "size": 500}),
    Case("google_compute_disk", "size_from_image", {"name": "boot", "image": "debian-12"}),
    Case("google_compute_region_disk", "regional_balanced", {
        "name": "ha", "type": "pd-balanced", "size": 200}),
    Case("google_storage_bucket", "regional_standard_with_usage", {
        "name": "datasets", "location": "US-CENTRAL1"},
        usage={"storage_gb": "10000", "monthly_egress_gb": "500"}),
    Case("google_storage_bucket", "multi_region_archive_no_usage", {
        "name": "checkpoints", "location": "US", "storage_class": "ARCHIVE"}),
    Case("google_compute_router_nat", "gateway_and_data", {"name": "nat", "region": "us-central1"},
         usage={"monthly_data_processed_gb": "100"}),
    Case("google_compute_address", "external", {"name": "ip", "region": "us-central1"}),
    Case("google_workbench_instance", "t4_workbench", {
        "name": "wb", "location": "us-central1-a",
        "gce_setup": [{"machine_type": "n1-standard-4",
                       "accelerator_configs": [{"type": "NVIDIA_TESLA_T4", "core_count": 1}],
                       "boot_disk": [{"disk_size_gb": 150, "disk_type": "PD_BALANCED"}],
                       "data_disks": [{"disk_size_gb": 500, "disk_type": "PD_SSD"}]}]}),
    Case("google_vertex_ai_deployment_resource_pool", "a100_pool_unpriced_gpus_counted", {
        "name": "pool", "region": "us-central1",
        "dedicated_resources": [{"machine_spec": [{"machine_type": "a2-highgpu-2g",
                                                   "accelerator_type": "NVIDIA_TESLA_A100",
                                                   "accelerator_count": 2}],
                                 "min_replica_count": 1, "max_replica_count": 4}]}),
    Case("google_vertex_ai_deployment_resource_pool", "n1_with_t4", {
        "name": "pool", "region": "us-central1",
        "dedicated_resources": [{"machine_spec": [{"machine_type": "n1-standard-8",
                                                   "accelerator_type": "NVIDIA_TESLA_T4",
                                                   "accelerator_count": 1}],
                                 "min_replica_count": 2}]}),
    Case("google_vertex_ai_index_endpoint_deployed_index", "cpu_index", {
        "deployed_index_id": "idx", "region": "us-central1",
        "dedicated_resources": [{"machine_spec": [{"machine_type": "n1-standard-16"}],
                                 "min_replica_count": 2, "max_replica_count": 2}]}),
    Case("google_notebooks_instance", "a100_notebook", {
        "name": "nb", "location": "us-central1-a", "machine_type": "a2-highgpu-1g",
        "accelerator_config": [{"type": "NVIDIA_TESLA_A100", "core_count": 1}],
        "boot_disk_size_gb": 100}),
)


def _views(rels: tuple[Rel, ...], key: str) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = {}
    for rel in rels:
        view = kit.make_view(rel.resource_type, rel.attrs, name=rel.name)
        out.setdefault((rel.resource_type, rel.ref_attr) if key == "related"
                       else rel.resource_type, []).append(view)
    return out


def build_view(case: Case) -> Any:
    region = case.attrs.get("zone") or case.attrs.get("location") or case.attrs.get("region")
    if isinstance(region, str):
        from engine.clouds.google import zone_to_region
        region = zone_to_region(region.lower())
    else:
        region = "us-central1"
    return kit.make_view(case.model, case.attrs, unknown=case.unknown,
                         related=_views(case.related, "related"),
                         peers=_views(case.peers, "peers"), region=region)


def run_case(case: Case) -> dict[str, Any]:
    model = builtin_registry().get(case.model)
    assert model is not None, case.model
    try:
        spec = model.extract(build_view(case))
    except UnknownAttribute as exc:
        return {"unknown": {"path": kit.plain(exc.path), "message": str(exc)}}
    usage = {k: Decimal(v) for k, v in case.usage.items()}
    components = model.components(spec, usage)
    for c in components:
        assert (c.quantity is None) == (c.missing is not None), c
        assert not c.missing or c.reason, c
    return {"spec": kit.plain(spec), "usage": case.usage,
            "components": [kit.component(c) for c in components]}


MODELS = sorted({c.model for c in CASES})


@pytest.mark.parametrize("model", MODELS)
def test_golden(model: str, golden: Any) -> None:
    results = {c.name: run_case(c) for c in CASES if c.model == model}
    golden.check(GOLDEN / f"{model}.json", kit.dumps(results))


def test_every_google_model_has_cases() -> None:
    assert {m.resource_type for m in GOOGLE.cost_models()} == set(MODELS)


def test_case_names_unique() -> None:
    names = [(c.model, c.name) for c in CASES]
    assert len(names) == len(set(names))


KEY_RE = re.compile(r"^google/(?P<service>[a-z0-9_]+)/(?P<product>[a-z0-9_]+)\[(?P<attrs>[^\]]*)\]@"
                    r"[^:]+:(?P<option>[a-z0-9_]+)$")


def test_keys_use_the_bundle_vocabulary() -> None:
    """Every key names a service and purchase option of the google bundle, and its
    (service, product, attributes) are documented in PRICE_KEYS.md."""
    table: dict[tuple[str, str], str] = {}
    for line in PRICE_KEYS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`google/"):
            table[(cells[0].strip("`").split("/", 1)[1], cells[1].strip("`"))] = cells[2]
    assert table, "PRICE_KEYS.md has no google rows"
    seen = set()
    for case in CASES:
        for comp in run_case(case).get("components", []):
            m = KEY_RE.match(comp["key"])
            assert m, comp["key"]
            assert m["service"] in GOOGLE.catalog_services, comp["key"]
            assert m["option"] in GOOGLE.purchase_options, comp["key"]
            pair = (m["service"], m["product"])
            assert pair in table, f"{case.name}: {pair} not in PRICE_KEYS.md"
            for attr in filter(None, m["attrs"].split(",")):
                assert f"`{attr.split('=', 1)[0]}`" in table[pair], (pair, attr)
            seen.add(m["service"])
    assert seen == set(GOOGLE.catalog_services)
