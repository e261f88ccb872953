"""`costwarden check`, `policy test` and `policy schema` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.policy import build_registry, schema_text

REPO = Path(__file__).resolve().parents[2]
PACK_TESTS = REPO / "policies" / "tests"
SPEND = PACK_TESTS / "spend-and-approval"


def test_bundled_pack_tests_pass_through_policy_test(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("policy", "test", PACK_TESTS)
    assert result.code == 0, result.out
    cases = sorted(p.name for p in PACK_TESTS.iterdir() if (p / "expected.yaml").is_file())
    assert f"policy tests: {len(cases)} passed, 0 failed, {len(cases)} cases" in result.out


def test_every_bundled_policy_has_a_test_case() -> None:
    from engine.policy import load_policies

    text = "".join((p / "expected.yaml").read_text() for p in PACK_TESTS.iterdir()
                   if (p / "expected.yaml").is_file())
    for policy in load_policies().policies:
        assert f"policy: {policy.id}," in text, policy.id


def test_policy_test_fails_on_missing_and_unexpected(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / "case"
    case.mkdir()
    (case / "plan.json").write_text((PACK_TESTS / "gp2-volumes" / "plan.json").read_text())
    (case / "expected.yaml").write_text(
        "policies: [gp3-not-gp2]\n"
        "findings:\n"
        "  - {policy: gp3-not-gp2, address: aws_ebs_volume.old}\n"
        "  - {policy: gp3-not-gp2, address: aws_ebs_volume.new}\n")
    result = cli("policy", "test", tmp_path, "--policies", REPO / "policies")
    assert result.code == 1
    assert "missing:    gp3-not-gp2 fail on aws_ebs_volume.new" in result.out
    assert "unexpected: gp3-not-gp2 fail on aws_instance.root_gp2" in result.out
    assert "policy tests: 0 passed, 1 failed, 1 cases" in result.out


def _own_pack(root: Path) -> Path:
    """our-policies/ with one policy (not in the bundled pack) and a test case."""
    pack = root / "our-policies"
    case = pack / "tests" / "gp2"
    case.mkdir(parents=True)
    (pack / "volumes.yaml").write_text(
        "version: 1\npolicies:\n  - id: no-gp2\n    description: No gp2 volumes.\n"
        "    level: soft-mandatory\n    message: \"{address} uses gp2\"\n"
        "    select: {types: [aws_ebs_volume]}\n"
        "    require: {attribute: {path: type, not_equals: gp2}}\n")
    (case / "plan.json").write_text((PACK_TESTS / "gp2-volumes" / "plan.json").read_text())
    (case / "expected.yaml").write_text(
        "findings:\n  - {policy: no-gp2, address: aws_ebs_volume.old}\n")
    return pack


def test_policy_test_runs_the_pack_above_its_tests_folder(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           monkeypatch) -> None:
    """Issue 9 item 10: not the bundled pack unless --policies says so."""
    pack = _own_pack(tmp_path)
    monkeypatch.chdir(tmp_path)
    for target in ("our-policies/tests", "our-policies/tests/gp2"):
        result = cli("policy", "test", target)
        assert result.code == 0, result
        assert result.out.splitlines()[0] == "pack: our-policies (1 policies)"
        assert "PASS gp2" in result.out
    wrong = cli("policy", "test", "our-policies/tests", "--policies", REPO / "policies")
    assert wrong.code == 2
    assert ("unknown policy id 'no-gp2' in " in wrong.out
            and "pass --policies DIR to name the pack it belongs to" in wrong.out)
    (pack / "volumes.yaml").unlink()
    orphan = cli("policy", "test", "our-policies/tests")
    assert orphan.code == 2 and "pass --policies DIR" in orphan.err


def test_schema_is_committed_and_current(cli) -> None:  # type: ignore[no-untyped-def]
    committed = (REPO / "policies" / "policy.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(build_registry(plugins=False)), \
        "run: costwarden policy schema --output policies/policy.schema.json"
    result = cli("policy", "schema")
    assert result.code == 0 and json.loads(result.out)["title"] == "costwarden policy file"


def test_schema_validates_bundled_pack(registry) -> None:  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator

    from engine.policy.schema import generate_schema
    from engine.yamlload import load_yaml

    schema = generate_schema(registry)
    Draft202012Validator.check_schema(schema)
    for path in sorted((REPO / "policies").glob("*.yaml")):
        assert not list(Draft202012Validator(schema).iter_errors(load_yaml(path).data)), path


def test_check_json_has_findings_and_exit_1(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", SPEND / "plan.json", "--usage", SPEND / "usage.yml",
                 "--waivers", SPEND / "waivers.yaml", "--format", "json")
    assert result.code == 1, result.err
    doc = json.loads(result.out)
    assert doc["summary"]["hourly"]["delta"]  # the estimate contract is kept
    by = {(f["policy_id"], f["address"]): f for f in doc["findings"]}
    waived = by[("job-cost-approval", "aws_instance.train_b")]
    assert waived["outcome"] == "waived" and waived["blocking"] is False
    assert waived["waiver"]["approver"] == "finops-lead@example.com"
    hourly = by[("change-hourly-limit", None)]
    assert hourly["outcome"] == "fail" and hourly["blocking"] is True
    assert hourly["evidence"]["delta_hourly_cost"].startswith("275.4")
    assert hourly["message"].startswith("the change adds $275.43/h")
    assert doc["policy_summary"]["totals"]["waived"] == 1


def test_check_table_lists_waived_findings(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", SPEND / "plan.json", "--usage", SPEND / "usage.yml",
                 "--waivers", SPEND / "waivers.yaml")
    assert result.code == 1
    assert "WAIVED  soft-mandatory job-cost-approval  aws_instance.train_b" in result.out
    assert "waived by W-2026-031 (finops-lead@example.com, expires 2099-06-30)" in result.out
    assert "Result: FAILED" in result.out


def test_check_passes_with_only_advisory_failures(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", PACK_TESTS / "gp2-volumes" / "plan.json")
    assert result.code == 0, result.out
    assert "FAIL    advisory       gp3-not-gp2  aws_ebs_volume.old" in result.out


def test_env_flag_overrides_levels(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = PACK_TESTS / "tagging-default-tags" / "plan.json"
    prod = json.loads(cli("check", plan, "--format", "json").out)
    dev = json.loads(cli("check", plan, "--format", "json", "--env", "dev").out)
    level = {f["address"]: f["level"] for f in prod["findings"] if f["policy_id"] == "allowed-team"}
    assert set(level.values()) == {"soft-mandatory"}
    dev_levels = {f["level"] for f in dev["findings"] if f["policy_id"] == "allowed-team"}
    assert dev_levels == {"advisory"}


def test_required_tags_blocks_in_every_environment(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 9 item 7: the bundled required-tags is no longer advisory in development;
    a team's own pack can still relax it per environment."""
    plan = PACK_TESTS / "tagging-default-tags" / "plan.json"
    for env in ("dev", "development", "sandbox", "prod"):
        doc = json.loads(cli("check", plan, "--format", "json", "--env", env).out)
        found = [f for f in doc["findings"] if f["policy_id"] == "required-tags"
                 and f["outcome"] == "fail"]
        assert found and all(f["level"] == "soft-mandatory" and f["blocking"] for f in found), env
    own = tmp_path / "tagging.yaml"
    own.write_text((REPO / "policies" / "tagging.yaml").read_text().replace(
        "policies:\n", "levels: {dev: advisory}\npolicies:\n", 1).replace(
        "data/", str(REPO / "policies" / "data") + "/"))
    relaxed = json.loads(cli("check", plan, "--policies", own, "--format", "json",
                             "--env", "dev").out)
    assert {f["level"] for f in relaxed["findings"] if f["policy_id"] == "required-tags"} \
        == {"advisory"}


