"""Regular expressions that can backtrack catastrophically are refused by structure."""

from __future__ import annotations

import re

import pytest

from engine.policy.regex_safety import MAX_PATTERN_LENGTH, UnsafeRegex, compile_safe

UNSAFE = ["(a+)+", "(a*)*", "(a|a)*", "(a|ab)+", r"(\w+\s?)*$", "(.*)*x", "(x+x+)+y",
          "^(([a-z])+.)+[A-Z]([a-z])+$", r"(a)\1", "a" * (MAX_PATTERN_LENGTH + 1)]
SAFE = ["^[a-z][a-z0-9-]*$", "(ab|cd)+", "^(dev|prod)$", r"(\d{3})+", "([a-z]+-)*[a-z]+",
        "[a-z0-9]+(-[a-z0-9]+)*", "(a|b)*", "CC-[0-9]{4,6}", r"^arn:aws:iam::\d{12}:role/.+$"]


@pytest.mark.parametrize("pattern", UNSAFE)
def test_unsafe_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafeRegex):
        compile_safe(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_compile(pattern: str) -> None:
    assert isinstance(compile_safe(pattern), re.Pattern)


def test_syntax_errors_stay_re_errors() -> None:
    with pytest.raises(re.error):
        compile_safe("[a-")
