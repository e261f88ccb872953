"""The parse cache: hits, corrupted entries, atomic files; parallel parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import filecache
from engine.sources.hcl import cache
from engine.sources.terraform_hcl import read_hcl

SOURCE = 'resource "aws_instance" "x" {\n  instance_type = "p5.48xlarge"\n}\n'


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json"))


def test_cache_hit_and_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(tmp_path / "c"))
    f = tmp_path / "main.tf"
    f.write_text(SOURCE)
    first: dict[str, int] = {}
    body = cache.parse_files([(f, "main.tf")], stats=first)[0]
    assert first["parsed"] == 1 and first["hits"] == 0
    assert len(_entries(tmp_path / "c")) == 1
    second: dict[str, int] = {}
    assert cache.parse_files([(f, "main.tf")], stats=second)[0] == body
    assert second == {"hits": 1, "parsed": 0, "parallel": False}
    assert not list((tmp_path / "c").rglob(".tmp-*"))  # temp files renamed into place


def test_corrupted_entry_is_ignored_and_rewritten(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(tmp_path / "c"))
    (tmp_path / "main.tf").write_text(SOURCE)
    read_hcl(tmp_path)
    [entry] = _entries(tmp_path / "c")
    for garbage in ("{not json", '{"attrs": 1}', "\x00\x01"):
        entry.write_text(garbage)
        cs = read_hcl(tmp_path)
        assert cs.changes[0].after == {"instance_type": "p5.48xlarge"}
        assert cache.load_entry(tmp_path / "c" / "hcl", entry.stem) is not None


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COSTWARDEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "costwarden" / "hcl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path.home() / ".cache" / "costwarden" / "hcl"
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", "off")
    assert cache.cache_dir() is None


def test_key_depends_on_content() -> None:
    assert cache.content_key(b"a = 1") != cache.content_key(b"a = 2")


def test_key_names_the_installed_parser_version() -> None:
    from importlib.metadata import version

    assert filecache.installed_version("python_hcl2", "hcl2") == version("python-hcl2")
    assert filecache.installed_version("pyyaml", "yaml") == version("PyYAML")


def test_cached_tree_carries_resource_references(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(tmp_path / "c"))
    f = tmp_path / "main.tf"
    f.write_text('locals {\n  ami = data.aws_ami.base.id\n}\n'
                 'resource "aws_instance" "x" {\n  ami = local.ami\n'
                 '  subnet_id = aws_subnet.a.id\n  depends_on = [aws_iam_role.r]\n}\n')
    body = cache.parse_files([(f, "main.tf")])[0]
    [(_, _, inner, _)] = [b for b in body["blocks"] if b[0] == "resource"]
    assert inner["refs"] == [["aws_iam_role.r", "aws_subnet.a"], ["ami"]]
    [entry] = _entries(tmp_path / "c")
    assert '"refs"' in entry.read_text()


def test_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(blocker))  # a file: mkdir fails
    (tmp_path / "main.tf").write_text(SOURCE)
    assert read_hcl(tmp_path).changes[0].after == {"instance_type": "p5.48xlarge"}


def test_parallel_parse_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", "off")
    files = []
    for i in range(6):
        f = tmp_path / f"f{i}.tf"
        f.write_text(SOURCE.replace('"x"', f'"x{i}"'))
        files.append((f, f.name))
    assert cache.parse_files(files, parallel=True) == cache.parse_files(files, parallel=False)
    bad = tmp_path / "zz.tf"
    bad.write_text("a = = 1\n")
    with pytest.raises(Exception, match=r"zz\.tf:1: invalid HCL"):
        cache.parse_files(files + [(bad, "zz.tf")], parallel=True)


def test_tampered_well_shaped_entries_are_ignored(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry must name its source's key and match its checksum, or it is re-parsed:
    a well-shaped empty body must not make the resources disappear."""
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(tmp_path / "c"))
    (tmp_path / "main.tf").write_text(SOURCE)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "empty.tf").write_text("# nothing\n")
    read_hcl(tmp_path)
    [entry] = _entries(tmp_path / "c")
    root = tmp_path / "c" / "hcl"
    good = entry.read_bytes()
    empty = b'{"attrs":{},"blocks":[]}'
    header, _, payload = good.partition(b"\n")
    key = entry.stem
    tampered = [
        empty,  # a bare JSON body (the old format)
        header + b"\n" + empty,  # the payload changed, the checksum not
        f"costwarden-cache 2 {'0' * 64} {filecache.checksum(empty)}\n".encode() + empty,
        f"costwarden-cache 2 {key} {filecache.checksum(empty)}x\n".encode() + empty,
        good[:-3],  # truncated
    ]
    read_hcl(tmp_path / "other")  # an entry for another source, copied over ours:
    other = next(p for p in _entries(tmp_path / "c") if p != entry)
    tampered.append(other.read_bytes())
    for data in tampered:
        entry.write_bytes(data)
        assert cache.load_entry(root, key) is None
        cs = read_hcl(tmp_path)
        assert [c.address for c in cs.changes] == ["aws_instance.x"]
        assert entry.read_bytes() == good  # re-parsed and rewritten
