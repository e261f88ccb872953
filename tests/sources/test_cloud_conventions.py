"""Both Terraform readers take provider aliases, tag and region conventions from the
cloud bundles: a toy cloud built here changes what they see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.clouds import Cloud, builtin_clouds, canonical_provider, reader_attributes
from engine.clouds.conventions import RegionConvention, TagConvention
from engine.sources.hcl.blocks import effective_tags as hcl_effective_tags
from engine.sources.hcl.providers import ProviderConfig
from engine.sources.hcl.values import UNKNOWN
from engine.sources.terraform_attrs import attribute_region, provider_region
from engine.sources.terraform_hcl import TAG_ATTRIBUTES, read_hcl
from engine.sources.terraform_plan import read_plan

TOY = Cloud(
    name="toy", providers=("toy",), provider_aliases={"toy-next": "toy"},
    tags=TagConvention(fields=("marks",), merged_field="all_marks", defaults=("default_marks",)),
    regions=RegionConvention(fields=("place",), provider_fields=("place",), normalize=str.upper),
)
CLOUDS = (*builtin_clouds(), TOY)


def _plan(after: dict[str, Any], provider: dict[str, Any] | None = None,
          unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"format_version": "1.2", "resource_changes": [{
        "address": "toy_box.a", "mode": "managed", "type": "toy_box", "name": "a",
        "provider_name": "registry.terraform.io/acme/toy-next",
        "change": {"actions": ["create"], "before": None, "after": after,
                   "after_unknown": unknown or {}}}]}
    if provider is not None:
        doc["configuration"] = {"provider_config": {"toy-next": {
            "name": "toy-next", "expressions": provider}},
            "root_module": {"resources": [{"address": "toy_box.a", "mode": "managed",
                                           "type": "toy_box", "name": "a",
                                           "provider_config_key": "toy-next"}]}}
    return doc


def test_plan_reader_reads_a_toy_cloud_conventions() -> None:
    doc = _plan({"marks": {"team": "ml"}, "place": "north-1"},
                provider={"default_marks": {"constant_value": {"cc": "7"}},
                          "place": {"constant_value": "south-2"}},
                unknown={"all_marks": True})
    (c,) = read_plan(doc, "p.json", clouds=CLOUDS).changes
    assert c.provider == "toy"  # the alias comes from the bundle
    assert c.region == "NORTH-1"  # the resource's region field, normalised
    assert c.tags_after == {"cc": "7", "team": "ml"} and c.unknown_tag_keys == {"*"}
    # Without the toy bundle the same document reads with the generic conventions.
    (plain,) = read_plan(doc, "p.json").changes
    assert plain.provider == "toy-next" and plain.region is None and plain.tags_after is None


def test_plan_reader_provider_defaults_and_region_from_the_convention() -> None:
    doc = _plan({"marks": {"team": "ml"}, "all_marks": None},
                provider={"default_marks": {"constant_value": {"cc": "7"}},
                          "place": {"constant_value": "south-2"}},
                unknown={"all_marks": {"team": False}})
    (c,) = read_plan(doc, "p.json", clouds=CLOUDS).changes
    assert c.region == "SOUTH-2"
    assert c.tags_after == {"cc": "7", "team": "ml"}
    merged = _plan({"marks": {"team": "ml"}, "all_marks": {"team": "ml", "x": "1"}})
    (m,) = read_plan(merged, "p.json", clouds=CLOUDS).changes
    assert m.tags_after == {"team": "ml", "x": "1"}  # the merged field wins when known


def test_hcl_tags_read_the_convention() -> None:
    assert hcl_effective_tags("toy", {"marks": {"a": "1"}, "tags": {"b": "2"}}, {"d": "0"},
                              CLOUDS) == ({"d": "0", "a": "1"}, set())
    assert hcl_effective_tags("toy", {"tags": {"b": "2"}}, None, CLOUDS) == (None, set())
    assert hcl_effective_tags("toy", {"tags": {"b": "2"}}, None) == ({"b": "2"}, set())
    # google: labels, never tags (google's `tags` are network tags)
    assert hcl_effective_tags("google", {"tags": ["web"], "labels": {"team": "ml"}},
                              UNKNOWN) == ({"team": "ml"}, {"*"})


class _Owner:
    def safe_eval(self, attr: Any, file: str) -> Any:
        return None if attr is None else attr[0][1]


def _decl(attrs: dict[str, Any], blocks: list[Any] = ()) -> Any:
    from types import SimpleNamespace

    body = {"attrs": {k: (["L", v], 1) for k, v in attrs.items()}, "blocks": list(blocks)}
    return SimpleNamespace(body=body, file="main.tf")


def test_hcl_provider_facts_read_the_convention() -> None:
    decl = _decl({"place": "west-3", "region": "r", "default_marks": {"cc": "7"}},
                 [("default_tags", [], {"attrs": {"tags": (["L", {"x": "y"}], 2)},
                                        "blocks": []}, 2)])
    toy = ProviderConfig("toy-next", "toy-next", decl, _Owner())  # type: ignore[arg-type]
    assert toy.facts(CLOUDS) == ("west-3", {"cc": "7"})
    aws = ProviderConfig("aws", "aws", decl, _Owner())  # type: ignore[arg-type]
    assert aws.facts() == ("r", {"x": "y"})  # aws: region, default_tags.tags
    google = ProviderConfig("google-beta", "google-beta",
                            _decl({"zone": "europe-west4-b", "default_labels": {"a": "b"}}),
                            _Owner())  # type: ignore[arg-type]
    region, labels = google.facts()
    assert (provider_region("google", region), labels) == ("europe-west4", {"a": "b"})


@pytest.mark.parametrize("provider, values, expected", [
    ("aws", {"region": "eu-west-1", "location": "x"}, "eu-west-1"),
    ("google", {"zone": "us-central1-a"}, "us-central1"),
    ("google", {"location": "europe-west4"}, "europe-west4"),
    ("azurerm", {"location": "West Europe", "region": "x"}, "westeurope"),
    ("kubernetes", {"region": "r1"}, "r1"),
    ("toy", {"place": "p", "region": "r"}, "r"),  # no toy bundle in the default list
])
def test_attribute_region_per_bundle(provider: str, values: dict[str, Any],
                                     expected: str | None) -> None:
    assert attribute_region(provider, values) == expected


def test_aliases_come_from_the_bundles() -> None:
    assert canonical_provider("google-beta") == "google"
    assert canonical_provider("toy-next") == "toy-next"
    assert canonical_provider("toy-next", CLOUDS) == "toy"


def test_hcl_reader_resolves_aliases_and_zones(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "google-beta" {\n  zone = "europe-west4-b"\n'
        '  default_labels = { team = "ml" }\n}\n'
        'resource "google_compute_instance" "a" {\n  provider = google-beta\n'
        '  machine_type = "n1-standard-4"\n  labels = { app = "x" }\n}\n')
    (c,) = read_hcl(tmp_path).changes
    assert (c.provider, c.region, c.tags_after) == ("google", "europe-west4",
                                                    {"team": "ml", "app": "x"})


def test_tag_only_read_covers_every_convention_attribute() -> None:
    assert TAG_ATTRIBUTES == reader_attributes() == frozenset(
        {"tags", "tag", "labels", "resource_labels", "region", "zone", "location"})
    assert {"marks", "place"} <= reader_attributes(CLOUDS)


@pytest.mark.parametrize("kwargs", [{"fields": ()}, {"defaults": ("a", "b", "c")}])
def test_bad_tag_convention_is_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        TagConvention(**kwargs)


def test_provider_claimed_twice_is_refused() -> None:
    from engine.clouds import cloud_of

    with pytest.raises(ValueError, match="provider aws claimed twice"):
        cloud_of("aws", (*builtin_clouds(), Cloud(name="other", providers=("aws",))))
