"""`dumps` writes the bytes of the standard encoder (sorted keys, compact, ensure_ascii
off, repr floats), whichever encoder runs."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings, strategies as st

from engine.report.json_report import dumps, jsonable


def _stdlib(doc):
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


_scalars = (st.none() | st.booleans() | st.integers(min_value=-2**80, max_value=2**80)
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.sampled_from([1e-05, -3e-7, 1e16, 1.5e-10, 0.0001, 5e-324, -0.0])
            | st.text())
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                       max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_dumps_of_an_input_value_is_the_standard_encoders_text(value):
    doc = {"evidence": jsonable(value)}
    assert dumps(doc) == _stdlib(doc) == _stdlib({"evidence": value})


def test_what_orjson_cannot_write_is_written_by_the_standard_encoder():
    cases = [{"k": 2**70}, {"k": "\ud800"}, {1: "a", 2: "b"}, {"k": [[[[]]]] * 3},
             {"a": 1, "b": {"c": float("nan")}}, {"d": "é 😀 \x00\x1f\u2028\"\\"}]
    deep: object = "x"
    for _ in range(300):
        deep = [deep]
    cases.append({"deep": deep})
    for doc in cases:
        assert dumps(jsonable(doc)) == _stdlib(doc), doc


def test_floats_orjson_spells_otherwise_are_marked():
    for value in (1e-05, -2.5e-9, float("nan"), float("inf"), -math.inf):
        assert dumps({"v": jsonable(value)}) == _stdlib({"v": value})
    assert dumps({"v": 1e-05}) != _stdlib({"v": 1e-05})  # why jsonable marks them
