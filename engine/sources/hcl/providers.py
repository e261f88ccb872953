"""Provider blocks as the resources of one module instance see them: region and
default tags or labels, evaluated once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from engine.clouds import canonical_provider, region_convention, tag_convention
from engine.sources.hcl.config import ProviderDecl, traversal_root
from engine.sources.hcl.syntax import Expr

if TYPE_CHECKING:
    from engine.clouds import Cloud
    from engine.sources.hcl.modules import ModuleInstance


class ProviderConfig:
    """A provider block as seen by the resources of one module instance."""

    def __init__(self, name: str, key: str, decl: ProviderDecl | None,
                 owner: "ModuleInstance | None") -> None:
        self.name, self.key, self.decl, self.owner = name, key, decl, owner
        self._facts: tuple[Any, Any] | None = None

    def facts(self, clouds: "Iterable[Cloud] | None" = None) -> tuple[Any, Any]:
        """(region, default tags/labels); either may be None or UNKNOWN.

        The region is the first of the bundle's provider region fields set (its value
        as written); the defaults come from where the bundle's tag convention says."""
        if self._facts is None:
            region = defaults = None
            if self.decl is not None and self.owner is not None:
                provider = canonical_provider(self.name, clouds)
                attrs, file = self.decl.body["attrs"], self.decl.file
                for name in region_convention(provider, clouds).provider_fields:
                    if name in attrs:
                        region = self.owner.safe_eval(attrs[name], file)
                        if region is not None:
                            break
                defaults = self._defaults(tag_convention(provider, clouds).defaults)
            self._facts = (region, defaults)
        return self._facts

    def _defaults(self, source: tuple[str, ...]) -> Any:
        assert self.decl is not None and self.owner is not None
        body, file = self.decl.body, self.decl.file
        if len(source) == 1:
            return self.owner.safe_eval(body["attrs"].get(source[0]), file)
        defaults = None
        if len(source) == 2:
            for btype, _, inner, _ in body["blocks"]:
                if btype == source[0]:
                    defaults = self.owner.safe_eval(inner["attrs"].get(source[1]), file)
        return defaults


def provider_ref(node: Expr) -> str | None:
    if node[0] == "L" and isinstance(node[1], str):
        return node[1]
    found = traversal_root(node)
    if found is None:
        return None
    root, names = found
    return f"{root}.{names[0]}" if names else root
