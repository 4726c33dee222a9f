"""Raw page cache under DATA_DIR/raw/: every fetched page, a manifest, and a log of failed attempts.

Layout: raw/pages/HOST/PATH (a URL ending in '/' is stored as .../index.html), raw/manifest.csv
(one row per cached URL), raw/failures.csv (latest failed attempt per URL), raw/years.csv (latest
outcome per country-year asked), raw/rejected/ (re-fetched pages that were not accepted because
the cached copy parsed and the new one did not). Every write is atomic: a temporary file in the same directory,
then os.replace, so an interrupted run leaves the previous version or the new one, never half.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from bs4 import UnicodeDammit

from scrapers.errors import FetchError
from scrapers.http import FetchResult, utc_now_iso

MANIFEST = "manifest.csv"
FAILURES = "failures.csv"
YEARS = "years.csv"
PAGES = "pages"
REJECTED = "rejected"
_MAX_SEGMENT = 150


class CacheCorrupt(FetchError):
    """A cached page is missing or no longer matches the sha256 in the manifest."""


@dataclass(frozen=True)
class CacheEntry:
    """One manifest row: original URL, URL that served it, status, UTC time, sha256, size, file path."""

    url: str
    fetched_url: str
    status: int
    fetched_at: str
    sha256: str
    bytes: int
    path: str  # relative to raw/, POSIX separators
    content_type: str = ""


@dataclass(frozen=True)
class FailedAttempt:
    """The latest failed fetch of one URL: kind is 'not_found' (404/410) or 'fetch_failed'."""

    url: str
    fetched_url: str
    when: str
    kind: str
    reason: str


@dataclass(frozen=True)
class YearRecord:
    """The latest refresh outcome for one country-year that was asked for."""

    country: str
    year: int
    status: str  # parsed | no_page | fetch_failed | parse_failed
    detail: str
    url: str
    when: str


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    """Write data to path via a temp file in the same directory + os.replace; False if unchanged."""
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True


def _safe_segment(segment: str) -> str:
    segment = quote(unquote(segment), safe="-_.~!$&'()+,;=@")
    if segment in ("", ".", ".."):
        segment = segment.replace(".", "%2E") or "_"
    if len(segment) > _MAX_SEGMENT:
        digest = hashlib.sha1(segment.encode()).hexdigest()[:12]
        segment = f"{segment[:_MAX_SEGMENT]}~{digest}"
    return segment


def url_to_relpath(url: str) -> PurePosixPath:
    """A readable cache path for an original URL: pages/HOST/PATH, '/'-final URLs as index.html."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower() + (f"_{parts.port}" if parts.port else "")
    segments = [_safe_segment(s) for s in parts.path.split("/") if s]
    last = segments[-1] if segments else ""
    if not segments or parts.path.endswith("/") or "." not in last:
        segments.append("index.html")
    if parts.query:
        segments[-1] = _safe_segment(f"{segments[-1]}?{parts.query}")
    return PurePosixPath(PAGES, _safe_segment(host), *segments)


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode page bytes: charset from Content-Type if given, else the page's own declaration/guess."""
    known = []
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            known.append(value.strip("\"' "))
    dammit = UnicodeDammit(body, known_definite_encodings=known, is_html=True)
    if dammit.unicode_markup is None:
        return body.decode("utf-8", errors="replace")
    return dammit.unicode_markup


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


