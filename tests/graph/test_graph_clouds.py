"""The graph reads shared types and tag attributes from the cloud bundles."""

from __future__ import annotations

from dataclasses import replace

from graphkit import estimate, resource, side

from engine.clouds import Cloud, builtin_clouds
from engine.clouds.conventions import TagConvention
from engine.graph import breakdown, build_graph, shared_resources
from engine.graph.export import node_attributes, tags_hidden


def _graph():
    return build_graph(estimate([
        resource("aws_subnet.a", type="aws_subnet", after=side("0.5")),
        resource("aws_instance.r", after=side("1"), tags={"team": "red"},
                 depends_on=["aws_subnet.a"]),
    ]))


def test_shared_types_come_from_the_caller() -> None:
    g = _graph()
    assert shared_resources(g, "after") == ()
    assert shared_resources(g, "after", frozenset({"aws_subnet"})) == ("aws_subnet.a",)
    b = breakdown(g, shared_types=frozenset({"aws_subnet"}))
    assert {r.group: r.shared_hourly for r in b.rows}["red"] == side("0.5").hourly
    assert breakdown(g, shared_types=frozenset({"aws_subnet"})).shared == ("aws_subnet.a",)


def _sensitive(provider: str, path: tuple[str, ...]):
    g = _graph()
    node = g.node("aws_instance.r")
    change = replace(node.cost.change, provider=provider, sensitive_paths=frozenset({path}))
    return replace(node, cost=replace(node.cost, change=change))


def test_sensitive_google_labels_hide_tags() -> None:
    assert tags_hidden(_sensitive("google", ("effective_labels", "owner")))
    assert tags_hidden(_sensitive("google", ("labels",)))
    assert tags_hidden(_sensitive("aws", ("tags_all", "x")))
    assert not tags_hidden(_sensitive("aws", ("labels", "x")))  # not an aws tag attribute
    n = _sensitive("google", ("labels", "owner"))
    assert node_attributes(_graph(), n, None, False)["tags"] is None


def test_tag_attributes_of_a_toy_cloud_hide_tags() -> None:
    toy = Cloud(name="toy", providers=("toy",), tags=TagConvention(fields=("marks",)))
    n = _sensitive("toy", ("marks", "k"))
    assert not tags_hidden(n)
    assert tags_hidden(n, (*builtin_clouds(), toy))
