"""Polite HTTP fetching: one requests Session with urllib3 retries, timeouts, a rate limit and a mirror.

Every outcome maps onto scrapers.errors: 404/410 -> PageNotFound, anything else that does not give
a complete HTML page -> FetchError with a reason a user can act on. A hostile server cannot hold a
fetch forever (a total deadline per request), fill memory (a cap on the decoded body, read as a
stream) or send us elsewhere (redirects are followed only within the report's hosts or the mirror).
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests

from scrapers.errors import FetchError, PageNotFound
from scrapers.parse.decode import looks_complete
from scrapers.web.config import (
    MAX_REDIRECTS, NOT_FOUND_STATUSES, REDIRECT_STATUSES, RETRY_STATUSES, WAYBACK_PREFIX, FetchConfig, redact,
)
from scrapers.web.failures import after_retries, describe_exception, size_text, wrap_read_error
from scrapers.web.session import Deadline, make_session

_READ_CHUNK = 64 * 1024  # decoded bytes per read: a gzip bomb inflates at most this much per step


@dataclass(frozen=True)
class FetchResult:
    """One successfully fetched page: the original URL, the URL that served it, status and raw body.

    `not_modified` is True for a 304 answer to a conditional GET (status 304, empty body: the
    cached copy is still current). `etag` / `last_modified` are the response's validators."""

    url: str
    fetched_url: str
    status: int
    body: bytes
    content_type: str
    fetched_at: str  # UTC, ISO 8601, seconds precision, e.g. 2026-06-30T12:00:00Z
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False

    @property
    def sha256(self) -> str:
        """Hex sha256 of the body."""
        return hashlib.sha256(self.body).hexdigest()


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with a trailing Z (seconds precision)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Fetcher:
    """Fetches original URLs (through the mirror if set), one request per `delay` seconds at most."""

    def __init__(self, config: FetchConfig | None = None, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config or FetchConfig()
        self.session = make_session(self.config)
        self.requests_made = 0  # fetch() calls that went to the network (retries not counted)
        self._sleep = sleep
        self._last_request: float | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the underlying session."""
        self.session.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def url_to_fetch(self, url: str) -> str:
        """The URL actually requested for an original URL: mirror prefix + original, or the original."""
        return f"{self.config.mirror}{url}" if self.config.mirror else url

    def _throttle(self) -> None:
        with self._lock:
            if self._last_request is not None and self.config.delay > 0:
                wait = self._last_request + self.config.delay - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
            self._last_request = time.monotonic()

    def host_allowed(self, url: str, original: str) -> bool:
        """May a redirect go to url? Only to the report's hosts (REPORT_HOSTS and subdomains), the
        original URL's own host, or the --mirror host."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
            return False
        if any(host == h or host.endswith("." + h) for h in self.config.allowed_hosts):
            return True
        own = {(urlsplit(original).hostname or "").lower()}
        if self.config.mirror:
            own.add((urlsplit(self.config.mirror).hostname or "").lower())
        return host in own

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET one original URL; returns a complete HTML page or raises PageNotFound / FetchError.

        With etag / last_modified the request is conditional (If-None-Match / If-Modified-Since)
        and a 304 answer returns a FetchResult with not_modified=True and an empty body."""
        target = self.url_to_fetch(url)
        via = f" [fetching {redact(target)}]" if target != url else ""  # the mirror URL only when it differs
        self._throttle()
        self.requests_made += 1
        fetched_at = utc_now_iso()
        started = time.monotonic()
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with Deadline(self.config.deadline) as deadline:
            try:
                return self._fetch_hops(url, target, via, headers, fetched_at, started)
            except FetchError as exc:
                if not deadline.expired:
                    raise
                failure = exc
        # the watchdog shut the connection down: say so, and start the next fetch on fresh connections
        self.session.close()
        self.session = make_session(self.config)
        if failure.reason.startswith("no complete response within"):
            raise failure
        why = f" ({deadline.note})" if deadline.note else "; the server is too slow"
        raise FetchError(url, f"no complete response within {self.config.deadline:g} s{why}" + via) from failure

    def _fetch_hops(self, url: str, target: str, via: str, headers: dict[str, str], fetched_at: str,
                    started: float) -> FetchResult:
        """The request and its redirects (each checked against the allowed hosts), then the page."""
        current = target
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = self.session.get(
                    current, headers=headers, stream=True, allow_redirects=False,
                    timeout=(self.config.connect_timeout, self.config.read_timeout),
                )
            except requests.RequestException as exc:
                raise FetchError(url, f"{describe_exception(exc, self.config)}{via}") from exc
            with response:
                location = response.headers.get("Location")
                if response.status_code in REDIRECT_STATUSES and location:
                    following = urljoin(current, location.strip())
                    if not self.host_allowed(following, url):
                        raise FetchError(url, (
                            f"HTTP {response.status_code} redirect to {redact(following)}, outside the "
                            f"report's hosts ({', '.join(self.config.allowed_hosts)}"
                            f"{' and the --mirror host' if self.config.mirror else ''}): not followed"
                            + via))
                    current = following
                    continue
                return self._check(url, target, response, fetched_at, started,
                                   conditional=bool(headers))
        raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})" + via)

    def _read_body(self, url: str, response: requests.Response, started: float, via: str) -> bytes:
        """The decoded body, read as a stream: FetchError past the deadline or past max_bytes."""
        cap = self.config.max_bytes
        deadline = started + self.config.deadline
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read  # read1: returns what arrived, never waits for a full chunk
        encoding = response.headers.get("Content-Encoding", "identity").lower().strip()
        announced = response.headers.get("Content-Length", "")
        if encoding in ("", "identity") and announced.isdigit() and int(announced) > cap:
            raise FetchError(url, f"page larger than {size_text(cap)} (Content-Length announces "
                                  f"{int(announced)} bytes); not read" + via)
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(url, f"no complete response within {self.config.deadline:g} s "
                                      f"({size} bytes received); the server is too slow" + via)
            try:
                chunk = read(_READ_CHUNK, decode_content=True)
            except Exception as exc:  # urllib3/socket/zlib errors while reading the body
                wrapped = wrap_read_error(exc)
                if wrapped is None:
                    raise
                raise FetchError(url, f"{describe_exception(wrapped, self.config)}{via}") from exc
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                decoded = "" if encoding in ("", "identity") else f" once decoded ({encoding})"
                raise FetchError(url, f"page larger than {size_text(cap)}{decoded}; stopped reading"
                                      + via)
            chunks.append(chunk)
        if time.monotonic() > deadline:
            raise FetchError(url, f"no complete response within {self.config.deadline:g} s "
                                  f"({size} bytes received); the server is too slow" + via)
        return b"".join(chunks)

    def _check(self, url: str, target: str, response: requests.Response, fetched_at: str,
               started: float | None = None, *, conditional: bool = False) -> FetchResult:
        status = response.status_code
        via = f" [fetching {redact(target)}]" if target != url else ""
        fetched_url = redact(response.url or target)
        etag = response.headers.get("ETag", "")
        last_modified = response.headers.get("Last-Modified", "")
        if status in NOT_FOUND_STATUSES:
            raise PageNotFound(url, status)
        if status == 304 and conditional:
            return FetchResult(url=url, fetched_url=fetched_url, status=304, body=b"",
                               content_type=response.headers.get("Content-Type", ""),
                               fetched_at=fetched_at, etag=etag, last_modified=last_modified,
                               not_modified=True)
        if status == 403:
            raise FetchError(url, (
                "HTTP 403 Forbidden. state.gov refuses clients whose User-Agent does not begin with "
                f"'Mozilla/5.0' (ours: {self.config.user_agent!r}); if it still refuses, fetch through "
                f"an archive, e.g. --mirror {WAYBACK_PREFIX}" + via
            ))
        if status in RETRY_STATUSES:
            retry_after = response.headers.get("Retry-After")
            hint = f", server asked to retry after {retry_after}" if retry_after else ""
            raise FetchError(url, f"HTTP {status} {response.reason} {after_retries(self.config.retries)}"
                                  f"{hint}; try again later or use --mirror" + via)
        if status in REDIRECT_STATUSES:
            raise FetchError(url, f"HTTP {status} redirect without a Location header" + via)
        if status != 200:
            raise FetchError(url, f"unexpected HTTP {status} {response.reason}" + via)
        body = self._read_body(url, response, time.monotonic() if started is None else started, via)
        encoding = response.headers.get("Content-Encoding", "identity").lower()
        announced = response.headers.get("Content-Length")
        if announced and announced.isdigit() and encoding in ("", "identity") and int(announced) != len(body):
            raise FetchError(url, f"incomplete body: got {len(body)} bytes, Content-Length announced "
                                  f"{announced}" + via)
        if not body.strip():
            raise FetchError(url, "empty body: HTTP 200 with no content" + via)
        content_type = response.headers.get("Content-Type", "")
        if not looks_complete(body):
            raise FetchError(url, f"truncated HTML: no closing </html> tag (nor </body>) at the end of "
                                  f"its {len(body)} bytes" + via)
        return FetchResult(url=url, fetched_url=fetched_url, status=status, body=body,
                           content_type=content_type, fetched_at=fetched_at, etag=etag,
                           last_modified=last_modified)


