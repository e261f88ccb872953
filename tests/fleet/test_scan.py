"""`costwarden scan`: the corpus as a fleet, engines that agree to the byte, showback as
`breakdown` shares it, bad workspaces that never stop the scan, baselines, outputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from decimal import Decimal
from pathlib import Path

import fsspec
import pytest

from support import require_corpus, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
TREE = FIXTURES / "tree"
STATE = FIXTURES / "ml-training.tfstate"
PASSWORD = "correct-horse-battery-staple"


def scan_json(*argv: str | Path) -> dict:
    result = run_cli("scan", *argv, "--format", "json", "--no-progress")
    assert result.code == 0, result
    return json.loads(result.out)


def _sum(values) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def assert_adds_up(doc: dict) -> None:
    """Every showback adds up to the fleet total, to the millionth and the cent."""
    total = doc["total"]
    for spec, rows in doc["showback"].items():
        if rows:
            assert _sum(r["hourly"] for r in rows) == Decimal(total["hourly"]), spec
            assert _sum(r["monthly"] for r in rows) == Decimal(total["monthly"]), spec
    assert sum(g["count"] for g in doc["gpus"]) == total["gpus"]


# --- the corpus as a fleet ---------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_scan() -> tuple[Path, str]:
    corpus = require_corpus()
    result = run_cli("scan", corpus, "--format", "json", "--no-progress")
    assert result.code == 0, result
    return corpus, result.out


def test_the_corpus_is_a_fleet(corpus_scan) -> None:
    corpus, text = corpus_scan
    doc = json.loads(text)
    expected_files, expected_dirs = set(), set()
    for here, dirs, files in os.walk(corpus):
        rel = Path(here).relative_to(corpus)
        if any(f.endswith(".tf") for f in files):
            expected_dirs.add(rel.as_posix())
        expected_files |= {(rel / f).as_posix() for f in files
                           if f.endswith((".json", ".tfstate"))}
    names = {w["workspace"] for w in doc["workspace_results"]} | \
        {u["workspace"] for u in doc["unreadable"]}
    assert names == expected_files | expected_dirs
    assert doc["workspaces"]["listed"] == len(names) >= 70
    formats = {w["format"] for w in doc["workspace_results"]}
    assert {"terraform-plan", "terraform-hcl", "pulumi-export", "pulumi-preview"} <= formats
    # the planned_values fragment is unreadable, with its reason on one line
    bad = {u["workspace"]: u["reason"] for u in doc["unreadable"]}
    fragment = next(n for n in bad if n.endswith("gke-gpu.json"))
    assert "planned_values fragment" in bad[fragment] and "\n" not in bad[fragment]
    assert doc["workspaces"]["scanned"] == len(names) - len(bad)
    assert_adds_up(doc)
    assert Decimal(doc["total"]["hourly"]) > 0
    assert {"required-tags"} <= {p["policy"] for p in doc["policies"]}


@pytest.mark.parametrize("engine", [("--workers", "2"), ("--engine", "dask", "--workers", "2")],
                         ids=["local-2-processes", "dask-2-workers"])
def test_every_engine_gives_the_same_bytes(corpus_scan, engine) -> None:
    corpus, one_process = corpus_scan
    result = run_cli("scan", corpus, "--format", "json", "--no-progress", *engine)
    assert result.code == 0, result
    assert result.out == one_process


# --- a small fleet -------------------------------------------------------------------------


def test_a_bad_workspace_never_stops_the_scan() -> None:
    doc = scan_json(TREE, "--region", "us-east-1")
    assert doc["workspaces"] == {"listed": 3, "scanned": 2, "unreadable": 1, "blocking": 2}
    [bad] = doc["unreadable"]
    assert bad["workspace"] == "broken.json"
    assert bad["reason"].startswith(f"{TREE / 'broken.json'}:1: ") and "ends early" in bad["reason"]
    assert_adds_up(doc)
    teams = {r["group"]: r for r in doc["showback"]["tag:team"]}
    assert set(teams) == {"ml-research", "web", "(untagged)"}
    assert teams["ml-research"]["gpus"] == 8 and doc["gpus"] == [
        {"model": "NVIDIA A100 40GB", "count": 8, "workspaces": 1}]
    assert {r["group"] for r in doc["showback"]["region"]} == {"us-east-1", "us-west-2"}
    assert {r["group"] for r in doc["showback"]["cloud"]} == {"aws"}


def test_showback_shares_costs_as_breakdown_does() -> None:
    doc = scan_json(STATE.parent / "tree" / "ml-research", "--region", "us-east-1")
    result = run_cli("breakdown", STATE, "--region", "us-east-1", "--format", "json")
    assert result.code == 0, result
    breakdown = json.loads(result.out)
    assert breakdown["shares"], "the fixture has a shared NAT gateway"
    assert [(r["group"], r["hourly"], r["monthly"]) for r in doc["showback"]["tag:team"]] == \
        [(g["group"], g["hourly"]["total"], g["monthly"]["total"]) for g in breakdown["groups"]]


def plan_of(state: dict) -> dict:
    """The plan that creates what the raw state holds."""
    changes = []
    for res in state["resources"]:
        if res["mode"] != "managed":
            continue
        for inst in res["instances"]:
            key = inst.get("index_key")
            base = f"{res['module'] + '.' if res.get('module') else ''}{res['type']}.{res['name']}"
            entry = {"address": base if key is None else f"{base}[{json.dumps(key)}]",
                     "mode": "managed", "type": res["type"], "name": res["name"],
                     "provider_name": "registry.terraform.io/hashicorp/aws",
                     "change": {"actions": ["create"], "before": None,
                                "after": inst["attributes"], "after_unknown": {},
                                "after_sensitive": {"password": True}
                                if "password" in inst["attributes"] else {}}}
            if res.get("module"):
                entry["module_address"] = res["module"]
            if key is not None:
                entry["index"] = key
            changes.append(entry)
    return {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": changes}


def test_a_state_a_shown_state_and_a_plan_of_the_same_things_scan_alike(tmp_path: Path) -> None:
    from test_state_reader import shown_state

    raw = json.loads(STATE.read_text())
    shutil.copy(STATE, tmp_path / "raw.tfstate")
    (tmp_path / "shown.json").write_text(json.dumps(shown_state(raw)))
    (tmp_path / "plan.json").write_text(json.dumps(plan_of(raw)))
    doc = scan_json(tmp_path, "--region", "us-east-1")
    rows = {w["workspace"]: w for w in doc["workspace_results"]}
    assert [rows[n]["format"] for n in ("plan.json", "raw.tfstate", "shown.json")] == \
        ["terraform-plan", "terraform-state", "terraform-state"]
    figures = {n: (r["hourly"], r["monthly"], r["gpus"], r["resources"], r["failing_policies"])
               for n, r in rows.items()}
    assert figures["plan.json"] == figures["raw.tfstate"] == figures["shown.json"]
    assert Decimal(figures["plan.json"][0]) > 20  # 8 A100s stand in it


def test_a_manifest_of_urls_with_labels() -> None:
    fs = fsspec.filesystem("memory")
    root = f"/fleet-{uuid.uuid4().hex[:8]}"
    try:
        fs.pipe(f"{root}/states/ml.tfstate", STATE.read_bytes())
        fs.pipe(f"{root}/web/main.tf", (TREE / "web" / "main.tf").read_bytes())
        fs.pipe(f"{root}/fleet.yaml", b"""\
