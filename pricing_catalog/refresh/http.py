"""The one way a refresher talks to a public price API: httpx, bounded, testable.

Every refresher takes an `endpoint` (the API's base URL; tests point it at a
server on 127.0.0.1) and reads through these helpers, so time, size and page
counts are bounded the same way everywhere and an HTTP failure is one
`RefreshError` line, never a traceback. Secrets (API keys) travel in request
parameters or headers and are never put in an error message.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Callable, Iterator, Mapping

from ..errors import CatalogError

TIMEOUT_S = 60.0
MAX_JSON_BYTES = 64 * 1024 * 1024  # one API page; bulk files are streamed instead
MAX_PAGES = 20_000


class RefreshError(CatalogError):
    """A price API answered with something that cannot be turned into prices.

    `RefreshError(message)` (no file: the API is named in the message), or the
    catalog's `(file, message)`."""

    def __init__(self, *args: str | None, **kw: object) -> None:
        super().__init__(*((None, *args) if len(args) == 1 else args), **kw)  # type: ignore[arg-type]

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


def client(endpoint: str, *, headers: Mapping[str, str] | None = None) -> Any:
    """An httpx client for one API (lazy import: `costwarden[refresh]`)."""
    try:
        import httpx
    except ImportError:
        raise RefreshError("httpx is not installed (pip install 'costwarden[refresh]')") from None
    return httpx.Client(base_url=endpoint, headers=dict(headers or {}), timeout=TIMEOUT_S,
                        follow_redirects=False, trust_env=False)


def _fail(url: str, what: str) -> RefreshError:
    return RefreshError(f"{_public(url)}: {what}")


def _public(url: str) -> str:
    """A URL without its query string (which may carry an API key)."""
    return str(url).split("?", 1)[0]


def get_json(http: Any, url: str, params: Mapping[str, Any] | None = None) -> Any:
    """One JSON document, at most MAX_JSON_BYTES."""
    import httpx

    try:
        with http.stream("GET", url, params=params) as response:
            if response.status_code != 200:
                raise _fail(url, f"HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_JSON_BYTES:
                    raise _fail(url, f"response larger than {MAX_JSON_BYTES} bytes")
    except httpx.HTTPError as exc:
        raise _fail(url, type(exc).__name__) from None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise _fail(url, f"not JSON ({exc.__class__.__name__})") from None


def pages(http: Any, url: str, params: Mapping[str, Any] | None,
          next_page: Callable[[Any], tuple[str, Mapping[str, Any] | None] | None]) -> Iterator[Any]:
    """Every page of a paginated API: `next_page(doc)` gives (url, params) or None."""
    seen: set[tuple[str, str]] = set()
    for _ in range(MAX_PAGES):
        doc = get_json(http, url, params)
        yield doc
        follow = next_page(doc)
        if follow is None:
            return
        url, params = follow
        marker = (_public(url), json.dumps(params, sort_keys=True, default=str))
        if marker in seen:
            raise _fail(url, "the API returned the same page link twice")
        seen.add(marker)
    raise _fail(url, f"more than {MAX_PAGES} pages")


@contextlib.contextmanager
def stream(http: Any, url: str) -> Iterator[Any]:
    """A large document as a binary file-like object read incrementally (for ijson)."""
    import httpx

    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise _fail(url, f"HTTP {response.status_code}")
            yield _Reader(response.iter_raw() if _identity(response) else response.iter_bytes())
    except httpx.HTTPError as exc:
        raise _fail(url, type(exc).__name__) from None


def _identity(response: Any) -> bool:
    return response.headers.get("content-encoding", "identity") == "identity"


class _Reader:
    """`read(n)` over an iterator of byte chunks: what ijson needs, nothing held."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
