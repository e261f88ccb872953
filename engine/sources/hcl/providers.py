"""Provider blocks as the resources of one module instance see them: region and
default tags or labels, evaluated once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.sources.hcl.config import ProviderDecl, traversal_root
from engine.sources.hcl.syntax import Expr

if TYPE_CHECKING:
    from engine.sources.hcl.modules import ModuleInstance


class ProviderConfig:
    """A provider block as seen by the resources of one module instance."""

    def __init__(self, name: str, key: str, decl: ProviderDecl | None,
                 owner: "ModuleInstance | None") -> None:
        self.name, self.key, self.decl, self.owner = name, key, decl, owner
        self._facts: tuple[Any, Any] | None = None

    def facts(self) -> tuple[Any, Any]:
        """(region, default tags/labels); either may be None or UNKNOWN."""
        if self._facts is None:
            region = defaults = None
            if self.decl is not None and self.owner is not None:
                body = self.decl.body
                region = self.owner.safe_eval(body["attrs"].get("region"), self.decl.file)
                if region is None and "zone" in body["attrs"]:
                    region = self.owner.safe_eval(body["attrs"]["zone"], self.decl.file)
                defaults = self.owner.safe_eval(body["attrs"].get("default_labels"),
                                                self.decl.file)
                for btype, _, inner, _ in body["blocks"]:
                    if btype == "default_tags":
                        defaults = self.owner.safe_eval(inner["attrs"].get("tags"),
                                                        self.decl.file)
            self._facts = (region, defaults)
        return self._facts


def provider_ref(node: Expr) -> str | None:
    if node[0] == "L" and isinstance(node[1], str):
        return node[1]
    found = traversal_root(node)
    if found is None:
        return None
    root, names = found
    return f"{root}.{names[0]}" if names else root
