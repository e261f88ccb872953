"""Benchmark `costwarden scan`: a generated fleet on every engine.

    python benchmarks/bench_fleet.py [--workspaces 2000] [--resources 50]
                                     [--engines local:1,local:2,dask:1,dask:2]

The fleet (written once under benchmarks/out/fleet-W-R/) is a deterministic mix of a
third each: plan JSON (benchmarks/synth.py), raw terraform.tfstate version 4 files
holding the same kind of resources, and `.tf` root modules. Each engine runs in a
fresh process (`engine.fleet.scan`, the bundled policy pack) and prints the wall
time, workspaces per second, the mean time a workspace took where it was scanned, the
driver's peak memory (its own RSS, not the workers') and the engine's overhead per
workspace: the worker-seconds the run spent beyond scanning, (wall × workers − the sum
of the workspaces' scan times) / workspaces: starting workers, loading a Session in
each, shipping tasks and results, reducing, rendering.
Every run's JSON document is compared with the first: they must be the same bytes.
Last, the driver's side of a larger fleet (`--reduce`, default 100,000): real results
of 300 workspaces, renamed and repeated, reduced and rendered, with its time and memory.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from synth import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


# --- the fleet -----------------------------------------------------------------------------


def _state_of(plan: dict) -> dict:
    """A raw version 4 state holding what the plan's changes leave standing."""
    resources: dict[tuple, dict] = {}
    for c in plan["resource_changes"]:
        after = c["change"]["after"]
        if after is None:
            continue
        key = (c.get("module_address"), c["type"], c["name"])
        res = resources.setdefault(key, {
            **({"module": key[0]} if key[0] else {}), "mode": "managed", "type": c["type"],
            "name": c["name"], "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": []})
        inst = {"schema_version": 0, "attributes": {**after, "region": "us-east-1"},
                "sensitive_attributes": []}
        if "index" in c:
            inst["index_key"] = c["index"]
        res["instances"].append(inst)
    return {"version": 4, "terraform_version": "1.9.8", "serial": 1,
            "lineage": "00000000-0000-4000-8000-000000000000", "outputs": {},
            "resources": list(resources.values())}


def _hcl_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_hcl_value(x)}" for k, x in v.items()) + " }"
    return json.dumps(str(v))


def _tf_of(plan: dict) -> str:
    """A root module declaring the plan's instances, volumes, buckets, roles and groups."""
    lines = ['provider "aws" {', '  region = "us-east-1"', "}", ""]
    for n, c in enumerate(plan["resource_changes"]):
        after = c["change"]["after"]
        if after is None or c["type"] not in ("aws_instance", "aws_ebs_volume", "aws_s3_bucket",
                                               "aws_iam_role", "aws_security_group"):
            continue
        lines.append(f'resource "{c["type"]}" "r{n}" {{')
        for k, v in after.items():
            if k == "tags_all":
                continue
            if isinstance(v, list):
                for block in v:
                    lines.append(f"  {k} {{")
                    lines += [f"    {bk} = {_hcl_value(bv)}" for bk, bv in block.items()]
                    lines.append("  }")
            else:
                lines.append(f"  {k} = {_hcl_value(v)}")
        lines += ["}", ""]
    return "\n".join(lines)


def write_fleet(workspaces: int, resources: int) -> Path:
    root = OUT / f"fleet-{workspaces}-{resources}"
    done = root / ".complete"
    if done.exists():
        return root
    for i in range(workspaces):
        plan = generate(resources, seed=5000 + i)
        team = root / f"team-{i % 17:02d}"
        team.mkdir(parents=True, exist_ok=True)
        kind = i % 3
        if kind == 0:
            (team / f"ws-{i:06d}.plan.json").write_text(json.dumps(plan, separators=(",", ":")))
        elif kind == 1:
            (team / f"ws-{i:06d}.tfstate").write_text(json.dumps(_state_of(plan),
                                                                separators=(",", ":")))
        else:
            (team / f"ws-{i:06d}").mkdir(exist_ok=True)
            (team / f"ws-{i:06d}" / "main.tf").write_text(_tf_of(plan))
    done.write_text("")
    return root


# --- one run, in a fresh process -----------------------------------------------------------


