"""Waivers: governed, expiring exceptions to soft-mandatory policies.

A waiver names a policy, the resources (address globs) or aggregate groups it
covers, a reason, an owner and an expiry date; a policy may require more
(``waivers: {require: [approver]}``). A malformed waiver is an input error.

One rule for a waiver that is well formed but covers nothing, in every command
(`policy validate`, `check`, the hooks): it is a warning naming file, line and
waiver, never an input error (exit 2) — a date passing does not make a valid file
bad configuration — and never silent. That is a waiver past its expiry date (the
failure it would have covered fails, and says so), a waiver of a policy that is
hard-mandatory in every environment (no waiver covers those), and a waiver naming
a resource that is not in the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InputError
from .operators import Globs
from .spec import PolicyErrors, PolicySet
from ..settings import DEFAULT_SETTINGS, Settings
from ..yamlload import YamlDoc, json_path, load_config

_TEXT = {"type": "string", "minLength": 1}
WAIVER_SCHEMA = {
    "type": "object", "title": "waivers file", "additionalProperties": False,
    "required": ["waivers"],
    "properties": {
        "version": {"const": 1},
        "waivers": {"type": "array", "items": {
            "type": "object", "title": "waiver", "additionalProperties": False,
            "required": ["id", "policy", "reason", "owner", "expires"],
            "properties": {
                "id": _TEXT, "policy": _TEXT, "reason": _TEXT, "owner": _TEXT,
                "approver": _TEXT, "ticket": _TEXT,
                "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "resources": {"type": "array", "items": _TEXT, "minItems": 1},
                "groups": {"type": "array", "items": _TEXT, "minItems": 1},
            }}},
    },
}


@dataclass(frozen=True)
class Waiver:
    id: str
    policy: str
    reason: str
    owner: str
    expires: dt.date
    resources: Globs | None
    groups: Globs | None
    approver: str | None = None
    ticket: str | None = None
    file: str = ""
    line: int | None = None

    def covers(self, policy_id: str, address: str | None, group: str | None) -> bool:
        if policy_id != self.policy:
            return False
        if address is not None:
            return self.resources is not None and self.resources.match(address)
        return self.groups is not None and self.groups.match(group or "")

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def summary(self) -> dict[str, str]:
        out = {"id": self.id, "reason": self.reason, "owner": self.owner,
               "expires": self.expires.isoformat()}
        if self.approver:
            out["approver"] = self.approver
        if self.ticket:
            out["ticket"] = self.ticket
        return out


@dataclass(frozen=True)
class WaiverSet:
    waivers: tuple[Waiver, ...] = ()

    def find(self, policy_id: str, address: str | None, group: str | None) -> list[Waiver]:
        return [w for w in self.waivers if w.covers(policy_id, address, group)]


def load_waivers(path: str | Path, policies: PolicySet | None = None,
                 today: dt.date | None = None, *,
                 settings: Settings = DEFAULT_SETTINGS) -> WaiverSet:
    """Read a waivers file; malformed entries raise (expired ones are warnings:
    see `waiver_warnings`)."""
    from ..yamlschema import schema_errors

    doc = load_config(path, None, settings)
    errors = schema_errors(doc, WAIVER_SCHEMA)
    out: list[Waiver] = []
    seen: dict[str, int | None] = {}
    items = doc.data.get("waivers") if isinstance(doc.data, Mapping) else None
    for i, raw in enumerate(items if isinstance(items, list) else []):
        where = ("waivers", i)
        if not isinstance(raw, Mapping) or any(
                e.where and e.where.startswith(json_path(where)) for e in errors):
            continue
        try:
            out.append(_waiver(doc, i, raw, policies, seen))
        except _Bad as bad:
            errors.append(InputError(doc.file, bad.message, line=doc.line(where + bad.path),
                                     where=f"waiver {raw.get('id')} {json_path(where + bad.path)}"))
    if errors:
        raise PolicyErrors(errors)
    return WaiverSet(tuple(out))


class _Bad(Exception):
    def __init__(self, path: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def _waiver(doc: YamlDoc, i: int, raw: Mapping[str, Any], policies: PolicySet | None,
            seen: dict[str, int | None]) -> Waiver:
    wid = raw["id"]
    if wid in seen:
        raise _Bad(("id",), f"duplicate waiver id (first at line {seen[wid]})")
    seen[wid] = doc.line(("waivers", i))
    try:
        expires = dt.date.fromisoformat(raw["expires"])
    except ValueError:
        raise _Bad(("expires",), f"invalid date {raw['expires']!r} (use YYYY-MM-DD)") from None
    if "resources" not in raw and "groups" not in raw:
        raise _Bad((), "a waiver needs 'resources' (address globs) or 'groups' "
                       "(aggregate group globs)")
    if policies is not None:
        policy = policies.get(raw["policy"])
        if policy is None:
            raise _Bad(("policy",), f"unknown policy id {raw['policy']!r}")
        for needed in policy.waiver_requires:
            if not raw.get(needed):
                raise _Bad((), f"policy {policy.id} requires waivers to name an {needed}")
    return Waiver(id=wid, policy=raw["policy"], reason=raw["reason"], owner=raw["owner"],
                  expires=expires, approver=raw.get("approver"), ticket=raw.get("ticket"),
                  resources=Globs.of(raw["resources"]) if "resources" in raw else None,
                  groups=Globs.of(raw["groups"]) if "groups" in raw else None,
                  file=doc.file, line=doc.line(("waivers", i)))


def waiver_warnings(waivers: WaiverSet, policies: PolicySet | None, today: dt.date,
                    addresses: Iterable[str] | None = None) -> list[str]:
    """Waivers that cover nothing, one sentence each: expired, of a policy no waiver
    can cover, or (when `addresses` is given) naming resources not in the change."""
    known = set(addresses) if addresses is not None else None
    out: list[str] = []
    for w in waivers.waivers:
        where = f"waiver {w.id} ({w.file}:{w.line}) for {w.policy}"
        if w.expired(today):
            out.append(f"{where} expired on {w.expires.isoformat()}; it covers nothing")
        policy = policies.get(w.policy) if policies is not None else None
        if policy is not None and policy.level == "hard-mandatory" and \
                all(level == "hard-mandatory" for _, level in policy.levels):
            out.append(f"{where} names a hard-mandatory policy, which no waiver can cover")
        if known is not None and w.resources is not None:
            absent = [p for p in w.resources.patterns
                      if not any(Globs.of([p]).match(a) for a in known)]
            if absent:
                out.append(f"{where} names {', '.join(absent)}, which "
                           f"{'is' if len(absent) == 1 else 'are'} not in this change")
    return out
