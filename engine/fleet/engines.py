"""Where the workspaces are scanned: this process, a process pool, or a Dask cluster.

Every engine sends batches of workspaces to `task.scan_batch` and hands each result
to `on_result` as it arrives; the reduction does not depend on that order. Dask
(`dask.distributed`) is imported only when asked for: a `LocalCluster` of worker
processes by default, or the scheduler at `scheduler` (e.g. `tcp://10.0.0.5:8786`).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from ..errors import InputError
from .task import ScanConfig, WorkspaceResult, scan_batch
from .workspaces import Workspace

OnResult = Callable[[WorkspaceResult], None]
ENGINES = ("local", "dask")


def batches(workspaces: Sequence[Workspace], size: int) -> Iterator[Sequence[Workspace]]:
    for i in range(0, len(workspaces), size):
        yield workspaces[i:i + size]


def failed(batch: Sequence[Workspace], exc: BaseException) -> list[WorkspaceResult]:
    """A batch whose worker died (killed, out of memory): each workspace says so."""
    from ..errors import one_line

    why = one_line(f"{type(exc).__name__}: {exc}")[:300]
    return [WorkspaceResult(w, error=f"{w.source}: the worker scanning it failed ({why})")
            for w in batch]


def batch_size(count: int, workers: int) -> int:
    """Small enough to keep every worker busy to the end and the progress moving,
    large enough that sending a task costs little beside scanning it."""
    return max(1, min(32, count // max(1, workers * 8)))


def run_local(workspaces: Sequence[Workspace], config: ScanConfig, on_result: OnResult,
              workers: int = 1) -> None:
    """One process (`workers` 1), or a pool of `workers` processes."""
    if workers <= 1:
        for ws in workspaces:
            on_result(scan_batch([ws], config)[0])
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver: workers start from a clean process, not a copy of this one's threads
    context = multiprocessing.get_context("forkserver" if "forkserver" in
                                          multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        size = batch_size(len(workspaces), workers)
        futures = {pool.submit(scan_batch, list(b), config): b
                   for b in batches(workspaces, size)}
        try:
            for future in as_completed(futures):
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - the process died, not the input
                    results = failed(futures[future], exc)
                for result in results:
                    on_result(result)
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def run_dask(workspaces: Sequence[Workspace], config: ScanConfig, on_result: OnResult,
             workers: int | None = None, scheduler: str | None = None) -> None:
    """On a Dask cluster: `scheduler`'s, or a LocalCluster of `workers` processes."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError(None, "--engine dask needs dask.distributed: pip install "
                               "'costwarden[fleet]'") from None
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise InputError(scheduler, f"cannot reach the Dask scheduler: {exc}") from None
    try:
        n = len(client.scheduler_info().get("workers", {})) or (workers or 1)
        shared = client.scatter(config, broadcast=True)
        size = batch_size(len(workspaces), n)
        futures = {client.submit(scan_batch, list(b), shared, pure=False): b
                   for b in batches(workspaces, size)}
        for future in as_completed(list(futures)):
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker died (KilledWorker, ...)
                results = failed(futures[future], exc)
            for result in results:
                on_result(result)
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
