"""The requests Session a Fetcher uses: urllib3 retries that never outlast a fetch's total deadline,
and connections whose sockets the deadline's watchdog shuts down (see Deadline)."""
from __future__ import annotations

import socket
import threading
import time

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from scrapers.web.config import RETRY_STATUSES, FetchConfig

_WATCH = threading.local()  # the Deadline of the fetch running in this thread, if any


class Deadline:
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

    def __enter__(self) -> "Deadline":
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
    """Registers its socket with the running fetch's Deadline once the request is sent."""

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
    # connections whose sockets the total deadline of a fetch can shut down (see Deadline)
    adapter.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": config.user_agent, "Accept": "text/html,*/*;q=0.8"})
    return session
