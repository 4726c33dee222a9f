"""How the scraper fetches: the one set of defaults (FetchConfig), the report's hosts, the user agent,
and the mirror prefix's normal form."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

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


def redact(url: str) -> str:
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
        raise ValueError(f"--mirror must not contain spaces, got {redact(cleaned)!r} ({example})")
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as exc:
        raise ValueError(f"--mirror is not a valid URL ({exc}): {redact(cleaned)!r} ({example})") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("--mirror must not contain a user name or password (they would be written to "
                         "the manifest and the tables): drop the credentials, e.g. "
                         f"{redact(cleaned)}")
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
