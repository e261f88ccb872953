"""Every Azure plan and `.tf` directory of the public corpus is read and priced, and
costwarden's figures are set against Infracost's goldens line by line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from infracost_compare import compare, folders
from support import corpus_file, require_corpus

from engine import Session

pytestmark = pytest.mark.corpus

PLANS = [
    "terracost/testdata/azurerm/plan.json",
    "pennywise/sample/azure/tfplan.json",
    "terraform-compliance/tests/functional/test_issue-294/plan.out.json",
    "infracost/cmd/infracost/testdata/azure_firewall_plan.json",
]
TF_DIRS = [
    "azure-terraform/quickstart/101-machine-learning",
    "azure-terraform/quickstart/201-machine-learning-moderately-secure",
    "infracost/internal/providers/terraform/azure/testdata/virtual_machine_test",
    "infracost/internal/providers/terraform/azure/testdata/machine_learning_compute_cluster_test",
    "infracost/internal/providers/terraform/azure/testdata/machine_learning_compute_instance_test",
]
MODELLED = {m.resource_type for c in Session().clouds if c.name == "azure"
            for m in c.cost_models()}


@pytest.fixture(scope="module")
def session() -> Session:
    return Session()


def _azure(estimate):  # type: ignore[no-untyped-def]
    return [r for r in estimate.resources if r.change.provider == "azurerm"]


@pytest.mark.parametrize("path", PLANS + TF_DIRS)
def test_every_azure_input_is_read_and_priced(path: str, session: Session) -> None:
    estimate = session.estimate(corpus_file(path))
    resources = _azure(estimate)
    assert resources, path
    for r in resources:
        if r.change.type in MODELLED:
            # Priced, or unknown/unpriced with the reason: never unsupported, never $0.
            assert r.status in ("priced", "unknown", "unpriced", "usage-needed"), r.address
            side = r.after
            assert side is not None and side.components, r.address
            if r.status != "priced":
                assert side.reasons, r.address
            for comp in side.components:
                if comp.status == "priced" and comp.per == "hour" and comp.quantity:
                    assert comp.hourly and comp.hourly > 0, (r.address, comp.name)


def _resource(estimate, address: str):  # type: ignore[no-untyped-def]
    (found,) = [r for r in estimate.resources if r.address == address]
    return found


def test_virtual_machine_test_gpu_sizes(session: Session) -> None:
    folder = corpus_file(TF_DIRS[2])
    estimate = session.estimate(folder)
    h100 = _resource(estimate, 'azurerm_virtual_machine.linux_vms["Standard_ND96isr_H100_v5"]')
    instance = h100.after.components[0]
    assert instance.price_source == "SK6A" and instance.unit_price == Decimal("98.32")
    assert instance.monthly == Decimal("71773.60")  # Infracost's golden line
    assert h100.after.gpus == {"NVIDIA H100": 8}
    windows = _resource(estimate, 'azurerm_virtual_machine.windows_vms["Standard_ND96isr_H100_v5"]')
    assert windows.after.components[0].price_source == "IC"
    assert windows.after.components[0].monthly.quantize(Decimal("0.01")) == Decimal("74997.28")
    # The OS disk sets no size: unknown, so the VM is a lower bound, not a guess.
    assert h100.status == "unknown" and h100.partial


def test_plans_outside_the_sourced_regions_name_what_is_missing(session: Session) -> None:
    terracost = session.estimate(corpus_file(PLANS[0]))
    vm = _resource(terracost, "module.vm.azurerm_virtual_machine.main")
    assert vm.status == "unpriced"
    assert any("francecentral" in reason for reason in vm.after.reasons)
    pennywise = session.estimate(corpus_file(PLANS[1]))
    vmss = _resource(pennywise, "azurerm_linux_virtual_machine_scale_set.tfexample")
    assert vmss.status == "unpriced" and any("westeurope" in r for r in vmss.after.reasons)
    compliance = session.estimate(corpus_file(PLANS[2]))
    for r in _azure(compliance):
        if r.change.type == "azurerm_virtual_machine":
            assert r.status == "unknown" and any("region unknown" in x for x in r.after.reasons)


def test_low_priority_clusters_are_never_zero(session: Session) -> None:
    estimate = session.estimate(corpus_file(TF_DIRS[3]))
    for r in estimate.resources:
        if r.change.type == "azurerm_machine_learning_compute_cluster":
            assert r.status in ("unpriced", "unknown"), r.address
            assert r.monthly_range.high is None  # open above: never $0


def test_the_infracost_comparison_explains_every_difference() -> None:
    require_corpus()
    rows = [row for folder in folders() for row in compare(folder)]
    assert len(rows) > 500
    same = [r for r in rows if r.verdict == "same"]
    assert len(same) >= 200
    for r in rows:
        assert r.verdict == "same" or r.verdict.startswith(
            ("method:", "coverage:", "price source and date:")), r
        if r.verdict == "same":
            assert r.ours == r.infracost


def test_comparison_folders_are_the_corpus_azure_tests() -> None:
    require_corpus()
    names = {p.name for p in folders()}
    assert names == {Path(d).name for d in TF_DIRS[2:]}
