"""Totals and limits as intervals (issue 9, item 5).

A limit passes or fails when the interval of the figure lies on one side of it,
and is unknown only when it straddles the limit: an unpriced deleted resource
lowers a delta by an unknown amount, (-inf, 0], so a +$14/h change stays below
a $250/h limit; a lower bound above a limit fails it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine.model import ResourceCost, SideCost
from engine.policy import load_policies
from engine.policy.evaluate import EvaluationOptions, evaluate
from policy_helpers import change, cost, side

REPO = Path(__file__).resolve().parents[2]
SPEND = REPO / "policies" / "spend.yaml"
P5_WEST = REPO / "tests" / "report" / "data" / "p5-us-west-2" / "plan.json"
D = Decimal

PACK = """\
version: 1
description: limits on hand-built changes
policies:
  - id: team-hourly
    description: per-team Δ
    level: hard-mandatory
    message: "team {team} adds ${delta_hourly_cost}/h; the limit is ${limit}/h"
    aggregate:
      group_by: ["tag:team"]
      require:
        delta_hourly_cost: {lte: 100}
  - id: team-proposed
    description: per-team cost after the change
    level: hard-mandatory
    message: "team {team} runs ${proposed_hourly_cost}/h"
    aggregate:
      group_by: ["tag:team"]
      require:
        proposed_hourly_cost: {lte: 200}
  - id: resource-hourly
    description: a resource's own cost
    level: hard-mandatory
    message: "{address} costs ${hourly_cost}/h"
    require:
      cost: {period: hour, lte: 50}
  - id: resource-delta
    description: a resource's own Δ
    level: hard-mandatory
    message: "{address} adds ${hourly_delta}/h"
    require:
      cost: {period: hour, side: delta, lte: 15}
