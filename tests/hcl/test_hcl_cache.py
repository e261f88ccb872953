"""The parse cache: hits, corrupted entries, atomic files; parallel parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import filecache
from engine.settings import Settings
from engine.sources.hcl import cache
from engine.sources.terraform_hcl import read_hcl

SOURCE = 'resource "aws_instance" "x" {\n  instance_type = "p5.48xlarge"\n}\n'


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json"))


def test_cache_hit_and_location(tmp_path: Path) -> None:
    f = tmp_path / "main.tf"
    f.write_text(SOURCE)
    first: dict[str, int] = {}
    body = cache.parse_files([(f, "main.tf")], stats=first, cache_dir=tmp_path / "c")[0]
    assert first["parsed"] == 1 and first["hits"] == 0
    assert len(_entries(tmp_path / "c")) == 1
    second: dict[str, int] = {}
    assert cache.parse_files([(f, "main.tf")], stats=second, cache_dir=tmp_path / "c")[0] == body
    assert second == {"hits": 1, "parsed": 0, "parallel": False}
    assert not list((tmp_path / "c").rglob(".tmp-*"))  # temp files renamed into place


def test_corrupted_entry_is_ignored_and_rewritten(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(SOURCE)
    read_hcl(tmp_path, cache_dir=tmp_path / "c")
    [entry] = _entries(tmp_path / "c")
    for garbage in ("{not json", '{"attrs": 1}', "\x00\x01"):
        entry.write_text(garbage)
        cs = read_hcl(tmp_path, cache_dir=tmp_path / "c")
        assert cs.changes[0].after == {"instance_type": "p5.48xlarge"}
        assert cache.load_entry(tmp_path / "c" / "hcl", entry.stem) is not None


def test_command_line_cache_dir_comes_from_the_environment(tmp_path: Path) -> None:
    def root(environ: dict[str, str]) -> Path | None:
        return Settings.from_environment(environ).cache_dir

    assert root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "costwarden"
    assert root({}) == Path.home() / ".cache" / "costwarden"
    assert root({"COSTWARDEN_CACHE_DIR": str(tmp_path / "x")}) == tmp_path / "x"
    for off in ("off", "none", "0", "false"):
        assert root({"COSTWARDEN_CACHE_DIR": off, "XDG_CACHE_HOME": str(tmp_path)}) is None
    assert Settings().cache_dir is None  # a library's default: no cache on disk


def test_library_reads_never_consult_the_environment(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTWARDEN_CACHE_DIR", str(tmp_path / "c"))
    (tmp_path / "main.tf").write_text(SOURCE)
    read_hcl(tmp_path)
    assert not (tmp_path / "c").exists()


def test_key_depends_on_content() -> None:
    assert cache.content_key(b"a = 1") != cache.content_key(b"a = 2")


def test_key_names_the_installed_parser_version() -> None:
    from importlib.metadata import version

    assert filecache.installed_version("python_hcl2", "hcl2") == version("python-hcl2")
    assert filecache.installed_version("pyyaml", "yaml") == version("PyYAML")


def test_cached_tree_carries_resource_references(tmp_path: Path) -> None:
    f = tmp_path / "main.tf"
    f.write_text('locals {\n  ami = data.aws_ami.base.id\n}\n'
                 'resource "aws_instance" "x" {\n  ami = local.ami\n'
                 '  subnet_id = aws_subnet.a.id\n  depends_on = [aws_iam_role.r]\n}\n')
    body = cache.parse_files([(f, "main.tf")], cache_dir=tmp_path / "c")[0]
    [(_, _, inner, _)] = [b for b in body["blocks"] if b[0] == "resource"]
    assert inner["refs"] == [["aws_iam_role.r", "aws_subnet.a"], ["ami"]]
    [entry] = _entries(tmp_path / "c")
    assert '"refs"' in entry.read_text()


def test_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")  # a file: mkdir fails
    (tmp_path / "main.tf").write_text(SOURCE)
    after = read_hcl(tmp_path, cache_dir=blocker).changes[0].after
    assert after == {"instance_type": "p5.48xlarge"}


def test_parallel_parse_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 0)
    files = []
    for i in range(6):
        f = tmp_path / f"f{i}.tf"
        f.write_text(SOURCE.replace('"x"', f'"x{i}"'))
        files.append((f, f.name))
    stats: dict[str, object] = {}
    assert cache.parse_files(files, workers=2, stats=stats) == cache.parse_files(files)
    assert stats["parallel"] is True
    bad = tmp_path / "zz.tf"
    bad.write_text("a = = 1\n")
    with pytest.raises(Exception, match=r"zz\.tf:1: invalid HCL"):
        cache.parse_files(files + [(bad, "zz.tf")], workers=2)


@pytest.mark.parametrize("workers", [0, 1])
def test_no_process_pool_unless_settings_ask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            workers: int) -> None:
    """A large parse in a library (Settings().parallel == 0) stays in this process: a
    daemonic worker (Dask) cannot start children."""
    import concurrent.futures

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 0)
    for i in range(6):
        (tmp_path / f"f{i}.tf").write_text(SOURCE.replace('"x"', f'"x{i}"'))
    assert len(read_hcl(tmp_path, workers=workers).changes) == 6
    assert Settings().parallel == 0


def test_tampered_well_shaped_entries_are_ignored(tmp_path: Path) -> None:
    """An entry must name its source's key and match its checksum, or it is re-parsed:
    a well-shaped empty body must not make the resources disappear."""
    c = tmp_path / "c"
    (tmp_path / "main.tf").write_text(SOURCE)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "empty.tf").write_text("# nothing\n")
    read_hcl(tmp_path, cache_dir=c)
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
    read_hcl(tmp_path / "other", cache_dir=c)  # an entry for another source, copied over ours:
    other = next(p for p in _entries(tmp_path / "c") if p != entry)
    tampered.append(other.read_bytes())
    for data in tampered:
        entry.write_bytes(data)
        assert cache.load_entry(root, key) is None
        cs = read_hcl(tmp_path, cache_dir=c)
        assert [c.address for c in cs.changes] == ["aws_instance.x"]
        assert entry.read_bytes() == good  # re-parsed and rewritten
