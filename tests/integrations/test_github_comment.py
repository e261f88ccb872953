"""`costwarden comment github` against a local fake of the GitHub REST API (127.0.0.1)."""

from __future__ import annotations

import json
import threading
import time
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
    # hostile modes: scripted raw answers per method (status, headers, body bytes; a
    # Content-Length header is sent unless headers say "Content-Length": None)
    scripted: dict[str, list[tuple[int, dict[str, Any], bytes]]] = field(default_factory=dict)
    delay: float = 0.0  # seconds before every answer
    link: str | None = None  # a Link header on every listing page ("{base}" expanded)

    def add(self, pr: int, body: str) -> int:
        self.next_id += 1
        self.comments.setdefault(pr, []).append({"id": self.next_id, "body": body,
                                                 "html_url": self.url(self.next_id)})
        return self.next_id

    def url(self, cid: int) -> str:  # the web page of a comment, on the API's own host
        return f"https://{self.base.split('://')[1]}/acme/infra/pull/7#issuecomment-{cid}"


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
            if state.delay:
                time.sleep(state.delay)
            if state.scripted.get(method):
                status, headers, raw = state.scripted[method].pop(0)
                self.send_response(status)
                if headers.get("Content-Length", "") is not None:
                    self.send_header("Content-Length", str(len(raw)))
                for k, v in headers.items():
                    if v is not None:
                        self.send_header(k, v.replace("{base}", state.base))
                self.end_headers()
                self.wfile.write(raw)
                return None
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
                if state.link is not None:
                    headers["Link"] = state.link.replace("{base}", state.base).replace(
                        "{next}", str(page + 1))
                elif page * per < len(items):
                    headers["Link"] = (f'<{state.base}{url.path}?per_page={per}&page={page + 1}>; '
                                       f'rel="next", <{state.base}{url.path}?page=99>; rel="last"')
                return self._send(200, chunk, headers)
            if method == "POST" and parts[4].isdigit():
                cid = state.add(int(parts[4]), body["body"])
                return self._send(201, {"id": cid, "html_url": state.url(cid)})
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
    limits = [a for i, a in enumerate(extra) if a == "--limit" or extra[i - 1] == "--limit"]
    extra = tuple(a for a in extra if a not in limits)
    result = cli(*limits, "comment", "github", "--repo", "acme/infra", "--pr", "7",
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


# --- hostile servers ------------------------------------------------------------------


def one_error_line(result, *words: str) -> str:
    assert result.code == 2, result
    lines = [line for line in result.err.splitlines() if "debug:" not in line]
    assert len(lines) == 1, result.err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def hosts_contacted(github: FakeGitHub) -> set[str]:
    return {({k.lower(): v for k, v in r["headers"].items()}).get("host", "").split(":")[0]
            for r in github.requests}


@pytest.mark.parametrize("location,why", [
    ("http://localhost:{port}/repos/acme/infra/issues/7/comments", "another host"),
    ("http://127.0.0.1:1/repos/acme/infra/issues/7/comments", "another port"),
    ("https://evil.example/x", "another host"),
    ("http://user:pw@127.0.0.1:{port}/repos/x", "credentials"),
])
def test_cross_host_redirect_is_refused(cli, github, body, location, why):
    port = github.base.rsplit(":", 1)[1]
    github.scripted["GET"] = [(302, {"Location": location.format(port=port)}, b"")]
    one_error_line(post(cli, body), "refusing the redirect", why)
    assert hosts_contacted(github) == {"127.0.0.1"} and len(github.requests) == 1


def test_https_to_http_redirect_is_a_downgrade():
    from engine.integrations.github import GitHub

    client = GitHub(TOKEN, "https://ghe.example.com/api/v3")
    assert "downgrades" in client._refusal("http://ghe.example.com/api/v3/x")
    assert client._refusal("https://ghe.example.com/api/v3/repos/a/b") is None
    assert "outside /api/v3" in client._refusal("https://ghe.example.com/login")
    assert client._refusal("https://ghe.example.com:8443/api/v3/x") == "it points at another port"


def test_same_host_redirect_is_followed_a_bounded_number_of_times(cli, github, body):
    here = "{base}/repos/acme/infra/issues/7/comments?per_page=100"
    github.scripted["GET"] = [(301, {"Location": here}, b"")]
    assert post(cli, body).code == 0  # followed once, then the real listing
    github.scripted["GET"] = [(307, {"Location": here}, b"")] * 10
    one_error_line(post(cli, body), "more than 5 redirects")


def test_pagination_is_bounded_and_loops_refused(cli, github, body):
    github.link = '<{base}/repos/acme/infra/issues/7/comments?page={next}>; rel="next"'
    one_error_line(post(cli, body, "--limit", "github_pages=4"), "more than 4 pages",
                   "github_pages")
    assert len(github.requests) == 4
    github.link = '<{base}/repos/acme/infra/issues/7/comments?page=1>; rel="next"'
    one_error_line(post(cli, body), "loops back")
    github.link = '<http://localhost:1/steal>; rel="next"'
    one_error_line(post(cli, body), "refusing the pagination link", "another host")


def test_the_whole_conversation_is_time_bounded(cli, github, body):
    github.delay = 0.4
    github.link = '<{base}/repos/acme/infra/issues/7/comments?page={next}>; rel="next"'
    one_error_line(post(cli, body, "--limit", "github_seconds=0.6"), "github_seconds")
    assert len(github.requests) <= 3


def test_a_body_containing_the_token_is_not_posted(cli, github, tmp_path):
    import base64

    for leak in (TOKEN, base64.b64encode(f"GITHUB_TOKEN={TOKEN}\n".encode()).decode()):
        path = tmp_path / "leak.md"
        path.write_text(f"<!-- costwarden:comment -->\nenv: {leak}\n", encoding="utf-8")
        one_error_line(post(cli, path), "contains the GitHub token")
    assert github.requests == []


@pytest.mark.parametrize("method,answer,words", [
    # the five crash causes: non-JSON, wrong shape, missing id, huge body, non-integer id
    ("POST", (201, {}, b"<html>not json"), "was posted (created, HTTP 201)"),
    ("POST", (201, {}, b"[1, 2]"), "was posted (created"),
    ("POST", (201, {}, b'{"html_url": "x"}'), "was posted (created"),
    ("POST", (201, {}, b'{"id": "1/../../../user"}'), "no valid comment id"),
    ("POST", (201, {}, b'{"id": true}'), "no valid comment id"),
    ("POST", (201, {}, b"[" * 100_000), "was posted (HTTP 201)"),
    ("POST", (201, {}, b'{"id": 1' + b"0" * 5000 + b"}"), "was posted"),
    ("POST", (201, {}, b"[" * 4000), "was posted (created"),
    ("POST", (201, {}, b'{"id": 1' + b"0" * 4400 + b"}"), "was posted (created"),
    ("POST", (204, {"Content-Length": None}, b""), "was posted (created"),
    ("GET", (200, {}, b"x" * 5000), "github_response_bytes"),
    ("GET", (200, {"Content-Length": None}, b"x" * 5000), "github_response_bytes"),
    ("GET", (200, {}, b'{"not": "a list"}'), "not a JSON list"),
    ("GET", (200, {}, b'[1, "two"]'), "not a JSON list"),
    ("GET", (200, {}, b'[{"id": 1, "body": 42, "html_url": "x"}]'), "a comment body is int"),
    ("GET", (200, {}, b'[{"id": 1, "body": ["<!-- costwarden:comment -->"]}]'),
     "a comment body is list"),
    ("GET", (200, {}, b'[{"id": "abc", "body": "<!-- costwarden:comment -->"}]'),
     "no valid id"),
    ("GET", (200, {}, b'[{"body": "<!-- costwarden:comment -->"}]'), "no valid id"),
    ("GET", (200, {"Link": '<http://[::1>; rel="next"'}, b"[]"), "not a well-formed URL"),
    ("GET", (200, {"Link": '<a b\x01>; rel="next"'}, b"[]"), "not a well-formed URL"),
    ("GET", (200, {"Link": 'rel="next"'}, b"[]"), "malformed Link header"),
    ("GET", (302, {}, b""), "without a Location"),
    ("GET", (404, {"Content-Length": None}, b""), "404 Not Found"),
    ("GET", (418, {}, b""), "HTTP 418"),
    ("GET", (403, {"Retry-After": "nan"}, b""), "403"),
])
def test_hostile_answers_are_one_line_exit_2(cli, github, body, method, answer, words):
    github.scripted[method] = [answer] * 7
    if answer[0] == 403:
        github.scripted[method] = [answer] + [(403, {}, b"")] * 6
    result = post(cli, body, "--limit", "github_response_bytes=4500")
    line = one_error_line(result, words)
    if method == "POST":
        assert "check the pull request" in line  # it was posted: do not post it again blindly


def test_a_failure_after_posting_says_so(cli, github, body):
    github.add(7, "<!-- costwarden:comment -->\nold")
    github.scripted["PATCH"] = [(200, {}, b"{}")]
    line = one_error_line(post(cli, body), "comment 1001 was posted (updated")
    assert "check the pull request" in line


@pytest.mark.parametrize("url,shown", [
    ("{web}/acme/infra/pull/7#issuecomment-5", True),
    ("http://127.0.0.1/acme", False),  # not https
    ("https://evil.example/acme", False),
    ("https://127.0.0.1/x\n::set-output name=a::b", False),
    ("https://127.0.0.1/x\x1b]8;;https://evil\x07", False),
])
def test_html_url_is_shown_only_on_the_web_host(cli, github, body, url, shown):
    web = "https://" + github.base.split("://")[1]
    payload = json.dumps({"id": 5, "html_url": url.replace("{web}", web)}).encode()
    github.scripted["POST"] = [(201, {}, payload)]
    result = post(cli, body)
    assert result.code == 0, result
    assert result.err.count("\n") == 1 and "\x1b" not in result.err
    assert ("http" in result.err) == shown, result.err


def test_error_messages_from_the_server_are_scrubbed(cli, github, body):
    message = "bad\n::add-mask::x\x1b[2J\r##[set-output name=a;]b" + "y" * 1000
    github.scripted["GET"] = [(404, {}, json.dumps({"message": message}).encode())]
    line = one_error_line(post(cli, body), "404 Not Found")
    assert "\x1b" not in line and "\r" not in line and "##[" not in line
    assert len(line) < 500
