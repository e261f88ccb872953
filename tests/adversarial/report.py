"""Figures for the closing note of the hostile-input work.

    .venv/bin/python -m tests.adversarial.report [--fuzz N] [--seed S] [-k TEXT] [--list]

Runs every corpus case (cases/*.yaml) and N fuzz cases (default 2000) through
the bounded worker and prints: hostile inputs tried, clean exit-2 errors,
exit-3 count, hangs, memory-bound hits, cases failing their expectation (by
category and by kind), fuzz cases and crashes, canaries leaked, and the time
and peak memory of the worst case. `--list` prints each failing case with its
first problem.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import mutate  # noqa: E402


def _leaked(problems: list[str]) -> bool:
    return any("forbidden" in p or "canary" in p or "token was sent" in p for p in problems)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fuzz", type=int, default=2000, help="fuzz cases (0: corpus only)")
    ap.add_argument("--seed", type=int, default=None, help="fuzz seed (default: FUZZ_SEED/date)")
    ap.add_argument("-k", default="", help="only corpus cases whose id contains TEXT")
    ap.add_argument("--list", action="store_true", help="list every failing case")
    opts = ap.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="costwarden-adversarial-"))
    pool = harness.Pool(cache_dir=root / "cache")
    cases = [c for c in harness.load_cases() if opts.k in c.id]
    totals = collections.Counter()
    failing_by_cat: collections.Counter[str] = collections.Counter()
    failing_by_kind: collections.Counter[str] = collections.Counter()
    failures: list[tuple[str, str]] = []
    worst_time = (0.0, "")
    worst_mem = (0, "")
    started = time.perf_counter()
    try:
        for case in cases:
            problems, results = harness.run_case(pool, case, root / "case")
            runs = [r for r in results if "tampered" not in r]
            totals["inputs"] += 1
            for r in runs:
                if r.get("hang"):
                    totals["hangs"] += 1
                elif r.get("died") or "MemoryError" in r.get("err", ""):
                    totals["memory"] += 1
                if r.get("code") == 3:
                    totals["exit3"] += 1
                if "Traceback (most recent call last)" in r.get("out", "") + r.get("err", ""):
                    totals["tracebacks"] += 1
                secs = float(r.get("seconds", 0.0))
                if secs > worst_time[0]:
                    worst_time = (secs, case.id)
                if int(r.get("peak_kb", 0)) > worst_mem[0]:
                    worst_mem = (int(r.get("peak_kb", 0)), case.id)
            expects_error = all(s.get("exit", 2) == 2 for s in case.steps if "argv" in s)
            if expects_error and not problems:
                totals["clean_exit2"] += 1
            if _leaked(problems):
                totals["leaks"] += 1
                if any(any(c[:40] in p for c in harness.GLOBAL_FORBIDDEN) or "token was sent" in p
                       for p in problems):
                    totals["secret_leaks"] += 1
            if problems:
                totals["failing"] += 1
                failing_by_cat[case.category] += 1
                failing_by_kind[case.kind] += 1
                failures.append((case.id, problems[0]))
        corpus_seconds = time.perf_counter() - started

        fuzz_seed = opts.seed if opts.seed is not None else mutate.fuzz_seed()
        fuzz = collections.Counter()
        fuzz_examples: dict[str, str] = {}
        work = root / "fuzz"
        shutil.copytree(mutate.REPO / "policies", work / "policies")
        seeds = mutate.seeds(work)
        weights = {"plan": 45, "usage": 13, "policy": 12, "data": 6, "waiver": 8, "pricebook": 8,
                   "tf": 8}
        kinds = [k for k, w in weights.items() for _ in range(w)]
        for n in range(opts.fuzz):
            ch = mutate.RandomChooser(fuzz_seed * 1_000_003 + n)
            kind = ch.choice(kinds)
            s = ch.choice([x for x in seeds if x.kind == kind])
            target, desc, fargv, restore = mutate.build_case(s, ch, work)
            try:
                r = pool.run(fargv, cwd=str(work))
            finally:
                for path, text in restore.items():
                    path.write_text(text, encoding="utf-8")
            fuzz["cases"] += 1
            if r.get("hang"):
                label = "hang"
            elif r.get("died"):
                label = "died"
            else:
                problems = harness.output_problems(r["out"], r["err"], r["code"])
                if any(b in r["out"] + r["err"] for b in harness.GLOBAL_FORBIDDEN):
                    problems.append("canary")
                label = problems[0].split(":")[0] if problems else ""
                fuzz[f"exit{r['code']}"] += 1
                secs = float(r.get("seconds", 0.0))
                if secs > worst_time[0]:
                    worst_time = (secs, f"fuzz #{n} ({desc[:80]})")
                if int(r.get("peak_kb", 0)) > worst_mem[0]:
                    worst_mem = (int(r.get("peak_kb", 0)), f"fuzz #{n} ({desc[:80]})")
            if label:
                fuzz["crashes"] += 1
                fuzz[f"crash:{label[:60]}"] += 1
                fuzz_examples.setdefault(label[:60], f"#{n} {desc[:160]}")
    finally:
        pool.close()
        shutil.rmtree(root, ignore_errors=True)

    print(f"hostile inputs tried:        {totals['inputs']} corpus cases "
          f"({corpus_seconds:.0f} s)")
    print(f"clean exit-2 errors:         {totals['clean_exit2']} "
          f"(of {sum(1 for c in cases if all(s.get('exit', 2) == 2 for s in c.steps if 'argv' in s))} "
          "cases that expect one)")
    print(f"cases failing expectation:   {totals['failing']}")
    print(f"exit-3 count:                {totals['exit3']}")
    print(f"tracebacks:                  {totals['tracebacks']}")
    print(f"hangs (over the time bound): {totals['hangs']}")
    print(f"memory-bound hits:           {totals['memory']}")
    print(f"canaries leaked:             {totals['leaks']} cases "
          f"({totals['secret_leaks']} with the token or an environment canary)")
    print(f"fuzz cases:                  {fuzz['cases']} (seed {fuzz_seed}), crashes {fuzz['crashes']}"
          f" (exit 0/1/2: {fuzz['exit0']}/{fuzz['exit1']}/{fuzz['exit2']})")
    for key, value in sorted(fuzz.items()):
        if key.startswith("crash:"):
            print(f"  {value:5d} {key[6:]}   e.g. {fuzz_examples[key[6:]]}")
    print(f"worst case time:             {worst_time[0]:.2f} s ({worst_time[1]})")
    print(f"worst case peak memory:      {worst_mem[0] / 1024:.0f} MiB RSS of the worker "
          f"({worst_mem[1]})")
    if failing_by_cat:
        print("failing by category:         " + ", ".join(
            f"{k} {v}" for k, v in sorted(failing_by_cat.items())))
        print("failing by input kind:       " + ", ".join(
            f"{k} {v}" for k, v in sorted(failing_by_kind.items())))
    if opts.list:
        for cid, first in failures:
            print(f"  FAIL {cid}: {first[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
