"""A progress bar on a terminal's standard error (nothing when it is not a terminal)."""

from __future__ import annotations

import time
from typing import TextIO

from .task import WorkspaceResult

_WIDTH = 30
_EVERY = 0.1  # seconds between redraws


class Progress:
    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.done = self.failed = 0
        self.started = self._drawn = time.monotonic()

    def __call__(self, result: WorkspaceResult) -> None:
        self.done += 1
        self.failed += result.error is not None
        now = time.monotonic()
        if now - self._drawn >= _EVERY or self.done == self.total:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        filled = _WIDTH * self.done // max(1, self.total)
        rate = self.done / max(now - self.started, 1e-9)
        bad = f", {self.failed} unreadable" if self.failed else ""
        self.stream.write(f"\r  scanning [{'█' * filled}{'·' * (_WIDTH - filled)}] "
                          f"{self.done}/{self.total} workspaces, {rate:,.1f}/s{bad}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.done:
            self.stream.write("\n")
            self.stream.flush()
