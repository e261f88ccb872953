"""Synthetic `terraform show -json` plans of any size, for benchmarks.

A deterministic mix modelled on real AI-infrastructure plans: GPU instances
(some spot, some replaced), EBS volumes, S3 buckets, IAM roles and security
groups (free), and auto scaling groups with launch templates, spread over
nested modules with count and for_each addresses. The document has every section
Terraform writes: planned_values and prior_state (resources nested in child_modules)
and the configuration (blocks with expressions, module calls, references).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

GPU_TYPES = ("p5.48xlarge", "p4d.24xlarge", "g5.12xlarge", "g6e.8xlarge", "trn1.32xlarge",
             "g4dn.xlarge", "inf2.8xlarge")
CPU_TYPES = ("m5.xlarge", "c5.2xlarge", "t3.medium", "r5.large")
DEFAULT_TAGS = {"cost-center": "CC-1"}  # provider default_tags
TAGS = ({"team": "ml-research", "project": "llm", "environment": "staging", "cost-center": "CC-1"},
        {"team": "ml-platform", "project": "serving", "environment": "production",
         "cost-center": "CC-2"},
        {"team": "data", "project": "etl"})  # the last one misses required tags


def _change(address: str, module: str | None, rtype: str, name: str, index: object,
            actions: list[str], before: dict | None, after: dict | None,
            unknown: dict) -> dict:
    entry = {"address": address, "mode": "managed", "type": rtype, "name": name,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": actions, "before": before, "after": after,
                        "after_unknown": unknown,
                        "before_sensitive": {} if before is not None else False,
                        "after_sensitive": {} if after is not None else False}}
    if module:
        entry["module_address"] = module
    if index is not None:
        entry["index"] = index
    return entry


def generate(n: int, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    changes: list[dict] = []
    i = -1
    while len(changes) < n:
        i += 1
        depth = i % 3
        module = ".".join(f'module.m{(i // 97) % 5}["k{d}"]' for d in range(depth)) or None
        prefix = f"{module}." if module else ""
        tags = dict(rnd.choice(TAGS))
        tags_all = {**DEFAULT_TAGS, **tags}
        kind = i % 10
        if kind in (0, 1):
            itype = rnd.choice(GPU_TYPES if kind == 0 else CPU_TYPES)
            after = {"instance_type": itype, "ami": "ami-0123456789abcdef0", "tenancy": "default",
                     "tags": tags, "tags_all": tags_all,
                     "root_block_device": [{"volume_size": 200, "volume_type": "gp3",
                                            "iops": 3000, "throughput": 125}],
                     "ebs_block_device": [],
                     "instance_market_options": [{"market_type": "spot"}] if i % 4 == 0 else []}
            actions = ["create"] if i % 7 else ["delete", "create"]
            before = None
            if actions != ["create"]:
                before = dict(after, instance_type=rnd.choice(GPU_TYPES), id=f"i-{i:017x}")
            changes.append(_change(f"{prefix}aws_instance.node[{i}]", module, "aws_instance",
                                   "node", i, actions, before, after,
                                   {"id": True, "arn": True, "private_ip": True}))
        elif kind in (2, 3):
            after = {"size": 100 + i % 900, "type": rnd.choice(("gp2", "gp3", "io2", "st1")),
                     "iops": 4000, "throughput": 250, "availability_zone": "us-east-1a",
                     "tags": tags, "tags_all": tags_all}
            changes.append(_change(f'{prefix}aws_ebs_volume.data["v{i}"]', module,
                                   "aws_ebs_volume", "data", f"v{i}", ["create"], None, after,
                                   {"id": True, "arn": True}))
        elif kind == 4:
            after = {"bucket": f"bucket-{i}", "tags": tags, "tags_all": tags_all,
                     "force_destroy": False}
            changes.append(_change(f"{prefix}aws_s3_bucket.b{i}", module, "aws_s3_bucket",
                                   f"b{i}", None, ["create"], None, after,
                                   {"id": True, "arn": True}))
        elif kind in (5, 6):
            after = {"name": f"role-{i}", "assume_role_policy": "{}", "tags": tags,
                     "tags_all": tags_all}
            changes.append(_change(f"{prefix}aws_iam_role.r{i}", module, "aws_iam_role",
                                   f"r{i}", None, ["no-op"], after, after, {}))
        elif kind == 7:
            after = {"name": f"sg-{i}", "vpc_id": "vpc-1", "tags": tags, "tags_all": tags_all}
            changes.append(_change(f"{prefix}aws_security_group.s{i}", module,
                                   "aws_security_group", f"s{i}", None, ["create"], None,
                                   after, {"id": True, "arn": True}))
        else:
            lt = {"name": f"lt-{i}", "instance_type": rnd.choice(GPU_TYPES), "tags": tags,
                  "tags_all": tags_all}
            changes.append(_change(f"{prefix}aws_launch_template.lt{i}", module,
                                   "aws_launch_template", f"lt{i}", None, ["create"], None,
                                   lt, {"id": True, "arn": True}))
            asg = {"name": f"asg-{i}", "desired_capacity": 2, "min_size": 0, "max_size": 4,
                   "launch_template": [{"name": f"lt-{i}", "version": "$Latest"}],
                   "mixed_instances_policy": [], "tag": []}
            changes.append(_change(f"{prefix}aws_autoscaling_group.g{i}", module,
                                   "aws_autoscaling_group", f"g{i}", None, ["create"], None,
                                   asg, {"id": True, "arn": True}))
    del changes[n:]
    return {
        "format_version": "1.2", "terraform_version": "1.9.8",
        "variables": {"region": {"value": "us-east-1"}},
        "planned_values": {"root_module": _values_tree(
            [(c, c["change"]["after"]) for c in changes if c["change"]["after"] is not None])},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8", "values": {
            "root_module": _values_tree([(c, c["change"]["before"]) for c in changes
                                         if c["change"]["before"] is not None])}},
        "configuration": {"provider_config": {"aws": {
            "name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
            "expressions": {"region": {"references": ["var.region"]},
                            "default_tags": [{"tags": {"constant_value": DEFAULT_TAGS}}]}}},
            "root_module": _configuration(changes)},
        "complete": True, "errored": False,
    }


def _values_tree(entries: list[tuple[dict, dict]]) -> dict:
    """planned_values / prior_state values: resources nested in child_modules by module
    instance, as Terraform writes them (checkov reads resources from there)."""
    root: dict = {}
    modules: dict[str, dict] = {"": root}
    for c, values in entries:
        module = c.get("module_address", "")
        if module not in modules:
            parent = root
            steps = re.findall(r'module\.[^.\[]+(?:\["[^"]*"\])?', module)
            for depth in range(1, len(steps) + 1):
                address = ".".join(steps[:depth])
                if address not in modules:
                    modules[address] = {"address": address}
                    parent.setdefault("child_modules", []).append(modules[address])
                parent = modules[address]
        entry = {"address": c["address"], "mode": "managed", "type": c["type"],
                 "name": c["name"], "provider_name": c["provider_name"], "schema_version": 0,
                 "values": values, "sensitive_values": {}}
        if "index" in c:
            entry["index"] = c["index"]
        modules[module].setdefault("resources", []).append(entry)
    return root


def _expressions(values: dict, change: dict, module_prefix: str) -> dict:
    """A resource block's expressions: constants, and references where the block
    refers to another (the auto scaling group's launch template)."""
    out: dict = {}
    for key, value in values.items():
        if key == "tags_all":
            continue  # computed, not configured
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            out[key] = [_expressions(v, change, module_prefix) for v in value]
        else:
            out[key] = {"constant_value": value}
    if change["type"] == "aws_autoscaling_group":
        lt = f"aws_launch_template.lt{change['name'][1:]}"
        out["launch_template"] = [{"name": {"references": [f"{lt}.name", lt]},
                                   "version": {"constant_value": "$Latest"}}]
    return out


def _configuration(changes: list[dict]) -> dict:
    """`configuration.root_module`: one block per (module, type, name), nested in
    module_calls by module path, as Terraform writes it."""
    root: dict = {}
    modules: dict[str, dict] = {"": root}
    seen: set[tuple[str, str]] = set()
    for c in changes:
        names = re.findall(r"module\.([^.\[]+)", c.get("module_address", ""))
        path = ".".join(f"module.{n}" for n in names)
        block = f"{c['type']}.{c['name']}"
        if (path, block) in seen:
            continue
        seen.add((path, block))
        parent, here = root, ""
        for name in names:
            here = f"{here}.module.{name}" if here else f"module.{name}"
            if here not in modules:
                call = {"source": f"./modules/{name}", "module": {},
                        "for_each_expression": {"constant_value": {"k0": {}, "k1": {}}}}
                parent.setdefault("module_calls", {})[name] = call
                modules[here] = call["module"]
            parent = modules[here]
        values = c["change"]["after"] or c["change"]["before"] or {}
        entry = {"address": block, "mode": "managed", "type": c["type"], "name": c["name"],
                 "provider_config_key": "aws",
                 "expressions": _expressions(values, c, path), "schema_version": 0}
        if isinstance(c.get("index"), int):
            entry["count_expression"] = {"references": ["var.nodes"]}
        elif "index" in c:
            entry["for_each_expression"] = {"references": ["var.volumes"]}
        parent.setdefault("resources", []).append(entry)
    return root


def write_plan(n: int, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    # v3: planned_values and prior_state nested by module, configuration with module calls
    path = directory / f"plan-v3-{n}.json"
    if not path.exists():
        path.write_text(json.dumps(generate(n), separators=(",", ":")), encoding="utf-8")
    return path
