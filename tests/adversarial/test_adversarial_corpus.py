"""Every hostile input of cases/*.yaml through `engine.cli.main`, bounded in time and memory.

A case fails when its exit code or error fragment is not the expected one, when
it answers after its time bound (a hang: the worker is killed), when it runs the
worker out of its memory bound, or when any output breaks a global invariant
(exit 3, a traceback, a canary, a forged workflow command, non-finite or negative
money). See README.md in this folder.
"""

from __future__ import annotations

import pytest

import harness

CASES = harness.load_cases()


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 150
    kinds = {c.kind for c in CASES}
    assert {"plan", "tf", "usage", "policy", "data", "waiver", "pricebook", "github"} <= kinds
    commands = {" ".join(str(a) for a in step["argv"][:2]) for c in CASES for step in c.steps
                if "argv" in step}
    for cmd in ("estimate", "check", "graph", "breakdown", "diff", "hook tags", "hook check",
                "hook policy-validate", "hook policy-test", "policy validate", "policy test",
                "comment github"):
        assert any(c == cmd or c.startswith(cmd + " ") or c.split(" ")[0] == cmd for c in commands), cmd


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: harness.Case, pool: harness.Pool, tmp_path) -> None:
    problems, _ = harness.run_case(pool, case, tmp_path / "case")
    assert not problems, f"{case.id} ({case.category}): " + "; ".join(problems)
