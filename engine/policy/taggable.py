"""Which resource types take tags, read from `policies/data/taggable.yaml` (data, not code)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from ..settings import DEFAULT_SETTINGS, Settings

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "policies" / "data" / "taggable.yaml"


_NOTHING = re.compile(r"(?!)")


def _any_of(globs: tuple[str, ...]) -> "re.Pattern[str]":
    """One pattern matching what any of `globs` matches (fnmatchcase semantics)."""
    if not globs:
        return _NOTHING
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs))


@dataclass(frozen=True)
class Taggable:
    """`yes` globs and `no` globs per provider; `!glob` in `no` re-admits a type.

    Immutable once built (its glob lists are compiled into one pattern each), so
    one instance is safely shared by threads and sessions, and it pickles."""

    rules: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
    _compiled: Mapping[str, tuple["re.Pattern[str]", ...]] = field(
        init=False, compare=False, repr=False)
    # (type, provider) -> answer: asked for every resource by several policies
    _answers: dict[tuple[str, str | None], bool] = field(
        init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", {
            prov: tuple(_any_of(g) for g in rule) for prov, rule in self.rules.items()})
        object.__setattr__(self, "_answers", {})

    def __call__(self, resource_type: str, provider: str | None = None) -> bool:
        key = (resource_type, provider)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._decide(resource_type, provider)
        return answer

    def _decide(self, resource_type: str, provider: str | None) -> bool:
        prov = provider if provider in self._compiled else resource_type.split("_", 1)[0]
        rule = self._compiled.get(prov)
        if rule is None:
            return False
        yes, no, again = rule
        if not yes.match(resource_type):
            return False
        if again.match(resource_type):
            return True
        return not no.match(resource_type)


@lru_cache(maxsize=4)
def load_taggable(path: str | None = None, settings: Settings = DEFAULT_SETTINGS) -> Taggable:
    from ..yamlload import load_config
    from ..errors import InputError

    doc = load_config(path or DEFAULT_FILE, None, settings)
    rules = {}
    if not isinstance(doc.data, dict):
        raise InputError(doc.file, "taggable list must be a mapping of provider -> globs", line=1)
    for provider, spec in doc.data.items():
        if not isinstance(spec, dict):
            raise InputError(doc.file, f"{provider}: expected taggable/not_taggable lists",
                             line=doc.line((provider,)))
        no = [str(g) for g in spec.get("not_taggable") or []]
        rules[str(provider)] = (tuple(str(g) for g in spec.get("taggable") or []),
                                tuple(g for g in no if not g.startswith("!")),
                                tuple(g[1:] for g in no if g.startswith("!")))
    return Taggable(rules)
