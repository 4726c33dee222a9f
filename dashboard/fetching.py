"""'Fetch the report text now' from the dashboard: who may start it, how its progress is recorded,
and its outcomes in plain words (no Streamlit here; the Overview lays it out).

The fetch is the CLI's refresh (scrapers.refresh.refresh): same raw cache, same lock, same tables.
Who may start it is decided by `fetch_permission` from what the operator set and from the
connection's peer address, never from a header the visitor sends (docs/deploy.md, "Who may start a
crawl"): TIPDASH_ALLOW_FETCH=1 (environment variable or Streamlit secret) lets every visitor fetch,
=0 nobody; unset, only a browser on the server's own machine (a loopback peer) may. TIPDASH_MIRROR=
PREFIX fetches PREFIX + original URL (e.g. the Wayback Machine, or a local test server);
TIPDASH_FETCH_DELAY sets the pause between requests (seconds).
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from analysis.schema import NO_PAGE, PARSE_FAILED, PARSED

ALLOW_VAR = "TIPDASH_ALLOW_FETCH"
MIRROR_VAR = "TIPDASH_MIRROR"
DELAY_VAR = "TIPDASH_FETCH_DELAY"
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


@dataclass(frozen=True)
class Permission:
    """Whether this visitor may start a fetch, and why (shown when not)."""

    allowed: bool
    reason: str


def is_loopback_peer(peer: str | None) -> bool:
    """True when the connection's peer address is this machine: None (Streamlit's
    st.context.ip_address for a loopback peer, and for a run with no browser connection at all, such
    as a test runner) or a loopback address (127.0.0.0/8, ::1)."""
    if peer is None or not str(peer).strip():
        return True
    try:
        return ipaddress.ip_address(str(peer).strip().strip("[]")).is_loopback
    except ValueError:
        return False


def fetch_permission(setting: str | None, *, peer: str | None, via_proxy: bool = False) -> Permission:
    """May this visitor start a crawl? The operator's setting decides when given (1: everybody, 0:
    nobody); unset, only a visitor whose connection comes from this machine (`peer`, the TCP peer
    address the server saw: it cannot be forged by a header) and not through a proxy (`via_proxy`:
    the request carries forwarding headers; forging them can only take the button away)."""
    value = (setting or "").strip().lower()
    if value in FALSE:
        return Permission(False, f"Fetching from the dashboard is switched off ({ALLOW_VAR}={setting}).")
    if value in TRUE:
        return Permission(True, "")
    if is_loopback_peer(peer) and not via_proxy:
        return Permission(True, "")
    return Permission(False, "This dashboard is reached from another machine: visitors cannot start a crawl. "
                             f"The operator can allow it by setting {ALLOW_VAR}=1 (environment variable or "
                             "Streamlit secret).")


def forwarded(headers: Mapping[str, str] | None) -> bool:
    """True when the request came through a proxy that says so (X-Forwarded-For, Forwarded, X-Real-IP)."""
    return any(str(k).lower() in PROXY_HEADERS for k in (headers or {}))


def fetch_settings(env: Mapping[str, str]) -> tuple[str | None, float]:
    """(mirror prefix or None, delay in seconds) from TIPDASH_MIRROR and TIPDASH_FETCH_DELAY."""
    mirror = (env.get(MIRROR_VAR) or "").strip() or None
    try:
        delay = float(env.get(DELAY_VAR, "") or 1.0)
    except ValueError:
        delay = 1.0
    return mirror, max(0.0, delay)


_NO_NET = re.compile(r"could not connect|name or service not known|temporary failure in name resolution|"
                     r"nodename nor servname|network is unreachable|connection refused|no route to host|"
                     r"failed to resolve|getaddrinfo|timed out", re.IGNORECASE)


def plain_reason(status: str, detail: str) -> str:
    """One year's failure in plain words: no internet, refused (403), no page (404), or the detail."""
    text = str(detail or "")
    if status == NO_PAGE or re.search(r"\bHTTP 404\b|\bHTTP 410\b", text):
        return "no report page for that year (HTTP 404: not published, or moved)"
    if re.search(r"\bHTTP 403\b|\b403 Forbidden\b", text):
        return "the site refused the request (HTTP 403); try again later or set a mirror (TIPDASH_MIRROR)"
    if _NO_NET.search(text):
        return "the site could not be reached (no internet connection, or the site is down)"
    if status == PARSE_FAILED:
        return "the page was fetched but no China narrative was found on it (its layout may have changed)"
    return text or status.replace("_", " ")


def describe_outcome(year: int, status: str, detail: str, from_cache: bool = False) -> str:
    """'2021: fetched and read', '2022: cached copy used', '2024: no report page for that year ...'."""
    if status == PARSED:
        return f"{year}: {'already in the cache' if from_cache else 'fetched'} and read"
    return f"{year}: {plain_reason(status, detail)}"


@dataclass
class RecordingProgress:
    """A refresh Progress (start / year_done / message) that records every step and calls `on_update`
    (done, total, latest line) after each one."""

    on_update: Callable[[int, int, str], None] = lambda done, total, line: None
    years: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    parsed: list[int] = field(default_factory=list)
    done: int = 0

    def start(self, years: Sequence[int]) -> None:
        self.years = list(years)
        line = f"Fetching {len(self.years)} report years ({self.years[0]}-{self.years[-1]})…" if self.years else "Nothing to fetch."
        self.lines.append(line)
        self.on_update(0, len(self.years), line)

    def year_done(self, outcome) -> None:
        line = describe_outcome(outcome.year, outcome.status, outcome.detail, getattr(outcome, "from_cache", False))
        self.lines.append(line)
        if outcome.status == PARSED:
            self.parsed.append(outcome.year)
        elif outcome.status != NO_PAGE:
            self.failures.append(line)
        self.done += 1
        self.on_update(self.done, len(self.years), line)

    def message(self, text: str) -> None:
        self.lines.append(str(text))
        self.on_update(self.done, len(self.years), str(text))

    def summary(self) -> str:
        """One line: how many years were read, and how many failed."""
        if not self.years:
            return "No report year was fetched."
        missing = len(self.years) - len(self.parsed) - len(self.failures)
        parts = [f"Report text for {len(self.parsed)} of {len(self.years)} years"]
        if missing:
            parts.append(f"{missing} without a published page")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        return ", ".join(parts) + "."


def run_locked_message() -> str:
    """What to say when another refresh holds the data directory's lock."""
    return ("Another refresh is already running on this data directory (from the command line or another "
            "browser tab). Wait for it to finish, then reload this page.")
