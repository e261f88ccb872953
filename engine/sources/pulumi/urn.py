"""Pulumi URNs and the addresses costwarden shows for them.

A URN is `urn:pulumi:<stack>::<project>::<type chain>::<name>`; the type chain is
the parent types joined by `$`, ending with the resource's own type; the name may
itself contain `::`.

The address of a resource is `<type>.<name>` (its canonical type, `aws_instance.web`),
prefixed by the address of its parent when the parent is not the stack
(`aws_s3_bucket.docs.aws_s3_bucket_notification.docsHandler`; a component's own
segment keeps its type token: `my:component:WebService.svc.aws_instance.web`). A name
that is not a Terraform identifier is quoted: `aws_s3_bucket["logs.example.com"]`.
When two resources would get one address (two packages mapping to one type), each of
them keeps its type token instead of the canonical type. Stack and project are the
same for every resource of one input and are not part of the address. The address
depends only on the resource's URN, its parent chain and the type table.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Urn(NamedTuple):
    stack: str
    project: str
    types: tuple[str, ...]  # the parent type chain, own type last
    name: str

    @property
    def type(self) -> str:
        return self.types[-1]


def parse_urn(text: object) -> Urn | None:
    """The parts of a URN, or None when `text` is not one."""
    if not isinstance(text, str) or not text.startswith("urn:pulumi:"):
        return None
    parts = text[len("urn:pulumi:"):].split("::", 3)
    if len(parts) != 4 or not all(parts[:3]) or not parts[3]:
        return None
    stack, project, chain, name = parts
    types = tuple(chain.split("$"))
    if not all(types):
        return None
    return Urn(stack, project, types, name)


def provider_urn(reference: object) -> str | None:
    """`<provider urn>::<provider id>` (a resource's `provider`) -> the provider's URN."""
    if not isinstance(reference, str) or not reference:
        return None
    urn, sep, _ = reference.rpartition("::")
    return urn if sep and parse_urn(urn) is not None else None


def leaf(type_label: str, name: str) -> str:
    """`aws_instance.web`; a name that is not an identifier is quoted."""
    if _NAME.match(name):
        return f"{type_label}.{name}"
    return f"{type_label}[{json.dumps(name, ensure_ascii=False)}]"
