"""Time and peak memory of `costwarden estimate --format json` on generated plans.

Prints, per plan size: wall time and peak RSS of the estimate, the same for a
bare `json.load` of the file (both in a fresh Python process, so both include
interpreter start), and their ratio. Usage:

    python benchmarks/bench_estimate.py [--sizes 1000,10000,50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from measure import best  # noqa: E402
from synth import write_plan  # noqa: E402

_JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as f:\n    json.load(f)\n"


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
        est_s, est_mb, code, err = best([sys.executable, "-m", "engine", "estimate", str(plan),
                                         "--format", "json"], args.repeat, str(HERE.parent))
        if code != 0:
            print(f"estimate failed (exit {code}): {err}")
            return 1
        js_s, js_mb, _, _ = best([sys.executable, "-c", _JSON_LOAD, str(plan)], args.repeat)
        print(f"{n:>8} {size_mb:>7.1f} {est_s:>11.3f} {est_mb:>9.0f} {js_s:>12.3f} "
              f"{js_mb:>9.0f} {est_s / js_s:>6.1f}")
    print("(best of --repeat runs, each a fresh process; peak MiB is that process's "
          "maximum resident set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