def run_one(engine: str, workers: int, tree: str, out: str) -> None:
    """Child process: scan `tree`, write the JSON, print the figures as JSON."""
    import resource

    from engine.fleet import ScanConfig, discover, scan
    from engine.fleet.render import render_json
    from engine.settings import Settings

    scanned = [0.0]

    def add(result) -> None:  # type: ignore[no-untyped-def]
        scanned[0] += result.seconds

    start = time.perf_counter()
    workspaces = discover(tree)
    doc = scan(workspaces, ScanConfig(settings=Settings()), engine=engine, workers=workers,
               progress=add)
    text = render_json(doc)
    wall = time.perf_counter() - start
    Path(out).write_text(text, encoding="utf-8")
    print(json.dumps({"wall": wall, "workspaces": len(workspaces), "scanned": scanned[0],
                      "unreadable": doc["workspaces"]["unreadable"],
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "sha256": hashlib.sha256(text.encode()).hexdigest()}))


def reduce_run(tree: str, count: int) -> None:
    """Child process: the driver's side of a `count`-workspace fleet: real results of the
    first 300 workspaces of `tree`, renamed and repeated, reduced and rendered as JSON."""
    import resource
    from dataclasses import replace

    from engine.fleet import ScanConfig, discover
    from engine.fleet.reduce import FleetReduction
    from engine.fleet.render import render_json
    from engine.fleet.task import scan_workspace
    from engine.settings import Settings

    config = ScanConfig(settings=Settings())
    sample = [scan_workspace(w, config) for w in discover(tree)[:300]]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = (replace(r, workspace=replace(r.workspace, name=f"{i:06d}-{r.workspace.name}"))
               for i, r in ((i, sample[i % len(sample)]) for i in range(count)))
    start = time.perf_counter()
    listed = [replace(r.workspace, name=f"{i:06d}-{r.workspace.name}")
              for i, r in ((i, sample[i % len(sample)]) for i in range(count))]
    reduction = FleetReduction(listed, config)
    for r in results:
        reduction.add(r)
    text = render_json(reduction.document())
    print(json.dumps({"seconds": time.perf_counter() - start, "before_mib": rss,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "json_mib": len(text.encode()) / 2**20}))


def _child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"run failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workspaces", type=int, default=2000)
    ap.add_argument("--resources", type=int, default=50)
    ap.add_argument("--engines", default="local:1,local:2,dask:1,dask:2")
    ap.add_argument("--reduce", type=int, default=100_000, metavar="N",
                    help="also reduce N workspaces' results in one driver (0: skip)")
    ap.add_argument("--reduce-run", nargs=2, metavar=("TREE", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--run", nargs=4, metavar=("ENGINE", "WORKERS", "TREE", "OUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reduce_run:
        reduce_run(args.reduce_run[0], int(args.reduce_run[1]))
        return
    if args.run:
        engine, workers, tree, out = args.run
        run_one(engine, int(workers), tree, out)
        return
    t0 = time.perf_counter()
    tree = write_fleet(args.workspaces, args.resources)
    print(f"fleet: {args.workspaces} workspaces × {args.resources} resources (a third each "
          f"plan JSON, raw tfstate, .tf module) at {tree.relative_to(ROOT)} "
          f"({time.perf_counter() - t0:.1f} s to write or find)")
    print()
    print(f"{'engine':<10} {'wall s':>8} {'ws/s':>8} {'scan ms/ws':>11} {'driver MiB':>11} "
          f"{'overhead ms/ws':>15}  same bytes")
    first = None
    for spec in args.engines.split(","):
        engine, _, workers = spec.partition(":")
        n = int(workers or 1)
        out = OUT / f"fleet-scan-{engine}-{n}.json"
        fig = _child("--run", engine, str(n), str(tree), str(out))
        first = first or fig["sha256"]
        per = fig["scanned"] / fig["workspaces"] * 1000
        overhead = (fig["wall"] * n - fig["scanned"]) / fig["workspaces"] * 1000
        print(f"{engine + ' ' + str(n):<10} {fig['wall']:>8.1f} "
              f"{fig['workspaces'] / fig['wall']:>8.1f} {per:>11.1f} {fig['peak_mib']:>11.0f} "
              f"{overhead:>15.1f}  {'yes' if fig['sha256'] == first else 'NO'}")
    if args.reduce:
        fig = _child("--reduce-run", str(tree), str(args.reduce))
        print()
        print(f"driver of a {args.reduce:,}-workspace fleet (real results repeated): reduce and "
              f"render {fig['seconds']:.1f} s, peak {fig['peak_mib']:.0f} MiB "
              f"({fig['before_mib']:.0f} MiB with its Session, before the results), "
              f"JSON {fig['json_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
