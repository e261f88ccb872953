"""Loading policy, data and waiver files: the gallery of broken files, each with its
exact error line, plus the checks that need no gallery file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.errors import InputError
from engine.policy import load_policies, load_waivers
from engine.policy.spec import PolicyErrors

REPO = Path(__file__).resolve().parents[2]
BROKEN = sorted((REPO / "tests" / "policy" / "broken").glob("*.yaml"))
BROKEN_WAIVERS = sorted((REPO / "tests" / "policy" / "broken" / "waivers").glob("*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path} has no '# expect:' first line"
    return first.removeprefix("# expect: ")


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_policy_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    with pytest.raises(InputError) as info:
        load_policies([_rel(path)])
    lines = [e.render() for e in getattr(info.value, "errors", [info.value])]
    assert _expected(path) in lines


@pytest.mark.parametrize("path", BROKEN_WAIVERS, ids=lambda p: p.stem)
def test_broken_waiver_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    policies = load_policies()
    with pytest.raises(PolicyErrors) as info:
        load_waivers(_rel(path), policies, today=dt.date(2026, 1, 15))
    assert _expected(path) in [e.render() for e in info.value.errors]


def test_gallery_covers_every_kind_of_mistake() -> None:
    stems = {p.stem for p in BROKEN}
    assert {"yaml_syntax", "unknown_key", "unknown_condition", "unknown_operator", "wrong_type",
            "bad_regex", "catastrophic_regex", "duplicate_id", "missing_data_file",
            "unknown_data_key"} <= stems
    assert {"missing_owner", "bad_date"} <= {p.stem for p in BROKEN_WAIVERS}


def test_validate_cli_reports_every_problem_and_exits_2(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPO)
    result = cli("policy", "validate", "tests/policy/broken/unknown_key.yaml",
                 "tests/policy/broken/wrong_type.yaml", "tests/policy/expired_waiver.yaml")
    assert result.code == 2
    assert _expected(BROKEN[0].parent / "unknown_key.yaml") in result.err
    assert _expected(BROKEN[0].parent / "wrong_type.yaml") in result.err
    assert "2 problem(s) found" in result.err  # an expired waiver is a warning, not a problem


def test_many_mistakes_in_one_file_are_all_reported(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("policies:\n"
                   "  - {id: a, description: d, level: advisory, message: m, color: red,\n"
                   "     require: {tag: {key: t, exists: true}}}\n"
                   "  - {id: b, description: d, level: loud, message: m,\n"
                   "     require: {tag: {key: t, exists: true}}}\n"
                   "  - {id: c, description: d, level: advisory, message: '{nope}',\n"
                   "     require: {tag: {key: t, exists: true}}}\n")
    with pytest.raises(PolicyErrors) as info:
        load_policies([bad])
    lines = [e.render() for e in info.value.errors]
    assert len(lines) == 3
    assert lines[0].startswith(f"{bad}:2: policy a $.policies[0].color: unknown key 'color'")
    assert lines[1].startswith(f"{bad}:4: policy b $.policies[1].level: 'loud' is not one of")
    assert lines[2].startswith(f"{bad}:6: policy c $.policies[2].message: unknown placeholder")


def test_data_override_by_name(tmp_path: Path) -> None:
    limits = tmp_path / "limits.yaml"
    limits.write_text("change: {max_hourly_delta: 1}\n")
    policies = load_policies([], [limits])
    assert policies.data.docs["limits"].file == f"policies/data/limits.yaml + {limits}"
    assert policies.data.docs["limits"].data["change"] == {"max_hourly_delta": 1,
                                                           "max_monthly_delta": 150000}
    typo = tmp_path / "quotas.yaml"
    typo.write_text("gpu: {}\n")  # the pack's quotas have gpus, not gpu
    with pytest.raises(PolicyErrors, match="data key 'gpu' is not a key of the 'quotas' data "
                                           r"\(keys: gpus\)"):
        load_policies([], [typo])


def test_empty_folder_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no policy files"):
        load_policies([tmp_path])
    with pytest.raises(InputError, match="not found"):
        load_policies([tmp_path / "nope.yaml"])


def test_waiver_file_loads_and_matches(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n"
                    "  - {id: W-1, policy: gp3-not-gp2, resources: ['module.a.*'], reason: r,\n"
                    "     owner: o, expires: '2030-01-01'}\n"
                    "  - {id: W-2, policy: gpu-quota, groups: ['team=ml-*'], reason: r,\n"
                    "     owner: o, expires: '2030-01-01'}\n")
    waivers = load_waivers(path, load_policies())
    assert [w.id for w in waivers.find("gp3-not-gp2", "module.a.aws_ebs_volume.x", None)] == ["W-1"]
    assert waivers.find("gp3-not-gp2", "aws_ebs_volume.x", None) == []
    assert [w.id for w in waivers.find("gpu-quota", None, "team=ml-research,environment=prod")] == ["W-2"]
