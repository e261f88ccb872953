"""The built-in cost registry: the cost models and free types of every built-in cloud."""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Iterable

from .base import CostModel, CostRegistry


def build_registry(modules: Iterable[ModuleType]) -> CostRegistry:
    """A registry of the `MODELS` of `modules`; a type defined twice is an error."""
    models: dict[str, CostModel] = {}
    for module in modules:
        for model in module.MODELS:
            if model.resource_type in models:
                raise ValueError(f"cost model for {model.resource_type} defined twice "
                                 f"(second in {module.__name__})")
            models[model.resource_type] = model
    return CostRegistry(models=dict(sorted(models.items())))


@cache
def builtin_registry() -> CostRegistry:
    """Every built-in cloud's cost models, imported lazily so importing `engine` stays cheap."""
    from ..clouds import builtin_clouds, cost_registry

    return cost_registry(builtin_clouds())
