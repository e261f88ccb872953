"""Policy regular expressions run on RE2 (google-re2): matching time is linear in
the input, whatever the pattern, so no pattern can hang a check.

RE2 refuses what it cannot run in linear time (back-references, lookaround);
such a pattern is an error here, with RE2's own reason. The syntax is RE2's,
the one Terraform and Go use. `re2` is imported on the first compile only.
"""

from __future__ import annotations

from typing import Any

MAX_PATTERN_LENGTH = 4096
MAX_PROGRAM_BYTES = 8 << 20  # RE2 memory budget for one compiled pattern


class UnsafeRegex(ValueError):
    """A pattern RE2 cannot compile: bad or unsupported syntax, or too large."""


def compile_safe(pattern: str) -> Any:
    """Compile `pattern` with RE2 or raise UnsafeRegex with a clear reason.

    The result has the `re.Pattern` methods used here (`search`, `fullmatch`,
    `finditer`, `sub`) and `.pattern`.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegex(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    import re2

    options = re2.Options()
    options.log_errors = False  # the reason goes into our one error line, not to stderr
    options.max_mem = MAX_PROGRAM_BYTES
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise UnsafeRegex(reason(exc)) from None


def reason(exc: Exception) -> str:
    """RE2's message (it comes as bytes), with a hint for the common cases."""
    arg = exc.args[0] if exc.args else exc
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)
    if "invalid escape sequence: \\" in text and text[-1:].isdigit():
        text += " (back-references are not supported)"
    elif "invalid perl operator: (?" in text and text[-1:] in "=!<":
        text += " (lookaround is not supported)"
    return text


def is_pattern(value: Any) -> bool:
    """Whether `value` is a compiled pattern (from compile_safe or `re`)."""
    return hasattr(value, "fullmatch") and hasattr(value, "pattern")
