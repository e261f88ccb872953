"""Our figures next to infracost's expected costs (`.golden`) for the same `.tf` files.

The infracost folders of the public corpus are GCP and Azure only, which costwarden
does not price yet: the test asserts that no resource is priced by both tools, that
every one of those resources is `unsupported` with a reason (never $0), and says so
in INFRACOST_COMPARISON.md. What both tools state is compared instead: the AWS unit
prices of infracost's AWS golden tests (pricing-facts.md, source IC), priced here from
an HCL module with the same quantities, and the AWS GPU types named in the corpus
`.tf` files (priced, or unpriced with the reason). The report is a golden file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from support import REPO

pytestmark = pytest.mark.corpus

HERE = Path(__file__).parent
REPORT = HERE / "INFRACOST_COMPARISON.md"
FACTS_DIR = HERE / "fixtures" / "infracost_aws"
IC_DATE = "2026-08-21"  # commit date of infracost @ 95ba4f49 (pricing-facts.md, IC)
CENT = Decimal("0.01")

# (address, our component, infracost quantity, infracost monthly $) from the IC rows of
# /work/shared/reference/pricing-facts.md (sections 3.1-3.4)
IC_FACTS: list[tuple[str, str, str, str]] = [
    ("aws_ebs_volume.gp2", "volume storage (gp2)", "10", "1.00"),
    ("aws_ebs_volume.gp3", "volume storage (gp3)", "40", "3.20"),
    ("aws_ebs_volume.gp3", "volume provisioned IOPS (gp3)", "1000", "5.00"),
    ("aws_ebs_volume.gp3", "volume provisioned throughput (gp3)", "5", "0.20"),
    ("aws_ebs_volume.io1", "volume storage (io1)", "30", "3.75"),
    ("aws_ebs_volume.io1", "volume provisioned IOPS (io1)", "300", "19.50"),
    ("aws_ebs_volume.st1", "volume storage (st1)", "40", "1.80"),
    ("aws_ebs_volume.sc1", "volume storage (sc1)", "50", "0.75"),
    ("aws_ebs_snapshot.snap", "snapshot storage (standard)", "10", "0.50"),
    ("aws_s3_bucket.bucket", "storage (Standard)", "10000", "230.00"),
    ("aws_s3_bucket.bucket", "storage (Standard-IA)", "30000", "375.00"),
    ("aws_s3_bucket.bucket", "storage (One Zone-IA)", "40000", "400.00"),
    ("aws_s3_bucket.bucket", "storage (Glacier Flexible Retrieval)", "50000", "180.00"),
    ("aws_s3_bucket.bucket", "storage (Glacier Deep Archive)", "60000", "59.40"),
    ("aws_efs_file_system.efs", "storage (standard)", "230", "69.00"),
    ("aws_eip.ip", "public IPv4 address", "730", "3.65"),
    ("aws_nat_gateway.nat", "NAT gateway", "730", "32.85"),
    ("aws_nat_gateway.nat", "data processed", "100", "4.50"),
    ("data_transfer.internet", "internet egress", "10240", "921.60"),
    ("data_transfer.inter-region", "inter-region to us-west-2", "750", "15.00"),
    ("data_transfer.inter-az", "inter-AZ", "2000", "20.00"),
]
# (address, component) -> why our unit price differs from infracost's (none today)
EXPLAINED: dict[tuple[str, str], str] = {}

_AWS_GPU_TYPE = re.compile(
    r'"((?:ml\.)?(?:p3dn|p3|p4de|p4d|p5en|p5e|p5|g4dn|g5|g6e|g6|trn1|inf2|dl1)'
    r'\.(?:\d*xlarge|large))"')


@dataclass(frozen=True)
class GoldenResource:
    address: str
    monthly: Decimal | None  # sum of the priced rows; None when nothing is priced
    rows: int


def parse_golden(text: str) -> list[GoldenResource]:
    """Resources and their priced rows from an infracost breakdown table."""
    out: list[GoldenResource] = []
    current: str | None = None
    total, priced, rows = Decimal(0), False, 0

    def close() -> None:
        if current is not None:
            out.append(GoldenResource(current, total if priced else None, rows))

    for line in text.splitlines():
        if line.startswith(" OVERALL TOTAL") or line.startswith("──"):
            break
        if re.match(r"^ [a-z][a-z0-9_]*\.", line):
            close()
            current, total, priced, rows = line.split()[0], Decimal(0), False, 0
        elif current and ("├─" in line or "└─" in line):
            rows += 1
            cost = re.search(r"\$([\d,]+\.\d+)\s*$", line)
            if cost and "depends on usage" not in line:
                total += Decimal(cost.group(1).replace(",", ""))
                priced = True
    close()
    return out


# Clouds whose infracost folders are compared line by line in their own tests.
OWN_COMPARISON = {"azure": "tests/clouds/azure/infracost_compare.py",
                  "google": "tests/clouds/google/INFRACOST_COMPARISON.md"}


def _goldens(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob(
        "infracost/internal/providers/terraform/*/testdata/*/*.golden")
        if p.parents[2].name not in OWN_COMPARISON)


def _estimate(directory: Path, usage: Path | None = None) -> Any:
    from engine.pipeline import EstimateOptions, estimate_path

    return estimate_path(directory, EstimateOptions(
        usage_file=str(usage) if usage else None))


def _resource_rows(corpus: Path) -> tuple[list[str], int]:
    rows, overlap = [], 0
    for golden in _goldens(corpus):
        expected = parse_golden(golden.read_text(encoding="utf-8"))
        assert expected, golden
        est = _estimate(golden.parent)
        ours = {r.address: r for r in est.resources}
        statuses: Counter[str] = Counter()
        for g in expected:
            r = ours.get(g.address)
            assert r is not None, (golden.name, g.address)
            statuses[r.status] += 1
            if g.monthly is not None and r.status == "priced":
                overlap += 1
            # a cloud without its own comparison: unsupported with a reason, never $0
            assert r.status == "unsupported", (g.address, r.status)
            assert r.after is not None and r.after.hourly is None and r.after.reasons
        priced = sum(1 for g in expected if g.monthly is not None)
        total = sum((g.monthly for g in expected if g.monthly is not None), Decimal(0))
        reason = next(r.after.reasons[0] for r in ours.values()
                      if r.status == "unsupported" and r.after and r.after.reasons)
        cloud = golden.parts[-4]
        rows.append(f"| `{cloud}/{golden.parent.name}` | {len(expected)} | {priced} | "
                    f"${total:,.2f} | {dict(sorted(statuses.items()))} | 0 | {reason} |")
    return rows, overlap


def _fact_rows() -> list[str]:
    est = _estimate(FACTS_DIR, FACTS_DIR / "usage.yml")
    comps = {(r.address, c.name): c for r in est.resources
             for side in (r.after,) if side for c in side.components}
    rows, unexplained = [], []
    for address, name, qty, cost in IC_FACTS:
        c = comps.get((address, name))
        assert c is not None and c.status == "priced", (address, name)
        ic_price = Decimal(cost) / Decimal(qty)
        diff = c.unit_price - ic_price
        monthly = (c.unit_price * Decimal(qty)).quantize(CENT)
        if abs(monthly - Decimal(cost)) > CENT and (address, name) not in EXPLAINED:
            unexplained.append((address, name, c.unit_price, ic_price))
        why = EXPLAINED.get((address, name)) or (
            f"same price; our record's source is {c.price_source} dated {c.price_as_of}"
            if diff == 0 else "rounding of infracost's monthly figure")
        rows.append(f"| `{address}` {name} | {qty} → ${cost} | {ic_price.normalize():f} | "
                    f"{c.unit_price.normalize():f} ({c.price_source}, {c.price_as_of}) | "
                    f"{diff.normalize():f} | {why} |")
    assert not unexplained, unexplained
    return rows


def _gpu_rows(corpus: Path, tmp: Path) -> list[str]:
    found: dict[str, set[str]] = {}
    for tf in corpus.rglob("*.tf"):
        for m in _AWS_GPU_TYPE.finditer(tf.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(m.group(1), set()).add(tf.relative_to(corpus).parts[0])
    assert {"p4d.24xlarge", "p5.48xlarge", "p5e.48xlarge", "trn1.32xlarge", "g5.12xlarge",
            "g6e.8xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge"} <= set(found), sorted(found)
    lines = ['provider "aws" {\n  region = "us-east-1"\n}\n']
    for i, t in enumerate(sorted(found)):
        if t.startswith("ml."):
            lines.append(f'resource "aws_sagemaker_endpoint_configuration" "c{i}" {{\n'
                         f'  production_variants {{\n    variant_name = "v"\n'
                         f'    model_name = "m"\n    instance_type = "{t}"\n'
                         f'    initial_instance_count = 1\n  }}\n}}\n'
                         f'resource "aws_sagemaker_endpoint" "t{i}" {{\n'
                         f'  endpoint_config_name = aws_sagemaker_endpoint_configuration.c{i}.name\n}}\n')
        else:
            lines.append(f'resource "aws_instance" "t{i}" {{\n  ami = "ami-1"\n'
                         f'  instance_type = "{t}"\n'
                         f'  root_block_device {{\n    volume_size = 8\n'
                         f'    volume_type = "gp3"\n  }}\n}}\n')
    (tmp / "main.tf").write_text("".join(lines), encoding="utf-8")
    ours = {r.address: r for r in _estimate(tmp).resources}
    rows = []
    for i, t in enumerate(sorted(found)):
        r = ours[f"aws_sagemaker_endpoint.t{i}" if t.startswith("ml.") else f"aws_instance.t{i}"]
        side = r.after
        assert side is not None
        assert r.status in ("priced", "unpriced"), (t, r.status, side.reasons)
        if r.status == "priced":
            compute = next(c for c in side.components if c.per == "hour")
            assert compute.unit_price and compute.unit_price > 0, t
            figure = f"${compute.unit_price.normalize():f}/h ({compute.price_as_of})"
            gpus = ", ".join(f"{n} × {m}" for m, n in sorted(side.gpus.items()))
            note = gpus or "no GPU (accelerator or CPU)"
        else:
            assert (side.hourly is None or not side.complete) and side.reasons, t  # known part: a lower bound
            figure, note = "unpriced", side.reasons[0]
        rows.append(f"| `{t}` | {', '.join(sorted(found[t]))} | {r.status} | {figure} | "
                    f"{note} |")
    return rows


def test_infracost_comparison(corpus: Path, golden: Any, tmp_path: Path) -> None:
    resource_rows, overlap = _resource_rows(corpus)
    assert overlap == 0  # no resource of those folders is priced by both tools today
    text = "\n".join([
        "# costwarden vs infracost on the same inputs",
        "",
        "Generated by `tests/hcl/test_hcl_infracost.py` (rewrite with "
        "`pytest --update-goldens`). Infracost figures: its `.golden` test outputs at "
        f"commit 95ba4f49 (dated {IC_DATE}) in `../shared/corpus/public/infracost`.",
        "",
        "## Resources both tools price",
        "",
        f"**{overlap}.** The infracost folders of the corpus hold only Google Cloud and "
        "Azure resources, and both are priced and compared line by line in their own "
        f"files (`{OWN_COMPARISON['google']}`, `{OWN_COMPARISON['azure']}`); a folder of "
        "any other cloud would be listed here, each resource `unsupported` with its "
        "reason (never as $0) and out of the totals.",
        "",
        "| folder | resources | priced by infracost | infracost monthly | costwarden "
        "statuses | priced by both | costwarden reason (example) |",
        "|---|---|---|---|---|---|---|",
        *resource_rows,
        "",
        "## Unit prices both tools state (AWS, us-east-1)",
        "",
        "Infracost's AWS golden tests (quantities and monthly costs as cited in "
        "`pricing-facts.md`, source IC) against costwarden's catalog, priced end to end "
        "from `tests/hcl/fixtures/infracost_aws` with the same quantities. A difference "
        "larger than a cent of the monthly figure must be explained here or the test "
        "fails.",
        "",
        "| item | infracost qty → monthly | infracost unit price | costwarden unit price "
        "(source, as of) | difference | explanation |",
        "|---|---|---|---|---|---|",
        *_fact_rows(),
        "",
        "## AWS GPU and accelerator types named in the corpus `.tf` files",
        "",
        "In the corpus these types sit mostly behind remote modules (eks-blueprints, "
        "data-on-eks) that are not read; here each is priced on its own as an "
        "`aws_instance` (or a SageMaker endpoint for `ml.*`) in us-east-1, on demand.",
        "",
        "| type | found in | status | on-demand | GPUs or reason |",
        "|---|---|---|---|---|",
        *_gpu_rows(corpus, tmp_path),
        "",
    ])
    golden.check(REPORT, text)


def test_parse_golden_table() -> None:
    text = (" Name   Monthly Qty  Unit   Monthly Cost\n\n"
            " google_compute_instance.gpu\n"
            " ├─ Instance usage (Linux/UNIX, on-demand, n1-standard-16)   730  hours  $388.36\n"
            " └─ NVIDIA Tesla K80 (on-demand)                           2,920  hours  $919.80\n"
            "\n azurerm_x.y\n"
            " └─ Disk operations   Monthly cost depends on usage: $0.0005 per 10k operations\n"
            "\n OVERALL TOTAL   $1,308.16\n")
    assert parse_golden(text) == [
        GoldenResource("google_compute_instance.gpu", Decimal("1308.16"), 2),
        GoldenResource("azurerm_x.y", None, 1)]
    assert REPO.is_dir()
