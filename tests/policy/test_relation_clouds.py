"""The relation condition's default `match` keys come from the cloud bundles."""

from __future__ import annotations

from policy_helpers import change, cost, subject

from engine.clouds import Cloud, builtin_clouds, relation_match


def test_default_match_keys_are_the_bundles_union() -> None:
    # aws keeps its exact former default, in order; google adds self_link.
    assert relation_match() == ("id", "bucket", "name", "arn", "self_link")
    toy = Cloud(name="toy", providers=("toy",), id_attributes=("urn",))
    assert relation_match((*builtin_clouds(), toy))[-1] == "urn"


def test_google_resources_relate_by_self_link(compile_cond) -> None:  # type: ignore[no-untyped-def]
    check = compile_cond({"relation": {"type": "google_compute_network",
                                       "direction": "outgoing", "via": "network"}})
    link = "https://www.googleapis.com/compute/v1/projects/p/global/networks/ml"
    net = cost(change("google_compute_network", "ml", after={"self_link": link}))
    vm = cost(change("google_compute_instance", "a", after={"network": link}))
    lost = cost(change("google_compute_instance", "b", after={"network": "elsewhere"}))
    assert check(subject(vm, net))[0] is True
    assert check(subject(lost, net))[0] is False
