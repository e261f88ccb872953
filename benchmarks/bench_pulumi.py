"""Benchmark the Pulumi readers against the Terraform plan reader on the same change.

    python benchmarks/bench_pulumi.py [--size 10000] [--repeat 3]

The generated `--size`-change Terraform plan (benchmarks/synth.py) is rewritten as a
`pulumi preview --json` document (one step per change) and as an engine event stream
(a prelude line and one `resourcePreEvent` line per change): each resource's type
becomes its Pulumi token (the readers' own type table, inverted), its attributes
camelCase inputs with one-element blocks as objects (as bridged providers write
them), its actions the step's op, and the provider's region and default tags the
stack config. `python -m engine check --format json` (the bundled pack) is timed on
all three in fresh processes, the fastest of `--repeat`; prints wall time, peak
memory and the ratio to the plan. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from measure import best  # noqa: E402
from synth import write_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
STACK = "urn:pulumi:bench::fleet::"
OPS = {("create",): "create", ("update",): "update", ("delete",): "delete",
       ("no-op",): "same", ("delete", "create"): "replace", ("create", "delete"): "replace"}
_FREE_FORM = {"tags", "tags_all", "labels"}  # map keys kept as written


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _inputs(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if key in _FREE_FORM:
            return dict(value)
        return {_camel(k): _inputs(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_inputs(v, key) for v in value]
        return items[0] if len(items) == 1 and isinstance(items[0], dict) else items
    return value


def _tokens() -> dict[str, str]:
    from engine.sources.pulumi.types import TYPES

    out: dict[str, str] = {}
    for token, tf_type in TYPES.items():
        if token.startswith("aws:"):
            out.setdefault(tf_type, token)
    return out


def _token(tf_type: str, tokens: dict[str, str]) -> str:
    if tf_type in tokens:
        return tokens[tf_type]
    module, _, rest = tf_type.removeprefix("aws_").partition("_")
    name = _camel(rest or module)
    return f"aws:{module}/{name}:{name[:1].upper()}{name[1:]}"


def _name(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", address).strip("-")


def _state(change: dict, side: str, token: str, urn: str) -> dict | None:
    attrs = change["change"].get(side)
    if attrs is None:
        return None
    return {"urn": urn, "type": token, "custom": True, "inputs": _inputs(attrs),
            "outputs": {}}


def steps_and_config(plan: dict) -> tuple[list[dict], dict]:
    tokens = _tokens()
    steps = []
    for change in plan["resource_changes"]:
        if change.get("mode", "managed") != "managed":
            continue
        token = _token(change["type"], tokens)
        urn = f"{STACK}{token}::{_name(change['address'])}"
        op = OPS.get(tuple(change["change"]["actions"]), "same")
        steps.append({"op": op, "urn": urn,
                      "oldState": _state(change, "before", token, urn),
                      "newState": _state(change, "after", token, urn)})
    provider = plan.get("configuration", {}).get("provider_config", {}).get("aws", {})
    exprs = provider.get("expressions", {})
    region = exprs.get("region", {}).get("constant_value", "us-east-1")
    config = {"aws:region": region}
    tags = exprs.get("default_tags", [{}])[0].get("tags", {}).get("constant_value")
    if tags:
        config["aws:defaultTags"] = json.dumps({"tags": tags})
    return steps, config


def write_pulumi(size: int) -> tuple[Path, Path, Path]:
    plan_path = write_plan(size, OUT)
    preview = OUT / f"pulumi-preview-{size}.json"
    events = OUT / f"pulumi-events-{size}.jsonl"
    if not (preview.exists() and events.exists()):
        steps, config = steps_and_config(json.loads(plan_path.read_text(encoding="utf-8")))
        preview.write_text(json.dumps({"config": config, "steps": steps},
                                      separators=(",", ":")), encoding="utf-8")
        lines = [json.dumps({"sequence": 0, "timestamp": 0, "preludeEvent": {"config": config}})]
        for i, step in enumerate(steps, 1):
            meta = {"op": step["op"], "urn": step["urn"], "type": step["urn"].split("::")[2],
                    "old": step["oldState"], "new": step["newState"]}
            lines.append(json.dumps({"sequence": i, "timestamp": i,
                                     "resourcePreEvent": {"metadata": meta, "planning": True}},
                                    separators=(",", ":")))
        events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan_path, preview, events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    figures = {}
    for name, path in zip(("terraform plan", "pulumi preview", "pulumi event stream"),
                          write_pulumi(args.size)):
        wall, rss, code, err = best([sys.executable, "-m", "engine", "check", str(path),
                                     "--format", "json"], args.repeat, cwd=str(ROOT))
        figures[name] = wall
        ratio = "" if name == "terraform plan" else \
            f", {wall / figures['terraform plan']:.2f}x the plan"
        print(f"check of {args.size:,} changes as a {name}: {wall:.2f} s, peak {rss:.0f} MiB, "
              f"exit {code}{ratio}" + (f" [{err.strip()[-300:]}]" if code > 1 else ""))


if __name__ == "__main__":
    main()
