"""Policy engine: YAML policies -> schema check -> compiled checks -> findings.

Public entry points: `load_policies`, `load_waivers`, `evaluate`,
`EvaluationOptions`, `generate_schema`, `build_registry`, `ConditionType`.
"""

from __future__ import annotations

from .conditions import ConditionRegistry, ConditionType, build_registry
from .evaluate import Evaluation, EvaluationOptions, PolicyInfo, evaluate
from .loader import BUNDLED, load_policies
from .schema import generate_schema, schema_text
from .spec import Policy, PolicyErrors, PolicySet
from .waivers import WaiverSet, load_waivers

__all__ = ["BUNDLED", "ConditionRegistry", "ConditionType", "Evaluation", "EvaluationOptions",
           "Policy", "PolicyErrors", "PolicyInfo", "PolicySet", "WaiverSet", "build_registry",
           "evaluate", "generate_schema", "load_policies", "load_waivers", "schema_text"]
