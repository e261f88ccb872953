"""Run `pulumi preview --json` for the user through the Automation API.

`costwarden check --pulumi-stack NAME [--pulumi-dir DIR]` asks the Pulumi CLI for
the stack's preview (`pulumi.automation.PulumiCommand`, which checks the CLI's
version and runs it non-interactively) and judges the document it prints as the
pulumi-preview reader reads a file. The SDK is the `pulumi` extra; without it,
or without the CLI on PATH, one line says how to install what is missing (exit 2).
The preview runs with the job's environment, as `pulumi preview` would; what it
prints goes through the same reader, so its secrets stay hidden.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..settings import DEFAULT_LIMITS, Limits

INSTALL_CLI = ("the Pulumi CLI is not installed (no `pulumi` on PATH): install it with "
               "`curl -fsSL https://get.pulumi.com | sh` (https://www.pulumi.com/docs/install/)")
INSTALL_SDK = ("--pulumi-stack needs the Pulumi SDK: pip install 'costwarden[pulumi]'")


def preview_document(stack: str, work_dir: str | None = None,
                     limits: Limits = DEFAULT_LIMITS) -> tuple[Any, str]:
    """(the parsed `pulumi preview --json` document of `stack`, the name errors show)."""
    from ..sources.documents import parse_json

    shown = f"pulumi preview --stack {stack}"
    cwd = work_dir or "."
    if not Path(cwd).is_dir():
        raise InputError(cwd, "--pulumi-dir is not a directory")
    try:
        from pulumi.automation import PulumiCommand
        from pulumi.automation.errors import CommandError, InvalidVersionError
    except ImportError:
        raise InputError(shown, INSTALL_SDK) from None
    if shutil.which("pulumi") is None:
        raise InputError(shown, INSTALL_CLI)
    try:
        command = PulumiCommand()
        result = command.run(["preview", "--json", "--stack", stack], cwd, {})
    except InvalidVersionError as exc:
        raise InputError(shown, f"the Pulumi CLI is too old for its SDK: {_first_line(exc)}") \
            from None
    except CommandError as exc:
        raise InputError(shown, f"the preview failed: {_first_line(exc)}") from None
    text = result.stdout
    if len(text.encode("utf-8")) > limits.input_bytes:
        raise InputError(shown, f"the preview is over the input_bytes limit "
                                f"({limits.input_bytes:,} bytes)")
    return parse_json(text, shown), shown


def _first_line(exc: Exception) -> str:
    """The first line of the CLI's error output (never its whole output). A CommandError
    reads "code: N / stdout: ... / stderr: ..."."""
    text = str(exc)
    stderr = text.split("stderr:", 1)[1] if "stderr:" in text else text
    for line in stderr.splitlines():
        if line.strip():
            return line.strip()[:300]
    return "no message"
