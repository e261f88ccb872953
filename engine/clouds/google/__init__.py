"""Google Cloud: shared types and provider aliases (its cost models come with the
Google Cloud catalog)."""

from __future__ import annotations

from .. import Cloud

CLOUD = Cloud(
    name="google",
    providers=("google",),
    shared_types=frozenset({"google_container_cluster", "google_compute_router_nat",
                            "google_filestore_instance"}),
    provider_aliases={"google-beta": "google"},
)
