"""Errors that end a run with one clear line and a fixed exit code."""

from __future__ import annotations

import re

EXIT_PASS = 0
EXIT_POLICY_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x80-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """Escape control characters so a message stays one line (no forged output lines)."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"
                                          if ord(m.group()) < 0x100
                                          else f"\\u{ord(m.group()):04x}"), text)


class CostwardenError(Exception):
    """Base class: `str(err)` is the one line shown to the user."""

    exit_code = EXIT_INTERNAL


class InputError(CostwardenError):
    """Bad input, configuration, policy, data, usage or waiver file (exit 2).

    Rendered as ``file:line: where: what`` with the parts that are known.
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, file: str | None, message: str, *, line: int | None = None,
                 where: str | None = None) -> None:
        self.file = file
        self.line = line
        self.where = where
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        head = ""
        if self.file:
            head = one_line(str(self.file))
            if self.line is not None:
                head += f":{self.line}"
            head += ": "
        if self.where:
            head += f"{one_line(str(self.where))}: "
        return head + one_line(str(self.message))