"""


def partial(hourly: str, status: str = "unpriced") -> SideCost:
    """A side known only in part: `hourly` is the priced part (a lower bound)."""
    h = D(hourly)
    return SideCost(status=status, hourly=h, monthly=h * 730, complete=False)  # type: ignore[arg-type]


def unknown(status: str = "unpriced") -> SideCost:
    return SideCost(status=status, hourly=None, monthly=None)  # type: ignore[arg-type]


UNPRICED = unknown()


def created(name: str, after: SideCost, team: str = "a") -> ResourceCost:
    return cost(change(name=name, tags={"team": team}), after=after)


def deleted(name: str, before: SideCost, team: str = "a") -> ResourceCost:
    return cost(change(name=name, action="delete", after=None, before={},
                       tags_before={"team": team}), before=before)


def updated(name: str, before: SideCost, after: SideCost, team: str = "a",
            action: str = "update") -> ResourceCost:
    return cost(change(name=name, action=action, before={}, tags={"team": team},
                       tags_before={"team": team}), before=before, after=after)


def outcomes(costs: list[ResourceCost], paths: list[Path], unknown_mode: str = "unknown"
             ) -> dict[tuple[str, str | None], str]:
    result = evaluate(costs, load_policies(paths),
                      options=EvaluationOptions(include_passes=True, unknown=unknown_mode))  # type: ignore[arg-type]
    return {(f.policy_id, f.group or f.address): f.outcome for f in result.findings}


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "limits.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


# (resources of the change, outcome of change-hourly-limit: Δ $/h <= 250)
CHANGE_CASES = [
    pytest.param([created("x", side("14")), deleted("gone", unknown())], "pass",
                 id="unpriced-deletion-does-not-hide-a-small-increase"),
    pytest.param([created("x", side("14")), deleted("gone", partial("3"))], "pass",
                 id="partly-priced-deletion"),
    pytest.param([created(f"p5_{i}", partial("55.04")) for i in range(4)], "unknown",
                 id="lower-bound-below-the-limit-straddles-it"),
    pytest.param([created(f"p5_{i}", partial("55.04")) for i in range(5)], "fail",
                 id="lower-bound-above-the-limit-fails"),
    pytest.param([created("x", side("14")), created("y", unknown())], "unknown",
                 id="unknown-creation"),
    pytest.param([created("x", side("14")), updated("same", UNPRICED, UNPRICED, action="no-op")],
                 "pass", id="unknown-no-op-changes-nothing"),  # one cost on both sides
    pytest.param([updated("grow", side("10"), partial("300"))], "fail",
                 id="update-to-a-lower-bound-above-the-limit"),
    pytest.param([updated("swap", partial("10"), side("240"))], "pass",
                 id="replace-from-a-lower-bound-is-an-upper-bound"),
    pytest.param([created("x", side("14")), created("s3", unknown("usage-needed"))], "pass",
                 id="usage-needed-is-left-out-as-before"),
]


@pytest.mark.parametrize("costs,expected", CHANGE_CASES)
def test_change_hourly_limit(costs: list[ResourceCost], expected: str) -> None:
    assert outcomes(costs, [SPEND])[("change-hourly-limit", None)] == expected


def test_unknown_fail_no_longer_blocks_a_small_change_beside_an_unpriced_deletion(cli) -> None:  # type: ignore[no-untyped-def]
    # gpu-swap: +$14.41/h, and a SageMaker notebook whose price the catalog lacks is deleted
    args = ["check", "examples/gpu-swap/plan.json", "--usage", "examples/gpu-swap/usage.yml",
            "--unknown", "fail", "--format", "json"]
    result = cli(*args)
    doc = json.loads(result.out)
    by = {f["policy_id"]: f for f in doc["findings"] if f["address"] is None}
    assert "change-hourly-limit" not in by and "change-monthly-limit" not in by  # they pass
    assert result.code == 0, result.out[:400]
    passes = json.loads(cli(*args, "--show-passes").out)["findings"]
    hourly = next(f for f in passes if f["policy_id"] == "change-hourly-limit")
    assert hourly["outcome"] == "pass"
    assert hourly["evidence"]["delta_hourly_cost"] == {"low": None, "high": "14.407125"}


def test_a_lower_bound_above_the_monthly_limit_fails(cli) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(cli("check", P5_WEST, "--format", "json").out)
    by = {f["policy_id"]: f for f in doc["findings"] if f["address"] is None}
    assert by["change-monthly-limit"]["outcome"] == "fail"  # ≥ $160,716.80 > $150,000
    assert by["change-hourly-limit"]["outcome"] == "unknown"  # ≥ $220.16 straddles $250
    assert by["change-hourly-limit"]["message"] == (
        "the change adds at least $220.16/h (from $0/h to at least $220.16/h); "
        "the limit is $250/h")


def test_groups_are_judged_on_their_own_intervals(pack: Path) -> None:
    got = outcomes([created("a1", side("60"), "a"), created("a2", partial("50"), "a"),
                    created("b1", side("20"), "b"), deleted("b2", unknown(), "b"),
                    created("c1", partial("20"), "c")], [pack])
    assert got[("team-hourly", "team=a")] == "fail"  # ≥ 110 > 100
    assert got[("team-hourly", "team=b")] == "pass"  # ≤ 20
    assert got[("team-hourly", "team=c")] == "unknown"  # ≥ 20 straddles 100
    assert got[("team-proposed", "team=b")] == "pass"  # after: exactly 20
    assert got[("team-proposed", "team=c")] == "unknown"


def test_a_resource_moving_between_teams_leaves_one_and_joins_the_other(pack: Path) -> None:
    moved = cost(change(name="m", action="update", before={}, tags={"team": "b"},
                        tags_before={"team": "a"}), before=unknown(), after=side("150"))
    got = outcomes([moved], [pack])
    assert got[("team-hourly", "team=a")] == "pass"  # (-inf, 0]
    assert got[("team-hourly", "team=b")] == "fail"  # +150


@pytest.mark.parametrize("rc,hourly,delta", [
    (created("p5", partial("55.04")), "fail", "fail"),  # ≥ 55.04 > 50 and > 15
    (created("small", partial("5")), "unknown", "unknown"),
    (created("none", unknown()), "unknown", "unknown"),
    (created("s3", unknown("usage-needed")), "unknown", "unknown"),  # its own cost: not $0
    (updated("grow", side("10"), partial("30")), "unknown", "fail"),  # Δ ≥ 20 > 15
])
def test_resource_cost_conditions(pack: Path, rc: ResourceCost, hourly: str, delta: str) -> None:
    got = outcomes([rc], [pack])
    assert (got[("resource-hourly", rc.address)], got[("resource-delta", rc.address)]) == \
        (hourly, delta)


def test_a_message_names_a_bound_in_words(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    limits = tmp_path / "limits.yaml"
    limits.write_text("change: {max_hourly_delta: 10}\n", encoding="utf-8")
    doc = json.loads(cli("check", "examples/gpu-swap/plan.json", "--usage",
                         "examples/gpu-swap/usage.yml", "--data", limits, "--format", "json").out)
    hourly = next(f for f in doc["findings"] if f["policy_id"] == "change-hourly-limit")
    assert hourly["outcome"] == "unknown"  # at most +14.41 straddles a $10/h limit
    assert hourly["message"] == ("the change adds at most $14.41/h (from at least $17.33/h "
                                 "to $31.74/h); the limit is $10/h")


def test_the_evidence_of_a_bound_reads_as_words(pack: Path) -> None:
    from engine.model import Interval

    result = evaluate([created("p5", partial("55.04"))], load_policies([pack]),
                      options=EvaluationOptions(include_passes=True))
    f = next(f for f in result.findings if f.policy_id == "resource-hourly")
    assert f.evidence["hourly_cost"] == Interval(D("55.04"), None)
    assert f.message == "aws_instance.p5 costs at least $55.04/h"
