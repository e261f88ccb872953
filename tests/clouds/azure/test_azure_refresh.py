"""`costwarden catalog refresh azure` against a server on 127.0.0.1 that answers in the
Azure Retail Prices API's documented format (fixtures/retail-prices/README.md)."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from support import run_cli

from pricing_catalog.builders import azure as builder

FIXTURES = Path(__file__).parent / "fixtures" / "retail-prices"


@contextmanager
def server(pages: dict[str, object] | None = None, status: int = 200) -> Iterator[tuple[str, list]]:
    """Serves the fixture pages: VM pages by $skip, disk pages for serviceName Storage."""
    seen: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            seen.append(query)
            flt = query.get("$filter", [""])[0]
            if status != 200 or url.path != "/api/retail/prices":
                self.send_response(status if status != 200 else 404)
                self.end_headers()
                return
            if pages is not None:
                body = json.dumps(pages)
            else:
                name = ("disks-page1.json" if "serviceName eq 'Storage'" in flt else
                        "vm-page2.json" if query.get("$skip") == ["5"] else "vm-page1.json")
                body = (FIXTURES / name).read_text(encoding="utf-8")
            body = body.replace("{base}", base).replace("{filter}", quote(flt))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def _records(path: Path) -> dict[tuple, str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {(r["product"], r["region"], r["purchase_option"],
             tuple(sorted(r["attributes"].items()))): r["price"] for r in doc["records"]}


def test_refresh_follows_pages_and_maps_meters(tmp_path: Path) -> None:
    with server() as (base, seen):
        result = run_cli("catalog", "refresh", "azure", "--regions", "eastus", "--out",
                         tmp_path, "--endpoint", base, "--today", "2026-12-01",
                         "--reservations")
    assert result.code == 0, result.err
    filters = [q["$filter"][0] for q in seen]
    assert "serviceName eq 'Virtual Machines' and armRegionName eq 'eastus' and priceType eq " \
           "'Consumption'" in filters
    assert any("priceType eq 'Reservation'" in f for f in filters)
    assert any(q.get("$skip") == ["5"] for q in seen)  # NextPageLink followed
    assert all(q["api-version"] == ["2023-01-01-preview"] for q in seen)
    vm = _records(tmp_path / "compute.json")
    a100 = (("instance_type", "standard_nc24ads_a100_v4"), ("os", "linux"))
    h100 = (("instance_type", "standard_nd96isr_h100_v5"), ("os", "linux"))
    assert vm[("instance", "eastus", "on_demand", a100)] == "3.673"
    assert vm[("instance", "eastus", "spot", a100)] == "0.444433"
    assert vm[("instance", "eastus", "low_priority", a100)] == "0.7346"
    assert vm[("instance", "eastus", "on_demand", (a100[0], ("os", "windows")))] == "4.777"
    # The price in effect last wins; the dedicated host row is not a VM price.
    assert vm[("instance", "eastus", "on_demand", h100)] == "98.32"
    assert vm[("instance", "eastus", "spot", h100)] == "19.66"
    # A reservation's price is for the whole term: per hour over 8,760 h.
    assert vm[("instance", "eastus", "reserved_1y", h100)].startswith("68.49")
    doc = json.loads((tmp_path / "compute.json").read_text(encoding="utf-8"))
    assert doc["sources"]["azure-retail-prices"]["as_of"] == "2026-12-01"
    assert all(r["as_of"] == "2026-12-01" for r in doc["records"])
    disks = _records(tmp_path / "managed_disks.json")
    assert disks[("disk", "eastus", "on_demand", (("redundancy", "LRS"), ("tier", "P30")))] \
        == "135.17"
    # Ultra capacity is quoted per GiB-hour: 730 hours a month.
    assert disks[("ultra_capacity", "eastus", "on_demand", (("redundancy", "LRS"),))] == "0.11972"
    assert len(disks) == 3  # the operations meter is not a disk price


def test_refresh_output_overlays_the_built_catalog(tmp_path: Path) -> None:
    with server() as (base, _):
        assert run_cli("catalog", "refresh", "azure", "--regions", "eastus", "--services",
                       "compute", "--out", tmp_path, "--endpoint", base,
                       "--today", "2026-12-01").code == 0
    facts = builder.read_facts(builder.DEFAULT_FACTS)
    files = builder.build(facts, builder.infracost_records(builder.DEFAULT_INFRACOST),
                          builder.read_refresh([tmp_path / "compute.json"]))
    compute = files["compute"]
    spot = [r for r in compute["records"] if r["purchase_option"] == "spot"
            and r["attributes"]["instance_type"] == "standard_nd96isr_h100_v5"]
    assert [(r["price"], r["source"]) for r in spot] == [("19.66", "azure-retail-prices")]
    # The refresh answers the facts' "no H100 spot price": that entry is gone.
    assert not any(u["attributes"].get("instance_type") == "standard_nd96isr_h100_v5"
                   and u.get("purchase_option") == "spot" for u in compute["unavailable"])
    # Records the refresh did not touch keep their source.
    t4 = [r for r in compute["records"] if r["attributes"]["instance_type"] ==
          "standard_nc4as_t4_v3" and r["purchase_option"] == "on_demand"]
    assert [r["source"] for r in t4] == ["SK6A"]


@pytest.mark.parametrize("pages, status, message", [
    (None, 500, "HTTP 500"),
    ({"Items": [], "NextPageLink": "http://198.51.100.7/api/retail/prices?$skip=1"}, 200,
     "NextPageLink points elsewhere"),
    ({"BillingCurrency": "USD"}, 200, "without an Items list"),
    ({"Items": [{"armSkuName": "Standard_X", "retailPrice": "abc", "type": "Consumption",
                 "unitOfMeasure": "1 Hour", "productName": "Virtual Machines X",
                 "armRegionName": "eastus"}], "NextPageLink": None}, 200, "no readable retailPrice"),
])
def test_bad_answers_are_one_line(tmp_path: Path, pages: object, status: int,
                                  message: str) -> None:
    with server(pages, status) as (base, _):
        result = run_cli("catalog", "refresh", "azure", "--regions", "eastus", "--services",
                         "compute", "--out", tmp_path, "--endpoint", base)
    assert result.code == 2 and message in result.err, result
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "compute.json").exists()


def test_filter_values_must_be_plain_names(tmp_path: Path) -> None:
    result = run_cli("catalog", "refresh", "azure", "--regions", "eastus' or '1' eq '1",
                     "--out", tmp_path, "--endpoint", "http://127.0.0.1:9")
    assert result.code == 2 and "is not a plain name" in result.err
