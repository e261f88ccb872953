"""Benchmark `costwarden check` (bundled pack) and, if installed, checkov on the same plan.

    python benchmarks/bench_check.py [--sizes 10000 50000] [--setup-checkov] [--skip-checkov]

Plans are generated once into benchmarks/out/ (synthetic `terraform show -json`
documents: GPU/CPU instances, volumes, buckets and node groups with default
tags, a few deletes and unknown tags). checkov 3.x lives in its own virtual
environment (benchmarks/out/checkov-venv), never beside python-hcl2; it is
timed with one custom YAML policy equivalent to our required-tags rule.
Prints wall time, peak RSS of the child and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CHECKOV_VENV = OUT / "checkov-venv"
AWS = "registry.terraform.io/hashicorp/aws"
_TYPES = [("aws_instance", {"instance_type": "p5.48xlarge"}), ("aws_instance", {"instance_type": "m5.large"}),
          ("aws_instance", {"instance_type": "g5.xlarge"}), ("aws_ebs_volume", {"type": "gp2", "size": 500}),
          ("aws_s3_bucket", {"bucket": "ds"}),
          ("aws_eks_node_group", {"instance_types": ["g6e.12xlarge"], "capacity_type": "SPOT",
                                  "scaling_config": [{"desired_size": 2, "max_size": 4, "min_size": 0}]})]
_TEAMS = ["ml-research", "ml-platform", "inference", "data-eng"]


def make_plan(n: int) -> Path:
    path = OUT / f"check-plan-{n}.json"  # own name: other benchmarks keep plan-N.json
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    changes, planned = [], []
    defaults = {"project": "llm", "cost-center": "CC-2040"}
    for i in range(n):
        rtype, attrs = _TYPES[i % len(_TYPES)]
        name = f"r{i}"
        tags = {"team": _TEAMS[i % 4], "environment": ["dev", "prod"][i % 2]}
        if i % 7 == 0:
            tags.pop("team")
        after = {**attrs, "tags": tags, "tags_all": {**defaults, **tags}}
        if rtype == "aws_s3_bucket":
            after["bucket"] = f"acme-dataset-{i}"
        actions = ["create"]
        before = None
        if i % 50 == 0:
            actions, before, after = ["delete"], after, None
        changes.append({"address": f"{rtype}.{name}", "mode": "managed", "type": rtype,
                        "name": name, "provider_name": AWS,
                        "change": {"actions": actions, "before": before, "after": after,
                                   "after_unknown": {"id": True} if after else {},
                                   "before_sensitive": {} if before else False,
                                   "after_sensitive": {} if after else False}})
        if after:
            planned.append({"address": f"{rtype}.{name}", "mode": "managed", "type": rtype,
                            "name": name, "provider_name": AWS, "schema_version": 0,
                            "values": after, "sensitive_values": {}})
    doc = {"format_version": "1.2", "terraform_version": "1.7.5",
           "planned_values": {"root_module": {"resources": planned}},
           "resource_changes": changes,
           "configuration": {"provider_config": {"aws": {
               "name": "aws", "full_name": AWS,
               "expressions": {"region": {"constant_value": "us-east-1"},
                               "default_tags": [{"tags": {"constant_value": defaults}}]}}}}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def timed(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB) of this child alone (wait4), exit code, stderr tail."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, err[-400:]


def setup_checkov() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if not (CHECKOV_VENV / "bin" / "checkov").exists():
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "--quiet",
                        "checkov>=3,<4"], check=True)
    out = subprocess.run([str(CHECKOV_VENV / "bin" / "checkov"), "--version"],
                         capture_output=True, text=True)
    print(f"checkov {out.stdout.strip()} in {CHECKOV_VENV}")


def checkov_policy_dir() -> Path:
    folder = OUT / "checkov-policies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "required_tags.yaml").write_text("""\
metadata:
  id: CKV2_CW_1
  name: Taggable resources carry team, project, environment and cost-center tags
  category: CONVENTION
scope:
  provider: aws
definition:
  and:
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.team, operator: exists}
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.project, operator: exists}
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.environment, operator: exists}
    - {cond_type: attribute, resource_types: taggable, attribute: tags_all.cost-center, operator: exists}
""", encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    ap.add_argument("--setup-checkov", action="store_true")
    ap.add_argument("--skip-checkov", action="store_true")
    args = ap.parse_args(argv)
    if args.setup_checkov:
        setup_checkov()
    ours: dict[int, float] = {}
    for n in args.sizes:
        plan = make_plan(n)
        wall, rss, code, err = timed([sys.executable, "-m", "engine", "check", str(plan),
                                      "--format", "json"])
        ours[n] = wall
        print(f"costwarden check, bundled pack ({n:,} changes, {plan.stat().st_size / 1e6:.1f} MB):"
              f" {wall:.2f} s, peak RSS {rss:.0f} MB, exit {code}")
        if code not in (0, 1):
            print(f"  stderr: {err}")
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if args.skip_checkov or not checkov.exists():
        print("checkov: not timed (run with --setup-checkov to install it into "
              f"{CHECKOV_VENV})")
        return 0
    n = 10000 if 10000 in ours else args.sizes[0]
    plan = make_plan(n)
    cmd = [str(checkov), "-f", str(plan), "--framework", "terraform_plan", "--skip-download",
           "--external-checks-dir", str(checkov_policy_dir()), "--check", "CKV2_CW_1",
           "--quiet", "--compact", "-o", "json"]
    env_note = "" if os.environ.get("BC_API_KEY") is None else " (BC_API_KEY set)"
    wall, rss, code, err = timed(cmd)
    print(f"checkov, 1 required-tag policy ({n:,} changes){env_note}: {wall:.2f} s, "
          f"peak RSS {rss:.0f} MB, exit {code}")
    if code not in (0, 1):
        print(f"  stderr: {err}")
    print(f"ratio: costwarden (whole pack) is {wall / ours[n]:.1f}x faster than checkov "
          f"(one policy) on {n:,} changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
