"""Every price key a bundle's cost models build names one of the bundle's catalog
services and purchase options; those options are the catalog's."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from costkit import kit  # noqa: F401  (fixture)
from test_cost_goldens import CASES, build_view

from engine.clouds import Cloud, builtin_clouds, cost_registry
from engine.costs import UnknownAttribute
from engine.costs.base import CostModel
from pricing_catalog.keys import PURCHASE_OPTIONS

CATALOG = Path(__file__).resolve().parents[2] / "pricing_catalog"


def _owner(resource_type: str) -> Cloud:
    (cloud,) = [c for c in builtin_clouds()
                if resource_type in {m.resource_type for m in c.cost_models()}]
    return cloud


def test_every_key_uses_a_service_and_option_of_its_bundle(kit: Any) -> None:  # noqa: F811
    seen = set()
    for case in CASES:
        cloud = _owner(case.model)
        model = {m.resource_type: m for m in cloud.cost_models()}[case.model]
        try:
            spec = model.extract(build_view(kit, case))
        except UnknownAttribute:
            continue
        words = {f.name for f in model.usage_fields if f.choices}
        usage = {k: v if k in words else Decimal(v) for k, v in case.usage.items()}
        for c in model.components(spec, usage):
            key = c.key
            assert key.provider in cloud.providers, (case.name, str(key))
            assert key.service in cloud.catalog_services, (case.name, str(key))
            assert key.purchase_option in cloud.purchase_options, (case.name, str(key))
            seen.add(key.service)
    assert seen == _owner("aws_instance").catalog_services


def test_bundle_purchase_options_are_catalog_options() -> None:
    for cloud in builtin_clouds():
        assert set(cloud.purchase_options) <= set(PURCHASE_OPTIONS), cloud.name


@pytest.mark.parametrize("schema", ["catalog.schema.json", "pricebook.schema.json"])
def test_schema_purchase_options_are_the_catalog_list(schema: str) -> None:
    doc = json.loads((CATALOG / schema).read_text(encoding="utf-8"))
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("purchase_option"), dict) and "enum" in node["purchase_option"]:
                found.append(node["purchase_option"]["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert found and all(enum == list(PURCHASE_OPTIONS) for enum in found), found


def test_a_bundle_with_an_unknown_purchase_option_is_refused() -> None:
    bad = Cloud(name="toy", providers=("toy",), purchase_options=("on_demand", "preemptible"))
    with pytest.raises(ValueError, match="purchase option\\(s\\) preemptible"):
        cost_registry([bad])


def test_a_data_transfer_type_without_a_model_is_refused() -> None:
    bad = Cloud(name="toy", providers=("toy",), data_transfer_type="toy_data_transfer")
    with pytest.raises(ValueError, match="toy_data_transfer has no cost model"):
        cost_registry([bad])
    ok = Cloud(name="toy", providers=("toy",), data_transfer_type="toy_data_transfer",
               models=lambda: (CostModel("toy_data_transfer", lambda v: None,
                                         lambda s, u: ()),))
    assert cost_registry([ok]).get("toy_data_transfer") is not None
