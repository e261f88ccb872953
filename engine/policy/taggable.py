"""Which resource types take tags, read from `policies/data/taggable.yaml` (data, not code)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "policies" / "data" / "taggable.yaml"


@dataclass(frozen=True)
class Taggable:
    """`yes` globs and `no` globs per provider; `!glob` in `no` re-admits a type."""

    rules: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
    _cache: dict[str, bool] = field(default_factory=dict, compare=False)

    def __call__(self, resource_type: str, provider: str | None = None) -> bool:
        hit = self._cache.get(resource_type)
        if hit is None:
            hit = self._decide(resource_type, provider)
            self._cache[resource_type] = hit
        return hit

    def _decide(self, resource_type: str, provider: str | None) -> bool:
        prov = provider if provider in self.rules else resource_type.split("_", 1)[0]
        rule = self.rules.get(prov)
        if rule is None:
            return False
        yes, no, again = rule
        if not any(fnmatch.fnmatchcase(resource_type, g) for g in yes):
            return False
        if any(fnmatch.fnmatchcase(resource_type, g) for g in again):
            return True
        return not any(fnmatch.fnmatchcase(resource_type, g) for g in no)


@lru_cache(maxsize=4)
def load_taggable(path: str | None = None) -> Taggable:
    from ..yamlload import load_yaml
    from ..errors import InputError

    doc = load_yaml(path or DEFAULT_FILE)
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
