"""Google Cloud resource types that have no charge by themselves.

What they enable is billed elsewhere (the VMs in a subnetwork, the traffic a
firewall lets through, the objects in a bucket). Instance templates are carried by
their managed instance groups (`CARRIED_BY`); autoscalers are read by the groups
they scale.
"""

from __future__ import annotations

FREE_TYPES: frozenset[str] = frozenset({
    # projects, IAM and service accounts
    "google_project_service", "google_project_iam_member", "google_project_iam_binding",
    "google_project_iam_policy", "google_project_iam_custom_role", "google_service_account",
    "google_service_account_key", "google_service_account_iam_member",
    "google_service_account_iam_binding", "google_storage_bucket_iam_member",
    "google_storage_bucket_iam_binding", "google_storage_bucket_iam_policy",
    "google_compute_instance_iam_member", "google_container_node_pool_iam_member",
    # networking plumbing (traffic and NAT are priced elsewhere)
    "google_compute_network", "google_compute_subnetwork", "google_compute_firewall",
    "google_compute_route", "google_compute_router", "google_compute_resource_policy",
    "google_compute_project_metadata", "google_compute_project_metadata_item",
    "google_compute_network_peering", "google_service_networking_connection",
    "google_compute_global_address",
    # autoscalers: their min/max are read by the groups they scale
    "google_compute_autoscaler", "google_compute_region_autoscaler",
    # configuration only
    "google_storage_bucket_acl", "google_storage_default_object_acl",
    "google_compute_shared_vpc_host_project", "google_compute_shared_vpc_service_project",
    "google_gke_hub_membership", "google_tags_tag_binding", "google_tags_tag_key",
    "google_tags_tag_value",
})

# Types priced on the resources that use them (each of the types listed).
CARRIED_BY = {
    "google_compute_instance_template": ("google_compute_instance_group_manager",
                                         "google_compute_region_instance_group_manager"),
    "google_compute_region_instance_template": ("google_compute_region_instance_group_manager",
                                                "google_compute_instance_group_manager"),
}
