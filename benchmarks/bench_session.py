"""Benchmark `engine.Session`: many small plans, a result across processes, one big check.

    python benchmarks/bench_session.py [--plans 1000] [--size 10000] [--repeat 3]
                                       [--baseline-tree PATH]

(a) `--plans` small generated plans (benchmarks/synth.py, 5-20 resources each,
    varied seeds) judged in memory through one Session, against
    `engine.check(path)` per plan (the plans written to files); per-plan ms and
    the ratio (with `--baseline-tree`, also `engine.check(path)` of that checkout).
(b) a Session result (Evaluation and PlanSummary) pickled in a spawned worker
    process and unpickled here: pickled bytes (against the full Estimate) and
    the round-trip time.
(c) `python -m engine check` of a `--size`-change plan (the bundled pack), the
    fastest of `--repeat` runs; with `--baseline-tree`, the same command run
    from that checkout (its own engine package) on the same plan, and the ratio.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from measure import best  # noqa: E402
from synth import generate, write_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def small_plans(count: int) -> list[dict]:
    return [generate(5 + i % 16, seed=1000 + i) for i in range(count)]


_CHECK_LOOP = """
import sys, time, engine
paths = sys.argv[1:]
engine.check(paths[0])
start = time.perf_counter()
for path in paths:
    engine.check(path)
print((time.perf_counter() - start) / len(paths))
"""


def baseline_check(tree: Path, paths: list[str]) -> float:
    """Seconds per plan of `engine.check(path)` imported from another checkout."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", _CHECK_LOOP, *paths], cwd=str(tree),
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bench_many(count: int, baseline: Path | None) -> None:
    import json

    import engine
    from engine.settings import Settings

    plans = small_plans(count)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, plan in enumerate(plans):
            path = Path(tmp) / f"plan{i}.json"
            path.write_text(json.dumps(plan))
            paths.append(str(path))
        # engine.check as a library user calls it today, with a warm parse cache
        settings = Settings(cache_dir=Path(tmp) / "cache")
        engine.check(paths[0], settings=settings)
        start = time.perf_counter()
        for path in paths:
            engine.check(path, settings=settings)
        per_check = (time.perf_counter() - start) / count
        per_baseline = baseline_check(baseline, paths) if baseline else None
    start = time.perf_counter()
    session = engine.Session()
    for plan in plans:
        session.check(plan)
    per_session = (time.perf_counter() - start) / count
    print(f"(a) {count} plans of 5-20 resources: engine.check(path) {per_check * 1e3:.2f} ms/plan, "
          f"one Session in memory {per_session * 1e3:.2f} ms/plan (load included), "
          f"{per_check / per_session:.1f}x faster")
    if per_baseline is not None:
        print(f"    engine.check(path) from the baseline tree ({baseline}): "
              f"{per_baseline * 1e3:.2f} ms/plan; one Session is "
              f"{per_baseline / per_session:.1f}x faster per plan than that")


def _worker(plan: dict) -> bytes:
    import engine

    session = engine.Session()
    est = session.estimate(plan)
    return pickle.dumps((session.evaluate(est), session.summarise(plan), len(pickle.dumps(est))))


def bench_pickle() -> None:
    plan = generate(20, seed=3)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pool.apply(_worker, (generate(5, seed=4),))  # start-up and imports out of the figure
        start = time.perf_counter()
        data = pool.apply(_worker, (plan,))
        result, summary, estimate_bytes = pickle.loads(data)
        wall = time.perf_counter() - start
    print(f"(b) worker result of a 20-resource plan: Evaluation {len(pickle.dumps(result)):,} B, "
          f"PlanSummary {len(pickle.dumps(summary)):,} B, full Estimate {estimate_bytes:,} B; "
          f"round trip (price, judge, pickle, unpickle) {wall * 1e3:.1f} ms; "
          f"{len(result.findings)} findings, blocking={summary.blocking}")


def bench_big(size: int, repeat: int, baseline: Path | None) -> None:
    plan = write_plan(size, OUT)
    runs = [("this tree", ROOT)] + ([("baseline", baseline)] if baseline else [])
    figures = {}
    for name, tree in runs:
        wall, rss, code, err = best([sys.executable, "-m", "engine", "check", str(plan),
                                     "--format", "json"], repeat, cwd=str(tree))
        figures[name] = wall
        print(f"(c) check of {size:,} changes, {name} ({tree}): {wall:.2f} s, "
              f"peak {rss:.0f} MiB, exit {code}" + (f" [{err.strip()[-200:]}]" if code > 1 else ""))
    if baseline:
        print(f"    this tree / baseline: {figures['this tree'] / figures['baseline']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-tree", type=Path, default=None,
                    help="another checkout to time (a) and (c) from, e.g. a worktree at 40526a1")
    args = ap.parse_args()
    bench_many(args.plans, args.baseline_tree)
    bench_pickle()
    bench_big(args.size, args.repeat, args.baseline_tree)


if __name__ == "__main__":
    main()
