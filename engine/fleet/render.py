"""The fleet scan's outputs, all from its JSON document: table, JSON, markdown and an
offline HTML page (sortable tables, a bar chart of $/h by team; no network asset).
Offered to `scan --format` through the output-format registry (engine/report/formats.py)."""

from __future__ import annotations

import html
import json
from decimal import Decimal
from typing import Any, Callable

_TOP = 15  # rows of each showback in the table and markdown
_HTML_ROWS = 2000  # rows of one HTML table (the JSON has them all)
_UNREADABLE = 50  # unreadable workspaces listed in the table and markdown
_NAMES = {"module": "module", "type": "resource type", "cloud": "cloud", "region": "region",
          "workspace": "workspace"}


def render(doc: dict[str, Any], fmt: str) -> str:
    return {"table": render_table, "json": render_json, "markdown": render_markdown,
            "html": render_html}[fmt](doc)


def render_json(doc: dict[str, Any]) -> str:
    # compact: the C encoder (an indented dump of a 100,000-workspace fleet builds
    # millions of small strings first, three times the document's memory)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def dimension_title(spec: str) -> str:
    if spec.startswith("tag:"):
        return f"tag {spec[4:]}"
    if spec.startswith("label:"):
        return f"label {spec[6:]}"
    return _NAMES.get(spec, spec)


def _amount(row: dict[str, Any], key: str, places: int) -> str:
    value = row.get(key)
    if value is None:
        return "?"
    text = f"{Decimal(value):,.{places}f}"
    return f"≥{text}" if row.get("lower_bound") else text


def _headline(doc: dict[str, Any]) -> list[str]:
    w, t = doc["workspaces"], doc["total"]
    gpus = ", ".join(f"{g['count']}× {g['model']}" for g in doc["gpus"]) or "none"
    lines = [f"{w['scanned']} of {w['listed']} workspaces scanned, {w['unreadable']} unreadable, "
             f"{w['blocking']} blocked by a policy",
             f"Fleet burn: {_amount(t, 'hourly', 4)} $/h ({_amount(t, 'monthly', 2)} $/month), "
             f"{t['resources']} resources, {t['gpus']} GPUs ({gpus})"]
    if t["gpus_unknown"]:
        lines.append(f"GPU count unknown on {t['gpus_unknown']} resource(s)")
    return lines


def _showback_rows(rows: list[dict[str, Any]], limit: int | None) -> tuple[list[list[str]], int]:
    shown = rows if limit is None else rows[:limit]
    body = [[r["group"], str(r["workspaces"]), str(r["resources"]), str(r["gpus"] or ""),
             _amount(r, "hourly", 4), _amount(r, "monthly", 2)] for r in shown]
    return body, len(rows) - len(shown)


_SHOWBACK_HEADER = ("Group", "Workspaces", "Resources", "GPUs", "$/h", "$/month")


def render_table(doc: dict[str, Any]) -> str:
    from ..report.table import grid

    lines = ["costwarden scan", "", *_headline(doc)]
    for spec, rows in doc["showback"].items():
        if not rows:
            continue
        body, more = _showback_rows(rows, _TOP)
        lines += ["", f"By {dimension_title(spec)}:"]
        lines += ["  " + x for x in grid(_SHOWBACK_HEADER, body, right=(1, 2, 3, 4, 5))]
        if more:
            lines.append(f"  … and {more} more (see --format json or html)")
    if doc["gpus"]:
        lines += ["", "GPUs:"]
        lines += ["  " + x for x in grid(("Model", "Count", "Workspaces"),
                                         [[g["model"], str(g["count"]), str(g["workspaces"])]
                                          for g in doc["gpus"]], right=(1, 2))]
    if doc["policies"]:
        lines += ["", "Policy posture:"]
        lines += ["  " + x for x in grid(
            ("Policy", "Level", "Outcome", "Findings", "Workspaces"),
            [[p["policy"], p["level"], p["outcome"], str(p["findings"]),
              str(len(p["workspaces"]))] for p in doc["policies"]], right=(3, 4))]
    lines += _baseline_text(doc.get("comparison"))
    if doc["unreadable"]:
        lines += ["", f"Unreadable workspaces: {len(doc['unreadable'])}"]
        lines += [f"  {u['workspace']}: {u['reason']}" for u in doc["unreadable"][:_UNREADABLE]]
        lines += _more(len(doc["unreadable"]) - _UNREADABLE, "  ")
    lines += ["", f"Money in {doc['currency']}; $/month is 730 h unless usage says otherwise; "
                  "≥: some cost is unknown or known only in part."]
    return "\n".join(lines) + "\n"


