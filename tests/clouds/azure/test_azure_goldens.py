"""Golden files per Azure cost model: spec and components of table-driven cases.

One golden per type, tests/clouds/azure/golden/<type>.json. Rewrite with
`pytest tests/clouds/azure --update-goldens`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from azkit import view

from engine.clouds import builtin_clouds
from engine.costs import UnknownAttribute, builtin_registry

GOLDEN = Path(__file__).parent / "golden"
PRICE_KEYS = Path(__file__).resolve().parents[3] / "pricing_catalog" / "PRICE_KEYS.md"
AZURE = next(c for c in builtin_clouds() if c.name == "azure")


@dataclass(frozen=True)
class Case:
    model: str
    name: str
    attrs: dict[str, Any]
    unknown: tuple[tuple[Any, ...], ...] = ()
    usage: dict[str, str] = field(default_factory=dict)
    region: str | None = "eastus"
    # (type, attributes) of resources that point at this one (autoscale settings)
    peers: tuple[tuple[str, dict[str, Any]], ...] = ()
    workspace: dict[str, Any] | None = None  # the ML workspace it refers to


def os_disk(stype: str = "Premium_LRS", size: int | None = 64) -> list[dict[str, Any]]:
    disk: dict[str, Any] = {"caching": "ReadWrite", "storage_account_type": stype}
    if size is not None:
        disk["disk_size_gb"] = size
    return [disk]


H100 = "Standard_ND96isr_H100_v5"
A100 = "Standard_NC24ads_A100_v4"
POOL = {"name": "system", "vm_size": "Standard_D4s_v3", "node_count": 3,
        "os_disk_size_gb": 128, "os_disk_type": "Managed"}
AUTOSCALE = {"name": "gpu-autoscale", "target_resource_id": "vmss-id", "profile": [{
    "name": "default", "capacity": [{"minimum": 1, "maximum": 6, "default": 2}]}]}

CASES: tuple[Case, ...] = (
    Case("azurerm_linux_virtual_machine", "h100_pay_as_you_go",
         {"size": H100, "priority": "Regular", "os_disk": os_disk("Premium_LRS", 1024)}),
    Case("azurerm_linux_virtual_machine", "a100_spot_with_bid_cap",
         {"size": A100, "priority": "Spot", "max_bid_price": 1.2, "eviction_policy": "Deallocate",
          "os_disk": os_disk("StandardSSD_LRS", 30)}),
    Case("azurerm_linux_virtual_machine", "spot_without_cap",
         {"size": "Standard_NC4as_T4_v3", "priority": "Spot", "max_bid_price": -1,
          "os_disk": os_disk("Standard_LRS", 128)}),
    Case("azurerm_linux_virtual_machine", "os_disk_size_from_image",
         {"size": "Standard_NC4as_T4_v3", "os_disk": os_disk("Premium_LRS", None)}),
    Case("azurerm_linux_virtual_machine", "size_unknown", {"os_disk": os_disk()},
         unknown=(("size",),)),
    Case("azurerm_linux_virtual_machine", "ultra_os_disk_is_not_a_tier",
         {"size": A100, "os_disk": os_disk("UltraSSD_LRS", 64)}),
    Case("azurerm_windows_virtual_machine", "windows",
         {"size": "Standard_DS1_v2", "os_disk": os_disk("Standard_LRS", 127)}),
    Case("azurerm_windows_virtual_machine", "hybrid_benefit_is_linux_rate",
         {"size": "Standard_DS1_v2", "license_type": "Windows_Server",
          "os_disk": os_disk("Standard_LRS", 127)}),
    Case("azurerm_virtual_machine", "classic_linux_with_data_disks",
         {"vm_size": "Standard_NC6s_v3",
          "storage_os_disk": [{"name": "os", "managed_disk_type": "Standard_LRS",
                               "disk_size_gb": 30, "create_option": "FromImage"}],
          "storage_data_disk": [
              {"name": "d1", "managed_disk_type": "Premium_LRS", "disk_size_gb": 1024, "lun": 0},
              {"name": "d2", "managed_disk_type": "UltraSSD_LRS", "disk_size_gb": 2048,
               "lun": 1}],
          "os_profile_linux_config": [{"disable_password_authentication": True}]}),
    Case("azurerm_virtual_machine", "classic_windows_by_os_type",
         {"vm_size": "Standard_DS1_v2",
          "storage_os_disk": [{"name": "os", "managed_disk_type": "Standard_LRS",
                               "os_type": "Windows"}]}),
    Case("azurerm_virtual_machine", "data_disks_known_after_apply",
         {"vm_size": "Standard_DS1_v2",
          "storage_os_disk": [{"name": "os", "managed_disk_type": "Standard_LRS",
                               "disk_size_gb": 30}]},
         unknown=(("storage_data_disk",),)),
    Case("azurerm_linux_virtual_machine_scale_set", "spot_instances",
         {"sku": "Standard_NC24ads_A100_v4", "instances": 4, "priority": "Spot",
          "os_disk": os_disk("Premium_LRS", 256)}),
    Case("azurerm_linux_virtual_machine_scale_set", "autoscale_min_max",
         {"sku": H100, "instances": 2, "os_disk": os_disk("Premium_LRS", 512)},
         peers=(("azurerm_monitor_autoscale_setting", AUTOSCALE),)),
    Case("azurerm_linux_virtual_machine_scale_set", "autoscale_with_usage",
         {"sku": H100, "instances": 2, "os_disk": os_disk("Premium_LRS", 512)},
         peers=(("azurerm_monitor_autoscale_setting", AUTOSCALE),), usage={"instances": "3.5"}),
    Case("azurerm_linux_virtual_machine_scale_set", "instances_unknown",
         {"sku": H100, "os_disk": os_disk()}, unknown=(("instances",),)),
    Case("azurerm_windows_virtual_machine_scale_set", "windows_set",
         {"sku": "Standard_DS1_v2", "instances": 2, "os_disk": os_disk("Standard_LRS", 32)}),
    Case("azurerm_orchestrated_virtual_machine_scale_set", "flexible_linux",
         {"sku_name": "Standard_NV36ads_A10_v5", "instances": 3,
          "os_profile": [{"linux_configuration": [{"admin_username": "azureuser"}]}],
          "os_disk": os_disk("Premium_LRS", 128)}),
    Case("azurerm_orchestrated_virtual_machine_scale_set", "flexible_windows",
         {"sku_name": "Standard_DS1_v2", "instances": 1,
          "os_profile": [{"windows_configuration": [{"admin_username": "azureuser"}]}],
          "os_disk": os_disk("Standard_LRS", 32)}),
    Case("azurerm_kubernetes_cluster", "free_tier_fixed_pool",
         {"name": "aks", "sku_tier": "Free", "default_node_pool": [POOL]}),
    Case("azurerm_kubernetes_cluster", "standard_tier_autoscaling",
         {"name": "aks", "sku_tier": "Standard", "default_node_pool": [{
             **POOL, "auto_scaling_enabled": True, "min_count": 1, "max_count": 5,
             "node_count": None}]}),
    Case("azurerm_kubernetes_cluster", "ephemeral_os_disk_default_size",
         {"name": "aks", "default_node_pool": [{"name": "system", "vm_size": "Standard_D4s_v3",
                                                "node_count": 2, "os_disk_type": "Ephemeral"}]}),
    Case("azurerm_kubernetes_cluster", "os_disk_size_not_set",
         {"name": "aks", "default_node_pool": [{"name": "system", "vm_size": "Standard_D4s_v3",
                                                "node_count": 2}]}),
    Case("azurerm_kubernetes_cluster", "pool_size_unknown",
         {"name": "aks", "sku_tier": "Premium", "default_node_pool": [{"name": "system",
                                                                      "node_count": 1}]},
         unknown=(("default_node_pool", 0, "vm_size"),)),
    Case("azurerm_kubernetes_cluster_node_pool", "h100_spot_pool",
         {"name": "gpu", "vm_size": H100, "priority": "Spot", "eviction_policy": "Delete",
          "spot_max_price": -1, "node_count": 2, "os_disk_size_gb": 256}),
    Case("azurerm_kubernetes_cluster_node_pool", "a100_autoscale_to_zero",
         {"name": "train", "vm_size": A100, "auto_scaling_enabled": True, "min_count": 0,
          "max_count": 8, "os_disk_size_gb": 128}),
    Case("azurerm_kubernetes_cluster_node_pool", "spot_with_cap_enable_auto_scaling",
         {"name": "t4", "vm_size": "Standard_NC4as_T4_v3", "priority": "Spot",
          "spot_max_price": 0.05, "enable_auto_scaling": True, "min_count": 1, "max_count": 3,
          "os_disk_type": "Ephemeral"}),
    Case("azurerm_kubernetes_cluster_node_pool", "windows_pool",
         {"name": "win", "vm_size": "Standard_DS1_v2", "os_type": "Windows", "node_count": 1,
          "os_disk_size_gb": 128}),
    Case("azurerm_machine_learning_compute_instance", "gpu_instance_region_from_workspace",
         {"name": "nb", "virtual_machine_size": "Standard_NC24ads_A100_v4"}, region=None,
         workspace={"name": "ws", "location": "eastus"}),
    Case("azurerm_machine_learning_compute_instance", "size_not_set", {"name": "nb"}),
    Case("azurerm_machine_learning_compute_cluster", "dedicated_scales_to_zero",
         {"name": "train", "vm_size": A100, "vm_priority": "Dedicated",
          "scale_settings": [{"min_node_count": 0, "max_node_count": 4,
                              "scale_down_nodes_after_idle_duration": "PT30S"}]}),
    Case("azurerm_machine_learning_compute_cluster", "low_priority_fixed",
         {"name": "train", "vm_size": "Standard_NC6s_v3", "vm_priority": "LowPriority",
          "scale_settings": [{"min_node_count": 2, "max_node_count": 2}]}),
    Case("azurerm_machine_learning_compute_cluster", "dedicated_with_usage",
         {"name": "train", "vm_size": A100, "vm_priority": "Dedicated",
          "scale_settings": [{"min_node_count": 0, "max_node_count": 4}]},
         usage={"instances": "1.5"}),
    Case("azurerm_machine_learning_compute_cluster", "max_unknown",
         {"name": "train", "vm_size": A100, "scale_settings": [{"min_node_count": 1}]},
         unknown=(("scale_settings", 0, "max_node_count"),)),
    Case("azurerm_managed_disk", "premium_p30",
         {"storage_account_type": "Premium_LRS", "disk_size_gb": 1000, "create_option": "Empty"}),
    Case("azurerm_managed_disk", "standard_ssd_zrs",
         {"storage_account_type": "StandardSSD_ZRS", "disk_size_gb": 32}),
    Case("azurerm_managed_disk", "ultra",
         {"storage_account_type": "UltraSSD_LRS", "disk_size_gb": 2048,
          "disk_iops_read_write": 4000, "disk_mbps_read_write": 20}),
    Case("azurerm_managed_disk", "ultra_iops_default",
         {"storage_account_type": "UltraSSD_LRS", "disk_size_gb": 1024}),
    Case("azurerm_managed_disk", "premium_v2",
         {"storage_account_type": "PremiumV2_LRS", "disk_size_gb": 500}),
    Case("azurerm_managed_disk", "above_the_largest_tier",
         {"storage_account_type": "Standard_LRS", "disk_size_gb": 8192}),
    Case("azurerm_storage_account", "hot_usage_needed",
         {"account_tier": "Standard", "account_replication_type": "LRS"}),
    Case("azurerm_storage_account", "both_tiers_from_usage",
         {"account_tier": "Standard", "account_replication_type": "LRS", "access_tier": "Cool"},
         usage={"hot_storage_gb": "60000", "cool_storage_gb": "2000"}, region="westus"),
    Case("azurerm_storage_account", "geo_redundant",
         {"account_tier": "Standard", "account_replication_type": "GRS"},
         usage={"hot_storage_gb": "100"}),
    Case("azurerm_nat_gateway", "no_usage", {"sku_name": "Standard"}),
    Case("azurerm_nat_gateway", "with_usage", {"sku_name": "Standard"},
         usage={"monthly_data_processed_gb": "500"}),
    Case("azurerm_public_ip", "standard", {"sku": "Standard", "allocation_method": "Static"}),
    Case("costwarden_azure_data_transfer", "every_direction", {
        "region": "eastus", "internet_egress_gb": 1000, "inter_az_gb": 300,
        "inter_region_gb": {"westus2": 200, "westeurope": 50}}),
    Case("costwarden_azure_data_transfer", "within_europe", {
        "region": "westeurope", "inter_region_gb": 75, "destination_region": "uksouth"}),
    Case("azurerm_managed_disk", "size_from_source",
         {"storage_account_type": "Standard_LRS", "create_option": "Copy"}),
)


def build_view(case: Case):  # type: ignore[no-untyped-def]
    peers = {}
    for rtype, attrs in case.peers:
        peers.setdefault(rtype, []).append(view(rtype, attrs, name="scale",
                                                depends_on=(f"{case.model}.this",)))
    related = {}
    if case.workspace is not None:
        related[("azurerm_machine_learning_workspace", "machine_learning_workspace_id")] = [
            view("azurerm_machine_learning_workspace", case.workspace)]
    return view(case.model, case.attrs, unknown=case.unknown, region=case.region,
                related=related, peers=peers)


def run_case(case: Case) -> dict[str, Any]:
    model = builtin_registry().get(case.model)
    assert model is not None, case.model
    try:
        spec = model.extract(build_view(case))
    except UnknownAttribute as exc:
        return {"unknown": {"path": [str(p) for p in exc.path], "message": str(exc)}}
    usage = {k: Decimal(v) for k, v in case.usage.items()}
    components = model.components(spec, usage)
    for c in components:
        assert (c.quantity is None) == (c.missing is not None), c
        if c.missing:
            assert c.reason, c
    return {"spec": _plainify(spec), "usage": case.usage,
            "components": [{"name": c.name, "key": str(c.key), "unit": c.unit, "per": c.per,
                            "quantity": None if c.quantity is None else str(c.quantity),
                            "missing": c.missing, "reason": c.reason,
                            # a range: `quantity` is its high end
                            **({} if c.quantity_low is None
                               else {"quantity_low": str(c.quantity_low)})}
                           for c in components]}


def _plainify(value: Any) -> Any:
    import dataclasses

    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plainify(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plainify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plainify(v) for v in value]
    return value


MODELS = sorted({c.model for c in CASES})


@pytest.mark.parametrize("model", MODELS)
def test_golden(model: str, golden: Any) -> None:
    results = {c.name: run_case(c) for c in CASES if c.model == model}
    golden.check(GOLDEN / f"{model}.json",
                 json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def test_every_azure_model_has_cases() -> None:
    assert {m.resource_type for m in AZURE.cost_models()} == set(MODELS)


def test_case_names_unique() -> None:
    names = [(c.model, c.name) for c in CASES]
    assert len(names) == len(set(names))


KEY_RE = re.compile(r"^azurerm/(?P<service>[a-z0-9_]+)/(?P<product>[a-z0-9_]+)"
                    r"\[(?P<attrs>[^\]]*)\]@[^:]*:(?P<option>[a-z0-9_]+)$")


def test_keys_are_documented_and_of_the_bundle() -> None:
    table = {}
    text = PRICE_KEYS.read_text(encoding="utf-8")
    for line in text[text.index("## Azure"):].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`") and cells[1].startswith("`"):
            table[(cells[0].strip("`"), cells[1].strip("`"))] = cells[2]
    seen = set()
    for case in CASES:
        for comp in run_case(case).get("components", []):
            m = KEY_RE.match(comp["key"])
            assert m, comp["key"]
            assert m["service"] in AZURE.catalog_services, comp["key"]
            assert m["option"] in AZURE.purchase_options, comp["key"]
            pair = (m["service"], m["product"])
            assert pair in table, f"{case.model}/{case.name}: {pair} not in PRICE_KEYS.md"
            for attr in filter(None, m["attrs"].split(",")):
                assert f"`{attr.split('=', 1)[0]}`" in table[pair], (pair, attr)
            seen.add(m["service"])
    assert seen == AZURE.catalog_services


def _as_objects(value: Any) -> Any:
    """Pulumi's block shape: a one-element list of an object becomes the object."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict):
            return _as_objects(value[0])
        return [_as_objects(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_objects(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.model}/{c.name}")
def test_blocks_as_objects_price_alike(case: Case) -> None:
    from dataclasses import replace

    shaped = replace(case, attrs=_as_objects(case.attrs),
                     peers=tuple((t, _as_objects(a)) for t, a in case.peers))
    assert run_case(shaped) == run_case(case)