class RawCache:
    """The raw cache of one data directory (pages, manifest, failures, year outcomes)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "raw"
        self._entries: dict[str, CacheEntry] = {}
        for row in _read_rows(self.root / MANIFEST):
            try:
                entry = CacheEntry(
                    url=row["url"], fetched_url=row.get("fetched_url", ""), status=int(row["status"]),
                    fetched_at=row.get("fetched_at", ""), sha256=row["sha256"],
                    bytes=int(row["bytes"]), path=row["path"], content_type=row.get("content_type", ""),
                )
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{self.root / MANIFEST}: malformed row {row!r} ({exc})") from exc
            self._entries[entry.url] = entry
        self._failures = {
            r["url"]: FailedAttempt(**{f.name: r.get(f.name, "") for f in fields(FailedAttempt)})
            for r in _read_rows(self.root / FAILURES)
        }
        self._years: dict[tuple[str, int], YearRecord] = {}
        for r in _read_rows(self.root / YEARS):
            record = YearRecord(country=r["country"], year=int(r["year"]), status=r["status"],
                                detail=r.get("detail", ""), url=r.get("url", ""), when=r.get("when", ""))
            self._years[(record.country, record.year)] = record

    # -- pages ---------------------------------------------------------------------------------
    def entry(self, url: str) -> CacheEntry | None:
        """The manifest row of a cached URL whose file exists, else None."""
        entry = self._entries.get(url)
        if entry is None or not (self.root / entry.path).is_file():
            return None
        return entry

    def has(self, url: str) -> bool:
        """True when the URL's page is cached (manifest row and file both present)."""
        return self.entry(url) is not None

    def entries(self) -> list[CacheEntry]:
        """All manifest rows, sorted by URL."""
        return [self._entries[u] for u in sorted(self._entries)]

    def read_bytes(self, url: str) -> bytes:
        """The cached body of a URL; raises CacheCorrupt if missing or its sha256 changed."""
        entry = self.entry(url)
        if entry is None:
            raise CacheCorrupt(url, "not in the raw cache")
        body = (self.root / entry.path).read_bytes()
        if hashlib.sha256(body).hexdigest() != entry.sha256:
            raise CacheCorrupt(url, f"cached file raw/{entry.path} does not match its sha256 in "
                                    f"raw/{MANIFEST}; re-fetch it with refresh --force")
        return body

    def read_text(self, url: str) -> str:
        """The cached page decoded to text (see decode_html)."""
        entry = self.entry(url)
        return decode_html(self.read_bytes(url), entry.content_type if entry else "")

    def store(self, result: FetchResult) -> CacheEntry:
        """Save a fetched page and its manifest row (both atomically); clears the URL's failure."""
        rel = url_to_relpath(result.url)
        atomic_write_bytes(self.root / rel, result.body)
        entry = CacheEntry(
            url=result.url, fetched_url=result.fetched_url, status=result.status,
            fetched_at=result.fetched_at, sha256=result.sha256, bytes=len(result.body),
            path=str(rel), content_type=result.content_type,
        )
        self._entries[result.url] = entry
        self._write_manifest()
        if self._failures.pop(result.url, None) is not None:
            self._write_failures()
        return entry

    def store_rejected(self, result: FetchResult) -> str:
        """Save a fetched page that was not accepted under raw/rejected/ (not in the manifest)."""
        rel = PurePosixPath(REJECTED, *url_to_relpath(result.url).parts[1:])
        atomic_write_bytes(self.root / rel, result.body)
        return str(rel)

    def _write_manifest(self) -> None:
        rows = [asdict(self._entries[u]) for u in sorted(self._entries)]
        atomic_write_bytes(self.root / MANIFEST, _csv_bytes(rows, [f.name for f in fields(CacheEntry)]))

    # -- failed attempts -----------------------------------------------------------------------
    def record_failure(self, url: str, fetched_url: str, kind: str, reason: str) -> FailedAttempt:
        """Remember the latest failed fetch of a URL (kept unchanged if the same failure repeats)."""
        previous = self._failures.get(url)
        if previous and (previous.kind, previous.reason, previous.fetched_url) == (kind, reason, fetched_url):
            return previous
        attempt = FailedAttempt(url=url, fetched_url=fetched_url, when=utc_now_iso(), kind=kind, reason=reason)
        self._failures[url] = attempt
        self._write_failures()
        return attempt

    def failures(self) -> dict[str, FailedAttempt]:
        """Latest failed attempt per URL."""
        return dict(self._failures)

    def _write_failures(self) -> None:
        rows = [asdict(self._failures[u]) for u in sorted(self._failures)]
        atomic_write_bytes(self.root / FAILURES, _csv_bytes(rows, [f.name for f in fields(FailedAttempt)]))

    # -- year outcomes -------------------------------------------------------------------------
    def record_year(self, country: str, year: int, status: str, detail: str, url: str) -> YearRecord:
        """Remember the latest outcome of an asked year (kept unchanged if the same outcome repeats)."""
        previous = self._years.get((country, year))
        if previous and (previous.status, previous.detail, previous.url) == (status, detail, url):
            return previous
        record = YearRecord(country=country, year=year, status=status, detail=detail, url=url,
                            when=utc_now_iso())
        self._years[(country, year)] = record
        rows = [asdict(self._years[k]) for k in sorted(self._years)]
        atomic_write_bytes(self.root / YEARS, _csv_bytes(rows, [f.name for f in fields(YearRecord)]))
        return record

    def year_records(self, country: str) -> dict[int, YearRecord]:
        """Latest recorded outcome per year for one country."""
        return {y: r for (c, y), r in self._years.items() if c == country}
