"""costwarden's YAML policies as a Pulumi CrossGuard policy pack.

A pack directory holds `PulumiPolicy.yaml` (`runtime: python`) and a `__main__.py`:

    from engine.integrations.crossguard import policy_pack

    policy_pack("costwarden", policies=["policies/"])

`policy_pack` builds the pulumi_policy policies (`policies_for`) and serves them
(`pulumi_policy.PolicyPack`). One `Session` (catalog, price books, usage, policies,
waivers) is loaded once per pack. Each per-resource policy is a
`ResourceValidationPolicy`: the resource is converted by the Pulumi readers (a
creation, its inputs as the after side), priced and judged alone. Aggregate and spend
policies are `StackValidationPolicy`s judged on one ChangeSet of the whole stack; so is
a per-resource policy's finding that only the whole stack shows (a group priced from
its launch template), reported under the `related-*` stack policies.

Levels: advisory -> ADVISORY, soft- and hard-mandatory -> MANDATORY, disabled ->
DISABLED. A policy whose `levels` give another level in some environment gets one
Pulumi policy per level (`<id>-advisory`, ...), each reporting the findings of its
level. CrossGuard cannot tell soft from hard, so waivers are applied here: a waived
finding is not reported (a hard-mandatory policy's waiver is refused, as in `check`).
Only failing findings are reported; an unknown outcome is not a violation.

The region comes from the resource, its provider resource, the stack configuration
given as `config=` (`{"aws:region": "us-east-1"}`), else `region=`. `pulumi_policy`
is imported only here (the `crossguard` extra); the core never imports it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from engine.integrations.crossguard_steps import resource_changes, stack_changes

if TYPE_CHECKING:  # pragma: no cover
    from engine.policy import Evaluation, Policy
    from engine.session import Session

LEVELS = {"advisory": "ADVISORY", "soft-mandatory": "MANDATORY",
          "hard-mandatory": "MANDATORY", "disabled": "DISABLED"}
RELATED = "related"
_CACHE_SIZE = 256


def _pulumi_policy() -> Any:
    try:
        import pulumi_policy
    except ImportError:
        from engine.errors import InputError

        raise InputError(None, "the CrossGuard adapter needs pulumi-policy: "
                               "pip install 'costwarden[crossguard]'") from None
    return pulumi_policy


def _key(*parts: Any) -> str:
    return json.dumps(parts, sort_keys=True, default=str)


class Judge:
    """The session of a pack and the evaluations of what CrossGuard asked about."""

    def __init__(self, session: "Session", *, config: Mapping[str, Any] | None = None,
                 region: str | None = None) -> None:
        self.session = session
        self.config = dict(config or {})
        self.region = region if region is not None else session.region
        self._memo: OrderedDict[str, "Evaluation"] = OrderedDict()
        self._lock = threading.Lock()  # the analyzer serves requests from a thread pool

    def _cached(self, key: str, compute: Callable[[], "Evaluation"]) -> "Evaluation":
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        result = compute()
        with self._lock:
            self._memo[key] = result
            while len(self._memo) > _CACHE_SIZE:
                self._memo.popitem(last=False)
        return result

    def resource(self, args: Any) -> "Evaluation":
        """The evaluation of one resource alone."""
        provider = args.provider
        key = _key("r", args.urn, args.resource_type, args.props,
                   getattr(provider, "urn", None), getattr(provider, "props", None))
        return self._cached(key, lambda: self.session.check(resource_changes(
            args, config=self.config, region=self.region, clouds=self.session.clouds,
            limits=self.session.settings.limits)))

    def stack(self, args: Any) -> "Evaluation":
        """The evaluation of the whole stack as one change."""
        key = _key("s", [(r.urn, r.resource_type, r.props,
                          getattr(r.provider, "urn", None)) for r in args.resources])
        return self._cached(key, lambda: self.session.check(stack_changes(
            args, config=self.config, region=self.region, clouds=self.session.clouds,
            limits=self.session.settings.limits)))


def _levels(policy: "Policy", env: str | None) -> list[str]:
    """The enforcement names a policy's findings may carry, its own level first."""
    own = LEVELS[policy.level_for(env)]
    found = [own]
    if env is None:
        for _, level in policy.levels:
            if LEVELS[level] not in found and level != "disabled":
                found.append(LEVELS[level])
    return found


def _failures(evaluation: "Evaluation", policy_id: str, enforcement: str) -> list[Any]:
    return [f for f in evaluation.findings if f.policy_id == policy_id
            and f.outcome == "fail" and LEVELS.get(f.level) == enforcement]


def _urn_of(evaluation_source: Any) -> dict[str, str]:
    """address -> URN of a ChangeSet built by crossguard_steps."""
    return {c.address: c.source.pointer for c in evaluation_source.changes
            if c.source is not None and c.source.pointer}


