"""Fleet scan: showback, GPU inventory and policy posture across many workspaces.

    from engine.fleet import ScanConfig, discover, scan

    document = scan(discover("workspaces/"), ScanConfig(), engine="dask", workers=4)

`workspaces` finds the workspaces (a tree, a manifest, URLs through fsspec); `task`
scans one where it lands (one Session per worker process) into a small picklable
result; `engines` runs the tasks here, in a process pool or on Dask; `reduce` adds
the results up the same way whatever the order; `render` and `baseline` report.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .reduce import FleetReduction
from .task import ScanConfig, WorkspaceResult, scan_workspace, session_for
from .workspaces import Workspace, discover, load_manifest

__all__ = ["ScanConfig", "Workspace", "WorkspaceResult", "discover", "load_manifest", "scan",
           "scan_workspace"]


def scan(workspaces: Sequence[Workspace], config: ScanConfig = ScanConfig(), *,
         engine: str = "local", workers: int = 1, scheduler: str | None = None,
         progress: Callable[[WorkspaceResult], None] | None = None) -> dict[str, Any]:
    """The fleet's JSON document. The session is built here first, so that a bad policy,
    usage or price-book file stops the scan before any worker starts."""
    from ..redact import register_values
    from .engines import run_dask, run_local

    session_for(config)
    reduction = FleetReduction(workspaces, config)

    def on_result(result: WorkspaceResult) -> None:
        reduction.add(result)
        register_values(result.sensitive)  # what a worker read, the output never shows
        if progress is not None:
            progress(result)

    if engine == "dask":
        run_dask(workspaces, config, on_result, workers=workers, scheduler=scheduler)
    elif engine == "local":
        run_local(workspaces, config, on_result, workers=workers)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    return reduction.document()
