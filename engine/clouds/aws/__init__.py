"""AWS: cost models (one module per resource type or small family), free types,
carried and shared types, and its tag, region and identifier conventions.

The cost models are imported on first use (`Cloud.cost_models()`): a reader that
only needs the conventions (the tag hook) loads none of them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .. import Cloud
from ..conventions import TagConvention
from .free import FREE_TYPES
from .machines import READERS, instance_family

if TYPE_CHECKING:  # pragma: no cover
    from ...costs.base import CostModel

# Types priced on the resources that use them (each of the types listed), not by themselves.
CARRIED_BY = {
    "aws_launch_template": ("aws_autoscaling_group", "aws_eks_node_group", "aws_instance"),
    "aws_launch_configuration": ("aws_autoscaling_group",),
    "aws_sagemaker_endpoint_configuration": ("aws_sagemaker_endpoint",),
}

# Types whose cost serves many workloads: networking, shared file systems, clusters.
SHARED_TYPES = frozenset({
    "aws_nat_gateway", "aws_vpc_endpoint", "aws_lb", "aws_alb", "aws_elb",
    "aws_efs_file_system", "aws_fsx_lustre_file_system", "aws_fsx_ontap_file_system",
    "aws_fsx_openzfs_file_system", "aws_fsx_windows_file_system",
    "aws_eks_cluster", "aws_ecs_cluster", "aws_transit_gateway",
})


# The usage file's data_transfer entries become resources of this type (network.py).
DATA_TRANSFER_TYPE = "costwarden_data_transfer"


@cache
def models() -> tuple["CostModel", ...]:
    from . import (autoscaling, containers, ebs, ec2, efs, eks, elb, fsx, logs, network, s3,
                   sagemaker)

    return tuple(m for module in (ec2, autoscaling, eks, containers, sagemaker, ebs, s3, efs, fsx,
                                  network, elb, logs)
                 for m in module.MODELS)


CLOUD = Cloud(
    name="aws",
    providers=("aws",),
    models=models,
    free_types=FREE_TYPES,
    carried_by=CARRIED_BY,
    shared_types=SHARED_TYPES,
    # `tag` blocks: aws_autoscaling_group's list of {key, value, propagate_at_launch}.
    tags=TagConvention(fields=("tags", "tag"), merged_field="tags_all",
                       defaults=("default_tags", "tags")),
    id_attributes=("id", "name", "arn"),
    relation_match=("id", "bucket", "name", "arn"),
    purchase_options=("on_demand", "spot", "reserved_1y", "reserved_3y",
                      "savings_plan_compute_1y_no_upfront", "savings_plan_compute_3y_no_upfront"),
    data_transfer_type=DATA_TRANSFER_TYPE,
    catalog_refresh="aws",
    catalog_services=frozenset({"ec2", "sagemaker", "ebs", "s3", "efs", "fsx_lustre", "vpc",
                                "data_transfer", "eks", "ecs", "elb", "ecr", "cloudwatch"}),
    instance_family=instance_family,
    configured_machines=READERS,
)