def policies_for(judge: Judge) -> list[Any]:
    """The pulumi_policy policies of the judge's policy set."""
    pp = _pulumi_policy()
    env = judge.session.options.env
    out: list[Any] = []
    related_levels: list[str] = []
    for policy in judge.session.policies.policies:
        for i, enforcement in enumerate(_levels(policy, env)):
            name = policy.id if i == 0 else f"{policy.id}-{enforcement.lower()}"
            level = pp.EnforcementLevel[enforcement]
            description = policy.description or policy.id
            if policy.aggregate is not None:
                out.append(pp.StackValidationPolicy(
                    name=name, description=description, enforcement_level=level,
                    validate=_stack_validation(judge, policy.id, enforcement)))
            else:
                out.append(pp.ResourceValidationPolicy(
                    name=name, description=description, enforcement_level=level,
                    validate=_resource_validation(judge, policy.id, enforcement)))
                if enforcement != "DISABLED" and enforcement not in related_levels:
                    related_levels.append(enforcement)
    for enforcement in related_levels:
        out.append(pp.StackValidationPolicy(
            name=f"{RELATED}-{enforcement.lower()}", enforcement_level=pp.EnforcementLevel[
                enforcement], description="costwarden per-resource policies that only the "
                                          "whole stack decides (a group and its launch template)",
            validate=_related_validation(judge, enforcement)))
    return out


def _resource_validation(judge: Judge, policy_id: str, enforcement: str) -> Callable:
    def validate(args: Any, report_violation: Callable) -> None:
        for finding in _failures(judge.resource(args), policy_id, enforcement):
            report_violation(finding.message, args.urn)
    return validate


def _stack_validation(judge: Judge, policy_id: str, enforcement: str) -> Callable:
    def validate(args: Any, report_violation: Callable) -> None:
        for finding in _failures(judge.stack(args), policy_id, enforcement):
            report_violation(finding.message, None)
    return validate


def _related_validation(judge: Judge, enforcement: str) -> Callable:
    """Per-resource failures the whole stack shows and the resource alone does not."""
    def validate(args: Any, report_violation: Callable) -> None:
        whole = judge.stack(args)
        aggregate = {p.id for p in judge.session.policies.policies if p.aggregate is not None}
        changes = stack_changes(args, config=judge.config, region=judge.region,
                                clouds=judge.session.clouds,
                                limits=judge.session.settings.limits)
        urns = _urn_of(changes)
        by_urn = {r.urn: r for r in args.resources}
        for finding in whole.findings:
            if finding.outcome != "fail" or finding.policy_id in aggregate or \
                    LEVELS.get(finding.level) != enforcement:
                continue
            urn = urns.get(finding.address or "")
            resource = by_urn.get(urn or "")
            if resource is not None and _alone_fails(judge, resource, finding):
                continue  # the resource policy reported it already
            report_violation(f"{finding.policy_id}: {finding.message}", urn)
    return validate


def _alone_fails(judge: Judge, resource: Any, finding: Any) -> bool:
    pp = _pulumi_policy()
    args = pp.ResourceValidationArgs(resource.resource_type, resource.props, resource.urn,
                                     resource.name, resource.opts, resource.provider)
    return any(f.policy_id == finding.policy_id and f.outcome == "fail"
               for f in judge.resource(args).findings)


def judge_for(*, policies: Any = None, catalog: Sequence[str] = (), usage: Any = None,
              waivers: Any = None, data: Sequence[str] = (), env: str | None = None,
              region: str | None = None, config: Mapping[str, Any] | None = None,
              settings: Any = None) -> Judge:
    """A Judge over one Session (see `engine.Session` for the arguments)."""
    from engine.session import Session
    from engine.settings import DEFAULT_SETTINGS

    session = Session(policies=policies, catalog=catalog, usage=usage, waivers=waivers,
                      data=data, env=env, region=region,
                      settings=settings if settings is not None else DEFAULT_SETTINGS)
    return Judge(session, config=config, region=region)


def policy_pack(name: str, *, policies: Any = None, catalog: Sequence[str] = (),
                usage: Any = None, waivers: Any = None, data: Sequence[str] = (),
                env: str | None = None, region: str | None = None,
                config: Mapping[str, Any] | None = None, serve: bool = True) -> Any:
    """Build the pack and serve it to the Pulumi engine (blocks, as PolicyPack does);
    `serve=False` returns the policies instead (for tests and inspection)."""
    judge = judge_for(policies=policies, catalog=catalog, usage=usage, waivers=waivers,
                      data=data, env=env, region=region, config=config)
    built = policies_for(judge)
    if not serve:
        return built
    return _pulumi_policy().PolicyPack(name=name, policies=built)  # pragma: no cover
