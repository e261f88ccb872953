"""Bad Pulumi input: exit 2 with one line naming the file, the step (JSON pointer) or
line, and what is wrong; Pulumi secrets never reach any output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support import run_cli

URN = "urn:pulumi:dev::proj::aws:ec2/instance:Instance::web"
OTHER = "urn:pulumi:prod::proj::aws:ec2/instance:Instance::db"


def _step(**over: Any) -> dict[str, Any]:
    step = {"op": "create", "urn": URN,
            "newState": {"urn": URN, "custom": True, "type": "aws:ec2/instance:Instance",
                         "inputs": {"instanceType": "t3.micro"}}}
    step.update(over)
    return step


def _deep(n: int) -> Any:
    value: Any = "x"
    for _ in range(n):
        value = {"a": value}
    return value


PREVIEWS = {
    "steps-not-array": ({"steps": {"a": 1}}, "/steps: steps must be an array, not an object"),
    "step-not-object": ({"steps": [3]}, "/steps/0: step must be an object, not a number"),
    "no-op": ({"steps": [_step(op=None)]}, "/steps/0: step has no op"),
    "unknown-op": ({"steps": [_step(op="explode")]}, "/steps/0: unknown operation 'explode'"),
    "bad-urn": ({"steps": [_step(urn="web"), ]}, "/steps/0: urn 'web' is not a Pulumi URN"),
    "no-urn": ({"steps": [{"op": "create"}]}, "/steps/0: step has no urn"),
    "new-state-array": ({"steps": [_step(newState=[1])]},
                        "/steps/0/newState: newState must be an object or null, not an array"),
    "inputs-string": ({"steps": [_step(newState={"type": "aws:ec2/instance:Instance",
                                                 "custom": True, "inputs": "x"})]},
                      "/steps/0: inputs must be an object"),
    "too-deep": ({"steps": [_step(newState={"custom": True, "inputs": _deep(80)})]},
                 "/steps/0: properties nested deeper than 64 levels"),
    "two-stacks": ({"steps": [_step(), _step(urn=OTHER, newState={"custom": True})]},
                   "resources of several stacks in one input (proj/dev, proj/prod)"),
    "parent-cycle": ({"steps": [
        _step(newState={"custom": True, "parent": OTHER.replace("prod", "dev")}),
        _step(urn=OTHER.replace("prod", "dev"), newState={"custom": True, "parent": URN})]},
        "the parent chain of urn:pulumi:dev::proj::aws:ec2/instance:Instance::"),
    "type-number": ({"steps": [_step(newState={"type": 3})]}, "/steps/0: type must be a string"),
}

EVENT = {"sequence": 1, "resourcePreEvent": {"metadata": {
    "op": "create", "urn": URN, "type": "aws:ec2/instance:Instance",
    "new": {"urn": URN, "custom": True, "type": "aws:ec2/instance:Instance", "inputs": {}}},
    "planning": True}}
GOOD = json.dumps({"sequence": 0, "preludeEvent": {"config": {"aws:region": "us-east-1"}}})
STREAMS = {
    "bad-json": (GOOD + "\n" + json.dumps(EVENT) + "\n{\"sequence\": 2,\n",
                 ":3: column 16: invalid JSON"),
    "array-line": (GOOD + "\n[1, 2]\n", ":2: an event must be a JSON object, not an array"),
    "not-an-event": (GOOD + "\n" + json.dumps({"sequence": 1}) + "\n",
                     ":2: not a Pulumi engine event"),
    "no-metadata": (GOOD + "\n" + json.dumps({"sequence": 1, "resourcePreEvent": {}}) + "\n",
                    ":2: resourcePreEvent has no metadata object"),
    "no-urn": (GOOD + "\n" + json.dumps({"sequence": 1, "resOutputsEvent": {"metadata": {
        "op": "same"}}}) + "\n", ":2: resOutputsEvent metadata needs an op and a urn"),
    "bad-op": (GOOD + "\n" + json.dumps({"sequence": 1, "resourcePreEvent": {"metadata": {
        **EVENT["resourcePreEvent"]["metadata"], "op": "boom"}}}) + "\n",
        ":2: unknown operation 'boom'"),
    "duplicate-key": (GOOD + "\n" + '{"sequence": 1, "sequence": 2, "cancelEvent": {}}\n',
                      ":2: invalid JSON: duplicate key 'sequence'"),
    "new-string": (GOOD + "\n" + json.dumps({"sequence": 1, "resourcePreEvent": {"metadata": {
        "op": "create", "urn": URN, "new": "x"}}}) + "\n",
        ":2: metadata.new must be an object or null, not a string"),
}
EXPORTS = {
    "deployment-array": ({"version": 3, "deployment": []},
                         "/deployment: deployment must be an object, not an array"),
    "resources-object": ({"version": 3, "deployment": {"resources": {}}},
                         "/deployment/resources: resources must be an array, not an object"),
    "resource-no-urn": ({"version": 3, "deployment": {"resources": [{"type": "x"}]}},
                        "/deployment/resources/0: resource has no urn"),
    "duplicate-urn": ({"version": 3, "deployment": {"resources": [
        {"urn": URN, "custom": True}, {"urn": URN, "custom": True}]}},
        "/deployment/resources/1: urn " + URN + " appears twice"),
}


def _fails(path: Path, expected: str, *extra: str) -> None:
    result = run_cli("estimate", path, "--format", "json", *extra)
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"costwarden: {path}"), lines[0]
    assert expected in lines[0], lines[0]


@pytest.mark.parametrize("case", sorted(PREVIEWS))
def test_bad_preview(tmp_path: Path, case: str) -> None:
    document, expected = PREVIEWS[case]
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _fails(path, expected)


@pytest.mark.parametrize("case", sorted(STREAMS))
def test_bad_event_stream(tmp_path: Path, case: str) -> None:
    text, expected = STREAMS[case]
    path = tmp_path / "events.json"
    path.write_text(text, encoding="utf-8")
    _fails(path, expected)


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_bad_export(tmp_path: Path, case: str) -> None:
    document, expected = EXPORTS[case]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _fails(path, expected)


def test_resource_limit_applies(tmp_path: Path) -> None:
    path = tmp_path / "preview.json"
    second = URN.replace("::web", "::web2")
    path.write_text(json.dumps({"steps": [_step(), _step(urn=second)]}), encoding="utf-8")
    result = run_cli("--limit", "resources=1", "estimate", path)
    assert result.code == 2 and "above the limit of 1 resources" in result.err, result
    stream = tmp_path / "events.json"
    stream.write_text(GOOD + "\n" + json.dumps(EVENT) + "\n" + json.dumps(EVENT).replace(
        "::web", "::web2") + "\n", encoding="utf-8")
    result = run_cli("--limit", "resources=1", "estimate", stream)
    assert result.code == 2 and f"{stream}:3: more than 1 resources" in result.err, result


# --- secrets -------------------------------------------------------------------------------

CANARY = "SENSCANARY-pulumi-7f3a9c"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
          "plaintext": json.dumps(CANARY)}


def _secret_preview() -> dict[str, Any]:
    db = "urn:pulumi:dev::proj::aws:rds/instance:Instance::db"
    return {"config": {"aws:region": "us-east-1", "proj:dbPassword": "[secret]"}, "steps": [
        _step(newState={"urn": URN, "custom": True, "type": "aws:ec2/instance:Instance",
                        "inputs": {"instanceType": "t3.micro",
                                   "tags": {"team": SECRET, "Name": "web"},
                                   "userData": SECRET}}),
        {"op": "create", "urn": db, "newState": {
            "urn": db, "custom": True, "type": "aws:rds/instance:Instance",
            "inputs": {"instanceClass": "db.t3.micro", "password": "[secret]",
                       "masterUserSecret": SECRET}}},
    ]}


@pytest.mark.parametrize("command, fmt", [
    ("estimate", "json"), ("estimate", "table"), ("check", "json"), ("check", "table"),
    ("check", "markdown"), ("check", "sarif"),
])
def test_secrets_never_printed(tmp_path: Path, command: str, fmt: str) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(_secret_preview()), encoding="utf-8")
    result = run_cli(command, path, "--format", fmt)
    assert result.code in (0, 1), result
    assert CANARY not in result.out + result.err


def test_secret_paths_are_sensitive(tmp_path: Path) -> None:
    from engine.sources.detect import read_changeset

    path = tmp_path / "preview.json"
    path.write_text(json.dumps(_secret_preview()), encoding="utf-8")
    web, db = read_changeset(path).changes
    assert {("tags", "team"), ("user_data",)} <= web.sensitive_paths
    assert {("password",), ("master_user_secret",)} <= db.sensitive_paths
