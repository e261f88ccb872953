"""The fleet's figures from its workspaces' results: one deterministic reduction.

Results are added as they arrive, in any order: money is summed exactly (Decimal at
80 digits), everything is keyed by name, and the document is built in sorted order
at the end, so every engine and worker count gives the same bytes. Groups are
rounded only in the document, so that they still add up to the total
(`engine.graph.round_preserving_sum`, as `breakdown` rounds).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any, Iterable

from .task import ScanConfig, WorkspaceResult
from .workspaces import Workspace

ZERO = Decimal(0)
UNLABELLED = "(unlabelled)"
HOURLY_QUANTUM = Decimal("0.000001")
MONTHLY_QUANTUM = Decimal("0.01")
VERSION = "1"


@dataclass
class _Group:
    workspaces: int = 0  # a workspace adds to a group once
    resources: int = 0
    gpus: int = 0
    unknown: int = 0
    hourly: Decimal = ZERO
    monthly: Decimal = ZERO
    lower_bound: bool = False

    def add(self, resources: int, gpus: int, unknown: int, hourly: Decimal,
            monthly: Decimal, lower_bound: bool) -> None:
        with localcontext() as ctx:
            ctx.prec = 80
            self.hourly += hourly
            self.monthly += monthly
        self.workspaces += 1
        self.resources += resources
        self.gpus += gpus
        self.unknown += unknown
        self.lower_bound = self.lower_bound or lower_bound


class FleetReduction:
    """Adds workspace results one at a time; `document()` is the fleet's JSON document."""

    def __init__(self, workspaces: Iterable[Workspace], config: ScanConfig) -> None:
        self.config = config
        self.listed = {w.name: w for w in workspaces}
        self.currency: set[str] = set()
        self.groups: dict[str, dict[str, _Group]] = {}
        self.gpus: dict[str, _Group] = {}
        self.findings: dict[tuple[str, str, str], tuple[list[int], list[str]]] = {}
        self.rows: dict[str, dict[str, Any]] = {}
        self.errors: dict[str, str] = {}
        self.total = _Group()
        self.gpus_unknown = 0
        self.blocking: set[str] = set()

    def add(self, result: WorkspaceResult) -> None:
        ws = result.workspace
        if ws.name in self.rows or ws.name in self.errors:
            raise ValueError(f"workspace {ws.name!r} was reduced twice")
        if result.error is not None or result.summary is None:
            self.errors[ws.name] = result.error or "no result"
            return
        s = result.summary
        gpus = dict(s.gpus_after)
        n_gpus = sum(gpus.values())
        self.currency.add(result.currency)
        self.total.add(s.resources, n_gpus, 0, result.hourly, result.monthly,
                       result.lower_bound)
        self.gpus_unknown += result.gpus_unknown
        for spec, rows in result.groups:
            into = self.groups.setdefault(spec, {})
            for r in rows:
                into.setdefault(r.group, _Group()).add(r.resources, r.gpus, r.unknown,
                                                        r.hourly, r.monthly, r.lower_bound)
        for key, value in ws.labels:
            into = self.groups.setdefault(f"label:{key}", {})
            into.setdefault(value, _Group()).add(s.resources, n_gpus, 0, result.hourly,
                                                 result.monthly, result.lower_bound)
        for model, n in gpus.items():
            self.gpus.setdefault(model, _Group()).add(0, n, 0, ZERO, ZERO, False)
        for policy, level, outcome, n in result.findings:
            count, where = self.findings.setdefault((policy, level, outcome), ([0], []))
            count[0] += n
            where.append(ws.name)
        if s.blocking:
            self.blocking.add(ws.name)
        outcomes: dict[str, int] = {}
        for _, _, outcome, n in result.findings:
            outcomes[outcome] = outcomes.get(outcome, 0) + n
        self.rows[ws.name] = {
            "workspace": ws.name, "source": ws.source, "format": s.source_format,
            "labels": dict(ws.labels), "resources": s.resources,
            "hourly": result.hourly, "monthly": result.monthly,
            "lower_bound": result.lower_bound, "gpus": gpus, "findings": outcomes,
            "failing_policies": list(s.failing_policies), "blocking": s.blocking}

    def document(self) -> dict[str, Any]:
        from ..report.summary import money

        missing = sorted(set(self.listed) - set(self.rows) - set(self.errors))
        if missing:
            raise ValueError(f"{len(missing)} workspace(s) have no result: {missing[:3]}")
        self._fill_labels()
        total_h, total_m = _rounded_total(self.total)
        showback = {spec: _rows(self.groups.get(spec, {}), money)
                    for spec in self._dimensions()}
        return {
            "version": VERSION, "kind": "costwarden-fleet-scan",
            "currency": ", ".join(sorted(self.currency)) or "USD",
            "state": "after", "allocate": self.config.allocate,
            "team_key": self.config.team_key,
            "workspaces": {"listed": len(self.listed), "scanned": len(self.rows),
                           "unreadable": len(self.errors), "blocking": len(self.blocking)},
            "total": {"hourly": money(total_h), "monthly": money(total_m),
                      "lower_bound": self.total.lower_bound,
                      "resources": self.total.resources, "gpus": self.total.gpus,
                      "gpus_unknown": self.gpus_unknown},
            "showback": showback,
            "gpus": [{"model": m, "count": g.gpus, "workspaces": g.workspaces}
                     for m, g in sorted(self.gpus.items(), key=lambda i: (-i[1].gpus, i[0]))],
            "policies": [{"policy": p, "level": lv, "outcome": o, "findings": count[0],
                          "workspaces": sorted(where)}
                         for (p, lv, o), (count, where) in sorted(self.findings.items())],
            "workspace_results": [self._row(self.rows[n], money) for n in sorted(self.rows)],
            "unreadable": [{"workspace": n, "source": self.listed[n].source,
                            "reason": self.errors[n]} for n in sorted(self.errors)],
        }

    def _dimensions(self) -> list[str]:
        labels = sorted(k for k in self.groups if k.startswith("label:"))
        return [*self.config.dimensions, *labels, "workspace"]

    def _fill_labels(self) -> None:
        """Workspaces without a label key count as unlabelled in that key's showback;
        the workspace showback is one row per workspace."""
        for spec in [k for k in self.groups if k.startswith("label:")]:
            key = spec[6:]
            into = self.groups[spec]
            into.pop(UNLABELLED, None)
            for name, row in self.rows.items():
                if key not in row["labels"]:
                    into.setdefault(UNLABELLED, _Group()).add(
                        row["resources"], sum(row["gpus"].values()), 0, row["hourly"],
                        row["monthly"], row["lower_bound"])
        by_workspace: dict[str, _Group] = {}
        for name, row in self.rows.items():
            by_workspace.setdefault(name, _Group()).add(
                row["resources"], sum(row["gpus"].values()), 0, row["hourly"],
                row["monthly"], row["lower_bound"])
        self.groups["workspace"] = by_workspace

    @staticmethod
    def _row(row: dict[str, Any], money: Any) -> dict[str, Any]:
        return {**row, "hourly": money(row["hourly"]), "monthly": money(row["monthly"])}


def _rounded_total(total: _Group) -> tuple[Decimal, Decimal]:
    from ..graph import round_preserving_sum

    return (round_preserving_sum([total.hourly], HOURLY_QUANTUM)[0],
            round_preserving_sum([total.monthly], MONTHLY_QUANTUM)[0])


def _rows(groups: dict[str, _Group], money: Any) -> list[dict[str, Any]]:
    """Rows by $/h descending, then name; rounded so that they add up to the total."""
    from ..graph import round_preserving_sum

    ordered = sorted(groups.items(), key=lambda i: (-i[1].hourly, i[0]))
    hs = round_preserving_sum([g.hourly for _, g in ordered], HOURLY_QUANTUM)
    ms = round_preserving_sum([g.monthly for _, g in ordered], MONTHLY_QUANTUM)
    return [{"group": name, "workspaces": g.workspaces, "resources": g.resources,
             "gpus": g.gpus, "unknown": g.unknown, "hourly": money(h), "monthly": money(m),
             "lower_bound": g.lower_bound}
            for (name, g), h, m in zip(ordered, hs, ms)]
