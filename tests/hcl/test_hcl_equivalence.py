"""The HCL twins of the examples give the same resources, costs and findings as their plans.

Each example directory holds plan.json and the Terraform source it describes
(gpu-swap: a base/ and head/ pair compared with --base). Both are run through
`costwarden check --format json` and reduced to what must agree: addresses,
types, actions, $/h and $/month before/after/delta, GPUs, statuses and the
(policy, address or group, outcome) of every finding. The reduction of the HCL
side is stored as a golden pair file under tests/golden/hcl/.

Documented differences (HCL cannot express them without provider schemas):
- a replacement in the plan is an update in an HCL diff: which attribute changes
  force a new resource is known only to the provider (gpu-swap's node group,
  whose instance_types change, is `± replace` in the plan and `~ update` here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support import REPO, run_cli

GOLDEN = REPO / "tests" / "golden" / "hcl"

# example -> (HCL arguments, {(address, field): (plan value, HCL value, why)})
CASES: dict[str, tuple[list[str], dict[tuple[str, str], tuple[str, str, str]]]] = {
    "training-cluster": (["examples/training-cluster"], {}),
    "inference-service": (["examples/inference-service"], {}),
    "gpu-swap": (["examples/gpu-swap/head", "--base", "examples/gpu-swap/base"], {
        ("aws_eks_node_group.inference", "action"): (
            "replace", "update",
            "attributes that force a new resource are known only to the provider schema; "
            "an HCL diff shows every change of an existing address as an update"),
    }),
}


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # paths in outputs stay relative


def _check(*args: str) -> dict[str, Any]:
    result = run_cli("check", *args, "--format", "json", "--show-passes")
    assert result.code in (0, 1), result
    return json.loads(result.out)


def _money(pair: dict[str, Any]) -> dict[str, Any]:
    return {k: pair[k] for k in ("before", "after", "delta")}


def reduce(doc: dict[str, Any]) -> dict[str, Any]:
    """What both readings must agree on, in a stable order."""
    resources = [{
        "address": r["address"], "type": r["type"], "action": r["action"],
        "status": r["status"], "region": r["region"], "module": r["module"],
        "hourly": _money(r["hourly"]), "monthly": _money(r["monthly"]),
        "gpus": r["gpus"], "run_hours": r["run_hours"], "cost_per_run": r["cost_per_run"],
    } for r in doc["resources"]]
    findings = sorted({" ".join((f["policy_id"], f["address"] or f"group {f['group']}"
                                 if f["address"] or f["group"] else "(whole change)",
                                 f["outcome"], f["level"]) + ("blocking",) * f["blocking"])
                       for f in doc["findings"]})
    s = doc["summary"]
    return {
        "resources": sorted(resources, key=lambda r: r["address"]),
        "summary": {"hourly": s["hourly"], "monthly": s["monthly"], "gpus": s["gpus"],
                    "by_status": s["by_status"], "resources": s["resources"],
                    "incomplete": sorted(s["incomplete"])},
        "findings": findings,
        "blocking": doc["policy_summary"]["blocking"],
    }


def apply_documented(plan: dict[str, Any],
                     differences: dict[tuple[str, str], tuple[str, str, str]]) -> None:
    """Turn the plan's side of each documented difference into the HCL side."""
    by_address = {r["address"]: r for r in plan["resources"]}
    for (address, field), (plan_value, hcl_value, _) in differences.items():
        assert by_address[address][field] == plan_value, (address, field)
        by_address[address][field] = hcl_value


@pytest.mark.parametrize("name", sorted(CASES))
def test_hcl_twin_matches_plan(golden: Any, name: str) -> None:
    hcl_args, differences = CASES[name]
    usage = ["--usage", f"examples/{name}/usage.yml"]
    plan_doc = _check(f"examples/{name}/plan.json", *usage)
    hcl_doc = _check(*hcl_args, *usage)
    assert plan_doc["input"]["format"] == "terraform-plan"
    assert hcl_doc["input"]["format"] == "terraform-hcl"
    assert hcl_doc["input"]["complete"] and not hcl_doc["input"]["warnings"]

    plan, hcl = reduce(plan_doc), reduce(hcl_doc)
    apply_documented(plan, differences)
    assert hcl == plan

    # findings of the HCL reading point at the .tf source line
    for f in hcl_doc["findings"]:
        if f["address"]:
            file, _, line = f["location"].rpartition(":")
            assert file.endswith(".tf") and int(line) > 0, f

    pair = {
        "example": name,
        "plan": f"costwarden check examples/{name}/plan.json " + " ".join(usage),
        "hcl": "costwarden check " + " ".join(hcl_args + usage),
        "documented_differences": [
            {"address": a, "field": fld, "plan": p, "hcl": h, "why": why}
            for (a, fld), (p, h, why) in sorted(differences.items())],
        "agreed": hcl,
    }
    golden.check(GOLDEN / f"{name}.pair.json", json.dumps(pair, indent=2, sort_keys=True) + "\n")


def test_directory_input_reads_tf_before_plan_json() -> None:
    """A directory holding both .tf files and a plan is read as Terraform source."""
    doc = _check("examples/inference-service")
    assert doc["input"]["format"] == "terraform-hcl"
    assert doc["input"]["path"] == "examples/inference-service"


def test_base_diff_through_the_cli() -> None:
    result = run_cli("estimate", "examples/gpu-swap/head", "--base", "examples/gpu-swap/base",
                     "--usage", "examples/gpu-swap/usage.yml")
    assert result.code == 0, result
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.startswith("aws_")}
    assert "~ update" in lines["aws_eks_node_group.inference"]
    assert "-12 A10G, +12 L40S" in lines["aws_eks_node_group.inference"]
    assert "- delete" in lines["aws_sagemaker_notebook_instance.alice"]
    assert "~ update" in lines["aws_ebs_volume.feature_cache"]
    assert "Δ ≤+14.41 $/h" in result.out  # the unpriced deleted notebook: (−∞, 0]


def test_base_must_be_a_tf_directory(tmp_path: Path) -> None:
    result = run_cli("estimate", "examples/gpu-swap/head", "--base", str(tmp_path))
    assert result.code == 2
    assert "no .tf files" in result.err or "has none" in result.err, result.err


def test_bad_hcl_through_the_cli() -> None:
    bad = Path("tests/hcl/fixtures/bad")
    for command in ("estimate", "check"):
        result = run_cli(command, bad)
        assert result.code == 2, result
        assert result.out == ""
        assert result.err.strip() == (
            f"costwarden: {bad / 'main.tf'}:7: invalid HCL: unexpected '=' at column 9")
        assert len(result.err.strip().splitlines()) == 1
