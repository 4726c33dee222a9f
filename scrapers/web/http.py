"""Polite HTTP fetching: one requests Session with urllib3 retries, timeouts, a rate limit and a mirror.

Every outcome maps onto scrapers.errors: 404/410 -> PageNotFound, anything else that does not give
a complete HTML page -> FetchError with a reason a user can act on. A hostile server cannot hold a
fetch forever (a total deadline per request), fill memory (a cap on the decoded body, read as a
stream) or send us elsewhere (redirects are followed only within the report's hosts or the mirror).
"""
from __future__ import annotations

import hashlib
import math
import re
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from scrapers.errors import FetchError, PageNotFound
from scrapers.parse.decode import looks_complete

VERSION = "0.1.0"
PROJECT_URL = "https://github.com/tip-china-dashboard"
USER_AGENT = f"Mozilla/5.0 (compatible; tip-china-dashboard/{VERSION}; +{PROJECT_URL})"
WAYBACK_PREFIX = "https://web.archive.org/web/2024id_/"

RETRY_STATUSES = (429, 500, 502, 503, 504)
NOT_FOUND_STATUSES = (404, 410)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Redirects are followed only to these domains (and their subdomains), the fetched URL's own host
# and the --mirror host.
REPORT_HOSTS = ("state.gov", "web.archive.org")
MAX_REDIRECTS = 10
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_READ_CHUNK = 64 * 1024  # decoded bytes per read: a gzip bomb inflates at most this much per step



