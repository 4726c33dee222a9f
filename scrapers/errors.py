"""Exceptions the scraper raises; each carries a message meant for the user."""
from __future__ import annotations

import errno


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


class CacheFileError(ScraperError):
    """A file of the raw cache (raw/manifest.csv...) cannot be read as what it should be.

    str(exc) is one line naming the file, what is wrong and the fix."""

    def __init__(self, path: object, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class DiskError(ScraperError, OSError):
    """A file could not be written (disk full, read-only or permission denied); the old file is intact.

    str(exc) names the path and the system's reason; `errno` is the OSError's errno (or None). It is
    also an OSError, so code that treats a failed write as best-effort (`except OSError`) still does."""

    def __init__(self, path: object, error: OSError):
        reason = error.strerror or str(error)
        code = errno.errorcode.get(error.errno, "") if error.errno is not None else ""
        super().__init__(f"cannot write {path}: {reason}{f' [{code}]' if code else ''}; "
                         "the previous file is unchanged")
        self.path = str(path)
        self.errno = error.errno

