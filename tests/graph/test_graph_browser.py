"""The HTML page in headless Chromium, driven over the DevTools protocol.

Loads the page from a file (no network), fails on any console error or
uncaught exception, checks the SVG nodes, clicks a resource with real mouse
events and reads the details panel. Keeps a screenshot in tests/artifacts/.
Runs under CI always; elsewhere it skips when Chromium is not installed.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from support import IN_CI

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--window-size=1400,900"]


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if IN_CI:
        pytest.fail("chromium is not installed (required under CI: .ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


class Page:
    """A minimal DevTools-protocol client for one page target."""

    def __init__(self, ws_url: str) -> None:
        websocket = pytest.importorskip("websocket") if not IN_CI else __import__("websocket")
        # No Origin header: Chromium 111+ refuses DevTools websockets from an origin it
        # was not told to allow (--remote-allow-origins).
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params):  # type: ignore[no-untyped-def]
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise AssertionError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.events:
                if e.get("method") == method:
                    return e
            msg = json.loads(self.ws.recv())
            self.events.append(msg)
        raise AssertionError(f"no {method} within {timeout}s")

    def js(self, expression: str):  # type: ignore[no-untyped-def]
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p.get("args")))
            elif m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails")))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", ""))
        return out


@pytest.fixture
def browser(tmp_path):  # type: ignore[no-untyped-def]
    binary = chromium_binary()
    profile = tmp_path / "profile"
    proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = [t for t in json.load(r) if t.get("type") == "page"]
        page = Page(targets[0]["webSocketDebuggerUrl"])
        yield page
        page.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("name,base", [
    ("training-cluster", "examples/training-cluster"),
    ("shared-platform", "tests/graph/data/shared-platform"),
])
def test_html_page_draws_the_graph_and_shows_details_on_click(browser, cli, tmp_path, monkeypatch,
                                                              name, base):
    monkeypatch.chdir(REPO)
    page_file = tmp_path / f"{name}.html"
    result = cli("graph", f"{base}/plan.json", "--usage", f"{base}/usage.yml", "--format",
                 "html", "--findings", "--output", page_file)
    assert result.code == 0, result
    p = browser
    for domain in ("Runtime", "Log", "Page"):
        p.call(f"{domain}.enable")
    p.call("Page.navigate", url=page_file.as_uri())
    p.wait_for("Page.loadEventFired")
    doc = json.loads(page_file.read_text(encoding="utf-8").split(
        'id="costwarden-data">', 1)[1].split("</script>", 1)[0])
    assert p.js("document.querySelectorAll('svg g.node').length") == len(doc["nodes"])
    assert p.js("document.querySelectorAll('svg path.edge').length") == len(doc["edges"])
    target = next(i for i, n in enumerate(doc["nodes"])
                  if n["kind"] == "resource" and n["detail"]["components"])
    detail = doc["nodes"][target]["detail"]
    p.js(f"document.querySelector('g.node[data-index=\"{target}\"]').scrollIntoView()")
    box = p.js(f"(() => {{ const r = document.querySelector('g.node[data-index=\"{target}\"] rect')"
               ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
    p.click(*box)
    panel = p.js("document.getElementById('details').innerText")
    assert detail["address"] in panel
    assert detail["components"][0]["name"] in panel
    assert "Findings" in panel
    for f in detail["findings"]:
        assert f["policy_id"] in panel
    assert p.js(f"document.querySelector('g.node[data-index=\"{target}\"]')"
                ".classList.contains('selected')")
    shot = p.call("Page.captureScreenshot", format="png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"graph-{name}.png").write_bytes(base64.b64decode(shot["data"]))
    assert p.errors() == []
