"""Terraform address tokenizer: table tests and a format/parse round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from engine.sources.address import (Address, AddressError, ModuleStep, config_address,
                                    format_address, module_parts, parse_address,
                                    parse_module_address, strip_keys)


@pytest.mark.parametrize("text, expected", [
    ("aws_instance.web", Address((), "managed", "aws_instance", "web")),
    ("data.aws_ami.ubuntu", Address((), "data", "aws_ami", "ubuntu")),
    ("aws_instance.web[3]", Address((), "managed", "aws_instance", "web", 3)),
    ('module.a["k.x/y"].module.b[0].aws_x.y["key[1]"]',
     Address((ModuleStep("a", "k.x/y"), ModuleStep("b", 0)), "managed", "aws_x", "y", "key[1]")),
    ('module.poc.data.aws_iam_policy_document.r4["p1"]',
     Address((ModuleStep("poc"),), "data", "aws_iam_policy_document", "r4", "p1")),
    ('aws_x.y["say \\"hi\\" \\\\ there"]',
     Address((), "managed", "aws_x", "y", 'say "hi" \\ there')),
    ('aws_x.y["karpenter.sh/discovery"]',
     Address((), "managed", "aws_x", "y", "karpenter.sh/discovery")),
    ('aws_x.y["$${literal}"]', Address((), "managed", "aws_x", "y", "${literal}")),
    ("module.data.data.t.n", Address((ModuleStep("data"),), "data", "t", "n")),
])
def test_parse_address(text: str, expected: Address) -> None:
    assert parse_address(text) == expected
    assert format_address(expected) == text


@pytest.mark.parametrize("bad", [
    "", "aws_instance", "aws_x.y[", 'aws_x.y["open', "aws_x.y[1", "aws_x..y",
    "[0].aws_x.y", "aws_x.y[0][1]", "module.a", "aws_x.y.z", 'aws_x.y["\\q"]', "aws_x.y[-1]",
])
def test_parse_address_rejects(bad: str) -> None:
    with pytest.raises(AddressError):
        parse_address(bad)


def test_helpers() -> None:
    addr = 'module.a["x.y"].module.b[2].aws_x.y["k"]'
    assert config_address(addr) == "module.a.module.b.aws_x.y"
    assert module_parts('module.a["x.y"].module.b[2]') == ('module.a["x.y"]', "module.b[2]")
    assert strip_keys('module.a["x.y"].module.b[2]') == "module.a.module.b"
    assert parse_module_address("") == ()
    assert parse_address(addr).module_parts == ('module.a["x.y"]', "module.b[2]")


_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda s: s not in ("module", "data"))
_keys = st.one_of(st.none(), st.integers(min_value=0, max_value=10**12), st.text(max_size=20))
_modules = st.lists(st.builds(ModuleStep, _names, _keys), max_size=4)


@given(_modules, st.sampled_from(["managed", "data"]), _names, _names, _keys)
def test_round_trip(mods: list[ModuleStep], mode: str, type_: str, name: str,
                    key: int | str | None) -> None:
    addr = Address(tuple(mods), mode, type_, name, key)
    text = format_address(addr)
    assert parse_address(text) == addr
    assert parse_module_address(addr.module_address) == addr.module
    assert config_address(text) == addr.config_address
