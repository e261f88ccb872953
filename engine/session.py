"""A session: load the catalog, policies and usage once, then price and judge many changes.

    from engine import Session, Settings

    session = Session(policies=["policies/"], usage="usage.yml")
    for plan in plans:                      # paths, parsed documents or ChangeSets
        result = session.check(plan)        # an Evaluation, as engine.check() returns
        summary = session.summarise(plan)   # a PlanSummary: a few hundred bytes pickled

Everything a session returns is frozen and pickles (no compiled policy, no
catalog), so a worker process (multiprocessing, Dask, Ray) can return it. A
session is configured by one `Settings`: its defaults are a library's (HCL
parsed in this process, no parse cache on disk); nothing reads the environment.
`engine.estimate()` and `engine.check()` are one-shot sessions.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .model import ChangeSet, Estimate
from .settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:  # pragma: no cover
    from .clouds import Cloud
    from .plan_summary import PlanSummary
    from .policy import Evaluation, EvaluationOptions, PolicySet, WaiverSet
    from .usage import Usage

class Session:
    """Loaded once: catalog and price books, cost registry (from the cloud bundles),
    usage, policy set with its data and waivers, taggable types."""

    def __init__(self, *, catalog: Any = (), policies: Any = None, data: Sequence[str] = (),
                 waivers: "str | Path | WaiverSet | None" = None, usage: Any = None,
                 settings: Settings = DEFAULT_SETTINGS, clouds: "Iterable[Cloud] | None" = None,
                 readers: Any = None, region: str | None = None, env: str | None = None,
                 options: "EvaluationOptions | None" = None) -> None:
        """`catalog`: price-book paths (applied over the bundled catalog) or a loaded
        Catalog. `policies`: policy paths, None for the bundled pack, or a loaded
        PolicySet (`data` is then unused). `waivers`: a path or a WaiverSet. `usage`: a
        path, None or a loaded Usage. `clouds`: the cloud bundles (default: the built-in
        ones). `readers`: the input readers (default: the built-in registry). `region`:
        the default region. `env`/`options`: how policies are evaluated."""
        from .clouds import builtin_clouds, cost_registry
        from .policy import EvaluationOptions, PolicySet, WaiverSet, load_waivers
        from .policy.taggable import load_taggable
        from .sources.readers import as_readers

        self.readers = as_readers(readers)  # built once, not per read
        self.settings = settings
        self.region = region
        self._policy_set: PolicySet | None = policies if isinstance(policies, PolicySet) \
            else None
        self._policy_arg = policies
        self._data = tuple(data)
        if policies is not None:
            self.policies  # given files load first: a bad one fails before anything else
        self.waivers = waivers if isinstance(waivers, WaiverSet) or waivers is None else \
            load_waivers(waivers, self.policies, settings=settings)
        self.clouds = tuple(builtin_clouds() if clouds is None else clouds)
        self.registry = cost_registry(self.clouds)
        self.usage = _usage(usage, self.registry, region, self.clouds, settings)
        self.catalog = _catalog(catalog)
        base = options or EvaluationOptions()
        self.options = replace(base, env=base.env if env is None else env,
                               taggable=base.taggable or load_taggable(settings=settings))

    @property
    def policies(self) -> "PolicySet":
        """The policy set; the bundled pack loads on first need (a session that only
        prices loads none)."""
        if self._policy_set is None:
            from .policy import load_policies

            paths = [] if self._policy_arg is None else [self._policy_arg] \
                if isinstance(self._policy_arg, (str, Path)) else list(self._policy_arg)
            self._policy_set = load_policies(paths, list(self._data), settings=self.settings)
        return self._policy_set

    def read(self, source: Any, *, base: str | None = None, name: str | None = None
             ) -> ChangeSet:
        """The ChangeSet of a path, a parsed document (shown as `name` in errors) or a
        ChangeSet (returned as is); `base` compares a .tf directory with another (the
        HCL reader's option)."""
        if isinstance(source, ChangeSet):
            return source
        from .pipeline import EstimateOptions, read_input

        reader_options: dict[str, Any] = {}
        if base is not None:
            from .sources.terraform_readers import HclOptions

            reader_options["terraform-hcl"] = HclOptions(base=base)
        return read_input(source, EstimateOptions(default_region=self.region,
                                                  settings=self.settings,
                                                  reader_options=reader_options),
                          name=name, readers=self.readers, clouds=self.clouds)

    def estimate(self, source: Any, *, base: str | None = None) -> Estimate:
        """Price the change before and after (as `engine.estimate`)."""
        from .pricing import estimate

        return estimate(self.read(source, base=base), catalog=self.catalog, usage=self.usage,
                        registry=self.registry)

    def evaluate(self, estimate: Estimate) -> "Evaluation":
        """Judge a priced change against the session's policies and waivers."""
        from .policy import evaluate

        return evaluate(estimate, self.policies, self.waivers, self.options)

    def check(self, source: Any, *, base: str | None = None) -> "Evaluation":
        """Price the change and evaluate the policies (as `engine.check`)."""
        return self.evaluate(self.estimate(source, base=base))

    def summarise(self, source: Any, *, base: str | None = None) -> "PlanSummary":
        """Price and judge the change; its compact, picklable summary."""
        from .plan_summary import PlanSummary

        est = self.estimate(source, base=base)
        return PlanSummary.of(est, self.evaluate(est))


def _usage(usage: Any, registry: Any, region: str | None, clouds: "tuple[Cloud, ...]",
           settings: Settings) -> "Usage":
    from .usage import Usage, load_usage

    if isinstance(usage, Usage):
        return usage
    return load_usage(None if usage is None else str(usage), registry, default_region=region,
                      clouds=clouds, settings=settings)


def _catalog(catalog: Any) -> Any:
    from pricing_catalog.catalog import Catalog

    from .pipeline import load_prices

    if isinstance(catalog, Catalog):
        return catalog
    if isinstance(catalog, (str, Path)):
        catalog = (catalog,)
    return load_prices(tuple(str(p) for p in catalog))

