"""A cloud and an input format of one's own, end to end, without an edit under engine/.

Everything toy is defined in this file: a cloud bundle (a cost model whose
component brings GPUs, a free type, a tag convention that reads `labels`, a
region convention that turns zones into regions, its catalog data files), a
reader for a JSON format, a policy file and an output format. They reach the
engine only through its public registries: `engine.Session(clouds=, readers=,
catalog=)` and `engine.report.formats`.
"""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from engine import Session
from engine.clouds import Cloud, builtin_clouds, region_convention, tag_convention
from engine.clouds.conventions import RegionConvention, TagConvention
from engine.costs import CostComponent, CostModel, SideView
from engine.facts import ComponentFacts, Machine
from engine.model import ChangeSet, ResourceChange
from engine.policy import EvaluationOptions
from engine.policy.taggable import load_taggable
from engine.report.formats import OutputFormat, Report, builtin_formats
from engine.sources.readers import ReadContext, Reader, builtin_readers
from pricing_catalog import PriceKey, load_catalog

# --- the toy cloud ----------------------------------------------------------------------


def _extract(view: SideView) -> tuple[str, Decimal | None]:
    return view.instance_type("machine"), view.count("nodes", default=Decimal(1))


def _components(spec: tuple[str, Decimal | None], usage) -> tuple[CostComponent, ...]:
    machine, nodes = spec
    return (CostComponent(
        "GPU node", PriceKey.of("toy", "compute", "node", "toy-east", machine=machine),
        "hour", "hour", nodes,
        facts=ComponentFacts(machine=Machine("toy", machine), purchase_option="on_demand")),)


TOY_CLOUD = Cloud(
    name="toycloud", providers=("toy",),
    models=(CostModel("toy_gpu_node", _extract, _components),),
    free_types=frozenset({"toy_network"}),
    tags=TagConvention(fields=("labels",), merged_field="", defaults=()),
    regions=RegionConvention(fields=("zone",), provider_fields=(),
                             normalize=lambda zone: zone.rsplit("-", 1)[0]),
    catalog_services=frozenset({"compute"}),
)
CLOUDS = (*builtin_clouds(), TOY_CLOUD)

TOY_SOURCE = {"title": "toy price list written for this test", "location": "tests/",
              "as_of": "2026-11-30", "licence": "CC0-1.0"}


def _catalog_dir(tmp_path: Path) -> Path:
    """The toy cloud's catalog data files, laid out like pricing_catalog/data."""
    data = tmp_path / "catalog" / "toy"
    data.mkdir(parents=True)
    (data / "compute.json").write_text(json.dumps({
        "schema_version": 1, "provider": "toy", "service": "compute", "currency": "USD",
        "sources": {"T": TOY_SOURCE},
        "records": [{"product": "node", "region": "toy-east", "attributes": {"machine": "g8"},
                     "purchase_option": "on_demand", "unit": "hour", "price": "12.50",
                     "source": "T", "as_of": "2026-11-30"}]}))
    (data / "instances.json").write_text(json.dumps({
        "schema_version": 1, "provider": "toy", "service": "instances",
        "sources": {"T": TOY_SOURCE},
        "instances": [{"instance_type": "g8", "vcpu": 96, "memory_gib": "768", "gpu_count": 8,
                       "gpu_model": "NVIDIA H100", "gpu_memory_gb": "80", "source": "T"}]}))
    return tmp_path / "catalog"


# --- the toy input format ---------------------------------------------------------------


def _detect(document) -> bool:
    return isinstance(document, dict) and "toy_changes" in document


def _read(document, shown: str, options, context: ReadContext) -> ChangeSet:
    changes = []
    for i, item in enumerate(document["toy_changes"]):
        provider = "toy"
        tags = tag_convention(provider, context.clouds)
        regions = region_convention(provider, context.clouds)
        attrs = item["attributes"]
        zone = next((attrs[f] for f in regions.fields if f in attrs), None)
        labels = next((attrs[f] for f in tags.fields if f in attrs), None)
        changes.append(ResourceChange(
            address=f"{item['type']}.{item['name']}", type=item["type"], name=item["name"],
            provider=provider, action="create", actions=("create",), before=None,
            after=attrs, region=regions.normalize(zone) if zone else context.default_region,
            tags_after=labels))
    return ChangeSet(source_format="toy-changes", source_path=shown, changes=tuple(changes))


TOY_READER = Reader("toy-changes", _read, detect_document=_detect,
                    description="a toy list of created resources")

