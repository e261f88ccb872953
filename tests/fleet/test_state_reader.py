"""The Terraform state reader: raw terraform.tfstate (version 4) and `terraform show -json`
of a state, read as what stands (every resource a no-op)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import Session
from engine.errors import InputError
from engine.sources.detect import read_changeset
from support import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
STATE = FIXTURES / "ml-training.tfstate"


def raw_state() -> dict:
    return json.loads(STATE.read_text())


def shown_state(raw: dict) -> dict:
    """The same state as `terraform show -json` prints it (values.root_module)."""
    root: dict = {"resources": []}
    children: dict[str, dict] = {}
    for res in raw["resources"]:
        module = res.get("module")
        target = root if module is None else children.setdefault(
            module, {"address": module, "resources": []})
        for inst in res["instances"]:
            key = inst.get("index_key")
            base = f"{module + '.' if module else ''}{'data.' if res['mode'] == 'data' else ''}" \
                   f"{res['type']}.{res['name']}"
            entry = {"address": base if key is None else f"{base}[{json.dumps(key)}]",
                     "mode": res["mode"], "type": res["type"], "name": res["name"],
                     "provider_name": "registry.terraform.io/hashicorp/aws",
                     "schema_version": inst["schema_version"], "values": inst["attributes"],
                     "sensitive_values": {p[0]["value"]: True
                                          for p in inst.get("sensitive_attributes", [])}}
            if key is not None:
                entry["index"] = key
            if inst.get("dependencies"):
                entry["depends_on"] = inst["dependencies"]
            target["resources"].append(entry)
    if children:
        root["child_modules"] = list(children.values())
    return {"format_version": "1.0", "terraform_version": raw["terraform_version"],
            "values": {"root_module": root}}


def test_raw_state_reads_every_managed_instance() -> None:
    cs = read_changeset(STATE)
    assert cs.source_format == "terraform-state"
    assert cs.tool_version == "1.9.5"
    assert [c.address for c in cs.changes] == [
        "aws_instance.trainer[0]", "aws_ebs_volume.datasets", "aws_db_instance.runs",
        "module.network.aws_subnet.private", 'module.network.aws_nat_gateway.this["us-east-1a"]']
    assert {c.action for c in cs.changes} == {"no-op"}
    trainer = cs.changes[0]
    assert trainer.provider == "aws" and trainer.index == 0
    assert trainer.before == trainer.after and trainer.after["instance_type"] == "p4d.24xlarge"
    assert trainer.tags_after["team"] == "ml-research"
    assert trainer.depends_on == ('module.network.aws_nat_gateway.this["us-east-1a"]',
                                  "module.network.aws_subnet.private")
    assert cs.changes[4].module_path == ("module.network",)
    assert ("password",) in cs.changes[2].sensitive_paths


def test_shown_state_reads_as_the_raw_state() -> None:
    raw = read_changeset(STATE)
    shown = read_changeset(shown_state(raw_state()), name="shown.json")
    assert shown.source_format == "terraform-state"
    assert [(c.address, c.type, c.after, c.tags_after, c.depends_on, c.sensitive_paths)
            for c in shown.changes] == \
        [(c.address, c.type, c.after, c.tags_after, c.depends_on, c.sensitive_paths)
         for c in raw.changes]


def test_state_prices_as_it_stands_and_hides_sensitive_values() -> None:
    result = run_cli("estimate", STATE, "--region", "us-east-1", "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    trainer = next(r for r in doc["resources"] if r["address"] == "aws_instance.trainer[0]")
    assert trainer["action"] == "no-op" and trainer["gpus"]["after"] == {"NVIDIA A100 40GB": 8}
    assert trainer["hourly"]["after"] == trainer["hourly"]["before"]
    assert doc["summary"]["hourly"]["delta"] == "0.00"
    assert "correct-horse-battery-staple" not in result.out


def test_breakdown_of_a_state_allocates_the_shared_nat_gateway() -> None:
    result = run_cli("breakdown", STATE, "--region", "us-east-1", "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    assert [s["to"] for s in doc["shares"]] == ["aws_instance.trainer[0]"]
    team = {g["group"]: g for g in doc["groups"]}
    assert team["ml-research"]["hourly"]["shared"] == doc["shares"][0]["hourly"]


def test_empty_states() -> None:
    assert read_changeset({"format_version": "1.0"}, name="empty.json").changes == ()
    empty_raw = {"version": 4, "terraform_version": "1.9.5", "serial": 1, "lineage": "x",
                 "outputs": {}, "resources": []}
    assert read_changeset(empty_raw, name="terraform.tfstate").changes == ()


def _state(**changes) -> dict:
    doc = raw_state()
    doc.update(changes)
    return doc


def _instance(attrs: object = None, **extra) -> dict:
    inst = {"schema_version": 0, "attributes": {"id": "x"} if attrs is None else attrs}
    inst.update(extra)
    if "attributes_flat" in extra:
        del inst["attributes"]
    return {"version": 4, "terraform_version": "1.9.5", "lineage": "x", "serial": 1,
            "resources": [{"mode": "managed", "type": "aws_s3_bucket", "name": "b",
                           "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                           "instances": [inst]}]}


BAD = [
    ("version 3", _state(version=3), "version 3"),
    ("resources not a list", _state(resources={}), "resources must be an array"),
    ("resource without a type", _state(resources=[{"mode": "managed", "name": "x"}]),
     "/resources/0"),
    ("attributes_flat", _instance(None, attributes_flat={"id": "x"}), "attributes_flat"),
    ("attributes a list", _instance([1]), "attributes must be an object"),
    ("index_key a bool", _instance(index_key=True), "index_key"),
    ("bad sensitive path", _instance(sensitive_attributes=[[{"type": "x", "value": 1}]]),
     "sensitive attribute step"),
    ("dependencies not strings", _instance(dependencies=[3]), "dependencies"),
    ("values without root_module", {"format_version": "1.0", "values": {}}, "Terraform state"),
    ("shown resource without values",
     {"format_version": "1.0", "values": {"root_module": {"resources": [
         {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket"}]}}},
     "values must be an object"),
]


@pytest.mark.parametrize("doc, what", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_state_is_one_clear_line(doc: dict, what: str) -> None:
    with pytest.raises(InputError) as info:
        read_changeset(doc, name="terraform.tfstate")
    message = str(info.value)
    assert message.startswith("terraform.tfstate: ") and what in message, message
    assert "\n" not in message


def test_nested_sensitive_paths_mask_only_what_they_name() -> None:
    doc = _instance({"id": "x", "grants": [{"secret": "s3cr3t-value"}, {"secret": "open"}],
                     "labels": {"token": "t0k3n-value", "name": "plain"}},
                    sensitive_attributes=[
                        [{"type": "get_attr", "value": "grants"},
                         {"type": "index", "value": {"value": 0, "type": "number"}},
                         {"type": "get_attr", "value": "secret"}],
                        [{"type": "get_attr", "value": "labels"},
                         {"type": "index", "value": {"value": "token", "type": "string"}}]])
    change = read_changeset(doc, name="s.tfstate").changes[0]
    assert change.sensitive_paths == {("grants", 0, "secret"), ("labels", "token")}


def test_session_reads_a_state_document_with_its_name() -> None:
    with pytest.raises(InputError, match="^mine.tfstate: "):
        Session().read(_state(version=3), name="mine.tfstate")
