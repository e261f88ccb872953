"""`check` as a library call: load policies, price the change, evaluate, merge checkov.

The command line (`check`, `comment --from-plan`) builds `CheckOptions` from its
arguments and calls `check_source`; the order is the one a user expects: bad
policies, waivers or a missing checkov fail before anything is priced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .pipeline import EstimateOptions


def _evaluation_options() -> Any:
    from .policy import EvaluationOptions

    return EvaluationOptions()


@dataclass(frozen=True, slots=True)
class CheckOptions:
    policies: tuple[str, ...] = ()  # files or folders; none: the bundled pack
    data: tuple[str, ...] = ()  # data files overriding the pack's own
    waivers: str | None = None
    evaluation: Any = field(default_factory=_evaluation_options)  # EvaluationOptions
    checkov: bool = False  # also run checkov on the same input and merge its findings
    checkov_bin: str | None = None
    checkov_level: str = "advisory"


def check_source(source: str | Path | Mapping[str, Any] | list[Any],
                 estimate_options: EstimateOptions = EstimateOptions(),
                 options: CheckOptions = CheckOptions(), *,
                 readers: Iterable[Any] | None = None,
                 name: str | None = None) -> tuple[Any, Any]:
    """(Estimate, Evaluation) of the change at `source` (`readers` replaces the built-in
    reader registry; `name` is shown in a document's errors); warnings are in the
    evaluation."""
    from .pipeline import estimate_path
    from .policy import evaluate, load_policies, load_waivers

    settings = estimate_options.settings  # the YAML files' limit and parse cache
    policies = load_policies(list(options.policies), list(options.data), settings=settings)
    waivers = load_waivers(options.waivers, policies, settings=settings) \
        if options.waivers else None
    binary = None
    if options.checkov:
        from .integrations.checkov import find_checkov

        binary = find_checkov(options.checkov_bin)  # missing checkov: exit 2 before pricing
    estimate = estimate_path(source, estimate_options, readers=readers, name=name)
    evaluation = options.evaluation
    if evaluation.taggable is None:
        from dataclasses import replace

        from .policy.taggable import load_taggable

        evaluation = replace(evaluation, taggable=load_taggable(settings=settings))
    result = evaluate(estimate, policies, waivers, evaluation)
    if binary is not None:
        from .integrations.checkov import merge, run_checkov

        changeset = estimate.changeset
        result = merge(result, run_checkov(source, binary=binary, level=options.checkov_level,
                                           source_format=changeset.source_format).findings)
    return estimate, result
