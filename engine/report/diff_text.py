"""The text of `costwarden diff`: the terminal table and the pull-request comment, both
rendered from the diff document (the JSON contract of engine/commands/diff.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from ..model import Interval


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _range(d: Mapping[str, Any], key: str) -> Interval:
    return Interval(_dec(d[f"{key}_low"]), _dec(d[f"{key}_high"]))


def _cells(r: Mapping[str, Any]) -> tuple[str, ...]:
    from .table import amount_text, monthly, range_text

    def fig(s: Any, key: str) -> str:
        if s is None:
            return "-"
        return s["status"] if s[key] is None else amount_text(_range(s, key))
    gpus = ", ".join(f"{d:+d} {_label(m)}" for m, d in r["gpus_delta"].items())
    return (r["address"], r["change"], f"{fig(r['old'], 'hourly')} → {fig(r['new'], 'hourly')}",
            range_text(_range(r, "hourly_delta")), range_text(_range(r, "monthly_delta"), monthly),
            gpus)


def _listed(r: Mapping[str, Any], show_unchanged: bool) -> bool:
    """Rows worth a line: changed costs (free resources coming and going are only counted)."""
    if show_unchanged:
        return True
    free = all(s is None or s["status"] == "free" for s in (r["old"], r["new"]))
    return r["change"] != "unchanged" and not free


_HEAD = ("Resource", "Change", "$/h old → new", "Δ $/h", "Δ $/month", "GPUs")


def _summary_lines(doc: Mapping[str, Any]) -> list[str]:
    from .table import amount_text, monthly, range_text

    s = doc["summary"]
    lines = [f"Δ {range_text(_range(s, 'hourly_delta'))} $/h, "
             f"Δ {range_text(_range(s, 'monthly_delta'), monthly)} $/month "
             f"({amount_text(_range(doc['old'], 'hourly'))} → "
             f"{amount_text(_range(doc['new'], 'hourly'))} $/h)",
             f"Resources: {s['added']} added, {s['removed']} removed, {s['changed']} changed, "
             f"{s['unchanged']} unchanged"]
    if s["gpus_delta"]:
        lines.append("GPUs: " + ", ".join(f"{d:+d} × {m}" for m, d in s["gpus_delta"].items()))
    if s["incomplete"]:
        lines.append(f"Δ is not complete: {len(s['incomplete'])} resource(s) have an unknown "
                     "or unpriced side, counted by their bounds")
    return lines


def render_table(doc: Mapping[str, Any], show_unchanged: bool = False) -> str:
    from .table import grid

    rows = [_cells(r) for r in doc["resources"] if _listed(r, show_unchanged)]
    lines = [f"costwarden diff: {doc['old']['path']} → {doc['new']['path']}", ""]
    lines += grid(_HEAD, rows, right=(2, 3, 4)) if rows else ["No resource costs differ."]
    return "\n".join([*lines, "", *_summary_lines(doc)]) + "\n"


def render_markdown(doc: Mapping[str, Any], key: str | None = None,
                    show_unchanged: bool = False) -> str:
    from .markdown import code, esc, marker

    rows = [_cells(r) for r in doc["resources"] if _listed(r, show_unchanged)]
    lines = [marker(key), f"## costwarden diff: {code(doc['old']['path'])} → "
                          f"{code(doc['new']['path'])}", ""]
    lines += [esc(line) + "  " for line in _summary_lines(doc)]
    if rows:
        lines += ["", "| " + " | ".join(_HEAD) + " |", "| --- | --- | ---: | ---: | ---: | --- |"]
        lines += [f"| {code(c[0])} | " + " | ".join(esc(x) for x in c[1:]) + " |" for c in rows]
    else:
        lines += ["", "No resource costs differ."]
    return "\n".join(lines) + "\n"


def _label(model: str) -> str:
    """The short name of an accelerator model ("H100"), from the catalog's hardware facts."""
    from pricing_catalog import load_catalog

    return load_catalog().accelerator_label(model)
