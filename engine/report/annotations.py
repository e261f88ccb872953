"""GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`).

Printed by `check` when GITHUB_ACTIONS=true, one per failing or unknown
finding. Escaping is the Actions toolkit's (`escapeData`, `escapeProperty` of
@actions/core): data escapes %, CR and LF; property values also escape ':'
and ','. The data is first neutralised like every other output line (a `::`
after a Unicode line separator gets a zero-width space), and the lines are
written with `safe_text.write_commands`, the one path around the output guard.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

from ..model import Finding
from .safe_text import neutralise, write_commands
from .sarif import BLOCKING_LEVELS, ordered, target


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS", "").lower() == "true"


def command(f: Finding, default_file: str | None = None) -> str | None:
    """The annotation for one finding, or None when it needs none (pass, waived)."""
    if f.outcome == "fail":
        kind = "error" if f.blocking or f.level in BLOCKING_LEVELS else "warning"
    elif f.outcome == "unknown":
        kind = "notice"
    else:
        return None
    props = []
    file = f.location.file if f.location is not None else default_file
    if file:
        props.append(f"file={escape_property(file)}")
    if f.location is not None and f.location.line is not None:
        props.append(f"line={f.location.line}")
    props.append(f"title={escape_property(f.policy_id)}")
    message = f"{target(f)}: {f.message}"
    return f"::{kind} {','.join(props)}::{escape_data(neutralise(message))}"


def render(findings: Iterable[Finding], default_file: str | None = None) -> str:
    lines = [c for f in ordered(findings) if (c := command(f, default_file)) is not None]
    return "".join(line + "\n" for line in lines)


def render_result(result: Any, default_file: str | None = None) -> str:
    return render(result.findings, default_file)


def emit(stream: Any, commands: str) -> None:
    """Write rendered annotations past the output guard (see `safe_text`)."""
    write_commands(stream, commands)
