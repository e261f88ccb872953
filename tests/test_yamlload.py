"""Line-aware YAML reading and its parse cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import filecache
from engine.errors import InputError
from engine.yamlload import load_yaml

REPO = Path(__file__).resolve().parent.parent
DOC = "version: 1\nitems:\n  - name: a\n    size: 1.5\n  - name: b\n    when: 2026-01-31\n"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "c" / "yaml"  # where load_yaml(..., cache_dir=tmp_path / "c") writes


def _entries(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json")) if root.is_dir() else []


def test_a_cached_document_equals_the_parsed_one(tmp_path: Path, cache: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DOC)
    first = load_yaml(f, cache_dir=cache.parent)
    assert first.data == {"version": 1, "items": [{"name": "a", "size": 1.5},
                                                 {"name": "b", "when": "2026-01-31"}]}
    assert len(_entries(cache)) == 1
    second = load_yaml(f, "shown.yaml", cache_dir=cache.parent)
    assert (second.data, dict(second.lines)) == (first.data, dict(first.lines))
    assert second.file == "shown.yaml"
    assert second.line(("items", 1, "when")) == 6


def test_documents_json_cannot_keep_are_not_cached(tmp_path: Path, cache: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("ports:\n  80: http\n")
    assert load_yaml(f, cache_dir=cache.parent).data == {"ports": {80: "http"}}
    # an int key stays an int
    assert load_yaml(f, cache_dir=cache.parent).data == {"ports": {80: "http"}}
    assert _entries(cache) == []


def test_a_corrupted_entry_is_a_miss(tmp_path: Path, cache: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DOC)
    expected = load_yaml(f, cache_dir=cache.parent).data
    [entry] = _entries(cache)
    for garbage in ("{not json", '{"data": 1}', '{"data": 1, "lines": [[1]]}', "[]"):
        entry.write_text(garbage)
        assert load_yaml(f, cache_dir=cache.parent).data == expected


def test_errors_are_not_cached(tmp_path: Path, cache: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("a: 1\na: 2\n")
    for _ in range(2):
        with pytest.raises(InputError, match="duplicate key 'a'"):
            load_yaml(f, cache_dir=cache.parent)
    assert _entries(cache) == []
    f.write_bytes(b"a: \xff\n")
    with pytest.raises(InputError, match="cannot read"):
        load_yaml(f, cache_dir=cache.parent)


def test_no_cache_dir_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library read never takes its cache from the environment."""
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(tmp_path / "c"))
    f = tmp_path / "d.yaml"
    f.write_text(DOC)
    load_yaml(f)
    assert not (tmp_path / "c").exists()


def test_the_cache_key_names_the_yaml_library_version() -> None:
    from engine.yamlload import _cache_version

    assert _cache_version().endswith("-pyyaml-" + filecache.installed_version("pyyaml", "yaml"))


def test_a_warm_check_never_imports_pyyaml(tmp_path: Path) -> None:
    code = ("import sys\nfrom engine.cli import main\n"
            "main(['check', 'examples/inference-service/plan.json'])\n"
            "print('yaml' in sys.modules, file=sys.stderr)")
    env = {**os.environ, "COSTWARDEN_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                           text=True) for _ in range(2)]
    assert [r.stderr.splitlines()[-1] for r in runs] == ["True", "False"], runs[1].stderr
    assert runs[0].stdout == runs[1].stdout


def test_a_tampered_entry_with_a_stale_checksum_is_a_miss(tmp_path: Path, cache: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DOC)
    expected = load_yaml(f, cache_dir=cache.parent).data
    [entry] = _entries(cache)
    header, _, _ = entry.read_bytes().partition(b"\n")
    entry.write_bytes(header + b'\n{"data": {"version": 1, "items": []}, "lines": []}')
    assert load_yaml(f, cache_dir=cache.parent).data == expected


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n" for i in range(8))


@pytest.mark.parametrize("text,line", [
    (BOMB, 2),  # billion laughs: 9**9 items from 10 lines
    ("base: &b {team: ml}\nother: *b\n", 2),
    ("base: &b {team: ml}\nother:\n  <<: *b\n  env: dev\n", 3),
    ("other:\n  <<: {team: ml}\n", 2),
    ("k: &k team\nm:\n  *k : 1\n", 1),  # (a key alias: the anchor line)
    ("a: &a [1]\nlist:\n  - *a\n", 3),
    ("a: &a\n  - *a\n", 1),  # a recursive alias
])
def test_anchors_and_aliases_are_refused(tmp_path: Path, cache: Path, text: str,
                                         line: int) -> None:
    f = tmp_path / "bomb.yaml"
    f.write_text(text)
    with pytest.raises(InputError, match="not allowed in this file") as info:
        load_yaml(f)
    assert info.value.file == str(f) and info.value.line == line


def test_config_files_are_size_capped(tmp_path: Path, cache: Path) -> None:
    from engine.settings import DEFAULT_LIMITS

    f = tmp_path / "big.yaml"
    f.write_text("a: " + "x" * 200 + "\n")
    small = DEFAULT_LIMITS.with_overrides({"config_bytes": "100"})
    with pytest.raises(InputError, match="limit config_bytes"):
        load_yaml(f, limits=small)
    with pytest.raises(InputError, match="limit config_bytes"):
        load_yaml("/dev/zero", limits=small)  # never an endless read
    assert load_yaml(f).data == {"a": "x" * 200}
