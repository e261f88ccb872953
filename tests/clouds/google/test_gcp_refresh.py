"""`costwarden catalog refresh gcp` against a Cloud Billing Catalog API served on 127.0.0.1.

The responses are not recorded from Google: they are built here in the API's
documented format (`services.list` and `services.skus.list`: `skus[]` with
`category.resourceGroup/usageType`, `serviceRegions`, `pricingInfo[].pricingExpression.
tieredRates[].unitPrice{units,nanos}`, `nextPageToken`), from the example in
`../shared/reference/pricing-facts.md` §6.3 and the SKU descriptions gpuhunt parses
("Nvidia Tesla T4 GPU running in Americas", "N2 Instance Core running in Americas").
The TPU and Cloud Storage descriptions follow the same pattern; their exact public
wording was not available here. Nothing reaches the network.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from pricing_catalog.keys import PriceKey
from pricing_catalog.loader import load_catalog
from pricing_catalog.refresh import gcp

KEY = "test-key-not-a-secret-1234"


def gcp_key(region: str, version: str) -> PriceKey:
    return PriceKey.of("google", "tpu", "tpu", region, tpu_version=version)


def sku(sku_id: str, description: str, group: str, usage: str, regions: list[str],
        units: int, nanos: int, unit: str = "h", family: str = "Compute") -> dict[str, Any]:
    return {
        "name": f"services/6F81-5844-456A/skus/{sku_id}", "skuId": sku_id,
        "description": description,
        "category": {"serviceDisplayName": "Compute Engine", "resourceFamily": family,
                     "resourceGroup": group, "usageType": usage},
        "serviceRegions": regions,
        "pricingInfo": [{"effectiveTime": "2026-11-30T08:00:00Z", "summary": "",
                         "pricingExpression": {
                             "usageUnit": unit, "usageUnitDescription": "hour",
                             "baseUnit": "s", "baseUnitDescription": "second",
                             "baseUnitConversionFactor": 3600, "displayQuantity": 1,
                             "tieredRates": [{"startUsageAmount": 0, "unitPrice": {
                                 "currencyCode": "USD", "units": str(units), "nanos": nanos}}]},
                         "aggregationInfo": {"aggregationLevel": "ACCOUNT",
                                             "aggregationInterval": "MONTHLY",
                                             "aggregationCount": 1},
                         "currencyConversionRate": 1}],
        "serviceProviderName": "Google", "geoTaxonomy": {"type": "REGIONAL", "regions": regions}}


COMPUTE_PAGES = [
    [sku("A1", "Nvidia Tesla T4 GPU running in Americas", "GPU", "OnDemand",
         ["us-central1", "us-east1"], 0, 350000000),
     sku("A2", "Spot Preemptible Nvidia Tesla T4 GPU running in Americas", "GPU", "Preemptible",
         ["us-central1"], 0, 140000000),
     sku("A3", "N2 Instance Core running in Americas", "CPU", "OnDemand", ["us-central1"],
         0, 31611000)],
    [sku("A4", "N2 Instance Ram running in Americas", "RAM", "OnDemand", ["us-central1"],
         0, 4237000),
     sku("A5", "Balanced PD Capacity", "SSD", "OnDemand", ["us-central1"], 0, 100000000,
         unit="GiBy.mo", family="Storage"),
     sku("A6", "Licensing Fee for Windows Server", "Windows", "OnDemand", ["us-central1"],
         0, 40000000)],
]
TPU_PAGE = [sku("T1", "TPU v5p chip running in Columbus", "TPU", "OnDemand", ["us-east5"],
                4, 200000000)]
SERVICES = {"services": [
    {"name": "services/6F81-5844-456A", "serviceId": "6F81-5844-456A",
     "displayName": "Compute Engine", "businessEntityName": "businessEntities/GCP"},
    {"name": "services/TPU0-TEST-0001", "serviceId": "TPU0-TEST-0001",
     "displayName": "Cloud TPU", "businessEntityName": "businessEntities/GCP"}]}


class _Handler(BaseHTTPRequestHandler):
    seen: list[str] = []

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = parse_qs(url.query)
        _Handler.seen.append(url.path + "?" + "&".join(sorted(query)))
        if query.get("key") != [KEY]:
            return self._send(403, {"error": {"code": 403, "message": "API key not valid"}})
        if url.path == "/v1/services":
            return self._send(200, SERVICES)
        if url.path == "/v1/services/6F81-5844-456A/skus":
            page = int((query.get("pageToken") or ["0"])[0])
            body: dict[str, Any] = {"skus": COMPUTE_PAGES[page]}
            body["nextPageToken"] = str(page + 1) if page + 1 < len(COMPUTE_PAGES) else ""
            return self._send(200, body)
        if url.path == "/v1/services/TPU0-TEST-0001/skus":
            return self._send(200, {"skus": TPU_PAGE, "nextPageToken": ""})
        return self._send(404, {"error": {"code": 404}})

    def _send(self, status: int, doc: Any) -> None:
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _records(path: Path) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    doc = json.loads(path.read_text())
    return {(r["product"], r["region"], ",".join(f"{k}={v}" for k, v in
                                                 sorted(r["attributes"].items())),
             r["purchase_option"]): r for r in doc["records"]}


def test_refresh_pages_maps_and_writes(api: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("TEST_GCP_KEY", KEY)
    code = gcp.main(["--services", "compute,tpu", "--out", str(tmp_path), "--endpoint", api,
                     "--api-key-env", "TEST_GCP_KEY", "--today", "2026-12-01"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert KEY not in out.out + out.err
    # Both compute pages were read (pageToken), and the TPU id came from services.list.
    assert "/v1/services/6F81-5844-456A/skus?currencyCode&key&pageSize&pageToken" in \
        _Handler.seen
    compute = _records(tmp_path / "compute.json")
    t4 = compute[("gpu", "us-central1", "gpu_type=nvidia-tesla-t4", "on_demand")]
    assert Decimal(t4["price"]) == Decimal("0.35") and t4["as_of"] == "2026-12-01"
    assert ("gpu", "us-east1", "gpu_type=nvidia-tesla-t4", "on_demand") in compute
    assert Decimal(compute[("gpu", "us-central1", "gpu_type=nvidia-tesla-t4", "spot")]
                   ["price"]) == Decimal("0.14")
    # n2-standard-8 = 8 vCPU x core + 32 GB x RAM, from the catalog's hardware table.
    n2 = compute[("instance", "us-central1", "instance_type=n2-standard-8", "on_demand")]
    assert Decimal(n2["price"]) == 8 * Decimal("0.031611") + 32 * Decimal("0.004237")
    assert compute[("disk", "us-central1", "disk_type=pd-balanced,replication=zonal",
                    "on_demand")]["unit"] == "GB-month"
    assert not [k for k in compute if "Windows" in str(k)]  # unmapped SKUs are left out
    tpu = _records(tmp_path / "tpu.json")
    assert Decimal(tpu[("tpu", "us-east5", "tpu_version=v5p", "on_demand")]["price"]) == \
        Decimal("4.2")
    # What it writes loads as a catalog folder (<provider>/<service>.json).
    folder = tmp_path / "catalog" / "google"
    folder.mkdir(parents=True)
    for name in ("compute.json", "tpu.json"):
        (folder / name).write_text((tmp_path / name).read_text())
    catalog = load_catalog(data_dir=tmp_path / "catalog")
    price = catalog.lookup(gcp_key("us-east5", "v5p"))
    assert price is not None and price.source == "gcp-billing-catalog"


def test_bad_key_is_one_line_without_the_key(api: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("TEST_GCP_KEY", "wrong-key-5678")
    code = gcp.main(["--services", "compute", "--out", str(tmp_path), "--endpoint", api,
                     "--api-key-env", "TEST_GCP_KEY"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and "HTTP 403" in err
    assert "wrong-key-5678" not in err
    assert not (tmp_path / "compute.json").exists()


def test_missing_key_and_unknown_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("TEST_GCP_KEY", raising=False)
    assert gcp.main(["--out", str(tmp_path), "--api-key-env", "TEST_GCP_KEY"]) == 2
    assert "set TEST_GCP_KEY" in capsys.readouterr().err
    monkeypatch.setenv("TEST_GCP_KEY", KEY)
    assert gcp.main(["--services", "bigquery", "--out", str(tmp_path),
                     "--api-key-env", "TEST_GCP_KEY"]) == 2
    assert "unknown service 'bigquery'" in capsys.readouterr().err
