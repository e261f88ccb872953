"""Providers load on first use: the lock's summaries stand in for unread files."""

from __future__ import annotations

import pickle

from pricing_catalog import PriceKey, load_catalog
from pricing_catalog.loader import DATA_DIR, _bundled


def test_an_aws_lookup_reads_no_other_cloud() -> None:
    _bundled.cache_clear()
    try:
        catalog = load_catalog()
        assert catalog._providers.loaded() == []  # the version and sources came from the lock
        catalog.lookup(PriceKey.of("aws", "ec2", "instance", "us-east-1",
                                   instance_type="p5.48xlarge", os="linux", tenancy="shared"))
        assert [p for p in catalog._providers.names() if catalog._providers._loaded.get(p)] \
            == ["aws"]
    finally:
        _bundled.cache_clear()


def test_lazy_and_eager_loads_agree() -> None:
    """The bundled catalog (lazy, from the lock) and the same folder read in full
    (every file parsed and validated now) have the same version, sources and prices."""
    _bundled.cache_clear()
    lazy = load_catalog()
    eager = load_catalog(data_dir=DATA_DIR)
    assert lazy.info == eager.info
    assert lazy.sources == eager.sources
    assert len(lazy) == len(eager)
    assert list(lazy.prices()) == list(eager.prices())
    assert lazy.instance_types() == eager.instance_types()


def test_a_pending_provider_survives_pickling() -> None:
    _bundled.cache_clear()
    try:
        copy = pickle.loads(pickle.dumps(load_catalog()._providers))
        assert copy.get("google") is not None and copy.get("google").instances
    finally:
        _bundled.cache_clear()