def test_unknown_flag(cli) -> None:  # type: ignore[no-untyped-def]
    plan = PACK_TESTS / "tagging-default-tags" / "plan.json"
    policies = REPO / "policies" / "tagging.yaml"

    def outcome(*extra: str) -> tuple[int, str]:
        r = cli("check", plan, "--policies", policies, "--format", "json", *extra)
        doc = json.loads(r.out)
        f = next(f for f in doc["findings"] if f["address"] == "aws_instance.unknown_team"
                 and f["policy_id"] == "required-tags")
        return r.code, f["outcome"]

    assert outcome()[1] == "unknown"
    assert outcome("--unknown", "fail")[1] == "fail"
    r = cli("check", plan, "--policies", policies, "--format", "json", "--unknown", "pass")
    assert "aws_instance.unknown_team" not in {f["address"] for f in json.loads(r.out)["findings"]
                                               if f["policy_id"] == "required-tags"}


@pytest.mark.parametrize("args,needle", [
    (["--policies", "tests/policy/broken/unknown_key.yaml"], "unknown key 'severity'"),
    (["--waivers", "tests/policy/broken/waivers/missing_owner.yaml"], "missing required key 'owner'"),
    (["--data", "tests/policy/broken/missing.yaml"], "file not found"),
])
def test_check_bad_configuration_exits_2(cli, monkeypatch, args, needle) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPO)
    result = cli("check", PACK_TESTS / "gp2-volumes" / "plan.json", *args)
    assert result.code == 2 and needle in result.err and result.out == ""


def test_check_expired_waiver_fails_loudly(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = PACK_TESTS / "expired-waiver"
    result = cli("check", case / "plan.json", "--usage", case / "usage.yml",
                 "--waivers", case / "waivers.yaml", "--format", "json")
    assert result.code == 1
    assert "waiver W-2025-007" in result.err and "expired on 2025-12-31" in result.err
    f = next(f for f in json.loads(result.out)["findings"]
             if f["address"] == "aws_instance.train_b" and f["policy_id"] == "job-cost-approval")
    assert f["outcome"] == "fail" and "(waiver W-2025-007 expired on 2025-12-31)" in f["message"]


def test_hard_mandatory_cannot_be_waived(cli) -> None:  # type: ignore[no-untyped-def]
    case = PACK_TESTS / "spot-rules"
    result = cli("check", case / "plan.json", "--waivers", case / "waivers.yaml", "--format", "json")
    assert result.code == 1
    f = next(f for f in json.loads(result.out)["findings"] if f["policy_id"] == "no-spot-prod-inference")
    assert f["outcome"] == "fail" and f["blocking"] and "cannot be waived" in f["message"]
