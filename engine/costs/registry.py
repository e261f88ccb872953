"""The built-in cost registry: an explicit list of model modules, built once on demand."""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Iterable, Mapping

from .base import CostModel, CostRegistry
from .free import FREE_AWS_TYPES, FREE_UTILITY_TYPES

# Types priced on the resources that use them (each of the types listed), not by themselves.
CARRIED_BY: Mapping[str, tuple[str, ...]] = {
    "aws_launch_template": ("aws_autoscaling_group", "aws_eks_node_group", "aws_instance"),
    "aws_launch_configuration": ("aws_autoscaling_group",),
    "aws_sagemaker_endpoint_configuration": ("aws_sagemaker_endpoint",),
}


def build_registry(modules: Iterable[ModuleType], free_types: frozenset[str] = frozenset(),
                   carried_by: Mapping[str, tuple[str, ...]] | None = None) -> CostRegistry:
    """A registry of the `MODELS` of `modules`; a type defined twice is an error."""
    models: dict[str, CostModel] = {}
    for module in modules:
        for model in module.MODELS:
            if model.resource_type in models:
                raise ValueError(f"cost model for {model.resource_type} defined twice "
                                 f"(second in {module.__name__})")
            models[model.resource_type] = model
    carried = dict(carried_by or {})
    clash = (set(models) & (free_types | set(carried)))
    if clash:
        raise ValueError(f"types both priced and free/carried: {sorted(clash)}")
    return CostRegistry(models=dict(sorted(models.items())), free_types=free_types,
                        carried_by=carried)


@cache
def builtin_registry() -> CostRegistry:
    """Every built-in cost model. Imported here, lazily, so importing `engine` stays cheap."""
    from .aws import autoscaling, ebs, ec2, efs, eks, fsx, network, s3, sagemaker

    return build_registry((ec2, autoscaling, eks, sagemaker, ebs, s3, efs, fsx, network),
                          FREE_AWS_TYPES | FREE_UTILITY_TYPES, CARRIED_BY)
