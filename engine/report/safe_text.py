"""Output safety: input text can never become a CI workflow command.

The GitHub Actions runner treats a line of a step's stdout or stderr as a
command when, after leading whitespace, it starts with `::` (`::add-mask::`,
`::set-output`, `::stop-commands::`), and — legacy syntax — when `##[` occurs
anywhere in it (Azure Pipelines does the same with `##vso[`). Plans, HCL,
policies and waivers are written by whoever opened the pull request, so every
line costwarden prints goes through `neutralise`: a zero-width space (U+200B,
which the runner does not trim) is put before such a prefix. The annotations
costwarden emits itself are written with `write_commands`, which bypasses it.

`cli.main` runs every command inside `guarded_streams()`, so one place covers
every command, format and error message, whatever module does the printing.
`one_line` and `scrub_untrusted` make server- or input-supplied text safe to
show inside a single line (GitHub answers, URLs).
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager

TYPE_CHECKING = False  # imported at start-up: typing is not
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Iterator, TextIO

ZWSP = "\u200b"
# every character str.splitlines() breaks on (a superset of the runner's CR / LF)
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# a workflow command at the start of a line (after whitespace, which the runner trims)
_V2 = re.compile(rf"(?:^|(?<=[{_BREAKS}]))([^\S{_BREAKS}]*)(?=::)")
# legacy `##[cmd]` and Azure `##vso[cmd]` commands, recognised anywhere in a line
_V1 = re.compile(r"##(?=\[|vso\[)", re.IGNORECASE)
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_]?)")
# C0/C1 controls, DEL, line/paragraph separators, bidi overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """`text` with no line (after leading whitespace) starting `::` and no `##[`."""
    if "::" in text:
        text = _guard_line_starts(text)
    if "##" in text:
        text = _V1.sub("#" + ZWSP + "#", text)
    return text


def _guard_line_starts(text: str) -> str:
    """`_V2.sub(lambda m: m.group(1) + ZWSP, text)`, looking only at each `::` (the
    pattern is tried at every position: 0.7 s on a 20 MB report with one ARN): a
    `::` reached from a line start over whitespace that is no line break gets a
    zero-width space before it."""
    out: list[str] = []
    start = 0
    i = text.find("::")
    while i >= 0:
        j = i
        while j > 0 and text[j - 1].isspace() and text[j - 1] not in _BREAKS:
            j -= 1
        if j == 0 or text[j - 1] in _BREAKS:
            out += (text[start:i], ZWSP)
            start = i
        i = text.find("::", i + 2)
    if not out:
        return text
    out.append(text[start:])
    return "".join(out)


def one_line(text: str, limit: int | None = None) -> str:
    """Input text made fit for one line: control characters escaped as `\\xNN`."""
    out = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)
    if limit is not None and len(out) > limit:
        out = out[:limit] + "…"
    return neutralise(out)


def scrub_untrusted(text: Any, limit: int = 200) -> str:
    """Server-supplied text shown to the user: ANSI escapes dropped, one capped line."""
    return one_line(_ANSI.sub("", str(text)), limit)


class GuardedStream:
    """A text stream that neutralises workflow commands line by line.

    Text is held until its line ends, so a prefix split across writes
    (`print(a, b)`) is still seen; `drain()` writes the unfinished line.
    """

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self._pending = ""
        self._mid_line = False  # the inner stream's last line is unfinished

    def write(self, text: str) -> int:
        data = self._pending + text
        cut = max(data.rfind(c) for c in _BREAKS)
        if cut < 0:
            self._pending = data
        else:
            self._pending = data[cut + 1:]
            self.inner.write(neutralise(data[:cut + 1]))
            self._mid_line = False
        return len(text)

    def drain(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self.inner.write(neutralise(pending))
            self._mid_line = True

    def write_commands(self, commands: str) -> None:
        """Write workflow commands costwarden built itself (one per line), unguarded."""
        self.drain()
        if self._mid_line:  # a command only counts at the start of a line
            self.inner.write("\n")
        self.inner.write(commands)
        self._mid_line = not commands.endswith("\n")

    def flush(self) -> None:
        self.inner.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, ...
        return getattr(self.inner, name)


def write_commands(stream: TextIO, commands: str) -> None:
    """Write costwarden's own annotations: every line must be one `::kind ...::data`."""
    lines = commands.split("\n")
    for line in lines[:-1] if lines[-1] == "" else lines:
        if not _OWN_COMMAND.fullmatch(line):
            raise ValueError(f"not a well-formed annotation: {line[:80]!r}")
    if isinstance(stream, GuardedStream):
        stream.write_commands(commands)
    else:
        stream.write(commands)


_OWN_COMMAND = re.compile(r"::(?:error|warning|notice)(?: [^:\r\n]*)?::[^\r\n]*")


@contextmanager
def guarded_streams() -> Iterator[None]:
    """Run with sys.stdout and sys.stderr guarded; restore them afterwards."""
    saved = sys.stdout, sys.stderr
    out, err = GuardedStream(saved[0]), GuardedStream(saved[1])
    sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        for stream in (out, err):
            try:
                stream.drain()
            except (OSError, ValueError):  # closed or broken pipe at exit
                pass
