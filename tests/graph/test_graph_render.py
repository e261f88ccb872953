"""`costwarden graph`: goldens for every format, Mermaid/DOT/JSON/HTML structure."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from graphkit import estimate, resource, side

from engine.graph import build_graph
from engine.report.dot import dot
from engine.report.html import _asset, render_html
from engine.report.mermaid import escape, mermaid

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "graph"
CASES = {"training-cluster": "examples/training-cluster",
         "inference-service": "examples/inference-service",
         "gpu-swap": "examples/gpu-swap",
         "shared-platform": "tests/graph/data/shared-platform"}
SUFFIX = {"mermaid": "mmd", "dot": "dot", "json": "json", "html": "html"}


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(REPO)  # paths in outputs are as given: keep them relative


def case_args(name: str) -> list[str]:
    base = CASES[name]
    return [f"{base}/plan.json", "--usage", f"{base}/usage.yml"]


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("name", list(CASES))
def test_graph_golden(cli, golden, name, fmt):
    result = cli("graph", *case_args(name), "--format", fmt)
    assert result.code == 0, result
    out = result.out
    if fmt == "json":  # stored indented so a change reads as a diff
        out = json.dumps(json.loads(out), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "html":  # the inlined assets are the package's own files: golden the rest
        for asset in ("graph.js", "graph.css"):
            text = _asset(asset)
            assert text in out, f"{asset} is not inlined"
            out = out.replace(text, f"/* engine/report/assets/{asset} */")
    golden.check(GOLDEN / f"{name}.{SUFFIX[fmt]}", out)


@pytest.mark.parametrize("fmt", ["table", "json"])
@pytest.mark.parametrize("name", list(CASES))
def test_breakdown_golden(cli, golden, name, fmt):
    result = cli("breakdown", *case_args(name), "--format", fmt)
    assert result.code == 0, result
    golden.check(GOLDEN / "breakdown" / f"{name}.{'txt' if fmt == 'table' else 'json'}",
                 result.out)


def test_outputs_are_byte_identical_across_runs(cli):
    for fmt in SUFFIX:
        args = ("graph", *case_args("shared-platform"), "--format", fmt)
        assert cli(*args).out == cli(*args).out


# --- Mermaid -------------------------------------------------------------------

_NODE = re.compile(r'^\s+([A-Za-z][A-Za-z0-9_]*)(\[\[|\[|\(\[)"')
_EDGE = re.compile(r"^\s+([A-Za-z][A-Za-z0-9_]*) --> ([A-Za-z][A-Za-z0-9_]*)$")


def mermaid_structure(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes, edges, depth = [], [], 0
    for line in lines[1:]:
        s = line.strip()
        if s.startswith("classDef "):
            continue
        if s.startswith("subgraph "):
            assert re.match(r'^subgraph g\d+\["[^"]*"\]$', s), s
            depth += 1
        elif s == "end":
            depth -= 1
        elif m := _NODE.match(line):
            nodes.append(m.group(1))
            assert line.count('"') == 2, line  # quotes inside labels are escaped
            assert re.search(r'"(\]\]|\]|\]\)):::(increase|decrease|unchanged|unknown|group|more)$',
                             line), line
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
        else:
            pytest.fail(f"unexpected Mermaid line: {line!r}")
    assert depth == 0
    assert len(nodes) == len(set(nodes))
    assert all(a in nodes and b in nodes for a, b in edges)
    return nodes, edges


def big_graph(n: int):
    res = [resource(f'module.m{k % 4}["k"].aws_instance.i[{k}]', module=(f'module.m{k % 4}["k"]',),
                    after=side(Decimal(k) / 100), depends_on=[f'module.m{(k - 1) % 4}["k"].aws_instance.i[{k - 1}]'])
           for k in range(n)]
    res += [resource(f"aws_iam_role.r{k}", action="no-op", before=side("0"), after=side("0"))
            for k in range(5)]
    return build_graph(estimate(res))


@pytest.mark.parametrize("cap", [1, 2, 10, 50])
def test_mermaid_is_capped_with_a_summary_node(cap):
    g = big_graph(300)
    nodes, _ = mermaid_structure(mermaid(g, max_nodes=cap))
    assert len(nodes) == cap and nodes[-1] == "more"
    text = mermaid(g, max_nodes=cap)
    hidden = re.search(r"\+(\d+) more resources<br/>Δ \+([\d,.]+) \$/h", text)
    assert hidden, text[-300:]
    shown = len([n for n in nodes if n != "more"])
    assert int(hidden.group(1)) >= 300 + 5 - shown - 1  # the module group stands for 5


def test_mermaid_without_cap_pressure_has_no_summary_and_collapses_modules():
    g = big_graph(6)
    nodes, edges = mermaid_structure(mermaid(g))
    assert "more" not in nodes and len(nodes) == 7  # 6 changed + 1 group of 5 unchanged
    assert "5 unchanged resources" in mermaid(g) and len(edges) == 5


def test_mermaid_labels_are_escaped():
    assert escape('a"b[c]#d<e>`f{g}|h') == \
        "a#quot;b#91;c#93;#35;d#lt;e#gt;#96;f#123;g#125;#124;h"
    g = build_graph(estimate([resource('module.x["a#1"].aws_s3_bucket.b["<script>"]',
                                       module=('module.x["a#1"]',), after=side("1"))]))
    text = mermaid(g)
    mermaid_structure(text)
    assert "<script>" not in text and "#lt;script#gt;" in text and "```" not in text


def test_mermaid_of_every_case_is_well_formed(cli):
    for name in CASES:
        nodes, _ = mermaid_structure(cli("graph", *case_args(name)).out)
        assert nodes


# --- DOT -----------------------------------------------------------------------

_DOT_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(->|[{}\[\];,=])|([A-Za-z_][A-Za-z0-9_]*))',
                        re.S)


def check_dot(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """A small parser for the DOT subset we write: statements, attribute lists, clusters."""
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        m = _DOT_TOKEN.match(text, pos)
        assert m and m.end() > pos, f"bad DOT at {text[pos:pos + 40]!r}"
        tokens.append(m.group(1) or m.group(2) or m.group(3))
        pos = m.end()
    assert tokens[:3] == ["digraph", '"costwarden"', "{"] and tokens[-1] == "}"
    nodes, edges, depth, i = set(), [], 0, 2
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        elif t == "subgraph":
            assert tokens[i + 1].startswith('"cluster_') and tokens[i + 2] == "{"
            i += 1
        elif t.startswith('"') and tokens[i + 1] == "->":
            assert tokens[i + 2].startswith('"') and tokens[i + 3] == ";"
            edges.append((t, tokens[i + 2]))
            i += 3
        elif t.startswith('"') or t in ("graph", "node", "edge", "label", "style", "color"):
            if tokens[i + 1] == "[":
                j = tokens.index("]", i)
                attrs = tokens[i + 2:j]
                assert all(attrs[k + 1] == "=" for k in range(0, len(attrs), 4)), attrs
                if t.startswith('"'):
                    nodes.add(t)
                i = j + 1
                assert tokens[i] == ";"
            elif tokens[i + 1] == "=":
                assert tokens[i + 3] == ";"
                i += 3
        i += 1
    assert depth == 0
    assert all(a in nodes and b in nodes for a, b in edges)
    return nodes, edges


def test_dot_is_valid_for_every_case(cli):
    for name in CASES:
        text = cli("graph", *case_args(name), "--format", "dot").out
        nodes, _ = check_dot(text)
        assert len(nodes) == len(json.loads(cli("graph", *case_args(name), "--format",
                                                "json").out)["nodes"])
        if shutil.which("dot"):  # Graphviz, where installed, must accept it too
            subprocess.run(["dot", "-Tsvg", "-o", "/dev/null"], input=text, text=True,
                           check=True)


def test_dot_quotes_awkward_ids():
    g = build_graph(estimate([resource('a.b["x\\"y\\\\z"]', after=side("1")),
                              resource("a.c", after=side("2"), depends_on=['a.b["x\\"y\\\\z"]'])]))
    nodes, edges = check_dot(dot(g))
    assert '"a.b[\\"x\\\\\\"y\\\\\\\\z\\"]"' in nodes and len(edges) == 1


# --- JSON node-link ------------------------------------------------------------

def test_json_round_trips_through_networkx(cli):
    import networkx as nx

    doc = json.loads(cli("graph", *case_args("shared-platform"), "--format", "json").out)
    g = nx.node_link_graph(doc)
    assert g.number_of_nodes() == 9 and g.has_edge("aws_eks_node_group.research",
                                                   "aws_nat_gateway.egress")
    node = g.nodes["aws_eks_node_group.research"]
    assert node["hourly"]["delta"] == "11.398795" and node["gpus"]["after"] == {"NVIDIA A10G": 8}
    assert g.nodes["aws_efs_file_system.shared"]["shared"] is True
    assert g.nodes["module.network.aws_vpc.main"]["flow"]["members"] == 2
    for n in doc["nodes"]:
        for period in ("hourly", "monthly"):
            for v in n[period].values():
                assert v is None or isinstance(v, str) and Decimal(v) == Decimal(v)
    assert doc["graph"]["groups"]["modules"]["module.network"] == [
        "module.network.aws_vpc.main", 'module.network.aws_subnet.private["a"]']


# --- HTML ----------------------------------------------------------------------

def test_html_embeds_data_that_cannot_close_the_script():
    g = build_graph(estimate([resource('a.b["</script><script>alert(1)</script>"]',
                                       after=side("1"), tags={"team": "</SCRIPT>&"})]))
    page = render_html(g)
    assert page.lower().count("</script>") == 2  # the data tag's and the code's own
    assert "alert(1)" in page and "\\u003c/script\\u003e" in page
    start = page.index('id="costwarden-data">') + len('id="costwarden-data">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert data["nodes"][0]["detail"]["address"] == 'a.b["</script><script>alert(1)</script>"]'
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "<link" not in page and " src=" not in page


def test_graph_options(cli, tmp_path):
    out = tmp_path / "g.html"
    result = cli("graph", *case_args("gpu-swap"), "--format", "html", "--output", out)
    assert result.code == 0 and result.out == "" and out.read_text().startswith("<!DOCTYPE html>")
    bad = cli("graph", *case_args("gpu-swap"), "--max-nodes", "0")
    assert bad.code == 2 and "--max-nodes" in bad.err


def test_graph_modules_are_imported_lazily():
    code = ("import sys, engine.cli, engine.commands.graph, engine.commands.breakdown, "
            "engine.graph, engine.report.mermaid, engine.report.dot, engine.report.html; "
            "engine.cli.build_parser(); assert 'networkx' not in sys.modules, 'networkx'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
