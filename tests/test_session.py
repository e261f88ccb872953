"""engine.Session: load once, judge many; results pickle; no shared mutable state."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import threading
from pathlib import Path

import pytest

import engine
from engine.plan_summary import PlanSummary
from engine.policy.taggable import Taggable
from engine.settings import Settings

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "examples" / "training-cluster" / "plan.json"


def _finding_keys(result: engine.Evaluation) -> list[tuple[object, ...]]:
    return [(f.policy_id, f.outcome, f.address, f.message) for f in result.findings]


def test_session_judges_like_check_for_paths_documents_and_changesets() -> None:
    session = engine.Session()
    once = engine.check(str(PLAN))
    document = json.loads(PLAN.read_text())
    changeset = session.read(PLAN)
    for source in (PLAN, str(PLAN), document, changeset):
        result = session.check(source)
        assert _finding_keys(result) == _finding_keys(once)
        assert result.counts == once.counts and result.policies == once.policies
    def costs(est: engine.Estimate) -> list[tuple[object, ...]]:
        return [(r.address, r.before, r.after) for r in est.resources]

    assert costs(session.estimate(document)) == costs(engine.estimate(str(PLAN)))


def test_session_accepts_loaded_catalog_policies_and_usage() -> None:
    from engine.pipeline import load_prices
    from engine.policy import load_policies
    from engine.usage import Usage

    session = engine.Session(catalog=load_prices(), policies=load_policies(), usage=Usage())
    assert _finding_keys(session.check(PLAN)) == _finding_keys(engine.check(str(PLAN)))


def test_a_bad_document_is_one_input_error() -> None:
    with pytest.raises(engine.InputError, match="not a Terraform plan"):
        engine.Session().estimate({"hello": 1})
    with pytest.raises(engine.InputError, match="base compares two directories"):
        engine.Session().estimate(json.loads(PLAN.read_text()), base="elsewhere")


def test_results_pickle_and_the_summary_is_small() -> None:
    session = engine.Session()
    est = session.estimate(PLAN)
    result = session.evaluate(est)
    summary = session.summarise(PLAN)
    for value in (est, result, summary):
        assert pickle.loads(pickle.dumps(value)) == value
    assert summary == PlanSummary.of(est, result)
    assert summary.blocking == result.blocking and summary.resources == len(est.resources)
    assert summary.failing_policies == tuple(sorted({f.policy_id for f in result.findings
                                                     if f.outcome == "fail"}))
    assert len(pickle.dumps(summary)) * 5 < len(pickle.dumps(est))


def _worker(path: str) -> bytes:
    """Runs in a spawned process: a Session there, its result pickled back."""
    session = engine.Session()
    return pickle.dumps((session.check(path), session.summarise(path)))


def test_a_spawned_worker_returns_a_session_result() -> None:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result, summary = pickle.loads(pool.apply(_worker, (str(PLAN),)))
    assert _finding_keys(result) == _finding_keys(engine.check(str(PLAN)))
    assert summary == engine.Session().summarise(PLAN)


def test_settings_refuse_a_negative_parallel() -> None:
    with pytest.raises(ValueError, match="parallel"):
        Settings(parallel=-1)


def test_taggable_decides_per_provider_not_per_type() -> None:
    """The answer for one type depends on the provider given: a cache keyed by type
    alone answered the second question with the first one's answer."""
    taggable = Taggable({"aws": (("aws_*",), (), ()), "other": ((), (), ())})
    assert taggable("aws_instance", "other") is False
    assert taggable("aws_instance", "aws") is True
    assert taggable("aws_instance") is True
    assert pickle.loads(pickle.dumps(taggable))("aws_instance", "aws") is True


def test_taggable_globs_match_as_fnmatch_does() -> None:
    taggable = Taggable({"aws": (("aws_*",), ("aws_iam_*", "!aws_iam_role"), ("aws_iam_role",))})
    assert [taggable(t) for t in ("aws_instance", "aws_iam_policy", "aws_iam_role", "gcp_x")] \
        == [True, False, True, False]


def test_schema_validators_alternate_between_threads() -> None:
    """Two schemas used in turn from two threads: each document is judged by its own."""
    from engine.yamlload import YamlDoc
    from engine.yamlschema import _VALIDATORS, schema_errors

    numbers = {"type": "object", "additionalProperties": {"type": "number"}}
    strings = {"type": "object", "additionalProperties": {"type": "string"}}
    doc = YamlDoc("f.yaml", {"a": 1}, {(): 1})
    wrong: list[str] = []

    def run(schema: dict[str, object], expect_errors: bool) -> None:
        for _ in range(300):
            if bool(schema_errors(doc, schema)) != expect_errors:
                wrong.append("mis-validated")

    threads = [threading.Thread(target=run, args=(numbers, False)),
               threading.Thread(target=run, args=(strings, True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    assert sum(1 for s, _ in _VALIDATORS.values() if s is numbers or s is strings) == 2


def test_the_command_line_limits_apply_to_policy_files(tmp_path: Path, cli) -> None:
    """`--limit config_bytes` reaches the policy loader through Settings (it used to
    stop at the plan reader: policy files were read under the default limit)."""
    policy = tmp_path / "p.yaml"
    policy.write_text("policies:\n" + "# padding\n" * 20)
    result = cli("--limit", "config_bytes=100", "check", str(PLAN), "--policies", str(policy))
    assert result.code == 2 and "limit config_bytes" in result.err, result


def test_a_session_caches_parsed_files_only_where_settings_say(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 1\n")
    engine.Session(usage=usage)
    assert not list(tmp_path.rglob("*.json"))
    engine.Session(usage=usage, settings=Settings(cache_dir=tmp_path / "cache"))
    assert len(list((tmp_path / "cache" / "yaml").rglob("*.json"))) >= 1


def test_a_session_prices_with_the_clouds_it_is_given() -> None:
    from engine.clouds import builtin_clouds

    aws = next(c for c in builtin_clouds() if c.name == "aws")
    with pytest.raises(ValueError, match="claimed twice"):
        engine.Session(clouds=[aws, aws])
    only_aws = engine.Session(clouds=[aws]).estimate(PLAN)
    assert [r.status for r in only_aws.resources] == \
        [r.status for r in engine.estimate(str(PLAN)).resources]
    assert engine.Session(clouds=[]).estimate(PLAN).resources[0].status == "unsupported"


def test_a_session_reads_with_the_readers_it_is_given() -> None:
    from engine.model import ChangeSet
    from engine.sources.readers import Reader

    def read(document: dict, shown: str, options: object, context: object) -> ChangeSet:
        return ChangeSet(source_format="toy", source_path=shown, changes=())

    toy = Reader("toy", read, detect_document=lambda d: isinstance(d, dict) and "toy" in d)
    session = engine.Session(readers=[toy])
    assert session.estimate({"toy": 1}).changeset.source_format == "toy"
    with pytest.raises(engine.InputError):
        session.estimate(json.loads(PLAN.read_text()))  # only the toy reader is registered
