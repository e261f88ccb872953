"""Graph building, flow through a node, and the capped view."""

from __future__ import annotations

from decimal import Decimal

from graphkit import estimate, resource, side
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.graph import build_graph, exclusive_dependents, flows, select_view


def chain_estimate():
    return estimate([
        resource("aws_vpc.main", after=side("0"), tags={"team": "net"}),
        resource("aws_nat_gateway.egress", type="aws_nat_gateway", after=side("0.045"),
                 depends_on=["aws_vpc.main"], tags={"team": "net"}),
        resource("aws_instance.a", after=side("1.5", gpus=1), depends_on=["aws_nat_gateway.egress"],
                 tags={"team": "red"}),
        resource("aws_instance.b", after=side("2.5", gpus=3),
                 depends_on=["aws_nat_gateway.egress", "aws_vpc.main"], tags={"team": "blue"}),
        resource("aws_ebs_volume.c", type="aws_ebs_volume", after=side(None),
                 depends_on=["aws_instance.a", "aws_instance.b", "missing.resource"]),
    ])


def test_edges_run_from_a_resource_to_what_it_depends_on():
    g = build_graph(chain_estimate())
    assert list(g.edges()) == [
        ("aws_nat_gateway.egress", "aws_vpc.main"), ("aws_instance.a", "aws_nat_gateway.egress"),
        ("aws_instance.b", "aws_vpc.main"), ("aws_instance.b", "aws_nat_gateway.egress"),
        ("aws_ebs_volume.c", "aws_instance.a"), ("aws_ebs_volume.c", "aws_instance.b")]
    assert g.dependents("aws_vpc.main") == ("aws_nat_gateway.egress", "aws_instance.b")
    assert g.digraph.nodes["aws_instance.a"]["node"].address == "aws_instance.a"


def test_module_and_team_groupings():
    est = estimate([resource("a.x", module=("module.m",), tags={"team": "red"}, after=side("1")),
                    resource("b.y", after=side("1")),
                    resource("c.z", module=("module.m",), tags={"owner": "x"}, after=side("1"))])
    g = build_graph(est)
    assert g.modules() == {"module.m": ("a.x", "c.z"), "": ("b.y",)}
    assert g.teams() == {"red": ("a.x",), None: ("b.y", "c.z")}
    assert build_graph(est, team_key="owner").teams() == {None: ("a.x", "b.y"), "x": ("c.z",)}


def test_flow_counts_what_exists_only_because_of_a_node():
    g = build_graph(chain_estimate())
    f = flows(g)
    # everything hangs off the VPC; c depends on a and b, so neither instance carries it
    assert f["aws_vpc.main"].members == 5 and f["aws_vpc.main"].unknown == 1
    assert f["aws_vpc.main"].hourly_delta == Decimal("4.045")
    assert f["aws_nat_gateway.egress"].members == 2  # itself and instance a
    assert f["aws_nat_gateway.egress"].hourly_delta == Decimal("1.545")
    assert f["aws_instance.a"].members == 1 and f["aws_instance.a"].complete
    assert exclusive_dependents(g, "aws_vpc.main") == (
        "aws_nat_gateway.egress", "aws_instance.a", "aws_instance.b", "aws_ebs_volume.c")


@st.composite
def random_graphs(draw):
    n = draw(st.integers(1, 14))
    res = []
    for i in range(n):
        deps = draw(st.lists(st.integers(0, max(i - 1, 0)), max_size=3, unique=True)) if i else []
        cents = draw(st.one_of(st.none(), st.integers(-500, 5000)))
        after = side(None) if cents is None else side(Decimal(cents) / 100)
        res.append(resource(f"r.n{i}", after=after, depends_on=[f"r.n{d}" for d in deps]))
    return build_graph(estimate(res))


def fixed_point(g, address):
    """Reference: a dependent joins once all of its dependencies are in the set."""
    inside = {address}
    changed = True
    while changed:
        changed = False
        for n in g.nodes:
            deps = g.dependencies(n.address)
            if n.address not in inside and deps and all(d in inside for d in deps):
                inside.add(n.address)
                changed = True
    return inside


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_dominator_flows_match_the_fixed_point_definition(g):
    f = flows(g)
    for n in g.nodes:
        members = (n.address, *exclusive_dependents(g, n.address))
        assert set(members) == fixed_point(g, n.address)
        known = [g.node(a).hourly_delta for a in members if g.node(a).hourly_delta is not None]
        assert f[n.address].members == len(members), n.address
        assert f[n.address].hourly_delta == sum(known, Decimal(0))
        assert f[n.address].unknown == len(members) - len(known)


def test_a_dependency_cycle_does_not_break_flows():
    g = build_graph(estimate([
        resource("r.a", after=side("1")),
        resource("r.b", after=side("2"), depends_on=["r.a", "r.c"]),
        resource("r.c", after=side("3"), depends_on=["r.b"]),
        resource("r.d", after=side("4"), depends_on=["r.e"]),
        resource("r.e", after=side("5"), depends_on=["r.d"]),  # unreachable cycle
    ]))
    f = flows(g)
    assert f["r.a"].members == 3 and f["r.a"].hourly_delta == Decimal(6)
    assert f["r.d"].members == 1 and f["r.e"].members == 1


def many(n: int):
    res = [resource(f"aws_instance.i{k}", after=side(Decimal(k) / 10)) for k in range(n)]
    res += [resource(f"module.m{k % 3}.aws_iam_role.r{k}", action="no-op", before=side("0"),
                     after=side("0"), module=(f"module.m{k % 3}",)) for k in range(9)]
    return build_graph(estimate(res))


def test_view_collapses_unchanged_resources_into_their_module():
    v = select_view(many(4), max_nodes=None)
    kinds = [n.kind for n in v.nodes]
    assert kinds.count("resource") == 4 and kinds.count("module") == 3
    assert sum(n.count for n in v.nodes) == v.total == 13 and v.hidden == 0


def test_view_cap_keeps_the_largest_deltas_and_sums_the_rest():
    g = many(120)
    v = select_view(g, max_nodes=50)
    assert len(v.nodes) == 50 and v.nodes[-1].kind == "more"
    shown = [n for n in v.nodes if n.kind == "resource"]
    assert min(n.hourly_delta for n in shown) == Decimal("7.1")  # the 49 largest of 0.0..11.9
    assert sum(n.count for n in v.nodes) == v.total
    total = sum((n.hourly_delta for n in g.nodes), Decimal(0))
    assert sum((n.hourly_delta for n in v.nodes), Decimal(0)) == total
    assert all(a < len(v.nodes) and b < len(v.nodes) for a, b in v.edges)
