"""Every speed goal next to its peer, in one run:

    .venv/bin/python benchmarks/bench_speed.py [--repeat 3] [--checkov-repeat 1] [--skip-checkov]

| row | costwarden | peer | goal |
| check, whole bundled pack, 10,000 changes | `check --format json` | checkov, one tag check | >= 50x faster |
| check, 2,000 changes | same | same | >= 30x faster |
| estimate --format json, 10,000 changes | `estimate --format json` | a bare `json.load` of the file | <= 3x |
| HCL cold read, 200 files / ~20,000 lines | `hook tags`, empty parse cache | checkov -d, one tag check | >= 15x faster |
| costwarden --version | `--version` | `python -c pass` | <= 60 ms |

costwarden runs as pre-commit installs it: `pip install .` (not editable, bytecode
compiled) into benchmarks/out/hook-venv, refreshed from this checkout (see
bench_precommit.py). checkov 3.x runs from its own venv, benchmarks/out/checkov-venv
(installed here when missing, as `bench_check.py --setup-checkov` does). Plans come
from benchmarks/synth.py (planned_values, prior_state and configuration as Terraform
writes them). Each figure is the wall time of a fresh child process, the best of
--repeat runs (checkov: --checkov-repeat); ratios are taken within this one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_check import CHECKOV_VENV, checkov_policy_dir, setup_checkov  # noqa: E402
from bench_hcl import generate  # noqa: E402
from bench_precommit import checkov_time, hook_times, install_hook  # noqa: E402
from measure import best  # noqa: E402
from synth import write_plan  # noqa: E402

OUT = HERE / "out"
CHECKOV = CHECKOV_VENV / "bin" / "checkov"
_JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as f:\n    json.load(f)\n"


def _ran(label: str, result: tuple[float, float, int, str], ok: tuple[int, ...]) -> float:
    wall, _, code, err = result
    if code not in ok:
        raise SystemExit(f"{label} failed (exit {code}): {err}")
    return wall


def checkov_plan(plan: Path, repeat: int) -> float:
    cmd = [str(CHECKOV), "-f", str(plan), "--framework", "terraform_plan", "--skip-download",
           "--external-checks-dir", str(checkov_policy_dir()), "--check", "CKV2_CW_1",
           "--quiet", "--compact", "-o", "json"]
    return _ran("checkov", best(cmd, repeat), (0, 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--checkov-repeat", type=int, default=1)
    ap.add_argument("--skip-checkov", action="store_true")
    args = ap.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode kept
    if not args.skip_checkov:
        setup_checkov()
    hook = install_hook()
    python = str(hook.parent / "python")
    print(f"cpu count: {os.cpu_count()}; load average: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows: list[tuple[str, str, str, str, str, bool | None]] = []

    def against_checkov(label: str, ours: float, peer: float | None, goal: float) -> None:
        if peer is None:
            rows.append((label, f"{ours:.2f} s", "checkov not run", "-", f">= {goal:g}x", None))
            return
        ratio = peer / ours
        rows.append((label, f"{ours:.2f} s", f"checkov {peer:.1f} s", f"{ratio:.1f}x faster",
                     f">= {goal:g}x", ratio >= goal))

    for n, goal in ((10000, 50), (2000, 30)):
        plan = write_plan(n, OUT)
        ours = _ran("check", best([str(hook), "check", str(plan), "--format", "json"],
                                  args.repeat), (0, 1))
        peer = None if args.skip_checkov else checkov_plan(plan, args.checkov_repeat)
        against_checkov(f"check, bundled pack, {n:,} changes "
                        f"({plan.stat().st_size / 1e6:.1f} MB)", ours, peer, goal)
        print(rows[-1], flush=True)

    plan = write_plan(10000, OUT)
    est = _ran("estimate", best([str(hook), "estimate", str(plan), "--format", "json"],
                                args.repeat), (0,))
    floor = _ran("json.load", best([python, "-c", _JSON_LOAD, str(plan)], args.repeat), (0,))
    rows.append(("estimate --format json, 10,000 changes", f"{est:.2f} s",
                 f"json.load {floor:.2f} s", f"{est / floor:.1f}x the floor", "<= 3x",
                 est / floor <= 3))
    print(rows[-1], flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = generate(root)
        cold, _, _, files = hook_times(hook, root, args.repeat)
        peer = None if args.skip_checkov else checkov_time(root, args.checkov_repeat)
        against_checkov(f"HCL cold read, {files} files / {lines:,} lines", cold, peer, 15)
        print(rows[-1], flush=True)

    version = _ran("--version", best([str(hook), "--version"], max(10, args.repeat)), (0,))
    bare = _ran("python", best([python, "-c", "pass"], max(10, args.repeat)), (0,))
    rows.append(("costwarden --version", f"{version * 1000:.0f} ms",
                 f"python -c pass {bare * 1000:.0f} ms", "-", "<= 60 ms", version <= 0.060))

    print()
    header = ("work", "costwarden", "peer / floor", "ratio", "goal", "met")
    table = [header] + [(*r[:5], {True: "yes", False: "NO", None: "-"}[r[5]]) for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print("(wall time of fresh processes, best of --repeat; the machine's other load "
          "slows both sides of a row alike)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
