"""Fuzzer: Hypothesis-driven structured mutation of the valid examples, bounded.

Every mutated input runs through `engine.cli.main` in the bounded worker
(harness.Pool). Properties: no exit 3, no traceback, no answer over the time
bound, no canary, no forged workflow command, no negative/NaN/infinite money or
GPU count in the JSON output, and the same input gives the same output twice.

Budget: FUZZ_EXAMPLES (default 2400 in all, split over the input kinds; `make
fuzz` runs 50,000). Seed: FUZZ_SEED, else the CI run id, else today's date;
printed in the pytest header and in every failure.
"""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st

import harness
import mutate

TOTAL = int(os.environ.get("FUZZ_EXAMPLES", "2400"))
SEED = mutate.fuzz_seed()
WEIGHTS = {"plan": 0.45, "usage": 0.13, "policy": 0.12, "data": 0.06, "waiver": 0.08,
           "pricebook": 0.08, "tf": 0.08}
FUZZ_TIMEOUT = float(os.environ.get("FUZZ_TIMEOUT", "20"))
# Shrinking re-runs a failing input many times (a hang costs the whole time bound
# each time): on by default, off under CI (FUZZ_SHRINK=1/0 overrides).
SHRINK = os.environ.get("FUZZ_SHRINK", "0" if harness.IN_CI else "1") == "1"
PHASES = tuple(p for p in Phase if SHRINK or p not in (Phase.shrink, Phase.explain))


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(mutate.REPO / "policies", root / "policies")
    return root


def _check(pool: harness.Pool, argv: list[str], desc: str, cwd: str) -> list[str]:
    first = pool.run(argv, timeout=FUZZ_TIMEOUT, cwd=cwd)
    if first.get("hang"):
        return [f"hang over {FUZZ_TIMEOUT:.0f} s"]
    if first.get("died"):
        return ["worker died (memory bound or hard crash)"]
    problems = harness.output_problems(first["out"], first["err"], first["code"])
    if first.get("raised"):
        problems.append("main() raised")
    if first["code"] not in (0, 1, 2):
        problems.append(f"exit {first['code']}")
    for bad in harness.GLOBAL_FORBIDDEN:
        if bad in first["out"] or bad in first["err"]:
            problems.append("a canary reached the output")
    if not problems and first["code"] in (0, 1):
        second = pool.run(argv, timeout=FUZZ_TIMEOUT, cwd=cwd)
        if (second.get("out"), second.get("code")) != (first["out"], first["code"]):
            problems.append("not deterministic: a second run printed something else")
    return problems


def _make(kind: str):
    budget = max(1, int(TOTAL * WEIGHTS[kind]))

    @pytest.mark.fuzz
    @seed(SEED)
    @settings(max_examples=budget, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=True, phases=PHASES)
    @given(data=st.data())
    def test(data, pool, work) -> None:
        candidates = [s for s in mutate.seeds(work) if s.kind == kind]
        ch = mutate.HypothesisChooser(data)
        s = ch.choice(candidates)
        target, desc, argv, restore = mutate.build_case(s, ch, work)
        try:
            note(f"fuzz seed {SEED} (FUZZ_SEED={SEED} to reproduce); input {desc}; argv {argv}")
            problems = _check(pool, argv, desc, str(work))
        finally:
            for path, text in restore.items():
                path.write_text(text, encoding="utf-8")
        assert not problems, (f"FUZZ_SEED={SEED} {desc}: " + "; ".join(problems)
                              + f" (input kept at {target})")

    test.__name__ = f"test_fuzz_{kind}"
    return test


test_fuzz_plan = _make("plan")
test_fuzz_usage = _make("usage")
test_fuzz_policy = _make("policy")
test_fuzz_data = _make("data")
test_fuzz_waiver = _make("waiver")
test_fuzz_pricebook = _make("pricebook")
test_fuzz_tf = _make("tf")
