"""Custom machine types are a deliberate gap of the Google catalog: the refresh (which
fills predefined machine types) is not offered as the fix, and the reason says why."""

from __future__ import annotations


import pytest

from pricing_catalog import PriceKey, load_catalog


def _key(itype: str, option: str = "on_demand") -> PriceKey:
    return PriceKey.of("google", "compute", "instance", "us-central1", option,
                       instance_type=itype)


@pytest.mark.parametrize("itype", ["custom-6-20480", "n2-custom-6-20480", "custom-2-15360-ext",
                                   "n2d-custom-4-20480"])
def test_custom_types_are_unavailable_with_the_reason(itype: str) -> None:
    catalog = load_catalog()
    assert catalog.lookup(_key(itype)) is None
    reason = catalog.unavailable_reason(_key(itype, "spot"))
    assert reason is not None and "per vCPU-hour and GB-hour" in reason


def test_predefined_types_are_not_covered_by_the_gap() -> None:
    catalog = load_catalog()
    assert catalog.unavailable_reason(_key("n2-standard-999")) is None
    assert catalog.lookup(_key("n2-standard-8")) is not None
