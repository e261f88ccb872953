"""costwarden: policy-as-code cost governance for AI infrastructure changes.

The library API mirrors the command line::

    from engine import Session, estimate, check

    est = estimate("plan.json", usage_file="usage.yml")
    result = check("plan.json", usage_file="usage.yml")      # bundled policy pack
    print(result.blocking, [f.policy_id for f in result.findings])

    session = Session(usage="usage.yml")      # loads once, judges many (engine/session.py)
    results = [session.check(plan) for plan in plans]

Names are imported on first use, so `import engine` stays cheap.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing is not imported at start-up: `--version` needs none of it

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
    "Evaluation": "engine.policy", "PolicyInfo": "engine.policy",
    "Session": "engine.session", "PlanSummary": "engine.plan_summary",
    "Settings": "engine.settings", "Limits": "engine.settings",
}

__all__ = sorted([*_EXPORTS, "estimate", "check", "__version__"])

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Sequence

    from .model import Estimate
    from .policy import Evaluation
    from .settings import Settings


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


def estimate(path: str, *, usage_file: str | None = None, region: str | None = None,
             price_books: Sequence[str] = (), base: str | None = None,
             settings: "Settings | None" = None) -> "Estimate":
    """Read the change at `path` (plan JSON or .tf directory) and price it."""
    from .session import Session

    return Session(catalog=tuple(price_books), usage=usage_file, region=region,
                   settings=settings or _default_settings()).estimate(path, base=base)


def check(path: str, *, policies: Sequence[str] = (), data: Sequence[str] = (),
          waivers: str | None = None, env: str | None = None, usage_file: str | None = None,
          region: str | None = None, price_books: Sequence[str] = (),
          base: str | None = None, settings: "Settings | None" = None) -> "Evaluation":
    """Price the change and evaluate policies (the bundled pack when none are given)."""
    from .session import Session

    return Session(catalog=tuple(price_books), policies=list(policies) or None, data=data,
                   waivers=waivers, usage=usage_file, region=region, env=env,
                   settings=settings or _default_settings()).check(path, base=base)


def _default_settings() -> "Settings":
    from .settings import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS
