"""Timing of the Terraform HCL reader: cold (empty cache) and warm (cached) reads.

Prints figures for the largest public-corpus directories and for a generated tree
of 200 files / ~20,000 lines (written to a temporary directory, removed after).
Reads run in this process with the cyclic garbage collector paused, as the CLI
runs its commands.

    .venv/bin/python benchmarks/bench_hcl.py
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
import resource
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.sources.hcl import cache  # noqa: E402
from engine.sources.terraform_hcl import read_hcl  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "public"
LARGEST = [
    "terraform-aws-eks/tests/eks-managed-node-group",
    "data-on-eks/ai-ml/jark-stack/terraform",
    "azure-terraform/quickstart/201-machine-learning-moderately-secure",
    "infracost/internal/providers/terraform/azure/testdata/virtual_machine_test",
    "ai-on-gke/benchmarks/infra/accelerator-cluster/stage-1",
    "sagemaker-huggingface/examples/async_inference",
]

_RESOURCE = '''
resource "aws_instance" "gpu_{f}_{i}" {{
  count         = local.replicas_{f}
  ami           = data.aws_ami.base.id
  instance_type = var.gpu_types[count.index % length(var.gpu_types)]
  subnet_id     = "subnet-${{count.index}}"
  tags = merge(local.tags_{f}, {{
    Name  = format("%s-%02d-%d", local.prefix_{f}, {i}, count.index)
    Index = tostring(count.index)
  }})

  root_block_device {{
    volume_size = 100 + {i} * 10
    volume_type = "gp3"
  }}

  dynamic "ebs_block_device" {{
    for_each = {{ for k, v in var.disks : k => v if v > 0 }}
    content {{
      device_name = "/dev/sd${{ebs_block_device.key}}"
      volume_size = ebs_block_device.value
    }}
  }}
}}
'''


def generate(root: Path, files: int = 200, per_file: int = 4) -> int:
    (root / "variables.tf").write_text('''
variable "gpu_types" {
  type    = list(string)
  default = ["p5.48xlarge", "g6e.8xlarge", "g5.12xlarge"]
}
variable "disks" {
  type    = map(number)
  default = { b = 500, c = 0, d = 1000 }
}
data "aws_ami" "base" {
  most_recent = true
}
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { ManagedBy = "terraform" }
  }
}
''')
    lines = 0
    for f in range(files - 1):
        text = (f'locals {{\n  replicas_{f} = {1 + f % 3}\n  prefix_{f} = "team-{f}"\n'
                f'  tags_{f} = {{ Team = "t{f % 7}", CostCenter = "cc-{f}" }}\n}}\n')
        text += "".join(_RESOURCE.format(f=f, i=i) for i in range(per_file))
        (root / f"gen_{f:03d}.tf").write_text(text)
        lines += text.count("\n")
    return lines


def timed(directory: Path) -> tuple[float, int, int]:
    gc.disable()
    try:
        t0 = time.perf_counter()
        cs = read_hcl(directory)
        elapsed = time.perf_counter() - t0
    finally:
        gc.enable()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # process high-water
    return elapsed, len(cs.changes), peak


def measure(label: str, directory: Path, *, serial: bool = False) -> None:
    saved = cache.PARALLEL_MIN_BYTES
    if serial:
        cache.PARALLEL_MIN_BYTES = 10**12
    try:
        with tempfile.TemporaryDirectory() as cache_dir:
            os.environ["COSTWARDEN_CACHE_DIR"] = cache_dir
            cold, n, peak = timed(directory)
            warm, _, _ = timed(directory)
    finally:
        cache.PARALLEL_MIN_BYTES = saved
    files = len(list(directory.rglob("*.tf")))
    print(f"{label:<70} {files:>4} files {n:>5} changes  cold {cold * 1000:8.1f} ms  "
          f"warm {warm * 1000:7.1f} ms  max RSS {peak / 2**20:6.1f} MiB")


def main() -> None:
    print(f"cpu count: {os.cpu_count()}")
    import hcl2
    t0 = time.perf_counter()
    hcl2.parses_to_tree("a = 1")
    print(f"parser load (once per process): {(time.perf_counter() - t0) * 1000:.1f} ms")
    if CORPUS.is_dir():
        for rel in LARGEST:
            measure(rel, CORPUS / rel)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = generate(root)
        print(f"generated tree: {len(list(root.glob('*.tf')))} files, {lines} lines")
        measure("generated (parallel parse when it pays)", root)
        measure("generated (serial parse)", root, serial=True)


if __name__ == "__main__":
    main()
