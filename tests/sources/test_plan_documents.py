"""Encodings and bad input: every failure is one InputError line naming the file."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from engine.errors import InputError
from engine.sources.detect import read_changeset
from engine.sources.documents import load_json, read_text

PLAN = {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": [
    {"address": "aws_instance.gpu", "mode": "managed", "type": "aws_instance", "name": "gpu",
     "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["create"], "before": None,
                "after": {"instance_type": "p5.48xlarge", "tags": {"team": "ml"}},
                "after_unknown": {"id": True}}}]}


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom"])
def test_encodings(tmp_path: Path, encode) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(encode(json.dumps(PLAN, indent=1) + "\n"))
    assert read_text(path).lstrip().startswith("{")
    cs = read_changeset(path)
    assert [c.address for c in cs.changes] == ["aws_instance.gpu"]
    assert cs.changes[0].after["instance_type"] == "p5.48xlarge"


def test_load_json_keeps_integers(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"a": 3, "b": 2.5}', encoding="utf-8")
    assert load_json(path) == {"a": 3, "b": 2.5}
    assert isinstance(load_json(path)["a"], int)


BAD = [
    ("not-json.json", b"this is not json", "invalid JSON"),
    ("truncated.json", json.dumps(PLAN).encode()[:60], "ends early"),
    ("empty.json", b"", "empty"),
    ("blank.json", b"  \n\t ", "empty"),
    ("binary.json", bytes(range(256)) * 4, "binary"),
    ("utf16-no-bom.json", json.dumps(PLAN).encode("utf-16-le"), "UTF-16"),
    ("tfplan", b"PK\x03\x04binaryzip", "terraform show -json"),
    ("array.json", b"[1, 2, 3]", "array"),
    ("string.json", b'"plan"', "not a Terraform plan"),
    ("other.json", b'{"name": "x", "version": 2}', "found keys: name, version"),
    ("state.json", b'{"format_version": "1.0", "terraform_version": "1.5.0", "values": {}}',
     "Terraform state"),
    ("fragment.json", b'{"planned_values": {"root_module": {}}}', "planned_values fragment"),
    ("rc-not-list.json", b'{"format_version": "1.2", "resource_changes": {}}',
     "resource_changes must be an array"),
    ("rc-entry.json", b'{"format_version": "1.2", "resource_changes": [3]}',
     "/resource_changes/0"),
    ("no-actions.json", b'{"format_version": "1.2", "resource_changes": [{"address": "a.b", '
                        b'"change": {"actions": "create"}}]}', "change.actions"),
    ("no-address.json", b'{"format_version": "1.2", "resource_changes": [{"change": '
                        b'{"actions": ["create"]}}]}', "neither a valid address"),
]


@pytest.mark.parametrize("name, data, what", BAD, ids=[b[0] for b in BAD])
def test_bad_input(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_changeset(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert what in message, message
    assert "\n" not in message and "Traceback" not in message
    assert info.value.exit_code == 2


def test_json_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format_version": "1.2",\n  "resource_changes": [,]\n}\n')
    with pytest.raises(InputError) as info:
        read_changeset(path)
    assert str(info.value).startswith(f"{path}:3: column 24: invalid JSON")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_changeset(tmp_path / "nope.json")


def test_directory_without_plan(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"a": 1}')
    (tmp_path / "README.md").write_text("hi")
    with pytest.raises(InputError) as info:
        read_changeset(tmp_path)
    assert str(info.value).startswith(str(tmp_path))
    assert "no Terraform plan JSON" in str(info.value)


def test_directory_with_one_plan(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    (tmp_path / "other.json").write_text('{"a": 1}')
    cs = read_changeset(tmp_path)
    assert cs.source_path == str(tmp_path / "plan.json")
    assert len(cs.changes) == 1


def test_directory_with_two_plans(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(PLAN))
    (tmp_path / "b.json").write_text(json.dumps(PLAN))
    with pytest.raises(InputError, match="several plan files"):
        read_changeset(tmp_path)
