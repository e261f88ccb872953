"""Policy regular expressions run on RE2: no pattern can backtrack, and what RE2
cannot run (back-references, lookaround) is refused with a clear reason."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.policy.operators import OperandError, prepare
from engine.policy.regex_safety import MAX_PATTERN_LENGTH, UnsafeRegex, compile_safe

REPO = Path(__file__).resolve().parents[2]

# Patterns a backtracking engine takes exponential time on, with an input that shows it.
# The old structural check let the last two through (they hung `check`).
CATASTROPHIC = [
    ("(a+)+$", "a" * 40 + "!"),
    ("(a|aa)*$", "a" * 40 + "!"),
    (r"(\w+\s?)*$", "word " * 12 + "!"),
    ("(.*,){16}x", "a," * 40),
    (r"\w*" * 24 + "!", "a" * 60),
]
UNSUPPORTED = [(r"(a)\1", "back-references"), ("(?=a)b", "lookaround"),
               ("(?<!a)b", "lookaround"), ("[a-", "missing ]"),
               ("a" * (MAX_PATTERN_LENGTH + 1), "longer than")]
SAFE = ["^[a-z][a-z0-9-]*$", "(ab|cd)+", "^(dev|prod)$", r"(\d{3})+", "([a-z]+-)*[a-z]+",
        "[a-z0-9]+(-[a-z0-9]+)*", "(a|b)*", "CC-[0-9]{4,6}", r"^arn:aws:iam::\d{12}:role/.+$",
        "(?i)^ML-.*", r"(?P<team>[a-z]+)-\d+"]


@pytest.mark.parametrize("pattern,text", CATASTROPHIC)
def test_catastrophic_patterns_match_in_linear_time(pattern: str, text: str) -> None:
    # Run in a child with a timeout: on a backtracking engine this never returns.
    code = textwrap.dedent(f"""
        from engine.policy.operators import prepare
        p = prepare("matches", {pattern!r})
        print(p.fullmatch({text!r}) is not None)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    assert out.stderr == ""  # RE2 logs nothing of its own


@pytest.mark.parametrize("pattern,why", UNSUPPORTED)
def test_unsupported_patterns_are_refused_with_the_reason(pattern: str, why: str) -> None:
    with pytest.raises(UnsafeRegex, match=why):
        compile_safe(pattern)
    with pytest.raises(OperandError, match="RE2 syntax"):
        prepare("matches", pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_usual_patterns_compile_and_match_the_whole_value(pattern: str) -> None:
    p = compile_safe(pattern)
    assert p.pattern == pattern
    assert p.fullmatch("\u00e9\u00e9\u00e9") is None


def test_match_semantics() -> None:
    assert compile_safe("^(dev|prod)$").fullmatch("prod")
    assert not compile_safe("dev|prod").fullmatch("production")
    assert compile_safe("(?i)^ml-.*").fullmatch("ML-Research")
    assert compile_safe(r"\d+").fullmatch("123")
