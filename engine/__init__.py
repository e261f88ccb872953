"""costwarden: policy-as-code cost governance for AI infrastructure changes.

The library API mirrors the command line::

    from engine import estimate, check

    est = estimate("plan.json", usage_file="usage.yml")
    result = check("plan.json", usage_file="usage.yml")      # bundled policy pack
    print(result.blocking, [f.policy_id for f in result.findings])

Names are imported on first use, so `import engine` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Sequence

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "ChangeSet": "engine.model", "ResourceChange": "engine.model",
    "ResourceCost": "engine.model", "SideCost": "engine.model",
    "PricedComponent": "engine.model", "Estimate": "engine.model", "Finding": "engine.model",
    "SourceLocation": "engine.model",
    "InputError": "engine.errors", "CostwardenError": "engine.errors",
    "EstimateOptions": "engine.pipeline", "read_input": "engine.pipeline",
    "load_policies": "engine.policy", "load_waivers": "engine.policy",
    "evaluate": "engine.policy", "EvaluationOptions": "engine.policy",
    "Evaluation": "engine.policy",
}

__all__ = sorted([*_EXPORTS, "estimate", "check", "__version__"])

if TYPE_CHECKING:  # pragma: no cover
    from .model import Estimate
    from .policy import Evaluation


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


def estimate(path: str, *, usage_file: str | None = None, region: str | None = None,
             price_books: Sequence[str] = (), base: str | None = None) -> "Estimate":
    """Read the change at `path` (plan JSON or .tf directory) and price it."""
    from .pipeline import EstimateOptions, estimate_path

    from .sources.terraform_readers import HclOptions

    hcl = {"terraform-hcl": HclOptions(base=base)} if base is not None else {}
    return estimate_path(path, EstimateOptions(usage_file=usage_file, default_region=region,
                                               price_books=tuple(price_books), reader_options=hcl))


def check(path: str, *, policies: Sequence[str] = (), data: Sequence[str] = (),
          waivers: str | None = None, env: str | None = None, usage_file: str | None = None,
          region: str | None = None, price_books: Sequence[str] = (),
          base: str | None = None) -> "Evaluation":
    """Price the change and evaluate policies (the bundled pack when none are given)."""
    from .policy import EvaluationOptions, evaluate, load_policies, load_waivers

    policy_set = load_policies(list(policies), list(data))
    waiver_set = load_waivers(waivers, policy_set) if waivers else None
    est = estimate(path, usage_file=usage_file, region=region, price_books=price_books,
                   base=base)
    return evaluate(est, policy_set, waiver_set, EvaluationOptions(env=env))