DOCUMENT = {"toy_changes": [
    {"type": "toy_gpu_node", "name": "train", "attributes": {
        "machine": "g8", "nodes": 2, "zone": "toy-east-b", "labels": {"team": "ml"}}},
    {"type": "toy_gpu_node", "name": "stray", "attributes": {
        "machine": "g8", "zone": "toy-east-a"}},
    {"type": "toy_network", "name": "net", "attributes": {"zone": "toy-east-a"}},
]}

POLICIES = """\
version: 1
description: toy rules
policies:
  - id: toy-team-label
    description: GPU nodes carry a team label.
    level: hard-mandatory
    message: "{address} has no team label"
    select: {types: [toy_gpu_node]}
    require: {tags: {required: [team]}}
  - id: toy-gpu-cap
    description: At most 8 GPUs per node group.
    level: soft-mandatory
    message: "{address} runs {gpu_count} GPUs"
    select: {types: [toy_gpu_node]}
    require: {gpu_count: {lte: 8}}
"""

TAGGABLE = "toy:\n  taggable: ['toy_*']\n  not_taggable: [toy_network]\n"


def _toy_format(report: Report) -> str:
    failed = sorted(f.address for f in report.result.findings if f.outcome == "fail")
    return f"toy {report.command}: {len(report.estimate.resources)} resources, failing {failed}"


@pytest.fixture()
def session(tmp_path: Path) -> Session:
    (tmp_path / "toy.yaml").write_text(POLICIES)
    (tmp_path / "taggable.yaml").write_text(TAGGABLE)
    return Session(catalog=load_catalog(data_dir=_catalog_dir(tmp_path)),
                   policies=[str(tmp_path / "toy.yaml")], clouds=CLOUDS,
                   readers=builtin_readers().with_readers(TOY_READER),
                   options=EvaluationOptions(taggable=load_taggable(str(tmp_path / "taggable.yaml"))))


def test_a_toy_cloud_and_reader_are_priced_judged_and_rendered(session: Session, tmp_path: Path):
    path = tmp_path / "change.json"
    path.write_text(json.dumps(DOCUMENT))
    for source in (DOCUMENT, str(path)):  # a parsed document and a file
        est = session.estimate(source)
        assert est.changeset.source_format == "toy-changes"
        costs = {r.address: r for r in est.resources}
        train, stray = costs["toy_gpu_node.train"], costs["toy_gpu_node.stray"]
        net = costs["toy_network.net"]
        # priced from the toy catalog: 2 nodes x $12.50/h, GPUs from its hardware facts
        assert train.status == "priced" and train.after.hourly == Decimal("25.00")
        assert train.after.monthly == Decimal("18250.00")
        assert train.after.components[0].price_source == "T"
        assert dict(train.after.gpus) == {"NVIDIA H100": 16}
        assert stray.after.hourly == Decimal("12.50") and dict(stray.after.gpus) == {
            "NVIDIA H100": 8}
        assert net.status == "free"
        # the region convention turned zones into the catalog's region
        assert {r.change.region for r in est.resources} == {"toy-east"}
        assert train.change.tags_after == {"team": "ml"}

    result = session.check(DOCUMENT)
    fails = sorted((f.policy_id, f.address) for f in result.findings if f.outcome == "fail")
    assert fails == [("toy-gpu-cap", "toy_gpu_node.train"),
                     ("toy-team-label", "toy_gpu_node.stray")]
    assert result.blocking  # the missing label is hard-mandatory

    formats = builtin_formats().with_formats(OutputFormat("toy", ("check",), _toy_format))
    report = Report("check", estimate=session.estimate(DOCUMENT), result=result)
    assert formats.render(report, "toy") == (
        "toy check: 3 resources, failing ['toy_gpu_node.stray', 'toy_gpu_node.train']")
    # and a built-in renderer shows the toy cloud's figures
    table = builtin_formats().render(report, "table")
    assert "toy_gpu_node.train" in table and "25" in table

    summary = pickle.loads(pickle.dumps(session.summarise(DOCUMENT)))
    assert summary.blocking and summary.failing_policies == ("toy-gpu-cap", "toy-team-label")


def test_the_built_in_session_does_not_know_the_toy_cloud(tmp_path: Path):
    """Without the toy bundle and reader, the same input is not read, and a toy resource
    in a Terraform-shaped change is unsupported, never $0."""
    from engine.errors import InputError

    with pytest.raises(InputError):
        Session().estimate(DOCUMENT)
    est = Session(readers=builtin_readers().with_readers(TOY_READER)).estimate(DOCUMENT)
    assert {r.status for r in est.resources} == {"unsupported"}
    assert all(r.after.hourly is None for r in est.resources)
