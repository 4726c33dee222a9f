"""Exceptions the scraper raises; each carries a message meant for the user."""
from __future__ import annotations


class ScraperError(Exception):
    """Base class: str(exc) is a complete, user-facing explanation."""


class PageNotFound(ScraperError):
    """HTTP 404 (or 410): the page does not exist; for a report year, 'not published (yet)'."""

    def __init__(self, url: str, status: int = 404):
        super().__init__(f"{url}: HTTP {status}, no such page")
        self.url = url
        self.status = status


class FetchError(ScraperError):
    """The page could not be fetched (timeout, reset, 403, 5xx after retries, empty body...)."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class NarrativeNotFound(ScraperError):
    """A page was fetched but holds no recognisable narrative for the country (markup changed?)."""
