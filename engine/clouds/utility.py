"""Terraform's utility providers (random, null, time, tls, local): resources that only
compute values inside Terraform and cost nothing."""

from __future__ import annotations

from . import Cloud

FREE_TYPES: frozenset[str] = frozenset({
    "random_id", "random_integer", "random_password", "random_pet", "random_shuffle",
    "random_string", "random_uuid",
    "null_resource", "terraform_data",
    "time_offset", "time_rotating", "time_sleep", "time_static",
    "tls_cert_request", "tls_locally_signed_cert", "tls_private_key", "tls_self_signed_cert",
    "local_file", "local_sensitive_file",
})


CLOUD = Cloud(name="utility", providers=("random", "null", "terraform", "time", "tls", "local"),
              free_types=FREE_TYPES)
