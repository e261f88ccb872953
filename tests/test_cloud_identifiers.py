"""Pricing resolves references by the cloud bundles' identifier attributes."""

from __future__ import annotations

from engine.clouds import Cloud, builtin_clouds, id_attributes
from engine.pricing import _identifiers


def test_identifier_attributes_per_bundle() -> None:
    assert id_attributes() == ("id", "name", "arn", "self_link")
    attrs = {"id": "i-1", "arn": "arn:x", "self_link": "https://l", "bucket": "b", "urn": "u"}
    assert _identifiers(attrs) == {"i-1", "arn:x", "https://l"}
    toy = Cloud(name="toy", providers=("toy",), id_attributes=("urn",))
    assert _identifiers(attrs, (toy,)) == {"u"}
    assert _identifiers(attrs, (*builtin_clouds(), toy)) == {"i-1", "arn:x", "https://l", "u"}
