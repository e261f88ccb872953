"""The golden-file helper: a missing golden fails; only --update-goldens writes one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest


def test_missing_golden_fails_and_writes_nothing(tmp_path: Path, golden: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The old helper wrote a missing golden unless CI was set: make sure it is not.
    monkeypatch.setattr(sys.modules[type(golden).__module__], "IN_CI", False, raising=False)
    path = tmp_path / "golden" / "case.txt"
    with pytest.raises(pytest.fail.Exception, match="golden file missing"):
        type(golden)(update=False).check(path, "output\n")
    assert not path.exists()


def test_update_goldens_writes_and_then_compares(tmp_path: Path, golden: Any) -> None:
    Golden = type(golden)
    path = tmp_path / "golden" / "case.txt"
    Golden(update=True).check(path, "output\n")
    assert path.read_text(encoding="utf-8") == "output\n"
    Golden(update=False).check(path, "output\n")
    with pytest.raises(pytest.fail.Exception, match="golden mismatch"):
        Golden(update=False).check(path, "other\n")
    assert path.read_text(encoding="utf-8") == "output\n"
