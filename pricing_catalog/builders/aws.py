"""`python -m pricing_catalog build aws`: the AWS data files from the licensed sources.

What it reads (`--sources DIR`, by default `../shared/reference/price-sources/`):

- the Karpenter price maps `aws/karpenter_zz_generated.pricing_aws*.go` (on-demand Linux
  $/h per EC2 type: us-east-1, and the GovCloud regions); the China map is priced in CNY
  and the catalog holds one currency, so it is reported and left out;
- the Spot Instance Advisor feed `aws/spotinfo_spot-advisor-data.json`: a savings
  percentage per region × type, no absolute price. A spot price derived from it is a
  band, on-demand × (1 − savings), marked estimated (see `spot_band`);
- coroot's Infracost egress dump `aws/coroot_infracost_egress_2024-08.json`: internet
  egress tiers per region;
- the records already in `pricing_catalog/data/aws/` from sources this builder does not
  read (per-region GPU prices, storage and network facts, refresh output): they are
  carried through with their own source and date.

Where two records price the same key, an observed price beats an estimated one and,
between equals, the newer source date wins. Output: one data file per service, in the
catalog's stable order, validated against the schema; rebuilding is idempotent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..datafile import DATA_SCHEMA, PACKAGE_DIR, format_data_file, read_json, validate
from ..errors import CatalogError
from ..records import data_file, merge
from . import DEFAULT_SOURCES

DATA_DIR = PACKAGE_DIR / "data" / "aws"

KARPENTER_COMMIT = "1d927085dd81a9df9301e613f371dac5b4d16bfe"
KARPENTER_FOLDER = (f"https://github.com/aws/karpenter-provider-aws/blob/{KARPENTER_COMMIT}/"
                    "pkg/providers/pricing/")
SPOTINFO = ("https://github.com/alexei-led/spotinfo/blob/05e933139449b888c78795b28af8e9370429a031/"
            "internal/spot/data/spot-advisor-data.json")
COROOT = ("https://github.com/coroot/cloud-pricing/blob/af03eada15b25d80863f2547ba281e71af9d5c91/"
          "data/cloud-pricing.json.gz")


@dataclass(frozen=True)
class KarpenterMap:
    file: str  # name inside aws/
    source_id: str
    title: str


KARPENTER_MAPS = (
    KarpenterMap("karpenter_zz_generated.pricing_aws.go", "K",
                 "Karpenter generated EC2 on-demand price map (AWS Price List API, us-east-1)"),
    KarpenterMap("karpenter_zz_generated.pricing_aws_us_gov.go", "KGOV",
                 "Karpenter generated EC2 on-demand price map (AWS Price List API, GovCloud)"),
)
KARPENTER_CN = "karpenter_zz_generated.pricing_aws_cn.go"
SPOT_ADVISOR_ID = "SA"
COROOT_ID = "CE"
BUILT_SOURCES = frozenset({m.source_id for m in KARPENTER_MAPS} | {SPOT_ADVISOR_ID, COROOT_ID})

# The services whose data files this builder writes (the others it carries unchanged).
SERVICES = ("ec2", "data_transfer")

_GENERATED = re.compile(r"//\s*generated at (\d{4}-\d{2}-\d{2})T")
_REGION = re.compile(r'^\s*"([a-z]{2}(?:-[a-z]+)+-\d+)":\s*\{\s*$')
_PRICE = re.compile(r'"([a-z0-9][a-z0-9.-]*)":\s*([0-9]+(?:\.[0-9]+)?)')
_PRICE_LINE = re.compile(r'\s*(?:"[a-z0-9][a-z0-9.-]*":\s*[0-9]+(?:\.[0-9]+)?,\s*)+')


class BuildError(CatalogError):
    """A source file that cannot be read as what it claims to be."""


def parse_karpenter(text: str, file: str) -> tuple[str, dict[str, dict[str, Decimal]]]:
    """(generation date, {region: {instance type: on-demand $/h}}) of one Go price map."""
    found = _GENERATED.search(text)
    if found is None:
        raise BuildError(file, "no '// generated at YYYY-MM-DDT…' line")
    regions: dict[str, dict[str, Decimal]] = {}
    current: dict[str, Decimal] | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        head = _REGION.match(line)
        if head:
            current = regions.setdefault(head.group(1), {})
            continue
        if '":' not in line or line.lstrip().startswith("//"):
            continue
        if not _PRICE_LINE.fullmatch(line):
            raise BuildError(file, f"unreadable price entry: {line.strip()[:80]!r}", line=lineno)
        pairs = _PRICE.findall(line)
        if current is None:
            raise BuildError(file, "price entry before any region", line=lineno)
        for itype, price in pairs:
            if itype in current:
                raise BuildError(file, f"duplicate instance type {itype!r}", line=lineno)
            current[itype] = Decimal(price).normalize()
    if not any(regions.values()):
        raise BuildError(file, "no prices found")
    return found.group(1), regions


def _money(value: Decimal) -> str:
    return format(value.normalize(), "f")


def instance_record(region: str, itype: str, price: Decimal, source: str, as_of: str,
                    purchase_option: str = "on_demand", **extra: Any) -> dict[str, Any]:
    return {"product": "instance", "region": region,
            "attributes": {"instance_type": itype, "os": "linux", "tenancy": "shared"},
            "purchase_option": purchase_option, "unit": "hour", "price": _money(price),
            "source": source, "as_of": as_of, **extra}


def spot_band(on_demand: Decimal, savings_pct: int) -> tuple[Decimal, Decimal]:
    """The spot $/h band a Spot Advisor savings figure allows.

    The advisor publishes a whole percentage (its trailing average savings against
    on-demand, rounded), so the true figure lies within half a point of it: the band
    is on-demand × (1 − (s ± 0.5) / 100), rounded outwards to 1e-6 $/h.
    """
    high = on_demand * (1 - (Decimal(savings_pct) - Decimal("0.5")) / 100)
    low = on_demand * (1 - (Decimal(savings_pct) + Decimal("0.5")) / 100)
    q = Decimal("0.000001")
    return max(low, Decimal(0)).quantize(q, rounding="ROUND_FLOOR"), \
        min(high, on_demand).quantize(q, rounding="ROUND_CEILING")


def spot_records(advisor: Mapping[str, Any], on_demand: Mapping[tuple[str, str], Decimal],
                 as_of: str, file: str) -> list[dict[str, Any]]:
    """Estimated spot bands for every Linux (region, type) whose on-demand price is known."""
    try:
        by_region = advisor["spot_advisor"]
    except (KeyError, TypeError):
        raise BuildError(file, "no 'spot_advisor' object") from None
    out = []
    for region in sorted(by_region):
        linux = by_region[region].get("Linux", {}) if isinstance(by_region[region], dict) else {}
        for itype in sorted(linux):
            od = on_demand.get((region, itype))
            entry = linux[itype]
            if od is None:
                continue
            savings = entry.get("s") if isinstance(entry, dict) else None
            if not isinstance(savings, int) or isinstance(savings, bool) or savings >= 100:
                raise BuildError(file, f"{region} {itype}: savings 's' is not a percentage",
                                 where=f"$.spot_advisor.{region}.Linux.{itype}.s")
            if savings <= 0:  # the feed's "no saving seen" (0, or negative): nothing to derive
                continue
            low, high = spot_band(od, savings)
            out.append(instance_record(
                region, itype, high, SPOT_ADVISOR_ID, as_of, "spot", estimated=True,
                price_range={"low": _money(low), "high": _money(high)},
                note=f"band from the Spot Advisor's {savings}% average savings on the "
                     f"on-demand {_money(od)} $/h; totals use the upper end"))
    return out


def _coroot_decimal(value: Any) -> Decimal:
    # The dump stores float32 values (0.0850000008940697): six significant digits
    # are what the source had.
    return Decimal(f"{float(value):.6g}")


def egress_records(dump: Mapping[str, Any], as_of: str, file: str) -> list[dict[str, Any]]:
    """Internet egress tiers (monthly GB) per AWS region."""
    try:
        regions = dump["aws"]["internet_egress"]
    except (KeyError, TypeError):
        raise BuildError(file, "no aws.internet_egress object") from None
    out = []
    for region in sorted(regions):
        try:
            tiers = sorted((Decimal(start), _coroot_decimal(price))
                           for start, price in regions[region].items())
        except (ArithmeticError, AttributeError, TypeError, ValueError):
            raise BuildError(file, f"unreadable egress tiers for {region}",
                             where=f"$.aws.internet_egress.{region}") from None
        if not tiers or tiers[0][0] != 0:
            raise BuildError(file, f"egress tiers for {region} do not start at 0 GB")
        out.append({"product": "internet_egress", "region": region, "attributes": {},
                    "purchase_option": "on_demand", "unit": "GB", "price": _money(tiers[0][1]),
                    "source": COROOT_ID, "as_of": as_of,
                    "tiers": [{"start": _money(s), "price": _money(p)} for s, p in tiers],
                    "note": "tiered on monthly GB; the free first 100 GB/month is not applied"})
    return out


class Sources:
    """The licensed source files, read once, with their dates and provenance."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.meta: dict[str, dict[str, str]] = {}
        self.on_demand: list[dict[str, Any]] = []
        self.notes: list[str] = []
        for m in KARPENTER_MAPS:
            as_of, regions = parse_karpenter(self._text(m.file), self._show(m.file))
            self.meta[m.source_id] = {
                "title": m.title, "location": KARPENTER_FOLDER + m.file.replace("karpenter_", ""),
                "as_of": as_of, "licence": "Apache-2.0"}
            for region, prices in regions.items():
                self.on_demand += [instance_record(region, t, p, m.source_id, as_of)
                                   for t, p in sorted(prices.items())]
        cn_as_of, cn = parse_karpenter(self._text(KARPENTER_CN), self._show(KARPENTER_CN))
        self.notes.append(f"{KARPENTER_CN}: {sum(map(len, cn.values()))} prices in "
                          f"{', '.join(sorted(cn))} ({cn_as_of}) are CNY; the catalog holds one "
                          "currency (USD), so they are not bundled")
        self.advisor, self.advisor_file = self._json("spotinfo_spot-advisor-data.json")
        self.meta[SPOT_ADVISOR_ID] = {
            "title": "AWS Spot Instance Advisor feed (savings % vs on-demand per region and type)",
            "location": SPOTINFO, "as_of": "2025-06-28", "licence": "Apache-2.0",
            "note": "the file's last change in its repository; it holds no absolute spot "
                    "prices, so spot figures derived from it are estimated bands"}
        self.egress, self.egress_file = self._json("coroot_infracost_egress_2024-08.json")
        self.meta[COROOT_ID] = {
            "title": "coroot cloud-pricing (Infracost price data): AWS internet egress tiers",
            "location": COROOT, "as_of": "2024-08-09", "licence": "Apache-2.0"}

    def _show(self, name: str) -> str:
        return f"aws/{name}"

    def _text(self, name: str) -> str:
        path = self.root / "aws" / name
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BuildError(str(path), f"cannot read source: {exc.strerror or exc}") from None

    def _json(self, name: str) -> tuple[Any, str]:
        try:
            return json.loads(self._text(name)), self._show(name)
        except ValueError as exc:
            raise BuildError(self._show(name), f"invalid JSON: {exc}") from None


