"""action.yml and the example workflow: the inputs the README documents, composite steps."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_action_inputs_and_steps():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"path", "usage", "policies", "waivers", "base", "env", "github-token", "comment",
            "fail-on-policy"} <= set(action["inputs"])
    steps = "\n".join(str(s.get("run", "")) + str(s.get("env", "")) for s in action["runs"]["steps"])
    assert "github.action_path" in steps and "pip install" in steps
    assert "--format markdown" in steps and "comment github" in steps
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{ inputs." not in step["run"]  # inputs reach scripts via env only


def test_example_workflow_uses_plan_then_action():
    wf = yaml.safe_load((REPO / "examples" / "github" / "workflow.yml").read_text("utf-8"))
    steps = wf["jobs"]["cost"]["steps"]
    text = "\n".join(str(s) for s in steps)
    assert "terraform show -json tfplan > plan.json" in text
    assert any("costwarden" in str(s.get("uses", "")) for s in steps)
    assert wf["permissions"]["pull-requests"] == "write"
