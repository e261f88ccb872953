"""Message placeholders: values, money, and amounts that are not known."""

from decimal import Decimal

import pytest

from engine.policy.messages import render


@pytest.mark.parametrize("template,values,expected", [
    ("{address} misses {tag}", {"address": "aws_instance.a", "tag": "team"},
     "aws_instance.a misses team"),
    ("adds ${delta}/h", {"delta": Decimal("41.234")}, "adds $41.23/h"),
    ("adds ${delta}/h", {"delta": None}, "adds $?/h"),
    ("tag is {value}", {"value": None}, "tag is (none)"),
    ("{{literal}} ${limit}", {"limit": Decimal(10000)}, "{literal} $10,000"),
])
def test_render(template, values, expected):
    assert render(template, values) == expected
