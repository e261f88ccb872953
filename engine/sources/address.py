"""Terraform addresses: a tokenizer, a parser and a formatter.

Instance keys are HCL-quoted strings that may hold `.`, `/`, `[`, `]` and escaped
quotes (`module.a["k.x/y"].aws_x.y["key[1]"]`), so addresses are never split on dots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

Key = int | str


class AddressError(ValueError):
    """An address or reference that does not follow Terraform's syntax."""


@dataclass(frozen=True, slots=True)
class Attr:
    """A `.name` step of a traversal."""

    name: str


@dataclass(frozen=True, slots=True)
class Index:
    """A `[key]` step of a traversal: int for count, str for for_each."""

    key: Key


Step = Attr | Index

_NAME_STOP = frozenset('.[]"') | frozenset(" \t\r\n")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _read_string(s: str, i: int) -> tuple[str, int]:
    """Read an HCL-quoted string starting at s[i] == '"'; return (value, index after it)."""
    out: list[str] = []
    i += 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\":
            if i + 1 >= n:
                break
            e = s[i + 1]
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
                i += 2
                continue
            width = 4 if e == "u" else 8 if e == "U" else 0
            digits = s[i + 2:i + 2 + width]
            if not width or len(digits) != width or not all(
                    ch in "0123456789abcdefABCDEF" for ch in digits):
                raise AddressError(f"bad escape sequence at offset {i} in {s!r}")
            out.append(chr(int(digits, 16)))
            i += 2 + width
            continue
        if c in "$%" and s.startswith(c * 2 + "{", i):  # $${ -> ${ and %%{ -> %{
            out.append(c + "{")
            i += 3
            continue
        out.append(c)
        i += 1
    raise AddressError(f"unterminated string in {s!r}")


def tokenize(s: str) -> Iterator[Step]:
    """Split a traversal (address or reference) into Attr and Index steps."""
    i, n = 0, len(s)
    first = True
    while i < n:
        c = s[i]
        if c == "[":
            if first:
                raise AddressError(f"{s!r} starts with an index")
            i += 1
            if i < n and s[i] == '"':
                key, i = _read_string(s, i)
                yield Index(key)
            else:
                j = i
                while j < n and s[j].isdigit():
                    j += 1
                if j == i:
                    raise AddressError(f"bad index at offset {i} in {s!r}")
                yield Index(int(s[i:j]))
                i = j
            if i >= n or s[i] != "]":
                raise AddressError(f"missing ']' at offset {i} in {s!r}")
            i += 1
        else:
            if not first:
                if c != ".":
                    raise AddressError(f"unexpected {c!r} at offset {i} in {s!r}")
                i += 1
            j = i
            while j < n and s[j] not in _NAME_STOP:
                j += 1
            if j == i:
                raise AddressError(f"empty name at offset {i} in {s!r}")
            yield Attr(s[i:j])
            i = j
        first = False
    if first:
        raise AddressError("empty address")


def format_key(key: Key) -> str:
    """`[0]` or `["k"]` with HCL quoting, as Terraform prints instance keys."""
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise AddressError(f"instance key must be int or str, not {type(key).__name__}")
    if isinstance(key, int):
        return f"[{key}]"
    out = ['["']
    for ch in key:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            cp = ord(ch)
            out.append(f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}")
        else:
            out.append(ch)
    text = "".join(out)
    # HCL template sequences are doubled so that the key reads back literally.
    text = text.replace("${", "$${").replace("%{", "%%{")
    return text + '"]'


@dataclass(frozen=True, slots=True)
class ModuleStep:
    name: str
    key: Key | None = None

    def __str__(self) -> str:
        return f"module.{self.name}" + ("" if self.key is None else format_key(self.key))


@dataclass(frozen=True, slots=True)
class Address:
    """A resource instance address split into its parts."""

    module: tuple[ModuleStep, ...]
    mode: str  # "managed" | "data"
    type: str
    name: str
    key: Key | None = None

    def __str__(self) -> str:
        return format_address(self)

    @property
    def module_address(self) -> str:
        return ".".join(str(m) for m in self.module)

    @property
    def module_parts(self) -> tuple[str, ...]:
        return tuple(str(m) for m in self.module)

    @property
    def resource_key(self) -> str:
        """`type.name` or `data.type.name`: the config address inside its module."""
        return ("data." if self.mode == "data" else "") + f"{self.type}.{self.name}"

    @property
    def config_address(self) -> str:
        """The address with every instance key removed."""
        mods = "".join(f"module.{m.name}." for m in self.module)
        return mods + self.resource_key


def format_address(addr: Address) -> str:
    parts = [str(m) for m in addr.module]
    parts.append(addr.resource_key + ("" if addr.key is None else format_key(addr.key)))
    return ".".join(parts)


def _parse_modules(steps: list[Step], pos: int, text: str) -> tuple[list[ModuleStep], int]:
    mods: list[ModuleStep] = []
    n = len(steps)
    while pos < n and steps[pos] == Attr("module"):
        if pos + 1 >= n or not isinstance(steps[pos + 1], Attr):
            raise AddressError(f"'module' without a name in {text!r}")
        name = steps[pos + 1].name  # type: ignore[union-attr]
        pos += 2
        key: Key | None = None
        if pos < n and isinstance(steps[pos], Index):
            key = steps[pos].key  # type: ignore[union-attr]
            pos += 1
        mods.append(ModuleStep(name, key))
    return mods, pos


def parse_module_address(text: str) -> tuple[ModuleStep, ...]:
    """`module.a["k"].module.b[0]` -> (ModuleStep("a","k"), ModuleStep("b",0)); "" -> ()."""
    if not text:
        return ()
    steps = list(tokenize(text))
    mods, pos = _parse_modules(steps, 0, text)
    if pos != len(steps):
        raise AddressError(f"not a module address: {text!r}")
    return tuple(mods)


def parse_address(text: str) -> Address:
    """Parse a resource instance address (managed or data, any module depth)."""
    steps = list(tokenize(text))
    mods, pos = _parse_modules(steps, 0, text)
    mode = "managed"
    rest = steps[pos:]
    if len(rest) >= 3 and rest[0] == Attr("data") and isinstance(rest[1], Attr) \
            and isinstance(rest[2], Attr):
        mode, rest = "data", rest[1:]
    if len(rest) < 2 or not isinstance(rest[0], Attr) or not isinstance(rest[1], Attr):
        raise AddressError(f"not a resource address: {text!r}")
    key: Key | None = None
    if len(rest) == 3 and isinstance(rest[2], Index):
        key = rest[2].key
    elif len(rest) != 2:
        raise AddressError(f"not a resource address: {text!r}")
    return Address(tuple(mods), mode, rest[0].name, rest[1].name, key)


def module_parts(module_address: str) -> tuple[str, ...]:
    """`module.a["x"].module.b` -> ('module.a["x"]', "module.b")."""
    return tuple(str(m) for m in parse_module_address(module_address))


def strip_keys(module_address: str) -> str:
    """The configuration address of a module instance: every key removed."""
    return ".".join(f"module.{m.name}" for m in parse_module_address(module_address))


def config_address(address: str) -> str:
    """The configuration address of a resource instance: `module.a.aws_x.y`."""
    return parse_address(address).config_address
