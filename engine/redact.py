"""Sensitive values never leave the process: the output boundary's scrubber.

Sources record which attribute paths are sensitive (`ResourceChange.sensitive_paths`,
from a plan's `before_sensitive`/`after_sensitive`, or HCL `sensitive = true`
variables and `sensitive()`). `Redactor.of(changeset)` collects the values at those
paths once per change set; `scrub(text)` replaces every occurrence of each value,
and of its JSON-, HTML-, Markdown- and Mermaid-escaped forms, by `(sensitive)`.

Commands call `safe(text)` on every rendered output just before writing or posting
it; `register(changeset)` is called once where the pipeline reads its input. The
registry is per process (a command run), which is the scope of an output.

Short values ("1", "true") are not scrubbed textually (that would destroy
unrelated output); matches are on token boundaries only.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from .model import AttrPath, ChangeSet, ResourceChange

SENSITIVE = "(sensitive)"
MIN_SCRUB_LENGTH = 4  # shorter values: rely on the model, not on text search
_MAX_VALUES = 100_000

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~"
_MERMAID = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("[", "#91;"),
            ("]", "#93;"), ("`", "#96;"), ("{", "#123;"), ("}", "#125;"), ("|", "#124;"))


def leaves(value: Any, depth: int = 0) -> Iterator[str]:
    """Every scalar under `value`, as the text it would print as."""
    if depth > 64:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from leaves(v, depth + 1)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, float) and value.is_integer():
        yield str(int(value))
    else:
        yield str(value)


def _at(doc: Any, path: AttrPath) -> Any:
    for step in path:
        if isinstance(doc, dict) and isinstance(step, str):
            doc = doc.get(step)
        elif isinstance(doc, list) and isinstance(step, int) and 0 <= step < len(doc):
            doc = doc[step]
        else:
            return None
    return doc


def sensitive_values(change: ResourceChange) -> set[str]:
    """The text of every value at a sensitive path, on either side."""
    out: set[str] = set()
    for path in change.sensitive_paths:
        for side in (change.before, change.after):
            if side is not None:
                out.update(leaves(_at(side, path)))
    return out


def shown_tags(change: ResourceChange, tags: Mapping[str, str]) -> Mapping[str, str]:
    """`tags` as they may be shown: a value that is sensitive becomes `(sensitive)`,
    exactly (short values too), so group keys and labels never carry it."""
    hidden = sensitive_values(change)
    return {k: SENSITIVE if v in hidden else v for k, v in tags.items()}


def tainted_paths(doc: Any, tainted: set[str]) -> frozenset[AttrPath]:
    """Paths of `doc` whose value is, or has within it, a tainted value's text."""
    if not tainted or not isinstance(doc, dict):
        return frozenset()
    long = [t for t in tainted if len(t) >= MIN_SCRUB_LENGTH]
    out: set[AttrPath] = set()
    stack: list[tuple[Any, AttrPath]] = [(doc, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > 64:
            continue
        if isinstance(node, dict):
            stack.extend((v, path + (k,)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(node))
        elif node is not None and not isinstance(node, bool) and path:
            text = next(leaves(node), "")
            if text in tainted or any(t in text for t in long):
                out.add(path)
    return frozenset(out)


def _forms(value: str) -> set[str]:
    forms = {value, json.dumps(value, ensure_ascii=False)[1:-1],
             json.dumps(value)[1:-1], html.escape(value), html.escape(value, quote=False),
             "".join("\\" + c if c in _MD_SPECIAL else c for c in value),
             " ".join(value.split())}
    m = " ".join(value.split())
    for raw, code in _MERMAID:
        m = m.replace(raw, code)
    forms.add(m)
    forms.add(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return {f for f in forms if f}


class Redactor:
    """Replaces known sensitive strings (and their escaped forms) by `(sensitive)`."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(values)

    @classmethod
    def of(cls, changeset: ChangeSet) -> "Redactor":
        values: set[str] = set()
        for change in changeset.changes:
            if change.sensitive_paths:
                values |= sensitive_values(change)
        return cls(values)

    def add(self, values: Iterable[str]) -> None:
        for v in values:
            if len(v) >= MIN_SCRUB_LENGTH and v != SENSITIVE and len(self._values) < _MAX_VALUES:
                for f in _forms(v):
                    if len(f) >= MIN_SCRUB_LENGTH:
                        self._values.add(f)
        self._pattern = None

    def __bool__(self) -> bool:
        return bool(self._values)

    def hides(self, text: str) -> bool:
        """True when `text` (a label, tag value, group key) is a sensitive value."""
        return text in self._values

    def label(self, text: str) -> str:
        """`text`, or `(sensitive)` when it is or contains a sensitive value."""
        return SENSITIVE if text in self._values else self.scrub(text)

    def scrub(self, text: str) -> str:
        if not self._values or not text:
            return text
        if self._pattern is None:
            alts = "|".join(re.escape(v) for v in sorted(self._values, key=len, reverse=True))
            # token boundaries: not inside a longer word of letters/digits
            self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alts})(?![A-Za-z0-9])")
        return self._pattern.sub(SENSITIVE, text)


_REGISTRY = Redactor()


def register(changeset: ChangeSet) -> ChangeSet:
    """Remember the change set's sensitive values for `safe()`; returns it unchanged."""
    for change in changeset.changes:
        if change.sensitive_paths:
            _REGISTRY.add(sensitive_values(change))
    return changeset


def register_values(values: Iterable[str]) -> None:
    _REGISTRY.add(values)


def safe(text: str) -> str:
    """The last line of defence: `text` with every known sensitive value scrubbed."""
    return _REGISTRY.scrub(text)


def reset() -> None:
    """Forget registered values (tests run many commands in one process)."""
    global _REGISTRY
    _REGISTRY = Redactor()
