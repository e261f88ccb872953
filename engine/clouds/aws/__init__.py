"""AWS: cost models (one module per resource type or small family), free types,
carried and shared types."""

from __future__ import annotations

from .. import Cloud
from . import autoscaling, ebs, ec2, efs, eks, fsx, network, s3, sagemaker
from .free import FREE_TYPES

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

CLOUD = Cloud(
    name="aws",
    providers=("aws",),
    models=tuple(m for module in (ec2, autoscaling, eks, sagemaker, ebs, s3, efs, fsx, network)
                 for m in module.MODELS),
    free_types=FREE_TYPES,
    carried_by=CARRIED_BY,
    shared_types=SHARED_TYPES,
)
