"""Benchmark `costwarden catalog refresh aws` on a generated EC2 region offer file.

    python benchmarks/bench_refresh.py [--size-mb 400] [--repeat 1]

The file is written once into benchmarks/out/pricelist/ in the Price List bulk format
(pretty-printed like AWS's own files: `products` keyed by SKU with ~30 attributes each,
then `terms.OnDemand` and `terms.Reserved` with seven reserved offers per SKU), from
a ladder of instance families × sizes × operating systems × tenancies × capacity
statuses × pre-installed software, as a real EC2 region file is; the offer index and
region index beside it. A server on 127.0.0.1 serves the folder, and the refresh
(services ec2, ebs, nat into a copy of the bundled data) runs as a child process:
printed are the file size, wall time and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import itertools
import json
import shutil
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import best  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "pricelist"
REGION = "us-west-2"
FAMILIES = ["m5", "m6i", "m7i", "c5", "c6i", "c7i", "r5", "r6i", "r7i", "t3", "g5", "g6", "p4d",
            "p5", "i4i", "x2idn", "m6g", "c7g", "r8g", "inf2", "trn1", "g6e", "m5d", "c5n"]
SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
         "48xlarge", "metal"]
OS = [("Linux", "No License required"), ("Windows", "License Included"),
      ("RHEL", "No License required"), ("SUSE", "No License required"),
      ("Ubuntu Pro", "No License required"), ("Windows", "Bring your own license")]
TENANCY = ["Shared", "Dedicated", "Host"]
CAPACITY = ["Used", "UnusedCapacityReservation", "AllocatedCapacityReservation"]
SOFTWARE = ["NA", "SQL Web", "SQL Std", "SQL Ent"]
RESERVED = [("1yr", "No Upfront", "standard"), ("1yr", "Partial Upfront", "standard"),
            ("1yr", "All Upfront", "standard"), ("3yr", "No Upfront", "standard"),
            ("3yr", "Partial Upfront", "standard"), ("3yr", "All Upfront", "standard"),
            ("3yr", "No Upfront", "convertible")]


def _combos() -> itertools.cycle:
    return itertools.cycle(itertools.product(FAMILIES, SIZES, OS, TENANCY, CAPACITY, SOFTWARE))


def _product(n: int, combo: tuple) -> tuple[str, dict]:
    family, size, (os, licence), tenancy, capacity, software = combo
    itype = f"{family}.{size}"
    sku = f"{n:016X}"
    return sku, {"sku": sku, "productFamily": "Compute Instance", "attributes": {
        "servicecode": "AmazonEC2", "location": "US West (Oregon)", "locationType": "AWS Region",
        "instanceType": itype, "currentGeneration": "Yes", "instanceFamily": "General purpose",
        "vcpu": "8", "physicalProcessor": "Intel Xeon Platinum 8259CL", "clockSpeed": "3.1 GHz",
        "memory": "32 GiB", "storage": "EBS only", "networkPerformance": "Up to 10 Gigabit",
        "processorArchitecture": "64-bit", "tenancy": tenancy, "operatingSystem": os,
        "licenseModel": licence, "usagetype": f"USW2-BoxUsage:{itype}",
        "operation": "RunInstances", "availabilityzone": "NA", "capacitystatus": capacity,
        "classicnetworkingsupport": "false", "dedicatedEbsThroughput": "Up to 4750 Mbps",
        "ecu": "37", "enhancedNetworkingSupported": "Yes", "gpuMemory": "NA",
        "intelAvxAvailable": "Yes", "intelAvx2Available": "Yes", "intelTurboAvailable": "Yes",
        "marketoption": "OnDemand", "normalizationSizeFactor": "16", "preInstalledSw": software,
        "processorFeatures": "Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo",
        "regionCode": REGION, "servicename": "Amazon Elastic Compute Cloud",
        "vpcnetworkingsupport": "true"}}


def _dimension(sku: str, code: str, unit: str, usd: str) -> dict:
    rate = f"{sku}.{code}.6YS6EN2CT7"
    return {rate: {"rateCode": rate, "description": f"${usd} per unit", "beginRange": "0",
                   "endRange": "Inf", "unit": unit, "pricePerUnit": {"USD": usd},
                   "appliesTo": []}}


def _on_demand(sku: str, n: int) -> dict:
    return {f"{sku}.JRTCKXETXF": {"offerTermCode": "JRTCKXETXF", "sku": sku,
                                  "effectiveDate": "2026-11-01T00:00:00Z",
                                  "priceDimensions": _dimension(sku, "JRTCKXETXF", "Hrs",
                                                                f"{0.05 + n % 997 / 100:.10f}"),
                                  "termAttributes": {}}}


def _reserved(sku: str) -> dict:
    out = {}
    for i, (years, option, klass) in enumerate(RESERVED):
        code = f"RSV{i:07d}"
        dims = _dimension(sku, code, "Hrs", "0.0600000000")
        if option != "No Upfront":
            dims.update(_dimension(sku, code + "Q", "Quantity", "525"))
        out[f"{sku}.{code}"] = {"offerTermCode": code, "sku": sku,
                                "effectiveDate": "2026-11-01T00:00:00Z", "priceDimensions": dims,
                                "termAttributes": {"LeaseContractLength": years,
                                                   "OfferingClass": klass,
                                                   "PurchaseOption": option}}
    return out


def _indent(text: str, by: int) -> str:
    return text.replace("\n", "\n" + " " * by)


def write_offer_file(path: Path, size_mb: int) -> int:
    """Write the offer file (three passes over the same SKUs); returns its product count."""
    budget = size_mb * 1024 * 1024
    # one SKU costs about this much over products + OnDemand + Reserved (pretty-printed)
    per_sku = len(_indent(json.dumps(_product(0, next(_combos()))[1], indent=4), 8)) \
        + len(_indent(json.dumps(_on_demand("0" * 16, 0), indent=4), 12)) \
        + len(_indent(json.dumps(_reserved("0" * 16), indent=4), 12)) + 3 * 30
    count = max(1, budget // per_sku)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n    "formatVersion" : "v1.0",\n    "disclaimer" : "This pricing list is for '
                 'informational purposes only.",\n    "offerCode" : "AmazonEC2",\n    "version" : '
                 '"20261128181005",\n    "publicationDate" : "2026-11-28T18:10:05Z",\n'
                 '    "products" : {\n')
        for n, combo in zip(range(count), _combos()):
            sku, prod = _product(n, combo)
            fh.write(("," if n else "") + f'        "{sku}" : '
                     + _indent(json.dumps(prod, indent=4), 8) + "\n")
        fh.write('    },\n    "terms" : {\n        "OnDemand" : {\n')
        for n in range(count):
            sku = f"{n:016X}"
            fh.write(("," if n else "") + f'            "{sku}" : '
                     + _indent(json.dumps(_on_demand(sku, n), indent=4), 12) + "\n")
        fh.write('        },\n        "Reserved" : {\n')
        for n in range(count):
            sku = f"{n:016X}"
            fh.write(("," if n else "") + f'            "{sku}" : '
                     + _indent(json.dumps(_reserved(sku), indent=4), 12) + "\n")
        fh.write("        }\n    }\n}\n")
    return count


def write_site(size_mb: int) -> tuple[Path, int]:
    offer = OUT / "offers/v1.0/aws/AmazonEC2/20261128181005" / REGION / "index.json"
    stamp = OUT / f".size-{size_mb}"
    count = int(stamp.read_text()) if stamp.exists() and offer.exists() else 0
    if not count:
        count = write_offer_file(offer, size_mb)
        stamp.write_text(str(count))
    (OUT / "offers/v1.0/aws/index.json").write_text(json.dumps({"offers": {"AmazonEC2": {
        "offerCode": "AmazonEC2",
        "currentRegionIndexUrl": "/offers/v1.0/aws/AmazonEC2/current/region_index.json"}}}))
    region_index = OUT / "offers/v1.0/aws/AmazonEC2/current/region_index.json"
    region_index.parent.mkdir(parents=True, exist_ok=True)
    region_index.write_text(json.dumps({"regions": {REGION: {
        "regionCode": REGION,
        "currentVersionUrl": f"/offers/v1.0/aws/AmazonEC2/20261128181005/{REGION}/index.json"}}}))
    return offer, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    offer, count = write_site(args.size_mb)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(OUT)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "aws"
        shutil.copytree(ROOT / "pricing_catalog" / "data" / "aws", data)
        cmd = [sys.executable, "-m", "engine.cli", "catalog", "refresh", "aws",
               "--services", "ec2,ebs,nat", "--regions", REGION,
               "--endpoint", f"http://127.0.0.1:{server.server_address[1]}",
               "--data", str(data), "--today", "2026-12-01"]
        wall, rss, code, err = best(cmd, args.repeat, cwd=str(ROOT))
        records = sum(1 for r in json.loads((data / "ec2.json").read_text())["records"]
                      if r["region"] == REGION and r["source"].startswith("PL-"))
    server.shutdown()
    size = offer.stat().st_size / 1024 / 1024
    print(f"EC2 offer file {REGION}: {size:,.0f} MiB, {count:,} products")
    print(f"refresh (ec2, ebs, nat): {wall:.1f} s wall, peak RSS {rss:,.0f} MiB, exit {code}, "
          f"{records} {REGION} records written")
    if code != 0:
        print(err, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
