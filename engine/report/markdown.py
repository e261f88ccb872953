"""Markdown pull-request comment (`--format markdown`).

Read top-down in ten seconds: a headline (Δ $/h, Δ $/month, GPUs, blocking
failures), the biggest movers, policy results by level, what could not be
priced; the graph and the full table sit in collapsed <details>. A hidden
marker lets `costwarden comment` find and update the comment in place.

GitHub rejects comments over 65,536 characters, so the body is fitted to a
budget, dropping the least important parts first (full table rows, then the
graph, then list items) and saying what was cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from ..model import Estimate, Finding, ResourceCost
from .sarif import ordered, target
from .summary import STALE_AFTER_DAYS, stale_prices, totals
from .table import (amount_text, before_after, first_reason, gpu_cell, hourly, interval_text,
                    monthly, range_text, signed)

GITHUB_LIMIT = 65_536
MOVERS = 10
GRAPH_NODES = (50, 20)
_ACTION = {"create": "+ create", "delete": "− delete", "update": "~ update",
           "replace": "± replace", "no-op": "no-op", "read": "read"}
_LEVELS = ("hard-mandatory", "soft-mandatory", "advisory")
_STATUS_TITLES = (("unknown", "Unknown: depends on values known only after apply"),
                  ("unpriced", "Unpriced: no price in the catalog"),
                  ("usage-needed", "Depends on usage"),
                  ("unsupported", "Unsupported resource types"))
_NOTICE_RESERVE = 400  # room kept for the truncation notice
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*<|"})
# `_` opens emphasis only at a word boundary, `](` starts a link, `~~` strikes through
_MD_CONTEXT = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|\](?=\()|~(?=~)")


def marker(key: str | None = None) -> str:
    """The hidden HTML comment that identifies our comment (one per key)."""
    return f"<!-- costwarden:comment{':' + _key(key) if key else ''} -->"


def _key(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_./" else "-" for c in key)


def esc(text: str) -> str:
    """Plain text safe in Markdown and in a table cell (one line)."""
    text = " ".join(str(text).split()).translate(_MD_SPECIAL)
    return _MD_CONTEXT.sub(lambda m: "\\" + m.group(0), text)


def code(text: str) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@dataclass(frozen=True, slots=True)
class _Block:
    """A list section: fixed heading lines and items that can be cut."""

    head: tuple[str, ...]
    items: tuple[str, ...]
    tail: tuple[str, ...] = ()


def render(estimate: Estimate, result: Any = None, *, comment_key: str | None = None,
           limit: int = GITHUB_LIMIT, graph: bool = True) -> str:
    """The comment body; `result` is the policy Evaluation (None: estimate only)."""
    t = totals(estimate)
    head = _headline(estimate, t, result, comment_key)
    movers = _movers(estimate)
    blocks = [*(_policy_blocks(result) if result is not None else []), *_status_blocks(estimate)]
    foot = _footer(estimate)
    cut: list[str] = []
    budget = limit - _NOTICE_RESERVE - _size(head) - _size(movers) - _size(foot)
    lists, used = _fit_blocks(blocks, budget, cut)
    # lists are cut only after the full table and the graph are gone
    budget = budget - used if not cut else 0
    graph_lines: list[str] = []
    if graph:
        graph_lines = _graph_section(estimate, budget, cut)
        budget -= _size(graph_lines)
    table = _full_table(estimate, budget, cut)
    notice = []
    if cut:
        notice = ["", f"> [!NOTE]\n> Shortened to fit GitHub's {limit:,}-character comment "
                      f"limit: {'; '.join(cut)}. Run `costwarden check --format json` "
                      "for everything."]
    body = "\n".join([*head, *notice, *movers, *lists, *graph_lines, *table, *foot]) + "\n"
    if len(body) > limit:  # a pathological single item (a huge message): hard cut
        tail = "\n\n… (truncated)\n"
        body = body[:limit - len(tail)] + tail
    return body


def _size(lines: Sequence[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _headline(estimate: Estimate, t: Any, result: Any, key: str | None) -> list[str]:
    d_h, d_m = t.hourly.delta_range, t.monthly.delta_range
    lines = [marker(key), f"## 💰 costwarden: {_money(d_h, hourly)}/h "
                          f"({_money(d_m, monthly)}/month)", ""]
    parts = [f"**Δ {_money(d_h, hourly)}/h** · **Δ {_money(d_m, monthly)}/month**",
             f"{amount_text(t.hourly.before_range)} → {amount_text(t.hourly.after_range)} $/h"]
    if d_h.low is None and d_h.high is None and t.hourly.delta:
        parts.insert(1, f"known part {_dollar(signed(t.hourly.delta))}/h")
    gpus = {m: n for m, n in t.gpus_delta.items() if n}
    if gpus:
        parts.append("GPUs " + ", ".join(f"{n:+d} × {esc(m)}" for m, n in gpus.items()))
    lines.append(" · ".join(parts))
    if t.incomplete:
        lines.append("")
        lines.append(f"Δ is not complete: {len(t.incomplete)} resource(s) are unknown, "
                     "unpriced or counted only in part (see below).")
    if result is not None:
        n = result.totals()
        verdict = (f"❌ **{n['blocking']} blocking policy failure"
                   f"{'s' if n['blocking'] != 1 else ''}**" if result.blocking
                   else "✅ **no blocking policy failures**")
        lines += ["", f"{verdict} · {len(result.policies)} policies: {n['fail']} fail, "
                      f"{n['waived']} waived, {n['unknown']} unknown, {n['pass']} pass"]
    cs = estimate.changeset
    for w in cs.warnings:
        lines += ["", f"> [!WARNING]\n> {esc(w)}"]
    return lines


def _money(value: Any, fmt: Any) -> str:
    """A signed interval with dollar signs: `+$1.20`, `≥+$220.16`, `≤-$3.00`, `?`."""
    return interval_text(value, lambda v: _dollar(signed(v, fmt)))


def _dollar(text: str) -> str:
    return "-$" + text[1:] if text.startswith("-") else \
        "+$" + text[1:] if text.startswith("+") else "$" + text


def _row(r: ResourceCost) -> str:
    return (f"| {code(r.address)} | {_ACTION.get(r.change.action, r.change.action)} | "
            f"{esc(before_after(r))} | {esc(range_text(r.hourly_range))} | "
            f"{esc(range_text(r.monthly_range, monthly))} | {esc(gpu_cell(r))} |")


_TABLE_HEAD = ("| Resource | Action | $/h before → after | Δ $/h | Δ $/month | GPUs |",
               "| --- | --- | ---: | ---: | ---: | --- |")


def _changed(estimate: Estimate) -> list[ResourceCost]:
    return [r for r in estimate.resources if r.status not in ("free", "unsupported")
            and (r.change.action not in ("no-op", "read") or r.hourly_delta != 0)]


def _movers(estimate: Estimate) -> list[str]:
    rows = sorted(_changed(estimate), key=lambda r: (
        r.monthly_delta is None, -abs(r.monthly_delta or 0), r.address))
    if not rows:
        return ["", "No priced resources change."]
    title = "Biggest movers" if len(rows) > MOVERS else "Cost changes"
    lines = ["", f"### {title}", "", *_TABLE_HEAD, *(_row(r) for r in rows[:MOVERS])]
    if len(rows) > MOVERS:
        lines += ["", f"{len(rows) - MOVERS} more changed resource(s) in the full table below."]
    return lines


def _policy_blocks(result: Any) -> list[_Block]:
    by_level: dict[str, list[Finding]] = {}
    for f in ordered(result.findings):
        if f.outcome != "pass":
            by_level.setdefault(f.level, []).append(f)
    blocks = [_Block(("", "### Policies", "", "No failing, unknown or waived policy results."), ())
              ] if not by_level else []
    levels = [lv for lv in _LEVELS if lv in by_level] + sorted(set(by_level) - set(_LEVELS))
    for i, level in enumerate(levels):
        found = by_level[level]
        counts = {o: sum(1 for f in found if f.outcome == o) for o in ("fail", "unknown", "waived")}
        summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
        head = ("", "### Policies") if i == 0 else ()
        blocks.append(_Block((*head, "", f"#### {_level_icon(level, found)} {level} ({summary})",
                              ""), tuple(_finding(f) for f in found)))
    return blocks


def _level_icon(level: str, found: list[Finding]) -> str:
    if any(f.blocking for f in found):
        return "❌"
    return "⚠️" if any(f.outcome == "fail" for f in found) else "ℹ️"


def _finding(f: Finding) -> str:
    mark = {"fail": "❌" if f.blocking else "⚠️", "unknown": "❔", "waived": "⏸️"}[f.outcome]
    word = "**blocking**" if f.blocking else f.outcome
    where = f" ({esc(str(f.location))})" if f.location is not None and f.location.line else ""
    text = f"- {mark} {word} **{esc(f.policy_id)}** {code(target(f))}{where}: {esc(f.message)}"
    if f.outcome == "waived" and f.waiver:
        w = f.waiver
        who = w.get("approver") or w.get("owner") or "?"
        text += (f"<br>waived by {esc(w.get('id', '?'))} ({esc(who)}, expires "
                 f"{esc(w.get('expires', '?'))}): {esc(w.get('reason', ''))}")
    return text


def _status_blocks(estimate: Estimate) -> list[_Block]:
    blocks = []
    for status, title in _STATUS_TITLES:
        group = [r for r in estimate.resources if r.status == status]
        if not group:
            continue
        if status == "unsupported":
            by_type: dict[str, int] = {}
            for r in group:
                by_type[r.change.type] = by_type.get(r.change.type, 0) + 1
            items = tuple(f"- {n} × {code(typ)}" for typ, n in sorted(by_type.items()))
        else:
            items = tuple(f"- {code(r.address)}: {esc(first_reason(r))}" for r in group)
        blocks.append(_Block(("", f"### {title} ({len(group)})", ""), items))
    return blocks


def _fit_blocks(blocks: list[_Block], budget: int, cut: list[str]) -> tuple[list[str], int]:
    """All blocks, items cut from the end of each block evenly once the budget is spent."""
    fixed = sum(_size(b.head) + _size(b.tail) for b in blocks)
    total = fixed + sum(_size(b.items) for b in blocks)
    if total <= budget:
        return [line for b in blocks for line in (*b.head, *b.items, *b.tail)], total
    room = max(budget - fixed - 80 * len(blocks), 0)
    share = room // max(len(blocks), 1)
    lines: list[str] = []
    dropped = 0
    for b in blocks:
        kept: list[str] = []
        used = 0
        for item in b.items:
            if used + len(item) + 1 > share:
                break
            kept.append(item)
            used += len(item) + 1
        lines += [*b.head, *kept]
        if len(kept) < len(b.items):
            lines.append(f"- … and {len(b.items) - len(kept)} more")
            dropped += len(b.items) - len(kept)
        lines += b.tail
    cut.append(f"{dropped} list item(s) left out")
    return lines, _size(lines)


def _graph_section(estimate: Estimate, budget: int, cut: list[str]) -> list[str]:
    from ..graph import build_graph
    from .mermaid import mermaid

    changed = [r for r in estimate.resources if r.change.action not in ("no-op", "read")]
    if not changed:
        return []
    if budget <= 0:  # no room: skip building the graph at all
        cut.append("cost graph left out")
        return []
    g = build_graph(estimate)
    for n in GRAPH_NODES:
        source = mermaid(g, max_nodes=n)
        lines = ["", "<details><summary>Cost graph</summary>", "", "```mermaid",
                 source.rstrip("\n"), "```", "", "</details>"]
        if _size(lines) <= budget:
            if n != GRAPH_NODES[0] and len(g.nodes) > n:
                cut.append(f"graph reduced to {n} nodes")
            return lines
    cut.append("cost graph left out")
    return []


def _full_table(estimate: Estimate, budget: int, cut: list[str]) -> list[str]:
    rows = _changed(estimate)
    if len(rows) <= MOVERS:
        return []  # the movers table already shows every row
    head = ["", f"<details><summary>All {len(rows)} changed resources</summary>", "",
            *_TABLE_HEAD]
    tail = ["", "</details>"]
    room = budget - _size(head) - _size(tail) - 120
    body: list[str] = []
    for r in rows:
        line = _row(r)
        if room - len(line) - 1 < 0:
            break
        body.append(line)
        room -= len(line) + 1
    if not body:
        cut.append("full resource table left out")
        return []
    if len(body) < len(rows):
        cut.append(f"full table shows {len(body)} of {len(rows)} rows")
        body += ["", f"… and {len(rows) - len(body)} more resources"]
    return [*head, *body, *tail]


def _footer(estimate: Estimate) -> list[str]:
    c = estimate.catalog
    books = (", price book: " + ", ".join(esc(b) for b in c.price_books)) if c.price_books else ""
    cs = estimate.changeset
    return ["", "---", "", f"<sub>Prices: catalog {esc(c.version)} (sources dated "
                           f"{c.oldest_as_of} to {c.as_of}), {estimate.currency}{books}; "
                           f"monthly = 730 h unless usage says otherwise. Input: "
                           f"{code(cs.source_path)} ({esc(cs.source_format)})."
                           + _stale(estimate) + "</sub>"]


def _stale(estimate: Estimate) -> str:
    stale = stale_prices(estimate)
    if not stale:
        return ""
    return (f" Stale (more than {STALE_AFTER_DAYS} days older than the catalog): "
            + ", ".join(esc(str(s)) for s in stale) + ".")
