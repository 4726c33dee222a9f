"""A failed request in plain words: what happened (could not connect to www.state.gov: connection
refused, timed out after 10 s, reset, cut short), never the library's internal class names."""
from __future__ import annotations

import re
import socket

import requests
import urllib3

from scrapers.web.config import FetchConfig

# What a library's message says about its own objects: "_WatchedHTTPConnection(host='x', port=80): ",
# "<urllib3.connection.HTTPConnection object at 0x7f...>: ", "HTTPSConnectionPool(host='x', port=443): ".
_INTERNAL = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>:?\s*|\b_?\w*(?:Connection|Pool)\w*\([^()]*\):?\s*")
_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")
_HOST = re.compile(r"host='([^']+)'")


def plain(exc: BaseException) -> str:
    """The library's message for `exc` without its internal objects and errno codes, or the
    operating system's words for an OSError ('connection refused')."""
    if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, urllib3.exceptions.HTTPError):
        return exc.strerror[:1].lower() + exc.strerror[1:]
    text = _ERRNO.sub("", _INTERNAL.sub("", str(exc))).strip(" :")
    return text or type(exc).__name__


def _chain(exc: BaseException):
    """exc, then what caused it, innermost last (MaxRetryError's reason and exception arguments included)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [getattr(current, "reason", None) if isinstance(getattr(current, "reason", None), BaseException)
                 else None, *(a for a in current.args if isinstance(a, BaseException)),
                 current.__cause__, current.__context__]


def _host(exc: BaseException) -> str:
    """The host the failed connection was to, from the exception chain ('' if none says)."""
    for current in _chain(exc):
        for holder in (getattr(current, "pool", None), getattr(current, "conn", None)):
            host = getattr(holder, "host", None)
            if isinstance(host, str) and host:
                return host
        found = _HOST.search(str(current))
        if found:
            return found.group(1)
    return ""


def _connect_reason(exc: BaseException) -> str:
    """Why a connection could not be made, in the system's words: 'connection refused', 'the name
    could not be resolved (name or service not known)', 'network is unreachable'."""
    for current in _chain(exc):
        if isinstance(current, socket.gaierror):
            return f"the name could not be resolved ({plain(current)})"
        if isinstance(current, OSError) and current.strerror and not isinstance(current, urllib3.exceptions.HTTPError):
            return plain(current)
    cause = root_cause(exc)
    text = plain(cause)
    resolving = re.match(r"Failed to resolve '[^']*' \((.*)\)$", text)
    if isinstance(cause, urllib3.exceptions.NameResolutionError) and resolving:
        return f"the name could not be resolved ({resolving.group(1)[:1].lower()}{resolving.group(1)[1:]})"
    text = re.sub(r"^Failed to (?:establish a new connection|resolve '[^']*')\W*", "", text) or text
    return text[:1].lower() + text[1:]


def root_cause(exc: BaseException) -> BaseException:
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


def after_retries(retries: int) -> str:
    return f"after {retries} retr{'y' if retries == 1 else 'ies'}"


def describe_exception(exc: requests.RequestException, config: FetchConfig) -> str:
    """A one-line reason for a failed request in plain words: the host it could not connect to and
    why, timeouts with their limit, resets and short bodies; never a library's class names."""
    cause = root_cause(exc)
    tries = after_retries(config.retries)
    host = _host(exc)
    to = f" to {host}" if host else ""
    if isinstance(cause, urllib3.exceptions.NewConnectionError):  # (a ConnectTimeoutError subclass)
        return f"could not connect{to}: {_connect_reason(exc)} ({tries})"
    if isinstance(exc, requests.ConnectTimeout) or isinstance(cause, urllib3.exceptions.ConnectTimeoutError):
        return f"could not connect{to}: timed out after {config.connect_timeout:g} s ({tries})"
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
        return f"the connection broke while reading the body: {plain(cause)}"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return f"the body could not be decoded (bad Content-Encoding data): {plain(cause)}"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect{to}: {_connect_reason(exc)} ({tries})"
    return f"request failed: {plain(cause)}"


def size_text(n: int) -> str:
    """A byte count for messages: '20 MB' for the default cap (MB = 2**20 bytes)."""
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n} bytes"


def wrap_read_error(exc: BaseException) -> requests.RequestException | None:
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
