"""Finding a fleet's workspaces: directory trees (local and fsspec URLs) and manifests."""

from __future__ import annotations

import uuid
from pathlib import Path

import fsspec
import pytest

from engine.errors import InputError
from engine.fleet import Workspace, discover, load_manifest

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_tree_is_every_plan_state_and_tf_folder() -> None:
    found = discover(str(FIXTURES / "tree"))
    assert [w.name for w in found] == ["broken.json", "ml-research/terraform.tfstate", "web"]
    assert found[2].source == str(FIXTURES / "tree" / "web")


def test_a_tree_skips_hidden_and_terraform_folders(tmp_path: Path) -> None:
    (tmp_path / "a" / ".terraform" / "modules").mkdir(parents=True)
    (tmp_path / "a" / ".terraform" / "modules" / "x.tf").write_text("")
    (tmp_path / "a" / "main.tf").write_text("")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.json").write_text("{}")
    assert [w.name for w in discover(str(tmp_path))] == ["a"]


def test_an_empty_tree_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no workspaces found"):
        discover(str(tmp_path))


@pytest.fixture
def memfs() -> tuple[fsspec.AbstractFileSystem, str]:
    fs = fsspec.filesystem("memory")
    root = f"/fleet-{uuid.uuid4().hex[:8]}"
    yield fs, root
    fs.rm(root, recursive=True)


def test_a_tree_at_a_url(memfs) -> None:
    fs, root = memfs
    fs.pipe(f"{root}/team-a/plan.json", b"{}")
    fs.pipe(f"{root}/team-a/stack/main.tf", b"")
    fs.pipe(f"{root}/team-a/stack/vars.tfvars", b"")
    fs.pipe(f"{root}/prod.tfstate", b"{}")
    fs.pipe(f"{root}/.cache/x.json", b"{}")
    found = discover(f"memory://{root}")
    assert [(w.name, w.source) for w in found] == [
        ("prod.tfstate", f"memory://{root}/prod.tfstate"),
        ("team-a/plan.json", f"memory://{root}/team-a/plan.json"),
        ("team-a/stack", f"memory://{root}/team-a/stack")]


MANIFEST = """\
version: 1
labels: {owner: platform}
region: us-east-1
workspaces:
  - name: training
    path: ml/terraform.tfstate
    team: ml-research
    env: prod
  - path: web
    labels: {team: web, owner: storefront}
    region: us-west-2
  - name: remote
    path: s3://bucket/states/x.tfstate
"""


def test_manifest(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(MANIFEST)
    found = load_manifest(str(path))
    assert found == (
        Workspace("training", str(tmp_path / "ml" / "terraform.tfstate"),
                  (("env", "prod"), ("owner", "platform"), ("team", "ml-research")),
                  "us-east-1"),
        Workspace("web", str(tmp_path / "web"), (("owner", "storefront"), ("team", "web")),
                  "us-west-2"),
        Workspace("remote", "s3://bucket/states/x.tfstate", (("owner", "platform"),),
                  "us-east-1"))


def test_manifest_as_json_at_a_url(memfs) -> None:
    fs, root = memfs
    fs.pipe(f"{root}/fleet.json", b'{"workspaces": [{"path": "a/plan.json", "team": "x"}]}')
    found = load_manifest(f"memory://{root}/fleet.json")
    assert found == (Workspace("a/plan.json", f"memory://{root}/a/plan.json", (("team", "x"),)),)


BAD = [
    ("workspaces: [{path: ../outside.json}]", "leaves the manifest's directory"),
    ("workspaces: [{path: /etc/passwd}]", "leaves the manifest's directory"),
    ("workspaces: [{path: a/../../b}]", "leaves the manifest's directory"),
    ("workspaces: [{path: 'file:///etc/passwd'}]", "not a file:// URL"),
    ("workspaces: [{path: 'simplecache::file:///etc/x.json'}]", "not a file:// URL"),
    ("workspaces: [{path: a.json}, {path: b.json, name: a.json}]", "also used by"),
    ("workspaces: []", "lists no workspaces"),
    ("workspaces:\n  - path: a.json\n    colour: red\n", ":3: "),
    ("workspaces: [{path: a.json, labels: {team: 3}}]", "labels"),
    ("version: 2\nworkspaces: [{path: a.json}]", "version"),
    ("workspaces: [{path: a.json}]\nworkspaces: []", "duplicate"),
    ("{", "YAML syntax error"),
]


@pytest.mark.parametrize("text, what", BAD, ids=[b[0][:40] for b in BAD])
def test_bad_manifest_is_one_line_with_its_place(tmp_path: Path, text: str, what: str) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_manifest(str(path))
    message = str(info.value)
    assert message.startswith(str(path)) and what in message, message
    assert "\n" not in message


def test_a_symbolic_link_out_of_the_manifest_directory_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "fleet").mkdir()
    (tmp_path / "fleet" / "link").symlink_to(outside)
    (tmp_path / "fleet" / "m.yaml").write_text("workspaces: [{path: link/plan.json}]")
    with pytest.raises(InputError, match="leaves the manifest's directory"):
        load_manifest(str(tmp_path / "fleet" / "m.yaml"))


def test_a_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="manifest file not found"):
        load_manifest(str(tmp_path / "nope.yaml"))


def test_the_readme_manifest_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Fleet scan"):]
    block = section[section.index("```yaml\n") + 8:]
    (tmp_path / "fleet.yaml").write_text(block[:block.index("```")])
    found = load_manifest(str(tmp_path / "fleet.yaml"))
    assert [w.name for w in found] == ["ml-training-prod", "inference",
                                       "gs://acme-pulumi/exports/serving.json"]
    assert dict(found[1].labels) == {"cost-center": "CC-2", "owner": "platform",
                                     "team": "ml-platform"}
    assert found[1].region == "us-west-2" and found[0].region == "us-east-1"
