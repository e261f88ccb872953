"""The workflow-command guard looks only at each `::`; it must give the text the
line-start pattern gives, on any mix of line breaks, whitespace and colons."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from engine.report.safe_text import _V2, ZWSP, _guard_line_starts, neutralise

_ALPHABET = [":", ":", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f",
             "\x85", "\u2028", "\u2029", "\u00a0", "\u3000", "a", "#", "["]


def _by_pattern(text: str) -> str:
    return _V2.sub(lambda m: m.group(1) + ZWSP, text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40))
def test_same_text_as_the_line_start_pattern(text):
    assert _guard_line_starts(text) == _by_pattern(text)


def test_commands_at_line_starts_are_broken_and_others_kept():
    text = "::error::x\n  ::set-output\r\n\u00a0::a\u2028::b arn:aws:iam::123:role/r\n:::\n"
    guarded = neutralise(text)
    assert guarded == _by_pattern(text)
    assert guarded.count(ZWSP) == 5 and "iam::123" in guarded
