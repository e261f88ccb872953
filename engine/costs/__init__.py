"""Cost models: attribute extraction to specs, specs and usage to cost components."""

from .base import (CostComponent, CostModel, CostRegistry, SideView, UnknownAttribute,
                   UsageField)
from .registry import build_registry, builtin_registry

__all__ = ["CostComponent", "CostModel", "CostRegistry", "SideView", "UnknownAttribute",
           "UsageField", "build_registry", "builtin_registry"]
