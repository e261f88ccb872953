"""Worker process of the hostile-input harness (run as a script, not imported by tests).

Reads one JSON request per line on stdin, runs `engine.cli.main(argv)` in this
process, writes one JSON result per line on the protocol stream. The parent
(`harness.Pool`) enforces the time bound: a case that does not answer in time
is killed with its worker, which the parent then restarts. The memory bound is
`RLIMIT_AS` set here at start-up: the address space may grow `--mem-mb` above
what the idle worker uses; an allocation past it raises MemoryError in the
case (the CLI reports exit 3, which the tests count as a failure).

Per case the worker reports stdout, stderr, the exit code, the wall time and
the peak resident memory of the worker during the case (VmHWM, reset before
the case through /proc/self/clear_refs where the kernel allows it).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _status_kb(field: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _limit_memory(mem_mb: int) -> None:
    if mem_mb <= 0:
        return
    size = _status_kb("VmSize") * 1024 + mem_mb * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        size = min(size, hard)
    resource.setrlimit(resource.RLIMIT_AS, (size, hard))


def run_one(req: dict) -> dict:
    import engine.cli

    github = None
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_sleep = None
    comment_mod = None
    try:
        if req.get("github") is not None:
            import fakegithub

            github = fakegithub.start(req["github"])
            os.environ["GITHUB_API_URL"] = github.base
            try:
                import engine.commands.comment as comment_mod  # type: ignore[no-redef]

                saved_sleep = getattr(comment_mod, "SLEEP", None)
                if saved_sleep is not None:
                    comment_mod.SLEEP = lambda s: None
            except ImportError:
                comment_mod = None
        for k, v in (req.get("env") or {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        if req.get("cwd"):
            os.chdir(req["cwd"])
        out, err = io.StringIO(), io.StringIO()
        exc_text = None
        measured = _reset_peak()
        start = time.perf_counter()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = engine.cli.main(list(req["argv"]))
            except BaseException as exc:  # main must not raise: record it as a crash
                code = 99
                exc_text = "".join(traceback.format_exception(exc))
        seconds = time.perf_counter() - start
        peak_kb = _status_kb("VmHWM")
        result = {"code": code, "out": out.getvalue(), "err": err.getvalue(),
                  "seconds": seconds, "peak_kb": peak_kb, "peak_measured": measured,
                  "raised": exc_text}
        if github is not None:
            result["requests"] = github.requests()
        return result
    finally:
        if github is not None:
            github.stop()
        if comment_mod is not None and saved_sleep is not None:
            comment_mod.SLEEP = saved_sleep
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mem-mb", type=int, default=1536)
    opts = ap.parse_args()
    # the protocol gets its own descriptor; fd 1 and 2 go to /dev/null so that
    # nothing a case writes below Python's sys.stdout can corrupt the protocol
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    inp = sys.stdin
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    if not os.environ.get("ADVERSARIAL_WORKER_STDERR"):
        os.dup2(devnull, 2)
    import engine.cli  # noqa: F401  (warm: the first case should not pay the imports)

    _limit_memory(opts.mem_mb)
    proto.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    proto.flush()
    for line in inp:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            result = run_one(req)
        except MemoryError:
            result = {"code": 98, "out": "", "err": "worker: MemoryError outside the CLI",
                      "seconds": 0.0, "peak_kb": _status_kb("VmHWM"), "raised": "MemoryError"}
        proto.write(json.dumps(result) + "\n")
        proto.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
