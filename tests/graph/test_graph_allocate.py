"""Shared-cost allocation: exact splits, showback invariants, the breakdown command."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from graphkit import estimate, resource, side
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.graph import breakdown, build_graph, shared_resources, split

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "tests" / "graph" / "data" / "shared-platform"
Q = Decimal("0.01")


def exact_sum(values):
    with localcontext() as ctx:
        ctx.prec = 100
        return sum(values, Decimal(0))


def test_split_gives_remainder_cents_by_largest_remainder_then_order():
    assert split(Decimal("0.10"), [Decimal(1)] * 3, Q) == (Decimal("0.04"), Decimal("0.03"),
                                                            Decimal("0.03"))
    assert split(Decimal("1.00"), [Decimal(1), Decimal(2)], Q) == (Decimal("0.33"),
                                                                    Decimal("0.67"))
    # sub-cent rest goes to the first part in that order
    assert split(Decimal("0.105"), [Decimal(1), Decimal(1)], Q) == (Decimal("0.055"),
                                                                     Decimal("0.05"))
    assert split(Decimal("5"), [Decimal(0), Decimal(0)], Q) == (Decimal("2.5"), Decimal("2.5"))
    assert split(Decimal("-0.10"), [Decimal(1)] * 3, Q) == (Decimal("-0.04"), Decimal("-0.03"),
                                                             Decimal("-0.03"))
    with pytest.raises(ValueError):
        split(Decimal(1), [], Q)


amounts = st.one_of(
    st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=6,
                allow_nan=False, allow_infinity=False),
    st.builds(lambda a, b: Decimal(a) / Decimal(b), st.integers(0, 10**9), st.integers(1, 8760)))
weights = st.lists(st.decimals(min_value=0, max_value=Decimal("1e4"), places=3,
                               allow_nan=False, allow_infinity=False), min_size=1, max_size=12)


@settings(max_examples=400, deadline=None)
@given(amounts, weights, st.sampled_from([Decimal("0.01"), Decimal("0.000001")]))
def test_split_adds_up_to_the_decimal_and_stays_near_proportional(amount, ws, quantum):
    parts = split(amount, ws, quantum)
    assert exact_sum(parts) == amount
    assert split(amount, ws, quantum) == parts  # deterministic
    total_w = sum(ws) if sum(ws) > 0 else len(ws)
    for w, p in zip(ws if sum(ws) > 0 else [1] * len(ws), parts):
        with localcontext() as ctx:
            ctx.prec = 60
            fair = amount * w / total_w
            assert abs(p - fair) <= quantum * 2 + quantum  # floor + one extra quantum + the rest


@st.composite
def showback_graphs(draw):
    n = draw(st.integers(1, 16))
    teams = [None, "red", "blue", "green"]
    res = []
    for i in range(n):
        deps = draw(st.lists(st.integers(0, max(i - 1, 0)), max_size=3, unique=True)) if i else []
        shared_type = draw(st.sampled_from(["aws_instance", "aws_instance", "aws_nat_gateway",
                                            "aws_efs_file_system"]))
        action = draw(st.sampled_from(["create", "delete", "update", "no-op"]))
        cost = draw(st.one_of(st.none(), st.integers(0, 10**7)))
        gpus = draw(st.integers(0, 8))

        def mk(c=cost, g=gpus):
            return side(None if c is None else Decimal(c) / 10**6, gpus=g,
                        hours=draw(st.sampled_from([730, 260, 1])))
        before = mk() if action != "create" else None
        after = mk() if action != "delete" else None
        team = draw(st.sampled_from(teams))
        res.append(resource(f"r.n{i}", type=shared_type, action=action, before=before,
                            after=after, tags={"team": team} if team else {},
                            depends_on=[f"r.n{d}" for d in deps]))
    return build_graph(estimate(res))


@settings(max_examples=200, deadline=None)
@given(showback_graphs(), st.sampled_from(["before", "after"]), st.sampled_from(["even",
                                                                                  "gpu-hours"]),
       st.sampled_from(["tag:team", "module", "type"]))
def test_showback_adds_up_to_the_total_to_the_decimal(g, state, allocate, group_by):
    b = breakdown(g, group_by, state=state, allocate=allocate)
    present = [n.side(state) for n in g.nodes if n.side(state) is not None]
    assert b.hourly == exact_sum(s.hourly for s in present if s.hourly is not None)
    assert b.monthly == exact_sum(s.monthly for s in present if s.hourly is not None)
    assert exact_sum(r.hourly for r in b.rows) == b.hourly
    assert exact_sum(r.monthly for r in b.rows) == b.monthly
    assert sum(r.resources for r in b.rows) == b.resources == len(present)
    for source in b.shared:
        own = g.node(source).side(state)
        assert exact_sum(s.hourly for s in b.shares if s.source == source) == own.hourly
        assert exact_sum(s.monthly for s in b.shares if s.source == source) == own.monthly
    assert all(s.group != "(untagged)" for s in b.shares)


def test_shared_by_type_or_by_dependents_of_several_teams():
    est = estimate([
        resource("aws_subnet.a", type="aws_subnet", after=side("0.5")),
        resource("aws_efs_file_system.fs", type="aws_efs_file_system", after=side("1")),
        resource("aws_instance.r", after=side("1", gpus=1), tags={"team": "red"},
                 depends_on=["aws_subnet.a", "aws_efs_file_system.fs"]),
        resource("aws_instance.b", after=side("1", gpus=3), tags={"team": "blue"},
                 depends_on=["aws_subnet.a"]),
        resource("aws_instance.u", after=side("1"), depends_on=["aws_efs_file_system.fs"]),
    ])
    g = build_graph(est)
    assert shared_resources(g, "after") == ("aws_subnet.a", "aws_efs_file_system.fs")
    even = {r.group: r for r in breakdown(g).rows}
    assert even["red"].shared_hourly == Decimal("1.25")  # all of the EFS, half the subnet
    assert even["blue"].shared_hourly == Decimal("0.25")
    assert even["(untagged)"].hourly == Decimal("1") and even["(untagged)"].shared_hourly == 0
    by_gpu = {r.group: r for r in breakdown(g, allocate="gpu-hours").rows}
    assert by_gpu["red"].shared_hourly == Decimal("1.125")
    assert by_gpu["blue"].shared_hourly == Decimal("0.375")


def test_a_shared_resource_without_tagged_dependents_keeps_its_cost():
    est = estimate([resource("aws_nat_gateway.n", type="aws_nat_gateway", after=side("0.045"),
                             tags={"team": "net"}),
                    resource("aws_route.r", type="aws_route", after=side("0"),
                             depends_on=["aws_nat_gateway.n"])])
    b = breakdown(build_graph(est))
    assert b.shared == () and {r.group: r.hourly for r in b.rows}["net"] == Decimal("0.045")


def test_unknown_costs_stay_out_of_the_totals():
    est = estimate([resource("a.x", after=side(None), tags={"team": "red"}),
                    resource("a.y", after=side("2"), tags={"team": "red"})])
    b = breakdown(build_graph(est))
    assert b.unknown == ("a.x",) and b.hourly == Decimal(2)
    assert b.rows[0].unknown == 1 and b.rows[0].resources == 2


def test_breakdown_cli_allocates_the_shared_platform(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    args = ["breakdown", SHARED.relative_to(REPO) / "plan.json", "--usage",
            SHARED.relative_to(REPO) / "usage.yml"]
    for allocate in ("even", "gpu-hours"):
        result = cli(*args, "--allocate", allocate, "--format", "json")
        assert result.code == 0, result
        doc = json.loads(result.out)
        groups = {g["group"]: g for g in doc["groups"]}
        assert set(groups) == {"ml-research", "ml-platform", "platform", "(untagged)"}
        assert exact_sum(Decimal(g["hourly"]["total"]) for g in doc["groups"]) == \
            Decimal(doc["total"]["hourly"])
        assert {s["from"] for s in doc["shares"]} == {
            "aws_eip.nat", "aws_nat_gateway.egress", "aws_efs_file_system.shared"}
        assert {s["group"] for s in doc["shares"]} == {"ml-research", "ml-platform"}
    table = cli(*args)
    assert table.code == 0 and "Total" in table.out and "(untagged)" in table.out
    before = json.loads(cli(*args, "--state", "before", "--format", "json").out)
    assert [g["group"] for g in before["groups"]] == ["ml-research", "platform"]


def test_breakdown_rejects_a_bad_grouping(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    result = cli("breakdown", "examples/gpu-swap/plan.json", "--group-by", "owner")
    assert result.code == 2 and "--group-by 'owner'" in result.err
