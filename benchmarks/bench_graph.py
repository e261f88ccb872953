"""Time of the cost-diff graph on generated plans, apart from the estimate.

Per plan size: the estimate (read + price), then the graph build and each
renderer (mermaid, dot, json, html) and the breakdown, each timed on its own
in the same process. The goal: graph + Mermaid for 10,000 changes well under
1 s beyond the estimate. Usage:

    python benchmarks/bench_graph.py [--sizes 10000,50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from synth import write_plan  # noqa: E402


def with_dependencies(est: Any) -> Any:
    """The estimate with plausible dependencies, which the synthetic plans leave out:
    each auto scaling group on its launch template, each instance on the last security
    group of its module, each volume on the last instance of its module."""
    from dataclasses import replace

    last: dict[tuple[str, str], str] = {}
    resources = []
    for r in est.resources:
        c = r.change
        deps: tuple[str, ...] = ()
        if c.type == "aws_autoscaling_group":
            deps = (last.get((c.module, "aws_launch_template"), ""),)
        elif c.type == "aws_instance":
            deps = (last.get((c.module, "aws_security_group"), ""),)
        elif c.type == "aws_ebs_volume":
            deps = (last.get((c.module, "aws_instance"), ""),)
        last[(c.module, c.type)] = c.address
        deps = tuple(d for d in deps if d)
        resources.append(replace(r, change=replace(c, depends_on=deps)) if deps else r)
    return replace(est, resources=tuple(resources))


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    from engine.graph import breakdown, build_graph, render_json
    from engine.pipeline import estimate_path
    from engine.report.dot import dot
    from engine.report.html import render_html
    from engine.report.mermaid import mermaid

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    cols = ("estimate", "graph", "mermaid", "graph+mmd", "dot", "json", "html", "breakdown")
    print(f"{'changes':>8} {'edges':>6} " + " ".join(f"{c:>9}" for c in cols) + "   (seconds)")
    for n in (int(s) for s in args.sizes.split(",")):
        plan = write_plan(n, args.out)
        est_s, est = best(lambda: estimate_path(plan), 1)
        est = with_dependencies(est)
        build_s, graph = best(lambda: build_graph(est), args.repeat)
        figures = {"estimate": est_s, "graph": build_s}
        for name, fn in (("mermaid", lambda: mermaid(graph)), ("dot", lambda: dot(graph)),
                         ("json", lambda: render_json(graph)),
                         ("html", lambda: render_html(graph)),
                         ("breakdown", lambda: breakdown(graph, "tag:team"))):
            figures[name], _ = best(fn, args.repeat)
        figures["graph+mmd"] = figures["graph"] + figures["mermaid"]
        print(f"{n:>8} {graph.digraph.number_of_edges():>6} "
              + " ".join(f"{figures[c]:>9.3f}" for c in cols))
    print("(graph and renderers: best of --repeat runs on the estimate above; "
          "graph+mmd is the cost beyond the estimate of `costwarden graph --format mermaid`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
