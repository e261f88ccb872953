"""`--data FILE` of any name is merged, never silently ignored (issue 9 item 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.policy import load_policies
from engine.policy.spec import PolicyErrors

REPO = Path(__file__).resolve().parents[2]
QUOTA_PLAN = REPO / "policies" / "tests" / "gpu-quota-prior-state" / "plan.json"


def _quota_limits(policies) -> object:  # type: ignore[no-untyped-def]
    return policies.data.docs["quotas"].data["gpus"]["ml-research"]


def test_a_data_file_of_any_name_overrides_the_namespaces_it_names(tmp_path: Path) -> None:
    ours = tmp_path / "our-quotas.yml"
    ours.write_text("quotas:\n  gpus:\n    ml-research: {prod: 128}\n")
    limits = _quota_limits(load_policies([], [ours]))
    assert limits["prod"] == 128 and limits["staging"] == 32  # merged, not replaced


def test_the_override_changes_the_outcome_of_check(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ours = tmp_path / "our-quotas.yml"
    ours.write_text("quotas:\n  gpus:\n    ml-research: {prod: 128}\n")
    before = json.loads(cli("check", QUOTA_PLAN, "--format", "json").out)
    after = json.loads(cli("check", QUOTA_PLAN, "--format", "json", "--data", ours).out)

    def quota_fails(doc: dict) -> set[str]:
        return {f["group"] for f in doc["findings"] if f["policy_id"] == "gpu-quota"
                and f["outcome"] == "fail"}
    assert quota_fails(before) - quota_fails(after) == {"team=ml-research,environment=prod"}


def test_a_key_defined_twice_names_both_files(tmp_path: Path) -> None:
    one, two = tmp_path / "one.yml", tmp_path / "two.yaml"
    one.write_text("quotas:\n  gpus:\n    ml-research: {prod: 1}\n")
    two.write_text("quotas:\n  gpus:\n    ml-research:\n      prod: 2\n")
    with pytest.raises(PolicyErrors) as info:
        load_policies([], [one, two])
    assert info.value.errors[0].render() == (
        f"{two}:4: data key 'quotas.gpus.ml-research.prod' is also defined in {one}:3")


def test_a_data_file_that_would_be_ignored_is_an_error(tmp_path: Path) -> None:
    bare = tmp_path / "our-quotas.yml"
    bare.write_text("gpus:\n  ml-research: {prod: 1}\n")  # no namespace, not named after one
    with pytest.raises(PolicyErrors) as info:
        load_policies([], [bare])
    message = info.value.errors[0].render()
    assert message.startswith(f"{bare}:1: no policy uses data namespace 'our-quotas'")
    assert "(quotas: ...) or name the file after it (quotas.yaml)" in message


def test_a_new_namespace_for_the_users_own_policies(tmp_path: Path) -> None:
    budgets = tmp_path / "budgets.yaml"
    budgets.write_text("max: 5\n")
    pack = tmp_path / "p.yaml"
    pack.write_text("version: 1\npolicies:\n  - id: p\n    description: d\n    level: advisory\n"
                    "    message: m\n    require: {cost: {lte: {data: budgets.max}}}\n")
    assert load_policies([pack], [budgets]).data.docs["budgets"].data == {"max": 5}


def test_two_pack_data_files_of_one_namespace_merge(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "teams.yaml").write_text("teams: [x]\n")
    (tmp_path / "b" / "teams.yaml").write_text("teams: [y]\n")
    for sub, ref in (("a", "a/teams.yaml"), ("b", "b/teams.yaml")):
        (tmp_path / f"{sub}.yaml").write_text(
            f"version: 1\ndata: [{ref}]\npolicies:\n  - id: {sub}\n    description: d\n"
            "    level: advisory\n    message: m\n"
            "    require: {tag: {key: team, in: {data: teams.teams}}}\n")
    with pytest.raises(PolicyErrors, match="data key 'teams.teams' is also defined in"):
        load_policies([tmp_path / "a.yaml", tmp_path / "b.yaml"])


@pytest.mark.parametrize("text, line, where, shown", [
    ("quotas:\n  gpus:\n    ml-research: {prod: .nan}\n", 3, "quotas.gpus.ml-research.prod",
     ".nan"),
    ("quotas:\n  gpus:\n    ml-research:\n      prod: .inf\n", 4,
     "quotas.gpus.ml-research.prod", ".inf"),
    ("quotas:\n  gpus:\n    ml-research: {prod: [1, -.inf]}\n", 3,
     "quotas.gpus.ml-research.prod.1", "-.inf"),
])
def test_a_non_finite_data_value_is_an_error(tmp_path: Path, text: str, line: int, where: str,
                                            shown: str) -> None:
    # Every comparison with NaN is false: a `.nan` limit would never fire.
    from engine.errors import InputError

    ours = tmp_path / "our-quotas.yml"
    ours.write_text(text)
    with pytest.raises(InputError) as info:
        load_policies([], [ours])
    first = getattr(info.value, "errors", [info.value])[0]
    assert first.render() == f"{ours}:{line}: {where}: {shown} is not a finite number"
