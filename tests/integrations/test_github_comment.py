"""`costwarden comment github` against a local fake of the GitHub REST API (127.0.0.1)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
TOKEN = "ghp_TESTtoken0123456789abcdefSECRET"


@dataclass
class FakeGitHub:
    """Issue comments of one repository; scripted failures; every request recorded."""

    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    status_always: int | None = None
    next_id: int = 1000
    per_page_cap: int = 100
    base: str = ""

    def add(self, pr: int, body: str) -> int:
        self.next_id += 1
        self.comments.setdefault(pr, []).append({"id": self.next_id, "body": body,
                                                 "html_url": f"https://gh/c/{self.next_id}"})
        return self.next_id


def make_handler(state: FakeGitHub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None):
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            state.requests.append({"method": method, "path": self.path,
                                   "headers": dict(self.headers), "body": body})
            if state.status_always is not None:
                return self._send(state.status_always, {"message": "Bad credentials"})
            if state.failures:
                status, headers = state.failures.pop(0)
                return self._send(status, {"message": "try later"}, headers)
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")
            # /repos/o/r/issues/N/comments  or  /repos/o/r/issues/comments/ID
            if parts[:1] != ["repos"] or len(parts) < 6:
                return self._send(404, {"message": "Not Found"})
            if method == "GET" and parts[4].isdigit():
                items = state.comments.get(int(parts[4]), [])
                q = parse_qs(url.query)
                per = min(int(q.get("per_page", ["30"])[0]), state.per_page_cap)
                page = int(q.get("page", ["1"])[0])
                chunk = items[(page - 1) * per: page * per]
                headers = {}
                if page * per < len(items):
                    headers["Link"] = (f'<{state.base}{url.path}?per_page={per}&page={page + 1}>; '
                                       f'rel="next", <{state.base}{url.path}?page=99>; rel="last"')
                return self._send(200, chunk, headers)
            if method == "POST" and parts[4].isdigit():
                cid = state.add(int(parts[4]), body["body"])
                return self._send(201, {"id": cid, "html_url": f"https://gh/c/{cid}"})
            if method == "PATCH" and parts[4] == "comments":
                cid = int(parts[5])
                for items in state.comments.values():
                    for c in items:
                        if c["id"] == cid:
                            c["body"] = body["body"]
                            return self._send(200, {"id": cid, "html_url": c["html_url"]})
                return self._send(404, {"message": "Not Found"})
            return self._send(404, {"message": "Not Found"})

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

    return Handler


@pytest.fixture
def github(monkeypatch):
    state = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", state.base)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(REPO)
    sleeps: list[float] = []
    monkeypatch.setattr("engine.commands.comment.SLEEP", sleeps.append)
    state.sleeps = sleeps  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


def post(cli, body_file: Path, *extra: str):
    result = cli("comment", "github", "--repo", "acme/infra", "--pr", "7",
                 "--body-file", body_file, *extra)
    assert TOKEN not in result.out and TOKEN not in result.err
    return result


@pytest.fixture
def body(tmp_path) -> Path:
    path = tmp_path / "body.md"
    path.write_text("<!-- costwarden:comment -->\n## cost\n+$1/h\n", encoding="utf-8")
    return path


def test_creates_then_updates_in_place(cli, github, body):
    first = post(cli, body)
    assert first.code == 0, first
    assert "created" in first.err
    body.write_text("<!-- costwarden:comment -->\n## cost\n+$2/h\n", encoding="utf-8")
    second = post(cli, body)
    assert second.code == 0, second
    assert "updated" in second.err
    assert [r["method"] for r in github.requests] == ["GET", "POST", "GET", "PATCH"]
    assert len(github.comments[7]) == 1 and "+$2/h" in github.comments[7][0]["body"]
    for r in github.requests:
        h = {k.lower(): v for k, v in r["headers"].items()}
        assert h["authorization"] == f"Bearer {TOKEN}"
        assert h["accept"] == "application/vnd.github+json"
        assert h["x-github-api-version"] == "2022-11-28"
    assert github.requests[1]["path"] == "/repos/acme/infra/issues/7/comments"
    assert github.requests[3]["path"].startswith("/repos/acme/infra/issues/comments/")
    third = post(cli, body)  # same body: nothing to write
    assert "unchanged" in third.err and github.requests[-1]["method"] == "GET"


def test_finds_marker_on_a_later_page(cli, github, body):
    for i in range(230):
        github.add(7, f"human comment {i}")
    target = github.add(7, "<!-- costwarden:comment -->\nold")
    github.add(7, "<!-- costwarden:comment:other-project -->\nnot ours")
    result = post(cli, body, "--debug")
    assert result.code == 0, result
    gets = [r["path"] for r in github.requests if r["method"] == "GET"]
    assert len(gets) == 3 and "page=3" in gets[-1]
    patch = github.requests[-1]
    assert patch["method"] == "PATCH" and patch["path"].endswith(f"/{target}")
    assert "GET /repos/acme/infra/issues/7/comments -> 200" in result.err


def test_comment_key_marker(cli, github, tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text("no marker here\n", encoding="utf-8")
    github.add(7, "<!-- costwarden:comment -->\nthe default project")
    result = post(cli, plain, "--comment-key", "gpu")
    assert result.code == 0 and "created" in result.err
    assert github.comments[7][-1]["body"].startswith("<!-- costwarden:comment:gpu -->\n")


def test_retries_502_then_succeeds(cli, github, body):
    github.failures = [(502, {}), (502, {})]
    result = post(cli, body)
    assert result.code == 0, result
    assert len(github.sleeps) == 2 and github.sleeps == [1.0, 2.0]


def test_secondary_rate_limit_403_is_retried(cli, github, body):
    github.failures = [(403, {"Retry-After": "3"}), (429, {"x-ratelimit-remaining": "0",
                                                            "x-ratelimit-reset": "0"})]
    result = post(cli, body)
    assert result.code == 0, result
    assert github.sleeps[0] == 3.0 and len(github.sleeps) == 2


def test_retries_are_bounded(cli, github, body):
    github.failures = [(503, {})] * 20
    result = post(cli, body)
    assert result.code == 2
    assert len(github.sleeps) == 5 and max(github.sleeps) <= 60
    assert result.err.count("\n") == 1 and "HTTP 503" in result.err


@pytest.mark.parametrize("status,words", [(401, "401 Unauthorized"), (403, "403 Forbidden"),
                                          (404, "404 Not Found"), (422, "422 Unprocessable")])
def test_client_errors_one_line_exit_2(cli, github, body, status, words):
    github.status_always = status
    result = post(cli, body, "--debug")
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if "debug" not in line]
    assert len(errors) == 1 and words in errors[0], result.err
    assert github.sleeps == []


def test_missing_token(cli, github, body, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    result = post(cli, body)
    assert result.code == 2 and "GITHUB_TOKEN is not set" in result.err


def test_bad_repo_and_oversized_body(cli, github, tmp_path):
    assert cli("comment", "github", "--repo", "nope", "--pr", "1", "--body-file",
               "x").code == 2
    big = tmp_path / "big.md"
    big.write_text("x" * 70_000, encoding="utf-8")
    result = post(cli, big)
    assert result.code == 2 and "65,536" in result.err


def test_refuses_to_follow_links_elsewhere():
    from engine.integrations.github import GitHub, GitHubError

    client = GitHub(TOKEN, "http://127.0.0.1:9")
    with pytest.raises(GitHubError) as err:
        client.request("GET", "https://evil.example/steal")
    assert TOKEN not in str(err.value)


def test_from_plan_renders_the_check_comment(cli, github):
    result = cli("comment", "github", "--repo", "acme/infra", "--pr", "7", "--from-plan",
                 "examples/training-cluster/plan.json", "--usage",
                 "examples/training-cluster/usage.yml", "--comment-key", "train",
                 "--fail-on-policy")
    assert result.code == 1, result  # posted, then the blocking failure decides
    posted = github.comments[7][0]["body"]
    assert posted.startswith("<!-- costwarden:comment:train -->")
    assert "blocking policy failures" in posted
    assert TOKEN not in result.out + result.err
