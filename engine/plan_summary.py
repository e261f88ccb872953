"""A compact, picklable result per plan: what a fleet scan ships back from a worker.

An `Estimate` carries every attribute of the plan; a `PlanSummary` carries only
the figures a roll-up needs (totals as intervals, GPU counts, finding counts,
the verdict), a few hundred bytes pickled. Plain frozen values throughout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Estimate, Interval

if TYPE_CHECKING:  # pragma: no cover
    from .policy import Evaluation


@dataclass(frozen=True, slots=True)
class PlanSummary:
    source_path: str
    source_format: str
    complete: bool  # the reader saw the whole change
    resources: int
    # where the true figures lie (report.summary totals): (before, after, delta)
    hourly: tuple[Interval, Interval, Interval]
    monthly: tuple[Interval, Interval, Interval]
    incomplete: int  # resources left out of the delta or counted in part
    gpus_before: tuple[tuple[str, int], ...]  # GPU model -> count, sorted
    gpus_after: tuple[tuple[str, int], ...]
    findings: tuple[tuple[str, str, int], ...] = ()  # (outcome, level, count), sorted
    passes: int = 0  # every pass (kept as findings or only counted)
    blocking: bool = False
    failing_policies: tuple[str, ...] = ()  # ids with a failing finding, sorted

    @classmethod
    def of(cls, estimate: Estimate, evaluation: "Evaluation | None" = None) -> "PlanSummary":
        from .report.summary import totals

        t = totals(estimate)
        cs = estimate.changeset
        h, m = t.hourly, t.monthly
        fields = dict(
            source_path=cs.source_path, source_format=cs.source_format, complete=cs.complete,
            resources=len(estimate.resources),
            hourly=(h.before_range, h.after_range, h.delta_range),
            monthly=(m.before_range, m.after_range, m.delta_range),
            incomplete=len(t.incomplete), gpus_before=tuple(t.gpus_before.items()),
            gpus_after=tuple(t.gpus_after.items()))
        if evaluation is None:
            return cls(**fields)  # type: ignore[arg-type]
        found = Counter((f.outcome, f.level) for f in evaluation.findings)
        return cls(**fields,  # type: ignore[arg-type]
                   findings=tuple((o, lv, n) for (o, lv), n in sorted(found.items())),
                   passes=evaluation.totals()["pass"],
                   blocking=evaluation.blocking,
                   failing_policies=tuple(sorted({f.policy_id for f in evaluation.findings
                                                  if f.outcome == "fail"})))

    @property
    def gpus_delta(self) -> tuple[tuple[str, int], ...]:
        before, after = dict(self.gpus_before), dict(self.gpus_after)
        return tuple((g, after.get(g, 0) - before.get(g, 0)) for g in sorted({*before, *after}))