def _redact(url: str) -> str:
    """The URL without any user:password part (secrets never reach messages or files)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def normalise_mirror(text: str) -> str:
    """A --mirror prefix, cleaned: surrounding spaces stripped, a trailing '/' added after the host.

    Raises ValueError (with the fix) for anything that is not an http(s) URL with a host, for
    credentials (user:password@, never written anywhere) and for a query or fragment."""
    cleaned = text.strip()
    example = f"e.g. {WAYBACK_PREFIX} or http://127.0.0.1:8000/"
    if not re.match(r"^https?://", cleaned, re.IGNORECASE):
        shown = cleaned if "@" not in cleaned else "(a value with '@')"
        raise ValueError(f"--mirror must be a URL prefix starting with http:// or https://, got "
                         f"{shown!r} ({example})")
    if any(ch.isspace() for ch in cleaned):
        raise ValueError(f"--mirror must not contain spaces, got {_redact(cleaned)!r} ({example})")
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as exc:
        raise ValueError(f"--mirror is not a valid URL ({exc}): {_redact(cleaned)!r} ({example})") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("--mirror must not contain a user name or password (they would be written to "
                         "the manifest and the tables): drop the credentials, e.g. "
                         f"{_redact(cleaned)}")
    if not parts.hostname:
        raise ValueError(f"--mirror has no host: {cleaned!r} ({example})")
    if parts.query or parts.fragment:
        raise ValueError(f"--mirror must be a plain prefix without '?' or '#': {cleaned!r} ({example})")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


@dataclass(frozen=True)
class FetchConfig:
    """How to fetch: pause between requests, retries and backoff, timeouts (seconds), mirror prefix.

    `deadline` bounds one fetch() from its first byte sent to its last byte read (retries and
    redirects included); `read_timeout` bounds each socket read; `max_bytes` caps the decoded body.
    The mirror is normalised (see normalise_mirror); non-finite numbers are refused."""

    delay: float = 1.0
    retries: int = 3
    backoff_factor: float = 1.0
    backoff_max: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    mirror: str | None = None
    user_agent: str = USER_AGENT
    deadline: float = 60.0
    max_bytes: int = DEFAULT_MAX_BYTES
    allowed_hosts: tuple[str, ...] = REPORT_HOSTS

    def __post_init__(self) -> None:
        for name in ("delay", "backoff_factor", "backoff_max", "connect_timeout", "read_timeout",
                     "deadline"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number of seconds, got {value!r}")
        if self.delay < 0:
            raise ValueError(f"delay must be >= 0 seconds, got {self.delay}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        if self.backoff_factor < 0:
            raise ValueError(f"backoff_factor must be >= 0, got {self.backoff_factor}")
        if self.connect_timeout <= 0 or self.read_timeout <= 0 or self.deadline <= 0:
            raise ValueError("timeouts must be > 0 seconds")
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be > 0, got {self.max_bytes}")
        if self.mirror is not None:
            object.__setattr__(self, "mirror", normalise_mirror(self.mirror))


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


_WATCH = threading.local()  # the _Deadline of the fetch running in this thread, if any


class _Deadline:
    """A fetch's total deadline: when it passes, every socket the fetch used is shut down, so a
    server that drips its headers or body (each read quick, the whole endless) cannot outlast it."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self.note = ""  # why the fetch gave up early, if it did (e.g. a Retry-After beyond the deadline)
        self.ends = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        _WATCH.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        _WATCH.deadline = None

    def register(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def give_up(self, note: str) -> None:
        """Expire now, saying why."""
        self.note = note
        self._expire()


class _DeadlineRetry(Retry):
    """urllib3's Retry, bounded by the running fetch's deadline: no retry once it has passed, and no
    wait (backoff or a server's Retry-After) that would end beyond it."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None,  # type: ignore[override]
                  _stacktrace=None):
        deadline = getattr(_WATCH, "deadline", None)
        if deadline is not None and deadline.expired:
            raise urllib3.exceptions.MaxRetryError(
                _pool, url, error or urllib3.exceptions.ResponseError("the deadline has passed"))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep(self, response=None) -> None:  # type: ignore[no-untyped-def]
        deadline = getattr(_WATCH, "deadline", None)
        if deadline is not None:
            retry_after = self.get_retry_after(response) if self.respect_retry_after_header and response else None
            wait = retry_after if retry_after is not None else self.get_backoff_time()
            if wait >= deadline.ends - time.monotonic():
                what = "the server asked to wait" if retry_after is not None else "the backoff would wait"
                deadline.give_up(f"{what} {wait:g} s before retrying")
                raise urllib3.exceptions.MaxRetryError(None, None, urllib3.exceptions.ResponseError(deadline.note))
        super().sleep(response)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _WatchedConnection:
    """Registers its socket with the running fetch's _Deadline once the request is sent."""

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().request(*args, **kwargs)  # type: ignore[misc]
        deadline = getattr(_WATCH, "deadline", None)
        if deadline is not None:
            deadline.register(getattr(self, "sock", None))


class _WatchedHTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def make_session(config: FetchConfig) -> requests.Session:
    """A requests Session whose adapters retry GETs on connection/read errors, 429 and 5xx (never
    past the running fetch's deadline)."""
    retry = _DeadlineRetry(
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
    # connections whose sockets the total deadline of a fetch can shut down (see _Deadline)
    adapter.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
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
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return f"the body could not be decoded (bad Content-Encoding data): {cause}"
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
        via = f" [fetching {_redact(target)}]" if target != url else ""  # the mirror URL only when it differs
        self._throttle()
        self.requests_made += 1
        fetched_at = utc_now_iso()
        started = time.monotonic()
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with _Deadline(self.config.deadline) as deadline:
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
                raise FetchError(url, f"{_describe_exception(exc, self.config)}{via}") from exc
            with response:
                location = response.headers.get("Location")
                if response.status_code in REDIRECT_STATUSES and location:
                    following = urljoin(current, location.strip())
                    if not self.host_allowed(following, url):
                        raise FetchError(url, (
                            f"HTTP {response.status_code} redirect to {_redact(following)}, outside the "
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
            raise FetchError(url, f"page larger than {_size(cap)} (Content-Length announces "
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
                wrapped = _wrap_read_error(exc)
                if wrapped is None:
                    raise
                raise FetchError(url, f"{_describe_exception(wrapped, self.config)}{via}") from exc
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                decoded = "" if encoding in ("", "identity") else f" once decoded ({encoding})"
                raise FetchError(url, f"page larger than {_size(cap)}{decoded}; stopped reading"
                                      + via)
            chunks.append(chunk)
        if time.monotonic() > deadline:
            raise FetchError(url, f"no complete response within {self.config.deadline:g} s "
                                  f"({size} bytes received); the server is too slow" + via)
        return b"".join(chunks)

    def _check(self, url: str, target: str, response: requests.Response, fetched_at: str,
               started: float | None = None, *, conditional: bool = False) -> FetchResult:
        status = response.status_code
        via = f" [fetching {_redact(target)}]" if target != url else ""
        fetched_url = _redact(response.url or target)
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
            raise FetchError(url, f"HTTP {status} {response.reason} {_after_retries(self.config.retries)}"
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


def _size(n: int) -> str:
    """A byte count for messages: '20 MB' for the default cap (MB = 2**20 bytes)."""
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n} bytes"


def _wrap_read_error(exc: BaseException) -> requests.RequestException | None:
    """A body-read error as the requests exception requests itself would raise (None: not ours)."""
    if isinstance(exc, requests.RequestException):
        return exc
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return requests.exceptions.ContentDecodingError(exc)
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return requests.exceptions.ReadTimeout(exc)
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return requests.exceptions.ChunkedEncodingError(exc)
    if isinstance(exc, urllib3.exceptions.SSLError):
        return requests.exceptions.SSLError(exc)
    if isinstance(exc, (urllib3.exceptions.HTTPError, OSError)):
        return requests.exceptions.ConnectionError(exc)
    return None
