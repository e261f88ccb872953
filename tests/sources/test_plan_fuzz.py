"""Mutated real plans: read_changeset returns a ChangeSet or raises InputError, nothing else."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from support import corpus_file
from engine.errors import InputError
from engine.model import ChangeSet
from engine.sources.detect import read_changeset

SEEDS = [
    "checkov/tests/terraform/checks/data/aws/example_GithubActionsOIDCTrustPolicy/tfplan.json",
    "infracost/cmd/infracost/testdata/breakdown_with_policy_data_upload_plan_json/plan.json",
    "checkov/tests/terraform/parser/resources/plan_tags_variety/tfplan.json",
    "terraform-v1.5.7/internal/command/testdata/show-json/modules/output.json",
    "infracost/cmd/infracost/testdata/plan_with_target.json",
]
WRONG = [None, True, 0, -1, 1.5, "", "x", "module.", [], [None], {}, {"a": True}, [{}]]


def _paths(node: Any, prefix: tuple = (), out: list | None = None, depth: int = 0) -> list:
    out = [] if out is None else out
    if depth > 7:
        return out
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for k, v in items:
        out.append(prefix + (k,))
        _paths(v, prefix + (k,), out, depth + 1)
    return out


def _check(path: Path) -> None:
    try:
        result = read_changeset(path)
    except InputError as err:
        assert "\n" not in str(err) and str(err).startswith(str(path))
        return
    assert isinstance(result, ChangeSet)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_mutated_plans(seed: str, data: st.DataObject) -> None:
    doc = json.loads(corpus_file(seed).read_text(encoding="utf-8"))
    paths = _paths(doc)
    mutated = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 6))):
        target = data.draw(st.sampled_from(paths))
        parent = mutated
        try:
            for k in target[:-1]:
                parent = parent[k]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                del parent[target[-1]]
            else:
                parent[target[-1]] = copy.deepcopy(data.draw(st.sampled_from(WRONG)))
        except (KeyError, IndexError, TypeError):
            continue
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(mutated), encoding="utf-8")
        _check(path)


@settings(max_examples=60, deadline=None)
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0, 1))
def test_truncated_plans(seed: str, cut: float) -> None:
    raw = corpus_file(seed).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_bytes(raw[: int(len(raw) * cut)])
        _check(path)