def carried(doc: Mapping[str, Any] | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Records (and their sources) of a data file that come from sources not built here."""
    if doc is None:
        return [], {}
    records = [r for r in doc.get("records", []) if r["source"] not in BUILT_SOURCES]
    return records, {k: v for k, v in doc.get("sources", {}).items() if k not in BUILT_SOURCES}


def build_service(service: str, generated: list[dict[str, Any]], src: Sources,
                  previous: Mapping[str, Any] | None) -> dict[str, Any]:
    old_records, old_sources = carried(previous)
    return data_file("aws", service, [*old_records, *generated], {**old_sources, **src.meta},
                     (previous or {}).get("unavailable"))


def build(src: Sources, previous: Mapping[str, Mapping[str, Any] | None]) -> dict[str, dict]:
    """The data files (service -> document) from the sources and the previous files."""
    old_ec2, _ = carried(previous.get("ec2"))
    on_demand_records = merge([*[r for r in old_ec2 if r["purchase_option"] == "on_demand"],
                               *src.on_demand])
    on_demand = {(r["region"], r["attributes"]["instance_type"]): Decimal(r["price"])
                 for r in on_demand_records
                 if r["product"] == "instance" and r["attributes"].get("os") == "linux"
                 and r["attributes"].get("tenancy") == "shared"}
    spot = spot_records(src.advisor, on_demand, src.meta[SPOT_ADVISOR_ID]["as_of"],
                        src.advisor_file)
    egress = egress_records(src.egress, src.meta[COROOT_ID]["as_of"], src.egress_file)
    return {"ec2": build_service("ec2", [*src.on_demand, *spot], src, previous.get("ec2")),
            "data_transfer": build_service("data_transfer", egress, src,
                                           previous.get("data_transfer"))}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pricing_catalog build aws",
                                description="Build the AWS data files from the licensed sources.")
    p.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                   help=f"price-sources directory (default: {DEFAULT_SOURCES})")
    p.add_argument("--data", type=Path, default=DATA_DIR,
                   help="the data directory to read carried records from and write to")
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        src = Sources(args.sources)
        previous = {}
        for service in SERVICES:
            path = args.data / f"{service}.json"
            previous[service] = read_json(path, str(path))[0] if path.exists() else None
        docs = build(src, previous)
        for service, doc in docs.items():
            validate(doc, DATA_SCHEMA, f"{service}.json", None)
    except CatalogError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 2
    args.data.mkdir(parents=True, exist_ok=True)
    for service, doc in docs.items():
        (args.data / f"{service}.json").write_text(format_data_file(doc), encoding="utf-8")
        by_source: dict[str, int] = {}
        for r in doc["records"]:
            by_source[r["source"]] = by_source.get(r["source"], 0) + 1
        print(f"build: {service}.json: {len(doc['records'])} records ("
              + ", ".join(f"{k} {n}" for k, n in sorted(by_source.items())) + ")")
    for note in src.notes:
        print(f"build: {note}")
    return 0
