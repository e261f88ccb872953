"""Post or update one pull-request comment through the GitHub REST API (urllib only).

The comment is found again by its hidden marker and updated in place, so a
pull request carries one costwarden comment however many times CI runs. The
same code talks to GitHub Enterprise Server: only the API base URL differs.

The token goes into the Authorization header and nowhere else: it is scrubbed
from every message, and debug lines show method, path and status only.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from .. import __version__
from ..errors import EXIT_BAD_INPUT, CostwardenError

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
COMMENT_LIMIT = 65_536
MARKER_RE = re.compile(r"<!-- costwarden:comment(?::[A-Za-z0-9_./-]+)? -->")
_NEXT_RE = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubError(CostwardenError):
    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    data: Any


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str  # "created", "updated" or "unchanged"
    comment_id: int
    url: str | None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6  # first try + 5 retries
    base_delay: float = 1.0
    max_delay: float = 60.0  # never wait longer than this for one retry


class GitHub:
    """A minimal REST client: JSON in and out, bounded retries, no token leaks."""

    def __init__(self, token: str, api_url: str = DEFAULT_API, *,
                 sleep: Callable[[float], None] = time.sleep,
                 retry: RetryPolicy = RetryPolicy(), timeout: float = 30.0,
                 debug: Callable[[str], None] | None = None) -> None:
        if not token:
            raise GitHubError("GITHUB_TOKEN is not set: a token with pull-requests: write "
                              "permission is needed to comment")
        self._token = token
        parsed = urllib.parse.urlsplit(api_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise GitHubError(f"--api-url {api_url!r}: expected an http(s) URL")
        self.api_url = api_url.rstrip("/")
        self._sleep, self._retry, self._timeout, self._debug = sleep, retry, timeout, debug

    def scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def request(self, method: str, path_or_url: str, body: Any = None) -> Response:
        url = path_or_url if "://" in path_or_url else self.api_url + path_or_url
        if not url.startswith(self.api_url + "/"):  # never send the token elsewhere
            raise GitHubError(f"refusing to follow a link outside {self.api_url}: "
                              f"{self.scrub(url)}")
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Authorization": f"Bearer {self._token}",
                   "Accept": "application/vnd.github+json",
                   "X-GitHub-Api-Version": API_VERSION,
                   "User-Agent": f"costwarden/{__version__}"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        for attempt in range(1, self._retry.attempts + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self._timeout) as resp:  # noqa: S310
                    status, resp_headers, raw = resp.status, dict(resp.headers), resp.read()
            except urllib.error.HTTPError as exc:
                status, resp_headers, raw = exc.code, dict(exc.headers or {}), exc.read()
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt < self._retry.attempts:
                    self._log(f"{method} {_path(url)} -> network error, retrying")
                    self._sleep(self._backoff(attempt, {}))
                    continue
                raise GitHubError(f"cannot reach {self.api_url}: {self.scrub(str(reason))}") \
                    from None
            self._log(f"{method} {_path(url)} -> {status}")
            headers_ci = {k.lower(): v for k, v in resp_headers.items()}
            if _retryable(status, headers_ci) and attempt < self._retry.attempts:
                self._sleep(self._backoff(attempt, headers_ci))
                continue
            payload = _json(raw)
            if status >= 400:
                raise GitHubError(self.scrub(_explain(status, method, url, payload, headers_ci)))
            return Response(status, headers_ci, payload)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, headers: Mapping[str, str]) -> float:
        after = headers.get("retry-after")
        if after is not None:
            try:
                return min(max(float(after), 0.0), self._retry.max_delay)
            except ValueError:
                pass
        reset = headers.get("x-ratelimit-reset")
        if headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
            return min(max(int(reset) - time.time(), 1.0), self._retry.max_delay)
        return min(self._retry.base_delay * 2 ** (attempt - 1), self._retry.max_delay)

    def _log(self, line: str) -> None:
        if self._debug is not None:
            self._debug(self.scrub(line))

    # --- issue comments -------------------------------------------------------------

    def comments(self, repo: str, pr: int) -> Iterator[Mapping[str, Any]]:
        url: str | None = f"/repos/{repo}/issues/{pr}/comments?per_page=100"
        while url:
            resp = self.request("GET", url)
            if not isinstance(resp.data, list):
                raise GitHubError(f"unexpected answer listing comments of {repo}#{pr}")
            yield from resp.data
            match = _NEXT_RE.search(resp.headers.get("link", ""))
            url = match.group(1) if match else None

    def upsert_comment(self, repo: str, pr: int, body: str, marker: str) -> Outcome:
        """Update the newest comment carrying `marker`, or create one."""
        check_repo(repo)
        if len(body) > COMMENT_LIMIT:
            raise GitHubError(f"the comment is {len(body):,} characters; GitHub accepts "
                              f"{COMMENT_LIMIT:,} (render it with --format markdown, which "
                              "fits it)")
        found = None
        for c in self.comments(repo, pr):
            if marker in str(c.get("body") or ""):
                found = c  # the list is oldest first: keep the newest
        if found is not None:
            if found.get("body") == body:
                return Outcome("unchanged", int(found["id"]), found.get("html_url"))
            resp = self.request("PATCH", f"/repos/{repo}/issues/comments/{found['id']}",
                                {"body": body})
            return Outcome("updated", int(resp.data["id"]), resp.data.get("html_url"))
        resp = self.request("POST", f"/repos/{repo}/issues/{pr}/comments", {"body": body})
        return Outcome("created", int(resp.data["id"]), resp.data.get("html_url"))


def check_repo(repo: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo or ""):
        raise GitHubError(f"--repo {repo!r}: expected OWNER/NAME")


def ensure_marker(body: str, marker: str) -> str:
    """The body with our marker first (an existing costwarden marker is kept as is)."""
    return body if MARKER_RE.search(body) else f"{marker}\n{body}"


def marker_in(body: str) -> str | None:
    m = MARKER_RE.search(body)
    return m.group(0) if m else None


def _retryable(status: int, headers: Mapping[str, str]) -> bool:
    if status >= 500 or status == 429:
        return True
    # a secondary rate limit is a 403 with Retry-After or an exhausted quota
    return status == 403 and ("retry-after" in headers
                              or headers.get("x-ratelimit-remaining") == "0")


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _explain(status: int, method: str, url: str, payload: Any, headers: Mapping[str, str]
             ) -> str:
    msg = payload.get("message") if isinstance(payload, Mapping) else None
    detail = f" ({msg})" if msg else ""
    where = f"{method} {_path(url)}"
    if status == 401:
        return f"GitHub API: 401 Unauthorized on {where}: the token was rejected{detail}"
    if status == 403:
        if headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers:
            return f"GitHub API: 403 rate limit still exceeded after retries on {where}{detail}"
        return (f"GitHub API: 403 Forbidden on {where}: the token lacks permission "
                f"(needs pull-requests: write){detail}")
    if status == 404:
        return (f"GitHub API: 404 Not Found on {where}: no such repository or pull request, "
                f"or the token cannot see it{detail}")
    if status == 422:
        errors = payload.get("errors") if isinstance(payload, Mapping) else None
        more = f": {json.dumps(errors)[:300]}" if errors else ""
        return f"GitHub API: 422 Unprocessable Entity on {where}{detail}{more}"
    return f"GitHub API: HTTP {status} on {where}{detail}"
