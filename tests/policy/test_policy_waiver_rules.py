"""Waivers that cover nothing (issue 9 item 13): one rule everywhere — an expired
waiver, a waiver of a hard-mandatory policy and a waiver naming a resource not in
the change are warnings (file, line, waiver) in `policy validate`, `check` and the
hooks; never an input error, never silent."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACK_TESTS = REPO / "policies" / "tests"
EXPIRED = PACK_TESTS / "expired-waiver"
SPOT = PACK_TESTS / "spot-rules"


def test_an_expired_waiver_is_the_same_warning_in_validate_and_check(cli) -> None:  # type: ignore[no-untyped-def]
    waivers = EXPIRED / "waivers.yaml"
    note = (f"costwarden: warning: waiver W-2025-007 ({waivers}:3) for job-cost-approval "
            "expired on 2025-12-31; it covers nothing")
    validated = cli("policy", "validate", waivers)
    assert validated.code == 0, validated
    assert note in validated.err.splitlines()
    checked = cli("check", EXPIRED / "plan.json", "--usage", EXPIRED / "usage.yml",
                  "--waivers", waivers, "--format", "json")
    assert checked.code == 1  # the failure it would have covered blocks
    assert note in checked.err.splitlines()
    doc = json.loads(checked.out)
    assert note.removeprefix("costwarden: warning: ") in doc["policy_summary"]["warnings"]


def test_a_waiver_of_a_hard_mandatory_policy_is_reported(cli) -> None:  # type: ignore[no-untyped-def]
    waivers = SPOT / "waivers.yaml"
    note = (f"waiver W-2026-020 ({waivers}:3) for no-spot-prod-inference names a "
            "hard-mandatory policy, which no waiver can cover")
    assert f"costwarden: warning: {note}" in cli("policy", "validate", waivers).err
    checked = cli("check", SPOT / "plan.json", "--waivers", waivers)
    assert f"costwarden: warning: {note}" in checked.err
    assert f"  warning: {note}" in checked.out  # the table lists it with the findings


def test_a_waiver_naming_a_resource_not_in_the_change_is_reported(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    waivers = tmp_path / "w.yaml"
    waivers.write_text("version: 1\nwaivers:\n  - id: W-9\n    policy: job-cost-approval\n"
                       "    resources: [aws_instance.train_b, aws_instance.trian_c]\n"
                       "    reason: r\n    owner: o\n    approver: a\n    expires: 2099-01-01\n")
    checked = cli("check", EXPIRED / "plan.json", "--usage", EXPIRED / "usage.yml",
                  "--waivers", waivers)
    assert (f"costwarden: warning: waiver W-9 ({waivers}:3) for job-cost-approval names "
            "aws_instance.trian_c, which is not in this change") in checked.err.splitlines()
    assert "train_b," not in checked.err  # that one is in the change