workspaces:
  - {name: training, path: states/ml.tfstate, team: ml-research, env: prod, region: us-east-1}
  - {name: storefront, path: web, team: web, env: prod}
  - {name: gone, path: states/missing.tfstate, team: web}
""")
        doc = scan_json(f"memory://{root}/fleet.yaml")
    finally:
        fs.rm(root, recursive=True)
    assert doc["workspaces"]["scanned"] == 2
    [gone] = doc["unreadable"]
    assert gone["workspace"] == "gone" and gone["reason"] == \
        f"memory://{root}/states/missing.tfstate: not found"
    labels = {r["group"]: r for r in doc["showback"]["label:team"]}
    assert set(labels) == {"ml-research", "web"} and labels["ml-research"]["gpus"] == 8
    assert {r["group"] for r in doc["showback"]["label:env"]} == {"prod"}
    rows = {w["workspace"]: w for w in doc["workspace_results"]}
    assert rows["training"]["source"] == f"memory://{root}/states/ml.tfstate"
    assert rows["storefront"]["format"] == "terraform-hcl"
    assert "costwarden-scan-" not in json.dumps(doc)  # no temporary path leaks
    assert_adds_up(doc)


def test_baseline_says_what_moved(tmp_path: Path) -> None:
    before = tmp_path / "before"
    before.mkdir()
    shutil.copytree(TREE / "web", before / "web")
    old = tmp_path / "old.json"
    result = run_cli("scan", before, "--format", "json", "--no-progress", "-o", old)
    assert result.code == 0, result
    now = tmp_path / "now"
    shutil.copytree(before, now)
    shutil.copy(STATE, now / "ml.tfstate")
    doc = scan_json(now, "--region", "us-east-1", "--baseline", old)
    cmp = doc["comparison"]
    assert cmp["workspaces"] == {"added": ["ml.tfstate"], "removed": []}
    assert cmp["gpus"] == [{"model": "NVIDIA A100 40GB", "before": 0, "after": 8, "delta": 8}]
    moved = {r["group"]: r for r in cmp["showback"]["tag:team"]}
    assert set(moved) == {"ml-research", "(untagged)"} and moved["ml-research"]["before"] is None
    assert Decimal(moved["ml-research"]["delta"]) == Decimal(moved["ml-research"]["after"]) > 0
    assert Decimal(cmp["total"]["delta"]) == \
        Decimal(cmp["total"]["after"]) - Decimal(cmp["total"]["before"])
    text = run_cli("scan", now, "--region", "us-east-1", "--baseline", old, "--no-progress").out
    assert "GPUs NVIDIA A100 40GB: 0 → 8" in text


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html"])
def test_outputs_hide_sensitive_values(fmt: str) -> None:
    result = run_cli("scan", TREE, "--region", "us-east-1", "--format", fmt, "--no-progress")
    assert result.code == 0, result
    assert PASSWORD not in result.out and "ml-research" in result.out


def test_html_page_is_offline_with_sortable_tables_and_a_team_chart() -> None:
    page = run_cli("scan", TREE, "--region", "us-east-1", "--format", "html",
                   "--no-progress").out
    assert page.startswith("<!DOCTYPE html>")
    urls = re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", page)
    assert urls == []  # nothing is fetched
    assert "default-src 'none'" in page
    chart = page[page.index('<svg class="chart"'):page.index("</svg>")]
    assert "ml-research" in chart and "<rect" in chart
    assert page.count('<table class="sortable">') >= 8 and "addEventListener('click'" in page


def test_markdown_and_table_lead_with_the_fleet_burn() -> None:
    md = run_cli("scan", TREE, "--region", "us-east-1", "--format", "markdown",
                 "--no-progress").out
    assert md.startswith("## costwarden fleet scan") and "### By tag team" in md
    table = run_cli("scan", TREE, "--region", "us-east-1", "--no-progress").out
    assert "Fleet burn: " in table and "Unreadable workspaces: 1" in table


BAD_RUNS = [
    (("--workers", "0"), "--workers must be 1 or more"),
    (("--scheduler", "tcp://127.0.0.1:1"), "--scheduler needs --engine dask"),
    (("--baseline", str(STATE)), "not a fleet scan"),
    (("--policies", str(FIXTURES / "README.md")), "README.md"),
]


@pytest.mark.parametrize("extra, what", BAD_RUNS, ids=[b[1][:30] for b in BAD_RUNS])
def test_bad_runs_exit_2_with_one_line(extra: tuple[str, ...], what: str) -> None:
    result = run_cli("scan", TREE, "--no-progress", *extra)
    assert result.code == 2, result
    assert what in result.err and result.err.count("\n") == 1 and result.out == ""


def test_a_bad_manifest_exits_2(tmp_path: Path) -> None:
    manifest = tmp_path / "fleet.yaml"
    manifest.write_text("workspaces: [{path: ../x.json}]\n")
    result = run_cli("scan", manifest)
    assert result.code == 2 and "leaves the manifest's directory" in result.err, result
    result = run_cli("scan", tmp_path / "missing")
    assert result.code == 2 and "not found" in result.err, result


def test_an_unreachable_scheduler_exits_2() -> None:
    result = run_cli("scan", TREE, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
                     "--no-progress")
    assert result.code == 2 and "Dask scheduler" in result.err, result


def test_a_tree_at_a_url_scans_as_the_same_tree_on_disk() -> None:
    fs = fsspec.filesystem("memory")
    root = f"/tree-{uuid.uuid4().hex[:8]}"
    try:
        for path in TREE.rglob("*"):
            if path.is_file():
                fs.pipe(f"{root}/{path.relative_to(TREE).as_posix()}", path.read_bytes())
        remote = scan_json(f"memory://{root}", "--region", "us-east-1")
    finally:
        fs.rm(root, recursive=True)
    local = scan_json(TREE, "--region", "us-east-1")
    assert remote["showback"] == local["showback"] and remote["total"] == local["total"]
    assert [u["reason"].split(": ", 1)[0] for u in remote["unreadable"]] == \
        [f"memory://{root}/broken.json:1"]


def test_the_progress_bar_counts_workspaces() -> None:
    import io

    from engine.fleet import ScanConfig, discover, scan
    from engine.fleet.progress import Progress

    stream = io.StringIO()
    workspaces = discover(str(TREE))
    bar = Progress(len(workspaces), stream)
    scan(workspaces, ScanConfig(region="us-east-1"), progress=bar)
    bar.close()
    assert "3/3 workspaces" in stream.getvalue() and "1 unreadable" in stream.getvalue()
