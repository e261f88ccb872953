"""The pull-request comment read by a CommonMark parser, its size cap, and `diff`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (test extra) missing")


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def parse(text: str):
    return markdown_it.MarkdownIt("commonmark").enable("table").parse(text)


def structure(text: str) -> dict:
    tokens = parse(text)
    html = [t.content for t in tokens if t.type == "html_block"]
    return {
        "tables": sum(t.type == "table_open" for t in tokens),
        "headings": [tokens[i + 1].content for i, t in enumerate(tokens)
                     if t.type == "heading_open"],
        "html": html,
        "fences": [t.info for t in tokens if t.type == "fence"],
        "first": tokens[0],
    }


def test_comment_structure(cli):
    base = "examples/training-cluster"
    out = cli("check", f"{base}/plan.json", "--usage", f"{base}/usage.yml",
              "--format", "markdown", "--comment-key", "ml").out
    s = structure(out)
    assert s["first"].type == "html_block"
    assert s["first"].content.startswith("<!-- costwarden:comment:ml -->")
    assert s["headings"][0].startswith("💰 costwarden: +$118.22/h")
    assert "Policies" in s["headings"]
    assert any(h.startswith("❌ soft-mandatory") for h in s["headings"])
    assert s["tables"] == 1  # four changed resources: the movers table is the whole table
    assert any("<details><summary>Cost graph</summary>" in h for h in s["html"])
    assert s["fences"] == ["mermaid"]
    assert "+32 × NVIDIA H100" in out and "2 blocking policy failures" in out
    assert "catalog" in out.splitlines()[-1]


def write_synthetic(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from synth import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    path = tmp_path / f"plan-{n}.json"
    path.write_text(json.dumps(generate(n)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def big_plan(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("synth"), 10_000)


def test_size_cap_on_10000_changes(cli, big_plan):
    from engine.report.markdown import GITHUB_LIMIT

    result = cli("check", big_plan, "--format", "markdown")
    assert result.code in (0, 1), result
    out = result.out
    assert len(out) <= GITHUB_LIMIT
    s = structure(out)
    assert s["first"].content.startswith("<!-- costwarden:comment -->")
    assert "Shortened to fit GitHub's 65,536-character comment limit" in out
    assert s["tables"] >= 1 and "Biggest movers" in s["headings"]
    assert "Policies" in s["headings"]
    assert out.rstrip().endswith("</sub>")  # the footer survives the cut


def test_truncation_order_tables_then_graph_then_lists():
    from engine.pipeline import estimate_path
    from engine.report.markdown import render

    est = estimate_path("examples/training-cluster/plan.json")
    full = render(est)
    assert "Shortened" not in full
    no_graph = render(est, limit=len(full) - 50)
    assert "cost graph left out" in no_graph and "```mermaid" not in no_graph
    assert len(no_graph) <= len(full) - 50


def test_marker_key_is_sanitised():
    from engine.report.markdown import marker

    assert marker("a b-->c") == "<!-- costwarden:comment:a-b---c -->"


# --- diff ---------------------------------------------------------------------------------

def test_diff_plan_against_saved_estimate(cli, tmp_path):
    saved = tmp_path / "old.json"
    base = "examples/gpu-swap"
    saved.write_text(cli("estimate", f"{base}/plan.json", "--usage", f"{base}/usage.yml",
                         "--format", "json").out, encoding="utf-8")
    result = cli("diff", saved, "examples/training-cluster/plan.json", "--usage",
                 "examples/training-cluster/usage.yml", "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    rows = {r["address"]: r for r in doc["resources"]}
    assert rows["aws_eks_node_group.inference"]["change"] == "removed"
    assert rows["aws_eks_node_group.inference"]["hourly_delta"].startswith("-31.5")
    assert rows["aws_autoscaling_group.trainers"]["change"] == "added"
    assert doc["summary"]["gpus_delta"] == {"NVIDIA H100": 32, "NVIDIA L40S": -12}
    assert doc["summary"]["removed"] == 2
    # the deleted notebook is absent from the projected state of the old estimate
    assert "aws_sagemaker_notebook_instance.alice" not in rows


def test_diff_same_input_is_all_unchanged(cli):
    plan = "examples/gpu-swap/plan.json"
    table = cli("diff", plan, plan)
    assert table.code == 0 and "No resource costs differ." in table.out
    md = cli("diff", plan, plan, "--format", "markdown").out
    assert structure(md)["first"].content.startswith("<!-- costwarden:comment -->")


def test_diff_markdown_has_a_table(cli):
    out = cli("diff", "examples/gpu-swap/plan.json", "examples/inference-service/plan.json",
              "--format", "markdown").out
    assert structure(out)["tables"] == 1


def test_diff_rejects_future_contract(cli, tmp_path):
    doc = tmp_path / "est.json"
    doc.write_text(json.dumps({"version": "9", "resources": [], "summary": {}}), "utf-8")
    result = cli("diff", doc, doc)
    assert result.code == 2 and "contract version" in result.err
