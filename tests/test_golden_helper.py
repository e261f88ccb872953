"""The golden-file helper: a missing golden fails; only --update-goldens writes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Golden


def test_missing_golden_fails_and_writes_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conftest.IN_CI", False, raising=False)  # the old helper's switch
    path = tmp_path / "golden" / "case.txt"
    with pytest.raises(pytest.fail.Exception, match="golden file missing"):
        Golden(update=False).check(path, "output\n")
    assert not path.exists()


def test_update_goldens_writes_and_then_compares(tmp_path: Path) -> None:
    path = tmp_path / "golden" / "case.txt"
    Golden(update=True).check(path, "output\n")
    assert path.read_text(encoding="utf-8") == "output\n"
    Golden(update=False).check(path, "output\n")
    with pytest.raises(pytest.fail.Exception, match="golden mismatch"):
        Golden(update=False).check(path, "other\n")
    assert path.read_text(encoding="utf-8") == "output\n"
