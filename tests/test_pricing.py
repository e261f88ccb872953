"""The pricing stage (engine.pricing) on its own: a tiny catalog and cost model written here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from engine.costs.base import CostComponent, CostModel, CostRegistry, SideView, UnknownAttribute
from engine.pricing import estimate
from engine.model import Accelerator, CatalogInfo, ChangeSet, ComponentFacts, Machine, ResourceChange
from engine.report.summary import money, totals
from engine.usage import Usage
from pricing_catalog.keys import InstanceInfo, Price, PriceKey, PriceTier

D = Decimal


class FakeCatalog:
    info = CatalogInfo(version="test", as_of="2026-01-19", oldest_as_of="2025-11-30")

    def __init__(self) -> None:
        self.prices = {
            PriceKey.of("aws", "ec2", "instance", "us-east-1", instance_type="p5.48xlarge"):
                D("55.04"),
            PriceKey.of("aws", "ec2", "instance", "us-east-1", instance_type="g5.xlarge"):
                D("1.006"),
            PriceKey.of("aws", "ebs", "storage", "us-east-1", volume_type="gp3"): D("0.08"),
        }

    def lookup(self, key: PriceKey) -> Price | None:
        if key.product == "egress":
            return Price(key, "GB", D("0.09"), "USD", "IC", "test", "2026-08-21",
                         tiers=(PriceTier(D(0), D("0.09")), PriceTier(D(10240), D("0.085"))))
        value = self.prices.get(key)
        return None if value is None else Price(key, "hour", value, "USD", "K", "test",
                                                "2026-01-19")

    def explain_missing(self, key: PriceKey, hardware_known: bool | None = None) -> str:
        return f"no price for {key}"

    def instance(self, provider: str, instance_type: str) -> InstanceInfo | None:
        gpus = {"p5.48xlarge": (8, "NVIDIA H100"), "g5.xlarge": (1, "NVIDIA A10G")}
        if provider != "aws" or instance_type not in gpus:
            return None
        n, model = gpus[instance_type]
        return InstanceInfo(provider, instance_type, None, None, n, model, None, "test",
                            "gpu", "NVIDIA", model.removeprefix("NVIDIA "))


@dataclass(frozen=True)
class Spec:
    instance_type: str
    count: int
    disk_gb: int | None
    region: str | None


def extract(view: SideView) -> Spec:
    try:
        disk = view.get("disk_gb")
    except UnknownAttribute:
        disk = -1  # known after apply
    return Spec(view.require("instance_type"), int(view.get("count", default=1)), disk,
                view.region)


def components(spec: Spec, usage) -> list[CostComponent]:
    out = [CostComponent("instance", PriceKey.of("aws", "ec2", "instance", spec.region,
                                                  instance_type=spec.instance_type),
                         "hours", "hour", D(spec.count),
                         facts=ComponentFacts(machine=Machine("aws", spec.instance_type)))]
    if spec.disk_gb is not None:
        known = spec.disk_gb >= 0
        out.append(CostComponent("disk", PriceKey.of("aws", "ebs", "storage", spec.region,
                                                      volume_type="gp3"),
                                 "GB", "month", D(spec.disk_gb) if known else None,
                                 missing=None if known else "unknown",
                                 reason=None if known else "disk_gb known after apply"))
    egress = usage.get("egress_gb")
    out.append(CostComponent("egress", PriceKey.of("aws", "data_transfer", "egress", spec.region),
                             "GB", "month", egress, missing=None if egress is not None else "usage",
                             reason=None if egress is not None else "usage egress_gb not given"))
    return out


REGISTRY = CostRegistry(models={"fake_vm": CostModel("fake_vm", extract, components)},
                        free_types=frozenset({"fake_role"}))


def change(address: str, action: str, before: dict | None, after: dict | None,
           unknown=frozenset(), rtype: str = "fake_vm") -> ResourceChange:
    return ResourceChange(address=address, type=rtype, name=address.split(".")[-1],
                          provider="aws", action=action, before=before, after=after,
                          region="us-east-1", unknown_paths=frozenset(unknown))


def run(*changes: ResourceChange, usage: Usage = Usage()):
    cs = ChangeSet("terraform-plan", "plan.json", tuple(changes))
    return estimate(cs, catalog=FakeCatalog(), usage=usage, registry=REGISTRY)


def test_create_with_usage_prices_every_component():
    usage = Usage(exact={"fake_vm.a": {"egress_gb": D(20480), "hours_per_month": D(100)}})
    est = run(change("fake_vm.a", "create", None,
                     {"instance_type": "p5.48xlarge", "count": 2, "disk_gb": 1000}), usage=usage)
    r = est.resources[0]
    assert r.status == "priced"
    # 2 x 55.04 $/h for 100 h, 1000 GB x 0.08, egress 10240 x 0.09 + 10240 x 0.085
    egress = D(10240) * D("0.09") + D(10240) * D("0.085")
    assert r.after.monthly == D("110.08") * 100 + D(80) + egress
    assert r.after.hourly == D("110.08") + (D(80) + egress) / 730
    assert r.after.gpus == {"NVIDIA H100": 16}
    assert r.hourly_delta == r.after.hourly


def test_missing_usage_is_depends_on_usage_not_zero():
    est = run(change("fake_vm.a", "create", None, {"instance_type": "g5.xlarge"}))
    r = est.resources[0]
    assert r.status == "usage-needed"
    egress = [c for c in r.after.components if c.name == "egress"][0]
    assert egress.status == "usage-needed" and egress.hourly is None
    assert r.after.hourly == D("1.006")  # the priced part only


def test_unknown_instance_type_is_unknown_not_zero():
    est = run(change("fake_vm.a", "create", None, {"instance_type": None},
                     unknown={("instance_type",)}))
    r = est.resources[0]
    assert r.status == "unknown"
    assert r.after.hourly is None and r.hourly_delta is None
    assert "instance_type is known after apply" in r.after.reasons[0]
    t = totals(est)
    assert t.hourly.delta == 0 and t.incomplete == (r,)


def test_unknown_component_gives_a_lower_bound_on_create_only():
    # the disk size is known only after apply; the instance hours are known
    create = run(change("fake_vm.a", "create", None,
                        {"instance_type": "g5.xlarge", "disk_gb": None},
                        unknown={("disk_gb",)}), usage=Usage(defaults={"fake_vm": {
                            "egress_gb": D(0)}}))
    r = create.resources[0]
    assert r.status == "unknown" and r.partial
    assert r.after.hourly == D("1.006") and r.hourly_delta == D("1.006")
    assert totals(create).incomplete == (r,) and totals(create).hourly.delta == D("1.006")
    replace = run(change("fake_vm.a", "replace", {"instance_type": "p5.48xlarge"},
                         {"instance_type": "g5.xlarge", "disk_gb": None},
                         unknown={("disk_gb",)}))
    assert replace.resources[0].hourly_delta is None  # never an invented saving


def test_missing_price_is_unpriced_and_never_a_saving():
    est = run(change("fake_vm.a", "replace", {"instance_type": "g5.xlarge"},
                     {"instance_type": "p5e.48xlarge"}))
    r = est.resources[0]
    assert r.status == "unpriced"
    assert r.before.hourly is not None and r.after.hourly is None
    assert r.hourly_delta is None
    assert "no price for" in r.after.reasons[0]
    assert totals(est).hourly.delta == 0


def test_delete_is_a_negative_delta_and_free_types_are_free():
    est = run(change("fake_vm.a", "delete", {"instance_type": "g5.xlarge", "count": 3}, None),
              change("fake_role.r", "create", None, {"name": "x"}, rtype="fake_role"),
              change("other_thing.x", "create", None, {}, rtype="other_thing"))
    vm, role, other = est.resources
    assert vm.hourly_delta == D("-3.018")
    assert role.status == "free" and role.hourly_delta == 0
    assert other.status == "unsupported" and other.hourly_delta is None
    assert totals(est).gpus_delta == {"NVIDIA A10G": -3}


def test_no_op_costs_the_same_on_both_sides():
    attrs = {"instance_type": "g5.xlarge"}
    r = run(change("fake_vm.a", "no-op", attrs, attrs)).resources[0]
    assert r.before is r.after and r.hourly_delta == 0


def test_data_sources_are_not_priced():
    data = ResourceChange(address="data.fake_vm.a", type="fake_vm", name="a", provider="aws",
                          action="read", before=None, after={}, mode="data")
    assert run(data).resources == ()


@given(st.lists(st.tuples(st.sampled_from(["create", "delete", "update", "no-op"]),
                          st.integers(0, 50), st.integers(0, 50)), max_size=20))
def test_totals_add_up(rows):
    changes = []
    for i, (action, before_n, after_n) in enumerate(rows):
        before = {"instance_type": "g5.xlarge", "count": before_n}
        after = {"instance_type": "g5.xlarge", "count": after_n if action != "no-op" else before_n}
        changes.append(change(f"fake_vm.r{i}", action,
                              None if action == "create" else before,
                              None if action == "delete" else after))
    est = run(*changes)
    t = totals(est)
    assert t.hourly.delta == t.hourly.after - t.hourly.before
    assert t.monthly.delta == sum((r.monthly_delta for r in est.resources), D(0))
    for r in est.resources:
        assert r.hourly_delta == ((r.after.hourly if r.after else 0)
                                  - (r.before.hourly if r.before else 0))


@pytest.mark.parametrize("value,text", [
    (D("55.04"), "55.04"), (D("0.045"), "0.045"), (D("40179.2"), "40179.20"),
    (D("1E+1"), "10.00"), (D("0.0000004"), "0.00"), (D("-0.0000001"), "0.00"),
    (D("2.1234567"), "2.123457"), (None, None)])
def test_money_strings(value, text):
    assert money(value) == text


# --- accelerators: declared by cost models, summed by pricing whatever the service ---

H100 = Accelerator("gpu", "NVIDIA", "NVIDIA H100", "H100", 8, D(80))
T4 = Accelerator("gpu", "NVIDIA", "NVIDIA T4", "T4", 1, D(16))
TPU = Accelerator("tpu", "Google", "Google TPU v5e", "TPU v5e", 4, D(16))


def _toy_gcp(view: SideView) -> tuple[int | None, int]:
    cards = view.get("guest_accelerator", 0, "count")
    return (None if cards == "?" else cards), view.get("tpu_slices", default=0)


def _toy_gcp_components(spec: tuple[int | None, int], usage) -> list[CostComponent]:
    cards, slices = spec
    region = "us-central1"
    out = [CostComponent("guest accelerator", PriceKey.of("toy", "compute", "gpu", region),
                         "hour", "hour", None if cards is None else D(cards),
                         missing=None if cards is not None else "unknown",
                         facts=ComponentFacts(accelerators=(T4,)))]
    if slices:
        out.append(CostComponent("tpu", PriceKey.of("toy", "tpu", "slice", region), "hour",
                                 "hour", D(slices), facts=ComponentFacts(accelerators=(TPU,))))
    return out


def _gcp_run(*changes: ResourceChange):
    registry = CostRegistry(models={"toy_vm": CostModel("toy_vm", _toy_gcp, _toy_gcp_components)})
    return estimate(ChangeSet("terraform-plan", "plan.json", changes), catalog=FakeCatalog(),
                    usage=Usage(), registry=registry)


def test_a_guest_accelerator_and_tpu_chips_count_with_no_instance_service():
    vm = change("toy_vm.a", "create", None, {"guest_accelerator": [{"count": 2}], "tpu_slices": 3},
                rtype="toy_vm")
    side = _gcp_run(vm).resources[0].after
    assert side.gpus == {"NVIDIA T4": 2, "Google TPU v5e": 12} and side.gpus_known
    assert side.status == "unpriced"  # no toy prices: the count does not need one
    facts = {c.name: c.facts for c in side.components}
    assert facts["tpu"].accelerators == (TPU,) and facts["tpu"].accelerators[0].kind == "tpu"


def test_an_object_shaped_block_reads_like_a_one_element_list():
    listed = change("toy_vm.a", "create", None, {"guest_accelerator": [{"count": 2}]}, rtype="toy_vm")
    flat = change("toy_vm.b", "create", None, {"guest_accelerator": {"count": 2}}, rtype="toy_vm")
    a, b = _gcp_run(listed, flat).resources
    assert a.after.gpus == b.after.gpus == {"NVIDIA T4": 2}


def test_accelerators_with_an_unknown_count_make_the_gpu_total_unknown():
    vm = change("toy_vm.a", "create", None, {"guest_accelerator": [{"count": "?"}]}, rtype="toy_vm")
    side = _gcp_run(vm).resources[0].after
    assert side.gpus == {} and not side.gpus_known


def test_machine_hardware_comes_from_the_catalog_by_provider():
    est = run(change("fake_vm.a", "create", None, {"instance_type": "p5.48xlarge", "count": 2}))
    (instance, *_) = est.resources[0].after.components
    assert instance.facts.machine == Machine("aws", "p5.48xlarge")
    assert instance.facts.accelerators == (replace(H100, memory_gb=None),)  # the fake has none
    assert instance.facts.hardware_known
    unknown = run(change("fake_vm.a", "create", None, {"instance_type": "x9.huge"})).resources[0]
    assert unknown.after.gpus == {} and not unknown.after.gpus_known  # no hardware facts


# --- regional and global prices ------------------------------------------------------

def _toy_catalog(tmp_path):
    from pricing_catalog import load_catalog
    from pricing_catalog.datafile import format_data_file

    folder = tmp_path / "toy"
    folder.mkdir()
    doc = {"schema_version": 1, "provider": "toy", "service": "support", "currency": "USD",
           "sources": {"T": {"title": "toy", "location": "test", "as_of": "2026-01-01",
                             "licence": "test"}},
           "records": [{"product": "plan", "region": None, "attributes": {},
                        "purchase_option": "on_demand", "unit": "hour", "price": "2",
                        "source": "T", "as_of": "2026-01-01"}]}
    (folder / "support.json").write_text(format_data_file(doc))
    return load_catalog(data_dir=tmp_path)


@pytest.mark.parametrize("scope, status, reason", [
    ("global", "priced", None),
    ("regional", "unknown", "region unknown (set it in the provider or pass --region)"),
])
def test_only_a_regional_price_needs_a_region(tmp_path, scope, status, reason):
    def components(spec, usage):
        return [CostComponent("plan", PriceKey.of("toy", "support", "plan", None), "hour",
                              "hour", D(1), scope=scope)]

    registry = CostRegistry(models={"toy_plan": CostModel("toy_plan", lambda v: None, components)})
    res = ResourceChange(address="toy_plan.p", type="toy_plan", name="p", provider="toy",
                         action="create", before=None, after={}, region=None)
    est = estimate(ChangeSet("terraform-plan", "plan.json", (res,)), catalog=_toy_catalog(tmp_path),
                   usage=Usage(), registry=registry)
    (component,) = est.resources[0].after.components
    assert (component.status, component.reason) == (status, reason)
    assert est.resources[0].after.hourly == (D(2) if scope == "global" else None)


def test_machines_of_a_type_are_declared_once():
    from engine.clouds import Cloud, cost_registry
    from engine.model import Launchable

    def read(view):
        return Launchable()

    model = CostModel("toy_vm", lambda v: None, lambda s, u: [])
    with pytest.raises(ValueError, match="machines of toy_vm declared twice"):
        cost_registry([Cloud("a", ("a",), models=(model,), configured_machines={"toy_vm": read})])
    with pytest.raises(ValueError, match="machines of toy_tpl declared twice"):
        cost_registry([Cloud("a", ("a",), configured_machines={"toy_tpl": read}),
                       Cloud("b", ("b",), configured_machines={"toy_tpl": read})])


def test_a_type_without_a_model_gets_the_machines_its_cloud_reads():
    from engine.model import Launchable

    def read(view):
        return Launchable((Machine("toy", view.get("size"), family="t"),))

    registry = CostRegistry(models={}, free_types=frozenset({"toy_template"}),
                            configured_machines={"toy_template": read})
    tpl = change("toy_template.t", "create", None, {"size": "t-8"}, rtype="toy_template")
    est = estimate(ChangeSet("terraform-plan", "plan.json", (tpl,)), catalog=FakeCatalog(),
                   usage=Usage(), registry=registry)
    (r,) = est.resources
    assert r.status == "free" and r.after.launchable.machines == (Machine("toy", "t-8", family="t"),)
