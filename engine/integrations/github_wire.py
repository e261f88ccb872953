"""The wire side of the GitHub client: errors, bounded reads, Link headers, ids,
secret checks, markers and error explanations. Nothing here sends a request."""

from __future__ import annotations

import base64
import json
import math
import re
import urllib.error
import urllib.parse
from typing import Any, Callable, Mapping

from ..errors import EXIT_BAD_INPUT, CostwardenError
from ..report.safe_text import scrub_untrusted

MARKER_RE = re.compile(r"<!-- costwarden:comment(?::[A-Za-z0-9_./-]+)? -->")


class GitHubError(CostwardenError):
    exit_code = EXIT_BAD_INPUT


class NetworkError(Exception):
    """A failed exchange (no HTTP answer): retried, then a GitHubError."""


MAX_REDIRECTS = 5
# characters urllib/http.client refuse or a terminal would act on
UNSAFE_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def url_origin(p: urllib.parse.SplitResult) -> tuple[str, str, int]:
    scheme = p.scheme.lower()
    port = p.port or (443 if scheme == "https" else 80)
    return scheme, (p.hostname or "").lower(), port


def read_capped(resp: Any, cap: int, deadline: float, clock: Callable[[], float]) -> bytes:
    length = resp.headers.get("Content-Length") if resp.headers else None
    if length and length.strip().isdigit() and int(length) > cap:
        raise GitHubError(f"GitHub API: the answer is {int(length):,} bytes, more than "
                          f"{cap:,} (limit github_response_bytes)")
    read = getattr(resp, "read1", None) or resp.read
    chunks, size = [], 0
    while True:
        if clock() > deadline:
            raise NetworkError("the answer did not arrive in time (limit github_seconds)")
        chunk = read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > cap:
            raise GitHubError(f"GitHub API: the answer is more than {cap:,} bytes "
                              "(limit github_response_bytes)")
        chunks.append(chunk)


def next_link(header: str) -> str | None:
    """The rel="next" target of a Link header, or None; a malformed header raises."""
    for m in _LINK_RE.finditer(header):
        rels = re.search(r'rel\s*=\s*"?([^";,]+)"?', m.group(2))
        if rels and "next" in rels.group(1).lower().split():
            return m.group(1)
    if re.search(r"rel\s*=\s*\"?[^\";,]*\bnext\b", header, re.I):
        raise GitHubError("GitHub API: malformed Link header (a rel=next without a <URL>)")
    return None


_LINK_RE = re.compile(r"<([^<>]*)>\s*((?:;[^,<]*)*)")


def parse_comment_id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2 ** 63:
        return None
    return value


def parse_number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def contains_secret(body: str, token: str) -> bool:
    """Whether `body` holds `token` as is or base64-encoded (at any byte alignment)."""
    if token in body:
        return True
    raw = token.encode("utf-8")
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + raw).decode("ascii").rstrip("=")
        start = (shift * 8 + 5) // 6
        end = ((shift + len(raw)) * 8) // 6
        core = enc[start:end]
        if len(core) >= 8 and (core in body
                               or core.replace("+", "-").replace("/", "_") in body):
            return True
    return False


def check_repo(repo: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo or ""):
        raise GitHubError(f"--repo {repo!r}: expected OWNER/NAME")


def ensure_marker(body: str, marker: str) -> str:
    """The body with our marker first (an existing costwarden marker is kept as is)."""
    return body if MARKER_RE.search(body) else f"{marker}\n{body}"


def marker_in(body: str) -> str | None:
    m = MARKER_RE.search(body)
    return m.group(0) if m else None


def retryable(status: int, headers: Mapping[str, str]) -> bool:
    if status >= 500 or status == 429:
        return True
    # a secondary rate limit is a 403 with Retry-After or an exhausted quota
    return status == 403 and ("retry-after" in headers
                              or headers.get("x-ratelimit-remaining") == "0")


def parse_json(raw: bytes) -> Any:
    """The decoded answer, or None when it is empty or not JSON (too deep, bad digits)."""
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, RecursionError):  # UnicodeDecodeError, JSONDecodeError, int digits
        return None


def url_path(url: str) -> str:
    try:
        return urllib.parse.urlsplit(url).path
    except ValueError:
        return url


def explain(status: int, method: str, url: str, payload: Any, headers: Mapping[str, str]
             ) -> str:
    msg = payload.get("message") if isinstance(payload, Mapping) else None
    detail = f" ({scrub_untrusted(msg)})" if msg else ""
    where = f"{method} {scrub_untrusted(url_path(url), 120)}"
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
        more = f": {scrub_untrusted(json.dumps(errors), 300)}" if errors else ""
        return f"GitHub API: 422 Unprocessable Entity on {where}{detail}{more}"
    return f"GitHub API: HTTP {status} on {where}{detail}"
