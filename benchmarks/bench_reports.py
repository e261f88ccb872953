"""Time every output format of `costwarden check` on generated 10,000- and 50,000-change plans.

Each format runs in a fresh process (interpreter start, reading, pricing and
policy evaluation included), so the difference between a format and `json`
is the cost of rendering it. Also prints the size of each output; the
markdown comment must stay within GitHub's 65,536 characters. Usage:

    python benchmarks/bench_reports.py [--sizes 10000,50000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from measure import best  # noqa: E402
from synth import write_plan  # noqa: E402

FORMATS = ("table", "json", "markdown", "sarif", "junit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    root = str(HERE.parent)
    print(f"{'changes':>8} {'format':>9} {'seconds':>8} {'peak MiB':>9} {'output chars':>13}")
    for n in (int(s) for s in args.sizes.split(",")):
        plan = write_plan(n, args.out)
        for fmt in FORMATS:
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / f"out.{fmt}"
                cmd = [sys.executable, "-m", "engine", "check", str(plan), "--format", fmt,
                       "--output", str(target)]
                secs, mib, code, err = best(cmd, args.repeat, root)
                if code not in (0, 1):
                    print(f"check --format {fmt} failed (exit {code}): {err}")
                    return 1
                chars = len(target.read_text(encoding="utf-8"))
            print(f"{n:>8} {fmt:>9} {secs:>8.2f} {mib:>9.0f} {chars:>13,}")
    print("(best of --repeat runs, each a fresh process running the whole check)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
