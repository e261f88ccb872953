"""Run a command as a child process and measure it alone."""

from __future__ import annotations

import os
import subprocess
import time


def timed(cmd: list[str], cwd: str | None = None) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS in MiB of this child alone via wait4, exit code, stderr tail)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=cwd)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, err[-400:]


def best(cmd: list[str], repeat: int, cwd: str | None = None) -> tuple[float, float, int, str]:
    """The fastest of `repeat` runs (peak memory: the largest seen)."""
    runs = [timed(cmd, cwd) for _ in range(max(1, repeat))]
    fastest = min(runs, key=lambda r: r[0])
    return fastest[0], max(r[1] for r in runs), fastest[2], fastest[3]
