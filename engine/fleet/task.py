"""One workspace, scanned where it lands: read, price and judge what stands, and ship
back a small frozen result.

A worker process builds one `engine.Session` per `ScanConfig` (catalog, policies,
usage loaded once) and reuses it for every workspace it is given. A workspace is
judged as it stands after its change: every resource present afterwards counts as
if it were being created (a plan, a state, a `.tf` tree and a stack export of the
same infrastructure give the same figures and findings), so the showback is the
hourly burn and the posture is what the policies say of the infrastructure itself.
Nothing here depends on the order or the process a workspace is scanned in.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ..errors import CostwardenError, InputError, one_line
from ..settings import DEFAULT_SETTINGS, Settings
from .workspaces import Workspace, filesystem

if TYPE_CHECKING:  # pragma: no cover
    from ..model import ChangeSet
    from ..plan_summary import PlanSummary
    from ..session import Session

ZERO = Decimal(0)
DEFAULT_TAGS = ("team", "project", "environment")
GROUPINGS = ("module", "type", "cloud", "region")
_MAX_URL_FILES = 10_000  # files of one .tf tree fetched from a URL


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """How every workspace of a scan is read, priced and judged (hashable: a worker
    keeps one Session per config)."""

    policies: tuple[str, ...] | None = None  # None: the bundled pack
    data: tuple[str, ...] = ()
    waivers: str | None = None
    usage: str | None = None
    price_books: tuple[str, ...] = ()
    region: str | None = None
    env: str | None = None
    env_tag: str = "environment"
    tags: tuple[str, ...] = DEFAULT_TAGS  # tag keys of the showback
    team_key: str = "team"  # tells shared resources, as `breakdown --team-key`
    allocate: str = "even"  # how shared costs are split, as `breakdown --allocate`
    settings: Settings = field(default=DEFAULT_SETTINGS)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(f"tag:{t}" for t in self.tags) + GROUPINGS


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """One showback group of one workspace, exact (rounded only when reported)."""

    group: str
    resources: int
    gpus: int
    unknown: int
    hourly: Decimal
    monthly: Decimal
    lower_bound: bool


@dataclass(frozen=True, slots=True)
class WorkspaceResult:
    workspace: Workspace
    error: str | None = None  # one line: why the workspace could not be scanned
    summary: "PlanSummary | None" = None  # of the standing view: GPUs, findings, verdict
    hourly: Decimal = ZERO  # known cost of what stands (groups add up to it)
    monthly: Decimal = ZERO
    lower_bound: bool = False  # some cost is unknown or known only in part
    gpus_unknown: int = 0  # resources whose GPU count is unknown
    groups: tuple[tuple[str, tuple[GroupFigures, ...]], ...] = ()  # per dimension
    findings: tuple[tuple[str, str, str, int], ...] = ()  # (policy, level, outcome, count)
    currency: str = "USD"
    # The workspace's sensitive values: the driver scrubs every output of them, as
    # one command's output is scrubbed of its input's (never printed, never in JSON).
    sensitive: tuple[str, ...] = ()
    seconds: float = 0.0  # spent scanning it, where it ran (for benchmarks; not reported)


_SESSIONS: dict[tuple[ScanConfig, str | None], "Session"] = {}
_KEEP_SESSIONS = 8  # a session per default region a manifest names


def session_for(config: ScanConfig, region: str | None = None) -> "Session":
    """This process's Session for `config` (and a workspace's own default region),
    built on first use."""
    key = (config, region or config.region)
    session = _SESSIONS.get(key)
    if session is None:
        from ..policy import EvaluationOptions
        from ..session import Session

        session = Session(policies=None if config.policies is None else list(config.policies),
                          data=config.data, waivers=config.waivers, usage=config.usage,
                          catalog=config.price_books, settings=config.settings,
                          region=key[1],
                          options=EvaluationOptions(env=config.env, env_tag=config.env_tag,
                                                    waiver_targets=False))
        if any(k[0] != config for k in _SESSIONS) or len(_SESSIONS) >= _KEEP_SESSIONS:
            _SESSIONS.clear()  # another scan's, or too many regions: start again
        _SESSIONS[key] = session
    return session


def scan_batch(workspaces: Sequence[Workspace], config: ScanConfig) -> list[WorkspaceResult]:
    return [scan_workspace(w, config) for w in workspaces]


def scan_workspace(workspace: Workspace, config: ScanConfig) -> WorkspaceResult:
    """The workspace's result; a workspace that cannot be read or priced is a result
    with its one-line reason (a bad workspace never stops the scan)."""
    # a bad policy or usage file stops the scan (checked before any worker starts)
    session = session_for(config, workspace.region)
    started = time.perf_counter()
    result = _scan(workspace, session, config)
    return replace(result, seconds=time.perf_counter() - started)


def _scan(workspace: Workspace, session: "Session", config: ScanConfig) -> WorkspaceResult:
    shown = workspace.source
    try:
        with _local(workspace, config.settings) as (path, local):
            try:
                changeset = session.read(path)
                return _judge(workspace, session, config,
                              replace(changeset, source_path=shown))
            except Exception as exc:  # noqa: BLE001 - every failure is the workspace's line
                return _failure(workspace, exc, local)
    except Exception as exc:  # noqa: BLE001 - fetching it from its URL failed
        return _failure(workspace, exc, "")


def _failure(workspace: Workspace, exc: Exception, local: str) -> WorkspaceResult:
    """The one line a workspace that could not be scanned is reported with (a
    temporary copy's path reads as the workspace's URL)."""
    shown = workspace.source
    if isinstance(exc, CostwardenError):
        text = str(exc)
    elif isinstance(exc, RecursionError):
        text = f"{shown}: nested too deeply"
    else:  # a bug must not stop the other workspaces either
        text = f"{shown}: internal error: {type(exc).__name__}: {exc}"
    return WorkspaceResult(workspace, error=one_line(text.replace(local, shown) if local
                                                     else text))


def standing(changeset: "ChangeSet") -> "ChangeSet":
    """What stands after the change, every managed resource as if it were created."""
    kept = tuple(replace(c, action="create", actions=("create",), before=None,
                         tags_before=None, replace_order=None, action_reason=None)
                 for c in changeset.changes if c.after is not None and c.mode == "managed")
    return replace(changeset, changes=kept)


def _judge(workspace: Workspace, session: "Session", config: ScanConfig,
           changeset: "ChangeSet") -> WorkspaceResult:
    from ..graph import breakdown, build_graph
    from ..plan_summary import PlanSummary
    from ..redact import Redactor, sensitive_values
    from ..report.summary import totals

    view = standing(changeset)
    estimate = session.estimate(view)
    evaluation = session.evaluate(estimate)
    redactor = Redactor.of(view)
    graph = build_graph(estimate, team_key=config.team_key)
    groups = []
    first = None
    for spec in config.dimensions:
        b = breakdown(graph, spec, allocate=config.allocate)  # type: ignore[arg-type]
        first = first or b
        groups.append((spec, tuple(
            GroupFigures(redactor.label(r.group), r.resources, r.gpus, r.unknown, r.hourly,
                         r.monthly, r.lower_bound) for r in b.rows)))
    assert first is not None
    found = Counter((f.policy_id, f.level, f.outcome) for f in evaluation.findings
                    if f.outcome != "pass")
    return WorkspaceResult(
        workspace, summary=PlanSummary.of(estimate, evaluation), hourly=first.hourly,
        monthly=first.monthly, lower_bound=first.lower_bound,
        gpus_unknown=len(totals(estimate).gpus_unknown), groups=tuple(groups),
        findings=tuple((p, lv, o, n) for (p, lv, o), n in sorted(found.items())),
        currency=estimate.currency,
        sensitive=tuple(sorted(set().union(*(sensitive_values(c) for c in changeset.changes
                                              if c.sensitive_paths)))))


@contextmanager
def _local(workspace: Workspace, settings: Settings) -> Iterator[tuple[str, str]]:
    """(a local path to read, the temporary prefix that stands for the URL, or "")."""
    if not workspace.is_url:
        yield workspace.source, ""
        return
    fs, inner = filesystem(workspace.source)
    limit = settings.limits.input_bytes
    tmp = tempfile.mkdtemp(prefix="costwarden-scan-")
    try:
        try:
            if fs.isdir(inner):
                target = Path(tmp) / "workspace"
                _fetch_tree(fs, inner, target, limit, workspace.source)
            else:
                target = Path(tmp) / (Path(inner).name or "workspace.json")
                _fetch_file(fs, inner, target, limit, workspace.source)
        except FileNotFoundError:
            raise InputError(workspace.source, "not found") from None
        except OSError as exc:
            raise InputError(workspace.source, f"cannot read: {exc}") from None
        yield str(target), str(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _fetch_file(fs: Any, path: str, target: Path, limit: int, shown: str) -> None:
    size = fs.size(path)
    if size is not None and size > limit:
        raise InputError(shown, f"file is {size} bytes, above the limit of {limit} (raise it "
                                "with --limit input_bytes=N)")
    with fs.open(path, "rb") as src:
        data = src.read(limit + 1)
    if len(data) > limit:
        raise InputError(shown, f"file is larger than the limit of {limit} bytes")
    target.write_bytes(data)


def _fetch_tree(fs: Any, top: str, target: Path, limit: int, shown: str) -> None:
    """The tree's files under `target`, at most `limit` bytes in all; nothing is written
    outside it."""
    top = top.rstrip("/")
    total = 0
    files = sorted(fs.find(top))
    if len(files) > _MAX_URL_FILES:
        raise InputError(shown, f"{len(files)} files, above {_MAX_URL_FILES} for one workspace")
    for p in files:
        rel = Path(p[len(top):].lstrip("/"))
        if not p.startswith(top + "/") or ".." in rel.parts or rel.is_absolute():
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        _fetch_file(fs, p, dest, limit - total, shown)
        total += dest.stat().st_size
