"""Cost figures checked end to end (HCL directory -> catalog prices -> monthly $).

Each case is a small configuration written here, priced with the bundled catalog,
so a model that multiplies by the wrong count or bills the wrong quantity shows up
as a wrong dollar figure, not only as a wrong component.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import engine
from costkit import kit  # noqa: F401  (fixture)

D = Decimal
PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def estimate(tmp_path: Path, tf: str, usage: str | None = None) -> Any:
    (tmp_path / "main.tf").write_text(PROVIDER + tf, encoding="utf-8")
    usage_file = None
    if usage is not None:
        usage_file = tmp_path / "usage.yml"
        usage_file.write_text("version: 1\nresources:\n" + usage, encoding="utf-8")
    return engine.estimate(str(tmp_path), usage_file=None if usage_file is None
                           else str(usage_file))


def resource(est: Any, address: str) -> Any:
    found = [r for r in est.resources if r.address == address]
    assert found, f"{address} not in {[r.address for r in est.resources]}"
    return found[0]


def components(est: Any, address: str) -> dict[str, Any]:
    return {c.name: c for c in resource(est, address).after.components}


# --- EFS provisioned throughput (issue 9 item 2) --------------------------------------

EFS = """
resource "aws_efs_file_system" "fs" {
  throughput_mode                 = "provisioned"
  provisioned_throughput_in_mibps = 100
}
"""


def test_efs_bills_only_throughput_above_what_storage_earns(tmp_path: Path) -> None:
    # 230 GB earn 11.5 MB/s: 88.5 MB/s x $6 = $531 + 230 GB x $0.30 = $69 -> $600 (not $669).
    est = estimate(tmp_path, EFS, "  aws_efs_file_system.fs:\n    storage_gb: 230\n")
    r = resource(est, "aws_efs_file_system.fs")
    assert r.after.monthly == D("600.00")
    assert components(est, "aws_efs_file_system.fs")["provisioned throughput"].quantity == \
        D("88.5")


@pytest.mark.parametrize("storage, ia, billable", [
    ("2000", None, "0"),        # storage earns more than is provisioned: nothing billed
    ("2000", "1500", "75.0"),   # only the Standard part (500 GB) earns throughput
    ("0", None, "100"),
])
def test_efs_billable_throughput_table(kit: Any, storage: str, ia: str | None,
                                       billable: str) -> None:
    from engine.costs.aws.efs import MODELS
    model = MODELS[0]
    spec = model.extract(kit.view("aws_efs_file_system", {
        "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 100}))
    usage = {"storage_gb": D(storage)} | ({} if ia is None else
                                          {"infrequent_access_storage_gb": D(ia)})
    comp = {c.name: c for c in model.components(spec, usage)}["provisioned throughput"]
    assert comp.quantity == D(billable)


def test_efs_without_storage_usage_bills_all_and_says_it_is_an_upper_bound(kit: Any) -> None:
    from engine.costs.aws.efs import MODELS
    model = MODELS[0]
    spec = model.extract(kit.view("aws_efs_file_system", {
        "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 100}))
    comp = {c.name: c for c in model.components(spec, {})}["provisioned throughput"]
    assert comp.quantity == D(100)
    assert "at most" in comp.reason and "storage_gb" in comp.reason
