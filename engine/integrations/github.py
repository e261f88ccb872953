"""Post or update one pull-request comment through the GitHub REST API (urllib only).

The comment is found again by its hidden marker and updated in place, so a
pull request carries one costwarden comment however many times CI runs. The
same code talks to GitHub Enterprise Server: only the API base URL differs.

The token goes into the Authorization header and nowhere else: it is scrubbed
from every message, and debug lines show method, path and status only.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from .. import __version__
from ..report.safe_text import scrub_untrusted
from ..settings import DEFAULT_LIMITS, Limits
from .github_wire import (
    MAX_REDIRECTS, UNSAFE_URL, GitHubError, NetworkError, check_repo, contains_secret,
    explain, next_link, parse_comment_id, parse_json, parse_number, read_capped,
    retryable, url_origin, url_path,
)

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
COMMENT_LIMIT = 65_536


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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as a 3xx answer: `GitHub.request` decides whether to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class GitHub:
    """A minimal REST client: JSON in and out, bounded retries, no token leaks.

    The token only ever goes to the API's own origin: redirects and pagination
    links elsewhere (another host or port, https to http, outside the API's
    path) are refused, not followed. Every answer is size-capped and checked
    for shape; the whole conversation is bounded in pages and seconds.
    """

    def __init__(self, token: str, api_url: str = DEFAULT_API, *,
                 sleep: Callable[[float], None] = time.sleep,
                 retry: RetryPolicy = RetryPolicy(), timeout: float = 30.0,
                 debug: Callable[[str], None] | None = None,
                 limits: Limits = DEFAULT_LIMITS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not token:
            raise GitHubError("GITHUB_TOKEN is not set: a token with pull-requests: write "
                              "permission is needed to comment")
        self._token = token
        try:
            parsed = urllib.parse.urlsplit(api_url)
            parsed.port  # noqa: B018 - raises on a bad port
        except ValueError:
            parsed = None  # type: ignore[assignment]
        if (parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname
                or parsed.username or parsed.password or parsed.query or parsed.fragment
                or UNSAFE_URL.search(api_url)):
            raise GitHubError(f"--api-url {scrub_untrusted(api_url)}: expected an http(s) URL "
                              "without credentials, query or fragment")
        self.api_url = api_url.rstrip("/")
        self._origin = url_origin(parsed)
        self._base_path = parsed.path.rstrip("/")
        self._sleep, self._retry, self._timeout, self._debug = sleep, retry, timeout, debug
        self._limits, self._clock = limits, clock
        self._deadline = clock() + limits.github_seconds
        self._opener = urllib.request.build_opener(_NoRedirect)

    def scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def web_url(self, url: Any) -> str | None:
        """`url` when it is an https page on this API's web host, else None (not shown)."""
        if not isinstance(url, str) or len(url) > 500 or UNSAFE_URL.search(url):
            return None
        try:
            p = urllib.parse.urlsplit(url)
            port = p.port
        except ValueError:
            return None
        host = self._origin[1]
        web = host[4:] if host.startswith("api.") else host
        if (p.scheme != "https" or p.hostname != web or p.username or p.password
                or port not in (None, 443, self._origin[2])):
            return None
        return self.scrub(url)

    def _refusal(self, url: str) -> str | None:
        """Why the token may not go to `url`, or None when it is inside the API."""
        if UNSAFE_URL.search(url) or len(url) > 2048:
            return "it is not a well-formed URL"
        try:
            p = urllib.parse.urlsplit(url)
            origin = url_origin(p)
        except ValueError:
            return "it is not a well-formed URL"
        if p.username or p.password:
            return "it carries credentials"
        if origin[1] != self._origin[1]:
            return "it points at another host"
        if origin[0] != self._origin[0]:
            if self._origin[0] == "https":
                return "it downgrades https to http"
            if origin[0] != "https":
                return "it is not an http(s) URL"
        elif origin[2] != self._origin[2]:
            return "it points at another port"
        if not (p.path + "/").startswith(self._base_path + "/"):
            return f"it is outside {self._base_path or '/'}"
        return None

    def _remaining(self, what: str) -> float:
        left = self._deadline - self._clock()
        if left <= 0:
            raise GitHubError(f"GitHub API: gave up {what}: the conversation took longer than "
                              f"{self._limits.github_seconds:g} s (limit github_seconds)")
        return left

    def request(self, method: str, path_or_url: str, body: Any = None) -> Response:
        url = path_or_url if "://" in path_or_url else self.api_url + path_or_url
        why = self._refusal(url)
        if why is not None:  # never send the token elsewhere
            raise GitHubError(f"GitHub API: refusing to send the token to "
                              f"{scrub_untrusted(self.scrub(url), 120)}: {why}")
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Accept": "application/vnd.github+json",
                   "X-GitHub-Api-Version": API_VERSION,
                   "User-Agent": f"costwarden/{__version__}"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        attempt, redirects = 1, 0
        while True:
            where = f"{method} {scrub_untrusted(url_path(url), 120)}"
            left = self._remaining(f"on {where}")
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            # not forwarded by urllib on a redirect (none is followed automatically either)
            req.add_unredirected_header("Authorization", f"Bearer {self._token}")
            try:
                status, headers_ci, raw = self._exchange(req, min(self._timeout, left))
            except NetworkError as exc:
                if attempt < self._retry.attempts:
                    self._log(f"{where} -> network error, retrying")
                    self._pause(self._backoff(attempt, {}), where)
                    attempt += 1
                    continue
                maybe = " (the comment may have been posted)" if method != "GET" else ""
                raise GitHubError(f"cannot reach {self.api_url}: "
                                  f"{scrub_untrusted(self.scrub(str(exc)))}{maybe}") from None
            self._log(f"{where} -> {status}")
            if 300 <= status < 400 and status != 304:
                redirects += 1
                url = self._redirect(method, url, status, headers_ci, redirects)
                continue
            if retryable(status, headers_ci) and attempt < self._retry.attempts:
                self._pause(self._backoff(attempt, headers_ci), where)
                attempt += 1
                continue
            payload = parse_json(raw)
            if status >= 400:
                raise GitHubError(self.scrub(explain(status, method, url, payload, headers_ci)))
            return Response(status, headers_ci, payload)

    def _exchange(self, req: urllib.request.Request, timeout: float
                  ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP exchange: status, lower-cased headers and the (capped) body."""
        cap = self._limits.github_response_bytes
        try:
            try:
                resp = self._opener.open(req, timeout=timeout)
            except urllib.error.HTTPError as exc:
                resp = exc
            with resp:
                status = int(resp.getcode())
                headers = {k.lower(): v for k, v in (resp.headers or {}).items()}
                try:
                    raw = read_capped(resp, cap, self._deadline, self._clock) \
                        if getattr(resp, "fp", None) is not None else b""
                except (GitHubError, NetworkError) as exc:
                    if req.get_method() == "GET" or not 200 <= status < 300:
                        raise
                    raise GitHubError(f"the comment was posted (HTTP {status}), but its answer "
                                      f"could not be read ({exc}): check the pull request "
                                      "before running again") from None
        except GitHubError:
            raise
        except urllib.error.URLError as exc:
            raise NetworkError(str(getattr(exc, "reason", exc))) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            # timeouts, resets, a broken status line or header block, a bad chunk
            raise NetworkError(f"{type(exc).__name__}: {exc}" if str(exc)
                                else type(exc).__name__) from None
        return status, headers, raw

    def _redirect(self, method: str, url: str, status: int, headers: Mapping[str, str],
                  count: int) -> str:
        where = f"{method} {scrub_untrusted(url_path(url), 120)}"
        location = headers.get("location")
        if not location:
            raise GitHubError(f"GitHub API: HTTP {status} on {where} without a Location")
        if method != "GET" and status not in (307, 308):
            raise GitHubError(f"GitHub API: HTTP {status} redirect on {where}: not followed "
                              "for a write")
        if count > MAX_REDIRECTS:
            raise GitHubError(f"GitHub API: more than {MAX_REDIRECTS} redirects on {where}")
        return self._checked_target(url, location, f"the redirect of {where} to")

    def _checked_target(self, base: str, link: str, what: str) -> str:
        """`link` resolved against `base`, or a GitHubError when it may not be followed
        (another host, a downgrade, credentials in the URL...)."""
        try:
            target = urllib.parse.urljoin(base, link)
        except ValueError:
            target = link
        why = self._refusal(target)
        if why is not None:
            raise GitHubError(f"GitHub API: refusing {what} "
                              f"{scrub_untrusted(self.scrub(target), 120)}: {why}")
        return target

    def _pause(self, delay: float, where: str) -> None:
        left = self._remaining(f"on {where}")
        if delay >= left:
            raise GitHubError(f"GitHub API: gave up on {where}: waiting {delay:g} s more would "
                              f"pass the {self._limits.github_seconds:g} s limit "
                              "(limit github_seconds)")
        self._sleep(delay)

    def _backoff(self, attempt: int, headers: Mapping[str, str]) -> float:
        after = parse_number(headers.get("retry-after"))
        if after is not None:
            return min(max(after, 0.0), self._retry.max_delay)
        reset = parse_number(headers.get("x-ratelimit-reset"))
        if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
            return min(max(reset - time.time(), 1.0), self._retry.max_delay)
        return min(self._retry.base_delay * 2 ** (attempt - 1), self._retry.max_delay)

    def _log(self, line: str) -> None:
        if self._debug is not None:
            self._debug(scrub_untrusted(self.scrub(line), 300))

    # --- issue comments -------------------------------------------------------------

    def comments(self, repo: str, pr: int) -> Iterator[Mapping[str, Any]]:
        url: str | None = f"/repos/{repo}/issues/{pr}/comments?per_page=100"
        seen: set[str] = set()
        pages = 0
        while url:
            pages += 1
            if pages > self._limits.github_pages:
                raise GitHubError(f"GitHub API: {repo}#{pr} has more than "
                                  f"{self._limits.github_pages} pages of comments "
                                  "(limit github_pages)")
            resp = self.request("GET", url)
            seen.add(self.api_url + url if "://" not in url else url)
            if not isinstance(resp.data, list) or not all(isinstance(c, dict) for c in resp.data):
                raise GitHubError(f"GitHub API: unexpected answer listing comments of "
                                  f"{repo}#{pr}: not a JSON list of comments")
            for c in resp.data:
                if not isinstance(c.get("body"), (str, type(None))):
                    raise GitHubError(f"GitHub API: unexpected answer listing comments of "
                                      f"{repo}#{pr}: a comment body is "
                                      f"{type(c.get('body')).__name__}, not text")
            yield from resp.data
            url = self._next_page(resp.headers.get("link", ""), url, seen)

    def _next_page(self, link: str, current: str, seen: set[str]) -> str | None:
        if not link:
            return None
        nxt = next_link(link)
        if nxt is None:
            return None
        base = current if "://" in current else self.api_url + current
        target = self._checked_target(base, nxt, "the pagination link")
        if target in seen:
            raise GitHubError("GitHub API: the pagination link loops back to a page already "
                              "read")
        return target

    def upsert_comment(self, repo: str, pr: int, body: str, marker: str) -> Outcome:
        """Update the newest comment carrying `marker`, or create one."""
        check_repo(repo)
        if len(body) > COMMENT_LIMIT:
            raise GitHubError(f"the comment is {len(body):,} characters; GitHub accepts "
                              f"{COMMENT_LIMIT:,} (render it with --format markdown, which "
                              "fits it)")
        if contains_secret(body, self._token):
            raise GitHubError("the comment body contains the GitHub token (GITHUB_TOKEN), "
                              "plain or base64-encoded: refusing to post it")
        found = None
        for c in self.comments(repo, pr):
            if marker in str(c.get("body") or ""):
                found = c  # the list is oldest first: keep the newest
        if found is not None:
            cid = parse_comment_id(found.get("id"))
            if cid is None:
                raise GitHubError(f"GitHub API: the costwarden comment on {repo}#{pr} has no "
                                  "valid id in the listing")
            if found.get("body") == body:
                return Outcome("unchanged", cid, self.web_url(found.get("html_url")))
            resp = self.request("PATCH", f"/repos/{repo}/issues/comments/{cid}",
                                {"body": body})
            return self._outcome("updated", resp, cid)
        resp = self.request("POST", f"/repos/{repo}/issues/{pr}/comments", {"body": body})
        return self._outcome("created", resp, None)

    def _outcome(self, action: str, resp: Response, known: int | None) -> Outcome:
        """The outcome of a write that succeeded; a bad answer still says it was written."""
        data = resp.data if isinstance(resp.data, dict) else {}
        cid = parse_comment_id(data.get("id"))
        if cid is None or (known is not None and cid != known):
            what = f"comment {known}" if known is not None else "the comment"
            raise GitHubError(f"{what} was posted ({action}, HTTP {resp.status}), but GitHub's "
                              "answer has no valid comment id: check the pull request before "
                              "running again")
        return Outcome(action, cid, self.web_url(data.get("html_url")))
