"""`scan --baseline OLD.json`: what moved since an earlier scan's JSON document.

Per showback group (team, project, cloud, ... and workspace) the $/h before, after and
the difference; GPUs that appeared or went per model; workspaces added or gone;
policy failures that are new. Only what changed is listed; sorted, so deterministic.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import InputError
from .reduce import VERSION

ZERO = Decimal(0)


def load_baseline(path: str, limits: Any) -> dict[str, Any]:
    """An earlier scan's JSON document, checked enough to be compared."""
    from ..sources.documents import decode_text, parse_json, read_bytes

    doc = parse_json(decode_text(read_bytes(path, limits), path), path)
    if not isinstance(doc, dict) or doc.get("kind") != "costwarden-fleet-scan":
        raise InputError(path, "not a fleet scan (the JSON of `costwarden scan --format json`)")
    if doc.get("version") != VERSION:
        raise InputError(path, f"fleet scan version {doc.get('version')!r}; this costwarden "
                               f"compares version {VERSION}")
    for key, kind in (("total", dict), ("showback", dict), ("gpus", list), ("policies", list),
                      ("workspace_results", list)):
        if not isinstance(doc.get(key), kind):
            raise InputError(path, f"{key} must be {'an object' if kind is dict else 'an array'}",
                             where=f"/{key}")
    return doc


def compare(now: dict[str, Any], old: dict[str, Any], shown: str) -> dict[str, Any]:
    from ..report.summary import money

    def amount(value: Any, where: str) -> Decimal:
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise InputError(shown, f"not an amount: {str(value)[:40]!r}", where=where) from None
        if not d.is_finite():
            raise InputError(shown, "not a finite amount", where=where)
        return d

    def figures(doc: dict[str, Any], where: str) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for spec, rows in doc["showback"].items():
            if not isinstance(rows, list):
                raise InputError(shown, "a showback must be an array", where=f"{where}/{spec}")
            out[spec] = {str(r.get("group")): amount(r.get("hourly"), f"{where}/{spec}/{i}")
                         for i, r in enumerate(rows) if isinstance(r, dict)}
        return out

    before, after = figures(old, "/showback"), figures(now, "/showback")
    moved: dict[str, list[dict[str, Any]]] = {}
    for spec in sorted(set(before) | set(after)):
        b, a = before.get(spec, {}), after.get(spec, {})
        rows = []
        for group in set(b) | set(a):
            d = a.get(group, ZERO) - b.get(group, ZERO)
            if d or (group in a) != (group in b):
                rows.append((group, b.get(group), a.get(group), d))
        rows.sort(key=lambda r: (-abs(r[3]), r[0]))
        if rows:
            moved[spec] = [{"group": g, "before": money(x), "after": money(y),
                            "delta": money(d)} for g, x, y, d in rows]
    gpus_b = {str(g.get("model")): int(g.get("count") or 0) for g in old["gpus"]
              if isinstance(g, dict)}
    gpus_a = {g["model"]: g["count"] for g in now["gpus"]}
    gpus = [{"model": m, "before": gpus_b.get(m, 0), "after": gpus_a.get(m, 0),
             "delta": gpus_a.get(m, 0) - gpus_b.get(m, 0)}
            for m in sorted(set(gpus_b) | set(gpus_a)) if gpus_a.get(m, 0) != gpus_b.get(m, 0)]
    names_b = {str(w.get("workspace")) for w in old["workspace_results"] if isinstance(w, dict)}
    names_a = {w["workspace"] for w in now["workspace_results"]}
    failing_b = {(str(p.get("policy")), str(w)) for p in old["policies"] if isinstance(p, dict)
                 and p.get("outcome") == "fail" for w in p.get("workspaces") or ()}
    new_failures = [{"policy": p["policy"], "level": p["level"],
                     "workspaces": [w for w in p["workspaces"] if (p["policy"], w) not in failing_b]}
                    for p in now["policies"] if p["outcome"] == "fail"]
    total_b = amount(old["total"].get("hourly"), "/total/hourly")
    total_a = Decimal(now["total"]["hourly"])
    return {
        "baseline": shown,
        "total": {"before": money(total_b), "after": money(total_a),
                  "delta": money(total_a - total_b)},
        "workspaces": {"added": sorted(names_a - names_b), "removed": sorted(names_b - names_a)},
        "showback": moved,
        "gpus": gpus,
        "new_failures": [f for f in new_failures if f["workspaces"]],
    }
