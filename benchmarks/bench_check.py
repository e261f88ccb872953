"""Benchmark `costwarden check` (bundled pack) and, if installed, checkov on the same plan.

    python benchmarks/bench_check.py [--sizes 10000 50000] [--setup-checkov] [--skip-checkov]

Plans are the same generated plans as bench_estimate.py (benchmarks/synth.py),
written once into benchmarks/out/. checkov 3.x lives in its own virtual
environment (benchmarks/out/checkov-venv), never beside python-hcl2; it is
timed with one custom YAML policy equivalent to our required-tags rule.
Prints wall time, peak RSS of the child and the ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import timed  # noqa: E402
from synth import write_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CHECKOV_VENV = OUT / "checkov-venv"
def make_plan(n: int) -> Path:
    return write_plan(n, OUT)


def setup_checkov() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if not (CHECKOV_VENV / "bin" / "checkov").exists():
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "--quiet",
                        "checkov>=3,<4"], check=True)
    out = subprocess.run([str(CHECKOV_VENV / "bin" / "checkov"), "--version"],
                         capture_output=True, text=True)
    print(f"checkov {out.stdout.strip()} in {CHECKOV_VENV}")


def checkov_policy_dir() -> Path:
    folder = OUT / "checkov-policies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "required_tags.yaml").write_text("""\
metadata:
  id: CKV2_CW_1
  name: Taggable resources carry team, project, environment and cost-center tags
  category: CONVENTION
scope:
  provider: aws
definition:
  and:
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.team, operator: exists}
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.project, operator: exists}
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.environment, operator: exists}
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.cost-center, operator: exists}
""", encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    ap.add_argument("--setup-checkov", action="store_true")
    ap.add_argument("--skip-checkov", action="store_true")
    args = ap.parse_args(argv)
    if args.setup_checkov:
        setup_checkov()
    ours: dict[int, float] = {}
    for n in args.sizes:
        plan = make_plan(n)
        wall, rss, code, err = timed([sys.executable, "-m", "engine", "check", str(plan),
                                      "--format", "json"])
        ours[n] = wall
        print(f"costwarden check, bundled pack ({n:,} changes, {plan.stat().st_size / 1e6:.1f} MB):"
              f" {wall:.2f} s, peak RSS {rss:.0f} MB, exit {code}")
        if code not in (0, 1):
            print(f"  stderr: {err}")
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if args.skip_checkov or not checkov.exists():
        print("checkov: not timed (run with --setup-checkov to install it into "
              f"{CHECKOV_VENV})")
        return 0
    n = 10000 if 10000 in ours else args.sizes[0]
    plan = make_plan(n)
    cmd = [str(checkov), "-f", str(plan), "--framework", "terraform_plan", "--skip-download",
           "--external-checks-dir", str(checkov_policy_dir()), "--check", "CKV2_CW_1",
           "--quiet", "--compact", "-o", "json"]
    env_note = "" if os.environ.get("BC_API_KEY") is None else " (BC_API_KEY set)"
    wall, rss, code, err = timed(cmd)
    print(f"checkov, 1 required-tag policy ({n:,} changes){env_note}: {wall:.2f} s, "
          f"peak RSS {rss:.0f} MB, exit {code}")
    if code not in (0, 1):
        print(f"  stderr: {err}")
    print(f"ratio: costwarden (whole pack) is {wall / ours[n]:.1f}x faster than checkov "
          f"(one policy) on {n:,} changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
