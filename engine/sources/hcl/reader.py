"""Read a tree of module directories and turn every resource instance into a
ResourceChange (action "create")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from engine.model import AttrPath, ResourceChange, SourceLocation
from engine.redact import tainted_paths
from engine.settings import DEFAULT_LIMITS, Limits
from engine.sources.hcl.blocks import effective_tags, strip_unknown
from engine.sources.hcl.cache import parse_files
from engine.sources.hcl.config import (
    ModuleConfig, ResourceDecl, build_config, declaration_refs, resolve_refs, traversal_root,
)
from engine.sources.hcl.modules import ModuleInstance, is_local_source
from engine.sources.hcl.providers import ProviderConfig
from engine.sources.hcl.values import Budget
from engine.clouds import canonical_provider
from engine.sources.terraform_attrs import attribute_region, provider_region

if TYPE_CHECKING:  # pragma: no cover
    from engine.clouds import Cloud


def _shown(path: Path, base_shown: str, base: Path) -> str:
    text = str(path)
    if os.path.dirname(text) == str(base):  # a file of the directory: no relpath needed
        rel = os.path.basename(text)
    else:
        rel = os.path.relpath(path, base)
    return os.path.normpath(os.path.join(base_shown, rel)) if base_shown else rel


class Context:
    """State shared by every module instance of one read."""

    def __init__(self, root_dir: Path, root_shown: str, default_region: str | None,
                 attributes: frozenset[str] | None = None,
                 files: frozenset[str] | None = None, limits: Limits = DEFAULT_LIMITS,
                 workers: int = 0, cache_dir: Path | None = None,
                 clouds: "tuple[Cloud, ...] | None" = None) -> None:
        self.root_dir, self.root_shown = root_dir, root_shown
        self.budget = Budget(limits)  # limits and work spent, shared by every evaluator
        self.workers, self.cache_dir = workers, cache_dir  # Settings.parallel, .cache_dir
        self.default_region = default_region
        self.clouds = clouds  # the bundles whose conventions apply (None: built-in)
        self.attributes = attributes  # top-level resource attributes to read (None: all)
        self.files = files  # read only resources declared or overridden there (None: all)
        self.warnings: list[str] = []
        self._seen: set[str] = set()
        self.configs: dict[Path, ModuleConfig] = {}
        self.stats: dict[str, int] = {"hits": 0, "parsed": 0}
        self.tainted: set[str] = set()  # text of values marked sensitive

    def taint(self, value: Any) -> None:
        from engine.redact import leaves

        self.tainted.update(leaves(value))

    def warn(self, message: str) -> None:
        self.warn_once(message)  # a value evaluated twice must not warn twice

    def warn_once(self, message: str) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.warnings.append(message)

    def shown(self, path: Path) -> str:
        return _shown(path, self.root_shown, self.root_dir)

    def load(self, dirs: list[Path]) -> None:
        """Parse the .tf files of several directories in one batch."""
        todo = [d for d in dict.fromkeys(dirs) if d not in self.configs]
        files: list[tuple[Path, str]] = []
        per_dir: dict[Path, list[int]] = {}
        for d in todo:
            for f in sorted(d.glob("*.tf")):
                if f.is_file():
                    per_dir.setdefault(d, []).append(len(files))
                    files.append((f, self.shown(f)))
            if any(d.glob("*.tf.json")):
                self.warn_once(f"{self.shown(d)}: *.tf.json files are not read (JSON syntax)")
        stats: dict[str, Any] = {}
        bodies = parse_files(files, workers=self.workers, cache_dir=self.cache_dir, stats=stats,
                             max_bytes=self.budget.limits.input_bytes)
        self.stats["hits"] += stats.get("hits", 0)
        self.stats["parsed"] += stats.get("parsed", 0)
        for d in todo:
            idx = per_dir.get(d, [])
            self.configs[d] = build_config(d, self.shown(d), [(files[i][1], bodies[i])
                                                               for i in idx])

    def preload(self, root: Path) -> None:
        """Parse all statically reachable local modules level by level (batched)."""
        level, seen = [root], set()
        while level:
            self.load(level)
            seen.update(level)
            nxt = []
            for d in level:
                for decl in self.configs[d].modules.values():
                    src = decl.body["attrs"].get("source", [["L", None]])[0]
                    if src[0] == "L" and isinstance(src[1], str) and is_local_source(src[1]):
                        target = Path(os.path.normpath(d / src[1]))
                        if target.is_dir() and target not in seen:
                            nxt.append(target)
            level = list(dict.fromkeys(nxt))

    def module_config(self, parent: ModuleConfig, source: str, where: str) -> ModuleConfig | None:
        target = Path(os.path.normpath(parent.directory / source))
        if not target.is_dir():
            self.warn_once(f"{where} (source {source}) not read: directory "
                           f"{self.shown(target)} not found")
            return None
        if target not in self.configs:
            self.load([target])
        return self.configs[target]


def resource_changes(inst: ModuleInstance) -> Iterator[ResourceChange]:
    files = inst.ctx.files
    for decl in inst.cfg.resources:
        if decl.mode == "managed" and (files is None or decl.file in files
                                       or not files.isdisjoint(decl.overridden_in)):
            yield from _expand(inst, decl)
    for call in inst.children().values():
        for key in sorted(call.instances, key=_sort_key):
            yield from resource_changes(call.instances[key])


def _sort_key(key: Any) -> tuple[int, Any]:
    return (0, key) if isinstance(key, int) else (1, str(key))


def _expand(inst: ModuleInstance, decl: ResourceDecl) -> Iterator[ResourceChange]:
    res = inst.resource_instances(decl, inst.ctx.attributes)
    provider, pconf = _provider(inst, decl)
    clouds = inst.ctx.clouds
    short = canonical_provider(provider, clouds)
    region_p, defaults = pconf.facts(clouds) if pconf else (None, None)
    refs = _dependencies(inst, decl)
    for key, address, raw in res.items:
        paths: set[AttrPath] = set() if res.known else {(str(res.repetition),)}
        after = strip_unknown(raw, (), paths)
        tags, unknown_tags = effective_tags(short, raw, defaults, clouds=clouds)
        region = attribute_region(short, after, clouds) \
            or provider_region(short, region_p, clouds) \
            or inst.ctx.default_region
        yield ResourceChange(
            address=address, type=decl.type, name=decl.name, provider=short, action="create",
            before=None, after=after, mode="managed", index=key, module_path=inst.path,
            region=region, actions=("create",), unknown_paths=frozenset(paths),
            tags_after=tags, unknown_tag_keys=frozenset(unknown_tags),
            sensitive_paths=tainted_paths(after, inst.ctx.tainted),
            depends_on=refs, source=SourceLocation(decl.file, decl.line,
                                                 overridden_in=decl.overridden_in),
            provider_config_key=pconf.key if pconf else provider)


def _provider(inst: ModuleInstance, decl: ResourceDecl) -> tuple[str, ProviderConfig | None]:
    node = decl.body["attrs"].get("provider")
    key = None
    if node is not None:
        found = traversal_root(node[0])
        if found:
            key = ".".join([found[0]] + found[1][:1])
    if key is None:
        key = decl.type.split("_", 1)[0]
    return key.split(".", 1)[0], inst.providers.get(key)


def _dependencies(inst: ModuleInstance, decl: ResourceDecl) -> tuple[str, ...]:
    refs, used = declaration_refs(decl.body)
    found = resolve_refs(inst.cfg, refs, used) - {decl.key}
    return tuple(sorted(inst.address(k) for k in found))
