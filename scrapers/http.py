"""Polite HTTP fetching: one requests Session with urllib3 retries, timeouts, a rate limit and a mirror.

Every outcome maps onto scrapers.errors: 404/410 -> PageNotFound, anything else that does not give
a complete HTML page -> FetchError with a reason a user can act on.
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from scrapers.errors import FetchError, PageNotFound

VERSION = "0.1.0"
PROJECT_URL = "https://github.com/tip-china-dashboard"
USER_AGENT = f"Mozilla/5.0 (compatible; tip-china-dashboard/{VERSION}; +{PROJECT_URL})"
WAYBACK_PREFIX = "https://web.archive.org/web/2024id_/"

RETRY_STATUSES = (429, 500, 502, 503, 504)
NOT_FOUND_STATUSES = (404, 410)

_CLOSING_HTML = re.compile(rb"</html\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class FetchConfig:
    """How to fetch: pause between requests, retries and backoff, timeouts (seconds), mirror prefix."""

    delay: float = 1.0
    retries: int = 3
    backoff_factor: float = 1.0
    backoff_max: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    mirror: str | None = None
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if self.delay < 0:
            raise ValueError(f"delay must be >= 0 seconds, got {self.delay}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("timeouts must be > 0 seconds")
        if self.mirror is not None and not re.match(r"^https?://", self.mirror):
            raise ValueError(f"--mirror must start with http:// or https://, got {self.mirror!r}")


@dataclass(frozen=True)
class FetchResult:
    """One successfully fetched page: the original URL, the URL that served it, status and raw body."""

    url: str
    fetched_url: str
    status: int
    body: bytes
    content_type: str
    fetched_at: str  # UTC, ISO 8601, seconds precision, e.g. 2026-06-30T12:00:00Z

    @property
    def sha256(self) -> str:
        """Hex sha256 of the body."""
        return hashlib.sha256(self.body).hexdigest()


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with a trailing Z (seconds precision)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_session(config: FetchConfig) -> requests.Session:
    """A requests Session whose adapters retry GETs on connection/read errors, 429 and 5xx."""
    retry = Retry(
        total=config.retries,
        connect=config.retries,
        read=config.retries,
        status=config.retries,
        other=0,
        redirect=10,
        allowed_methods=frozenset({"GET"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=config.backoff_factor,
        backoff_max=config.backoff_max,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": config.user_agent, "Accept": "text/html,*/*;q=0.8"})
    return session


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost urllib3/socket error behind a requests exception (MaxRetryError unwrapped)."""
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.MaxRetryError) and current.reason is not None:
            current = current.reason
            continue
        if current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
            continue
        if len(current.args) > 1 and isinstance(current.args[1], BaseException):
            current = current.args[1]
            continue
        break
    return current


def _after_retries(retries: int) -> str:
    return f"after {retries} retr{'y' if retries == 1 else 'ies'}"


def _describe_exception(exc: requests.RequestException, config: FetchConfig) -> str:
    """A one-line reason for a failed request, naming timeouts, resets and short bodies plainly."""
    cause = _root_cause(exc)
    tries = _after_retries(config.retries)
    if isinstance(cause, urllib3.exceptions.NewConnectionError):  # (a ConnectTimeoutError subclass)
        return f"could not connect ({tries}): {cause}"
    if isinstance(exc, requests.ConnectTimeout) or isinstance(cause, urllib3.exceptions.ConnectTimeoutError):
        return f"connection timed out (no answer within {config.connect_timeout:g} s, {tries})"
    if isinstance(exc, requests.ReadTimeout) or isinstance(cause, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
        return f"read timed out (no data within {config.read_timeout:g} s, {tries})"
    if isinstance(cause, urllib3.exceptions.IncompleteRead) or "IncompleteRead" in repr(cause):
        partial, expected = getattr(cause, "partial", None), getattr(cause, "expected", None)
        if isinstance(partial, int) and isinstance(expected, int):
            return (f"incomplete body: the connection closed after {partial} bytes, "
                    f"{partial + expected} announced by Content-Length")
        return "incomplete body: the connection closed before Content-Length bytes arrived"
    if isinstance(cause, (ConnectionResetError, BrokenPipeError)) or "reset" in str(cause).lower():
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return "connection reset by the server while reading the body (page incomplete)"
        return f"connection reset by the server ({tries})"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"the connection broke while reading the body: {cause}"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect ({tries}): {cause}"
    return f"request failed: {cause}"


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

    def fetch(self, url: str) -> FetchResult:
        """GET one original URL; returns a complete HTML page or raises PageNotFound / FetchError."""
        target = self.url_to_fetch(url)
        self._throttle()
        self.requests_made += 1
        fetched_at = utc_now_iso()
        try:
            response = self.session.get(
                target, timeout=(self.config.connect_timeout, self.config.read_timeout)
            )
        except requests.RequestException as exc:
            via = f" [fetching {target}]" if target != url else ""  # name the mirror URL only when it differs
            raise FetchError(url, f"{_describe_exception(exc, self.config)}{via}") from exc
        with response:
            return self._check(url, target, response, fetched_at)

    def _check(self, url: str, target: str, response: requests.Response, fetched_at: str) -> FetchResult:
        status = response.status_code
        via = f" [fetching {target}]" if target != url else ""
        if status in NOT_FOUND_STATUSES:
            raise PageNotFound(url, status)
        if status == 403:
            raise FetchError(url, (
                "HTTP 403 Forbidden. state.gov refuses clients whose User-Agent does not begin with "
                f"'Mozilla/5.0' (ours: {self.config.user_agent!r}); if it still refuses, fetch through "
                f"an archive, e.g. --mirror {WAYBACK_PREFIX}" + via
            ))
        if status in RETRY_STATUSES:
            retry_after = response.headers.get("Retry-After")
            hint = f", server asked to retry after {retry_after}" if retry_after else ""
            raise FetchError(url, f"HTTP {status} {response.reason} {_after_retries(self.config.retries)}"
                                  f"{hint}; try again later or use --mirror" + via)
        if status != 200:
            raise FetchError(url, f"unexpected HTTP {status} {response.reason}" + via)
        body = response.content
        encoding = response.headers.get("Content-Encoding", "identity").lower()
        announced = response.headers.get("Content-Length")
        if announced and announced.isdigit() and encoding in ("", "identity") and int(announced) != len(body):
            raise FetchError(url, f"incomplete body: got {len(body)} bytes, Content-Length announced "
                                  f"{announced}" + via)
        if not body.strip():
            raise FetchError(url, "empty body: HTTP 200 with no content" + via)
        content_type = response.headers.get("Content-Type", "")
        if not _CLOSING_HTML.search(body):
            raise FetchError(url, f"truncated HTML: no closing </html> tag in {len(body)} bytes" + via)
        return FetchResult(url=url, fetched_url=response.url or target, status=status, body=body,
                           content_type=content_type, fetched_at=fetched_at)
