"""Types that take their tags from a related resource (`TagConvention.inherits`): a GKE
node pool has its cluster's labels under its own node_config.resource_labels."""

from __future__ import annotations

from policy_helpers import change, cost, subject

from engine.clouds import tag_convention

CLUSTER = "google_container_cluster.training"


def _cluster(labels: dict[str, str] | None = None, unknown_tags: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return cost(change("google_container_cluster", "training", after={"name": "training"},
                       tags=labels if labels is not None else {"team": "ml", "env": "dev"},
                       unknown_tags=unknown_tags))


def _pool(**after):  # type: ignore[no-untyped-def]
    return cost(change("google_container_node_pool", "gpu", after=after,
                       depends_on=(f"{CLUSTER}.id",)))


def test_the_google_bundle_declares_node_pool_inheritance() -> None:
    rule = tag_convention("google").inheritance("google_container_node_pool")
    assert rule is not None and rule.parent == "google_container_cluster"
    assert "resource_labels" in tag_convention("google").fields  # the cluster's labels
    assert tag_convention("google").inheritance("google_compute_instance") is None


def test_pool_takes_cluster_labels_under_its_own_resource_labels() -> None:
    pool = _pool(cluster="x", node_config=[{"resource_labels": {"env": "prod", "tier": "gpu"},
                                            "labels": {"k8s-only": "yes"}}])
    s = subject(pool, _cluster())
    assert dict(s.tags("after") or {}) == {"team": "ml", "env": "prod", "tier": "gpu"}


def test_pool_found_through_its_cluster_attribute() -> None:
    pool = cost(change("google_container_node_pool", "gpu", after={"cluster": "training"}))
    s = subject(pool, _cluster())
    assert dict(s.tags("after") or {}) == {"team": "ml", "env": "dev"}


def test_pool_without_its_cluster_is_reported_untagged(compile_cond) -> None:  # type: ignore[no-untyped-def]
    check = compile_cond({"tags": {"required": ["team"]}})
    alone = subject(_pool(cluster="elsewhere"))
    assert alone.tags("after") == {}  # no labels, not "takes no tags"
    assert check(alone)[0] is False
    assert alone.world.taggable(alone.change.type, alone.change.provider)
    assert check(subject(_pool(cluster="x"), _cluster()))[0] is True


def test_unknown_cluster_labels_stay_unknown(compile_cond) -> None:  # type: ignore[no-untyped-def]
    check = compile_cond({"tags": {"required": ["team"]}})
    s = subject(_pool(cluster="x"), _cluster({}, unknown_tags=("*",)))
    assert s.tag_unknown("after", "team")
    assert check(s)[0] is None
