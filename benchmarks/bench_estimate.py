"""Time and peak memory of `costwarden estimate --format json` on generated plans.

Prints, per plan size: wall time and peak RSS of the estimate, the same for a
bare `json.load` of the file, and their ratio. Each measurement runs in its own
process so peak memory is that run's alone. Usage:

    python benchmarks/bench_estimate.py [--sizes 1000,10000,50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import write_plan  # noqa: E402

_MEASURE = r"""
import resource, sys, time
t = time.perf_counter()
{body}
elapsed = time.perf_counter() - t
print(f"{{elapsed:.6f}} {{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}", file=sys.stderr)
"""
_ESTIMATE = """
import io, contextlib
from engine.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["estimate", sys.argv[1], "--format", "json"])
assert code == 0, code
"""
_JSON = """
import json
with open(sys.argv[1], "rb") as f:
    json.load(f)
"""


def measure(body: str, plan: Path) -> tuple[float, int]:
    """(seconds, peak RSS in MiB) of `body` run in a fresh interpreter."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE.format(body=body), str(plan)],
                          capture_output=True, text=True, check=True, cwd=HERE.parent)
    seconds, rss_kib = proc.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(rss_kib) // 1024


def best(body: str, plan: Path, repeat: int) -> tuple[float, int]:
    runs = [measure(body, plan) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    print(f"{'changes':>8} {'MB':>7} {'estimate s':>11} {'peak MiB':>9} "
          f"{'json.load s':>12} {'peak MiB':>9} {'ratio':>6}")
    for n in (int(s) for s in args.sizes.split(",")):
        plan = write_plan(n, args.out)
        size_mb = plan.stat().st_size / 1e6
        est_s, est_mb = best(_ESTIMATE, plan, args.repeat)
        js_s, js_mb = best(_JSON, plan, args.repeat)
        print(f"{n:>8} {size_mb:>7.1f} {est_s:>11.3f} {est_mb:>9} {js_s:>12.3f} {js_mb:>9} "
              f"{est_s / js_s:>6.1f}")
    print("(times are the best of --repeat runs, in-process after interpreter start; "
          "peak MiB is the process's maximum resident set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