def _more(count: int, indent: str) -> list[str]:
    return [f"{indent}… and {count} more (see --format json)"] if count > 0 else []


def _baseline_text(cmp: dict[str, Any] | None) -> list[str]:
    if not cmp:
        return []
    t = cmp["total"]
    lines = ["", f"Since {cmp['baseline']}: {t['before']} → {t['after']} $/h (Δ {t['delta']})"]
    w = cmp["workspaces"]
    if w["added"] or w["removed"]:
        lines.append(f"  workspaces added {len(w['added'])}, removed {len(w['removed'])}")
    for spec, rows in cmp["showback"].items():
        if spec == "workspace":
            continue
        moved = ", ".join(f"{r['group']} {r['delta']}" for r in rows[:8])
        lines.append(f"  by {dimension_title(spec)}: {moved}")
    for g in cmp["gpus"]:
        lines.append(f"  GPUs {g['model']}: {g['before']} → {g['after']}")
    for f in cmp["new_failures"]:
        lines.append(f"  newly failing {f['policy']}: {', '.join(f['workspaces'][:8])}")
    return lines


def render_markdown(doc: dict[str, Any]) -> str:
    from ..report.markdown import code, esc

    def table(header: tuple[str, ...], rows: list[list[str]], right: int) -> list[str]:
        align = ["---"] * (len(header) - right) + ["---:"] * right
        return ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |",
                *("| " + " | ".join(r) + " |" for r in rows)]

    lines = ["## costwarden fleet scan", "", *(esc(x) + "  " for x in _headline(doc))]
    for spec, rows in doc["showback"].items():
        if not rows:
            continue
        body, more = _showback_rows(rows, _TOP)
        body = [[esc(r[0]), *r[1:]] for r in body]
        lines += ["", f"### By {esc(dimension_title(spec))}", "",
                  *table(_SHOWBACK_HEADER, body, 5)]
        if more:
            lines.append(f"\n… and {more} more")
    if doc["gpus"]:
        lines += ["", "### GPUs", "", *table(("Model", "Count", "Workspaces"), [
            [esc(g["model"]), str(g["count"]), str(g["workspaces"])] for g in doc["gpus"]], 2)]
    if doc["policies"]:
        lines += ["", "### Policy posture", "", *table(
            ("Policy", "Level", "Outcome", "Findings", "Workspaces"),
            [[code(p["policy"]), p["level"], p["outcome"], str(p["findings"]),
              str(len(p["workspaces"]))] for p in doc["policies"]], 2)]
    base = _baseline_text(doc.get("comparison"))
    if base:
        lines += ["", "### Since the baseline", "", *(esc(x.strip()) + "  " for x in base[1:])]
    if doc["unreadable"]:
        lines += ["", "### Unreadable workspaces", ""]
        lines += [f"- {code(u['workspace'])}: {esc(u['reason'])}"
                  for u in doc["unreadable"][:_UNREADABLE]]
        lines += _more(len(doc["unreadable"]) - _UNREADABLE, "- ")
    lines += ["", f"Money in {esc(doc['currency'])}; $/month is 730 h unless usage says otherwise."]
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}
th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th{cursor:pointer;background:#f4f4f4;user-select:none}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.chart rect{fill:#3b6ea5}.chart text{font-size:12px}
"""

# Sorting: a click on a header sorts its table by that column (numbers by value).
_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th, i){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0];
    var down = th.getAttribute('aria-sort') !== 'descending';
    table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
    var rows = Array.prototype.slice.call(body.rows);
    var num = th.classList.contains('n');
    rows.sort(function(a, b){
      var x = a.cells[i].getAttribute('data-v'), y = b.cells[i].getAttribute('data-v');
      var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
      return down ? -c : c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def _cell(text: Any, sort: Any = None, numeric: bool = False) -> str:
    value = html.escape(str(text if sort is None else sort), quote=True)
    cls = ' class="n"' if numeric else ""
    return f'<td{cls} data-v="{value}">{html.escape(str(text))}</td>'


def _table(header: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    head = "".join(f'<th{" class=n" if n else ""}>{html.escape(h)}</th>' for h, n in header)
    body = "".join(f"<tr>{''.join(r)}</tr>" for r in rows[:_HTML_ROWS])
    more = f"<p>… and {len(rows) - _HTML_ROWS} more rows (see --format json)</p>" \
        if len(rows) > _HTML_ROWS else ""
    return (f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"</table>{more}")


def _showback_html(rows: list[dict[str, Any]]) -> str:
    header = [("Group", False), ("Workspaces", True), ("Resources", True), ("GPUs", True),
              ("$/h", True), ("$/month", True)]
    return _table(header, [[_cell(r["group"]), _cell(r["workspaces"], numeric=True),
                            _cell(r["resources"], numeric=True), _cell(r["gpus"], numeric=True),
                            _cell(_amount(r, "hourly", 4), r["hourly"], True),
                            _cell(_amount(r, "monthly", 2), r["monthly"], True)] for r in rows])


def _chart(rows: list[dict[str, Any]], title: str) -> str:
    """A horizontal bar chart of $/h per group (inline SVG)."""
    rows = [r for r in rows if r.get("hourly") is not None][:30]
    if not rows:
        return ""
    top = max((Decimal(r["hourly"]) for r in rows), default=Decimal(0)) or Decimal(1)
    bar_h, label_w, width = 22, 220, 420
    parts = []
    for i, r in enumerate(rows):
        y = i * bar_h
        w = max(Decimal(0), Decimal(r["hourly"])) / top * width
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
                     f'{html.escape(r["group"][:32])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}">'
                     f'<title>{html.escape(r["group"])}: {html.escape(_amount(r, "hourly", 4))}'
                     f' $/h</title></rect>'
                     f'<text x="{label_w + float(w) + 6:.1f}" y="{y + 15}">'
                     f'{html.escape(_amount(r, "hourly", 2))}</text>')
    height = bar_h * len(rows)
    return (f'<h2>{html.escape(title)}</h2><svg class="chart" role="img" '
            f'aria-label="{html.escape(title)}" width="{label_w + width + 120}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


def render_html(doc: dict[str, Any]) -> str:
    e: Callable[[Any], str] = lambda t: html.escape(str(t))  # noqa: E731
    team = f"tag:{doc['team_key']}"
    chart_rows = doc["showback"].get(team) or []
    labelled = doc["showback"].get(f"label:{doc['team_key']}")
    out = ["<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
           f"<title>costwarden fleet scan</title><style>{_CSS}</style></head><body>",
           "<h1>costwarden fleet scan</h1>", *(f"<p>{e(x)}</p>" for x in _headline(doc)),
           _chart(chart_rows, f"$/h by team (tag {doc['team_key']})")]
    if labelled:
        out.append(_chart(labelled, f"$/h by team (workspace label {doc['team_key']})"))
    for spec, rows in doc["showback"].items():
        if rows:
            out.append(f"<h2>By {e(dimension_title(spec))}</h2>{_showback_html(rows)}")
    if doc["gpus"]:
        out.append("<h2>GPUs</h2>" + _table(
            [("Model", False), ("Count", True), ("Workspaces", True)],
            [[_cell(g["model"]), _cell(g["count"], numeric=True),
              _cell(g["workspaces"], numeric=True)] for g in doc["gpus"]]))
    if doc["policies"]:
        out.append("<h2>Policy posture</h2>" + _table(
            [("Policy", False), ("Level", False), ("Outcome", False), ("Findings", True),
             ("Workspaces", True), ("Where", False)],
            [[_cell(p["policy"]), _cell(p["level"]), _cell(p["outcome"]),
              _cell(p["findings"], numeric=True), _cell(len(p["workspaces"]), numeric=True),
              _cell(", ".join(p["workspaces"][:20]) + (" …" if len(p["workspaces"]) > 20
                                                       else ""))]
             for p in doc["policies"]]))
    base = _baseline_text(doc.get("comparison"))
    if base:
        out.append("<h2>Since the baseline</h2>" + "".join(f"<p>{e(x.strip())}</p>"
                                                          for x in base[1:]))
    if doc["unreadable"]:
        out.append("<h2>Unreadable workspaces</h2>" + _table(
            [("Workspace", False), ("Reason", False)],
            [[_cell(u["workspace"]), _cell(u["reason"])] for u in doc["unreadable"]]))
    out.append(f"<p>Money in {e(doc['currency'])}; $/month is 730 h unless usage says "
               "otherwise; ≥: some cost is unknown or known only in part.</p>")
    out.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(out) + "\n"
