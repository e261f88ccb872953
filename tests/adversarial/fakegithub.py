"""A hostile fake of the GitHub REST API on 127.0.0.1, scripted per case.

A case's `github:` mapping says how each method answers::

    github:
      comments: [{id: 1, body: "...", html_url: "..."}]   # existing PR comments
      get:   {status: 200, json: ..., raw: "...", headers: {...}, sleep: 0.5,
              redirect: elsewhere, link: endless | elsewhere}
      post:  {...}                                        # same keys
      patch: {...}

Without an override a method behaves like GitHub (list, create, update). A
second server on 127.0.0.2 ("elsewhere", another host) records what reaches
it: a client that follows a cross-host redirect or pagination link with the
token shows up there. Strings may use @BASE@, @ELSEWHERE@ and @TOKEN@ (the
worker's GITHUB_TOKEN, for servers that echo it back).
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class _State:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.log: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = [dict(c) for c in config.get("comments") or []]
        self.next_id = 5000
        self.base = ""
        self.elsewhere = ""

    def sub(self, value: Any) -> Any:
        if isinstance(value, str):
            return (value.replace("@BASE@", self.base).replace("@ELSEWHERE@", self.elsewhere)
                    .replace("@TOKEN@", os.environ.get("GITHUB_TOKEN", "")))
        if isinstance(value, list):
            return [self.sub(v) for v in value]
        if isinstance(value, dict):
            return {k: self.sub(v) for k, v in value.items()}
        return value


def _handler(state: _State, server_name: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, raw: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(raw)
            except OSError:
                pass

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            with state.lock:
                state.log.append({"server": server_name, "method": method, "path": self.path,
                                  "authorization": self.headers.get("Authorization"),
                                  "body": raw_body.decode("utf-8", "replace")})
            if server_name == "elsewhere":
                return self._send(200, b"[]")
            override = state.sub((state.config.get(method.lower()) or {}))
            if override.get("sleep"):
                threading.Event().wait(float(override["sleep"]))
            url = urlsplit(self.path)
            if override.get("redirect"):
                target = state.elsewhere if override["redirect"] == "elsewhere" else state.base
                return self._send(int(override.get("status", 302)), b"",
                                  {"Location": f"{target}{self.path}"})
            headers = dict(override.get("headers") or {})
            if override.get("link"):
                q = parse_qs(url.query)
                page = int(q.get("page", ["1"])[0])
                host = state.elsewhere if override["link"] == "elsewhere" else state.base
                headers["Link"] = f'<{host}{url.path}?per_page=100&page={page + 1}>; rel="next"'
            if "raw" in override or "json" in override:
                raw = (override["raw"].encode("utf-8") if "raw" in override
                       else json.dumps(override["json"]).encode())
                return self._send(int(override.get("status", 200)), raw, headers)
            status = int(override.get("status", 0)) or None
            if status is not None and status >= 300:
                return self._send(status, b'{"message": "scripted failure"}', headers)
            # default behaviour: a small GitHub
            if method == "GET":
                return self._send(status or 200, json.dumps(state.comments).encode(), headers)
            try:
                body = json.loads(raw_body or b"{}")
            except ValueError:
                return self._send(400, b'{"message": "Problems parsing JSON"}')
            if method == "POST":
                with state.lock:
                    state.next_id += 1
                    cid = state.next_id
                    state.comments.append({"id": cid, "body": body.get("body"),
                                           "html_url": f"https://github.test/c/{cid}"})
                return self._send(status or 201, json.dumps(
                    {"id": cid, "html_url": f"https://github.test/c/{cid}"}).encode(), headers)
            if method == "PATCH":
                cid = url.path.rstrip("/").rsplit("/", 1)[-1]
                for c in state.comments:
                    if str(c.get("id")) == cid:
                        c["body"] = body.get("body")
                        return self._send(status or 200, json.dumps(
                            {"id": c["id"], "html_url": c.get("html_url")}).encode(), headers)
                return self._send(404, b'{"message": "Not Found"}')
            return self._send(404, b'{"message": "Not Found"}')

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    return Handler


class Running:
    def __init__(self, config: dict[str, Any]) -> None:
        self.state = _State(config)
        self.main = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state, "api"))
        self.other = ThreadingHTTPServer(("127.0.0.2", 0), _handler(self.state, "elsewhere"))
        self.main.daemon_threads = self.other.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.main.server_address[1]}"
        self.state.base = self.base
        self.state.elsewhere = f"http://127.0.0.2:{self.other.server_address[1]}"
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True)
                        for s in (self.main, self.other)]
        for t in self.threads:
            t.start()

    def requests(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.log)

    def stop(self) -> None:
        for s in (self.main, self.other):
            s.shutdown()
            s.server_close()


def start(config: dict[str, Any]) -> Running:
    return Running(config or {})
