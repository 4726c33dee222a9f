"""Raw page cache under DATA_DIR/raw/: every fetched page, a manifest, and a log of failed attempts.

Layout: raw/pages/HOST/PATH (a URL ending in '/' is stored as .../index.html), raw/manifest.csv
(one row per cached URL), raw/failures.csv (latest failed attempt per URL), raw/years.csv (latest
outcome per country-year asked), raw/rejected/ (re-fetched pages that were not accepted because
the cached copy parsed and the new one did not). Every write is atomic: a temporary file in the same directory,
then os.replace, so an interrupted run leaves the previous version or the new one, never half;
files get the user's umask (0644 usually); a failed write raises DiskError and keeps the old file.

A damaged cache is never taken for an empty one: a page that is missing, truncated, replaced or
listed outside raw/ raises CacheCorrupt naming the file; a missing or unrecognisable manifest is
rebuilt from the pages on disk (RawCache.warnings says so); a manifest cut short or with an
impossible row raises CacheFileError; an unreadable failures.csv or years.csv (logs only) is
ignored with a warning.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from scrapers.errors import CacheFileError, FetchError
from scrapers.parse.decode import decode_html
from scrapers.store.atomic import TEMPORARY, atomic_write_bytes
from scrapers.store.csv_files import CsvProblem, csv_bytes, read_csv
from scrapers.store.paths import GZ, PAGES, RealPaths, stays_inside, stored_form, page_body, relpath_to_url, url_to_relpath
from scrapers.web.http import FetchResult, utc_now_iso

MANIFEST = "manifest.csv"
FAILURES = "failures.csv"
YEARS = "years.csv"
REJECTED = "rejected"
FIX_COMMAND = "python -m scrapers refresh --force --years YEAR"


class CacheCorrupt(FetchError):
    """A cached page is missing, truncated, replaced, or listed outside raw/ (or not cached at all).

    `path` is the manifest's path (relative to raw/), `problem` one of missing, truncated, changed,
    outside, unreadable, not_cached. str(exc) names the URL, the file and the fix command with a
    YEAR placeholder; message_for_year(year) fills it in."""

    def __init__(self, url: str, reason: str, *, path: str = "", problem: str = ""):
        super().__init__(url, reason)
        self.path = path
        self.problem = problem

    def message_for_year(self, year: int) -> str:
        """str(self) with the fix command's YEAR replaced by the report year."""
        return str(self).replace(FIX_COMMAND, FIX_COMMAND.replace("YEAR", str(year)))


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
    etag: str = ""  # the response's ETag and Last-Modified (for conditional GETs); may be empty
    last_modified: str = ""


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


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RawCache:
    """The raw cache of one data directory (pages, manifest, failures, year outcomes).

    Opening it never writes. `warnings` lists what was repaired or ignored while loading (a
    manifest rebuilt from the pages on disk, an unreadable log, an entry pointing outside raw/);
    a manifest that is cut short or holds an impossible row raises CacheFileError."""

    def __init__(self, data_dir: Path | str, *, compress: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "raw"
        self.compress = compress  # store new pages gzip-compressed (PATH.gz); both kinds are read
        self.warnings: list[str] = []
        self.rebuilt = False  # True when the manifest was rebuilt from the pages on disk (not yet written)
        self._entries: dict[str, CacheEntry] = {}
        self._guessed: dict[str, str] = {}  # rebuilt entries: cache path -> URL guessed from it
        self.real_paths = RealPaths(self.root)  # pages' paths resolved against raw/, each folder once (ParseStore)
        self._load_manifest()
        self._failures: dict[str, FailedAttempt] = {}
        for _line, r in self._read_log(FAILURES, ("url",)):
            self._failures[r["url"]] = FailedAttempt(**{f.name: r.get(f.name, "") for f in fields(FailedAttempt)})
        self._years: dict[tuple[str, int], YearRecord] = {}
        self._by_country: dict[str, dict[int, YearRecord]] | None = None  # _years by country, once asked
        bad_years = 0
        for _line, r in self._read_log(YEARS, ("country", "year", "status")):
            try:
                year = int(r["year"])
            except ValueError:
                bad_years += 1
                continue
            record = YearRecord(country=r["country"], year=year, status=r["status"],
                                detail=r.get("detail", ""), url=r.get("url", ""), when=r.get("when", ""))
            self._years[(record.country, record.year)] = record
        if bad_years:
            self.warnings.append(f"{self.root / YEARS}: {bad_years} row(s) with an unreadable year ignored")

    # -- loading -------------------------------------------------------------------------------
    def _read_log(self, name: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
        """Rows of failures.csv / years.csv; an unreadable file is only a log: warn, use none of it."""
        path = self.root / name
        if not path.exists():
            return []
        try:
            return read_csv(path, required)[1]
        except CsvProblem as exc:
            self.warnings.append(f"{path} {exc}: ignored (it is only a log; the next run rewrites it)")
            return []

    def _load_manifest(self) -> None:
        path = self.root / MANIFEST
        if not path.exists() and not path.is_symlink():
            if self._page_files():
                self._rebuild(f"{path} is missing")
            return
        required = ("url", "status", "sha256", "bytes", "path")
        try:
            _header, rows = read_csv(path, required)
        except CsvProblem as exc:
            if str(exc).startswith(("line ", "was cut short")):  # a manifest, damaged: stop
                raise CacheFileError(path, f"{exc}; delete it and the next run rebuilds it from the "
                                           f"pages under {self.root / PAGES}") from None
            self._rebuild(f"{path} {exc}")  # not a manifest at all (deleted, JSON, garbage...)
            return
        for line, row in rows:
            try:
                entry = CacheEntry(
                    url=row["url"], fetched_url=row.get("fetched_url", ""), status=int(row["status"]),
                    fetched_at=row.get("fetched_at", ""), sha256=row["sha256"].lower(),
                    bytes=int(row["bytes"]), path=row["path"], content_type=row.get("content_type", ""),
                    etag=row.get("etag", ""), last_modified=row.get("last_modified", ""),
                )
            except (KeyError, ValueError) as exc:
                raise CacheFileError(path, f"line {line}: malformed row ({exc}); delete the file and the "
                                           "next run rebuilds it from the pages on disk") from exc
            problem = ("" if entry.url.startswith(("http://", "https://")) else "url is not http(s)") or \
                      ("" if _SHA256.match(entry.sha256) else "sha256 is not 64 hex digits") or \
                      ("" if entry.bytes >= 0 and 100 <= entry.status <= 599 else "impossible status or size") or \
                      ("" if entry.path else "path is empty")
            if problem:
                raise CacheFileError(path, f"line {line}: malformed row ({problem}); delete the file and "
                                           "the next run rebuilds it from the pages on disk")
            if not stays_inside(entry.path):
                self.warnings.append(f"{path} line {line}: path {entry.path!r} of {entry.url} points "
                                     "outside raw/; that entry is treated as corrupt")
            self._entries[entry.url] = entry

    def _page_files(self) -> list[Path]:
        pages = self.root / PAGES
        if not pages.is_dir():
            return []
        return sorted(p for p in pages.rglob("*") if p.is_file() and not p.is_symlink()
                      and not TEMPORARY.match(p.name))

    def _rebuild(self, why: str) -> None:
        """Rebuild the manifest in memory from raw/pages/ (written on the next store)."""
        files = self._page_files()
        for file in files:
            rel = PurePosixPath(file.relative_to(self.root).as_posix())
            try:
                url = relpath_to_url(PurePosixPath(str(rel).removesuffix(GZ)))
                body = page_body(file)
                mtime = file.stat().st_mtime
            except (OSError, ValueError):
                continue
            fetched_at = datetime.fromtimestamp(mtime, timezone.utc).replace(microsecond=0)
            self._entries[url] = CacheEntry(
                url=url, fetched_url=url, status=200,
                fetched_at=fetched_at.isoformat().replace("+00:00", "Z"),
                sha256=hashlib.sha256(body).hexdigest(), bytes=len(body), path=str(rel))
            self._guessed[str(rel).removesuffix(GZ)] = url
        self.rebuilt = True
        self.warnings.append(f"{why}: the manifest was rebuilt from the {len(self._guessed)} page(s) "
                             f"under {self.root / PAGES} (fetched_at from file times); it is written "
                             "on the next refresh")

    def _resolve(self, rel: str) -> Path | None:
        """The file of a manifest path, or None when the path leads outside raw/."""
        root = self.root.resolve()
        try:
            candidate = (root / rel).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        return candidate if candidate.is_relative_to(root) and candidate != root else None

    # -- pages ---------------------------------------------------------------------------------
    def _lookup(self, url: str) -> CacheEntry | None:
        entry = self._entries.get(url)
        if entry is None and self._guessed:  # a rebuilt manifest guessed the URL from its path
            try:
                rel = str(url_to_relpath(url))
            except ValueError:
                return None
            guessed = self._guessed.pop(rel, None)
            if guessed is not None and guessed in self._entries:
                entry = replace(self._entries.pop(guessed), url=url, fetched_url=url)
                self._entries[url] = entry
        return entry

    def entry(self, url: str) -> CacheEntry | None:
        """The manifest row of a cached URL whose file exists inside raw/, else None."""
        entry = self._lookup(url)
        if entry is None:
            return None
        file = self._resolve(entry.path)
        if file is None or not file.is_file():
            return None
        return entry

    def has(self, url: str) -> bool:
        """True when the URL's page is cached (manifest row and file both present)."""
        return self.entry(url) is not None

    def listed(self, url: str) -> bool:
        """True when the manifest lists the URL (its file may be missing or damaged: see problem)."""
        return self._lookup(url) is not None

    def entries(self) -> list[CacheEntry]:
        """All manifest rows, sorted by URL."""
        return [self._entries[u] for u in sorted(self._entries)]

    def problem(self, url: str) -> CacheCorrupt | None:
        """What is wrong with a listed URL's cached file (missing, truncated, changed, outside raw/,
        unreadable), or None when it is intact or not listed at all."""
        entry = self._lookup(url)
        if entry is None:
            return None
        try:
            self._checked_body(entry)
        except CacheCorrupt as exc:
            return exc
        return None

    def _corrupt(self, entry: CacheEntry, what: str, problem: str) -> CacheCorrupt:
        where = f"cached file raw/{entry.path}" if problem != "outside" else f"raw/{MANIFEST} entry"
        return CacheCorrupt(entry.url, f"{where} {what}; fetch it again with `{FIX_COMMAND}`",
                            path=entry.path, problem=problem)

    def _checked_body(self, entry: CacheEntry) -> bytes:
        file = self._resolve(entry.path)
        if file is None:
            raise self._corrupt(entry, f"has path {entry.path!r}, which points outside raw/ (not read)",
                                "outside")
        try:
            body = page_body(file)
        except FileNotFoundError:
            raise self._corrupt(entry, f"is missing (listed in raw/{MANIFEST})", "missing") from None
        except OSError as exc:
            raise self._corrupt(entry, f"cannot be read ({exc.strerror or exc})", "unreadable") from None
        if len(body) < entry.bytes:
            raise self._corrupt(entry, f"is truncated ({len(body)} of {entry.bytes} bytes; its sha256 no "
                                       f"longer matches raw/{MANIFEST})", "truncated")
        if len(body) != entry.bytes or hashlib.sha256(body).hexdigest() != entry.sha256:
            raise self._corrupt(entry, f"was changed: it does not match its sha256 in raw/{MANIFEST} "
                                       f"({len(body)} bytes, {entry.bytes} listed)", "changed")
        return body

    def read_bytes(self, url: str) -> bytes:
        """The cached body of a URL; raises CacheCorrupt if not cached, missing, truncated, changed
        (sha256) or listed outside raw/."""
        entry = self._lookup(url)
        if entry is None:
            raise CacheCorrupt(url, "not in the raw cache", problem="not_cached")
        return self._checked_body(entry)

    def read_text(self, url: str) -> str:
        """The cached page decoded to text (see decode_html)."""
        body = self.read_bytes(url)
        entry = self._lookup(url)
        return decode_html(body, entry.content_type if entry else "")

    def store(self, result: FetchResult) -> CacheEntry:
        """Save a fetched page and its manifest row (both atomically); clears the URL's failure.

        A 304 answer (result.not_modified) has no body: ValueError, the cached copy stays."""
        return self.store_many([result])[0]

    def _page_path(self, url: str) -> PurePosixPath:
        """Where a page is stored (relative to raw/); a stored copy of the other kind is removed."""
        plain = url_to_relpath(url)
        packed = PurePosixPath(f"{plain}{GZ}")
        (self.root / (plain if self.compress else packed)).unlink(missing_ok=True)
        return packed if self.compress else plain

    def store_many(self, results: list[FetchResult]) -> list[CacheEntry]:
        """store() for many pages, writing the manifest (and failures.csv) once, not once per page.

        Every result is checked first (ValueError unless all are 200 pages); pages are written in order."""
        for result in results:
            if result.not_modified or result.status != 200:
                raise ValueError(f"{result.url}: only a 200 page can be stored (got HTTP {result.status}"
                                 f"{', not modified' if result.not_modified else ''})")
        entries: list[CacheEntry] = []
        failures_cleared = False
        try:
            for result in results:
                rel = self._page_path(result.url)
                atomic_write_bytes(self.root / rel, stored_form(result.body, self.compress))
                entry = CacheEntry(
                    url=result.url, fetched_url=result.fetched_url, status=result.status,
                    fetched_at=result.fetched_at, sha256=result.sha256, bytes=len(result.body),
                    path=str(rel), content_type=result.content_type, etag=result.etag,
                    last_modified=result.last_modified,
                )
                self._guessed.pop(str(rel).removesuffix(GZ), None)
                self._entries[result.url] = entry
                failures_cleared |= self._failures.pop(result.url, None) is not None
                entries.append(entry)
        finally:  # pages written before an error are listed too
            if entries:
                self._write_manifest()
                self.rebuilt = False
            if failures_cleared:
                self._write_failures()
        return entries

    def store_rejected(self, result: FetchResult) -> str:
        """Save a fetched page that was not accepted under raw/rejected/ (not in the manifest)."""
        rel = PurePosixPath(REJECTED, *url_to_relpath(result.url).parts[1:])
        atomic_write_bytes(self.root / rel, result.body)
        return str(rel)

    def write_manifest(self) -> bool:
        """Write raw/manifest.csv from the entries in memory (e.g. after a rebuild); False if unchanged."""
        written = self._write_manifest()
        self.rebuilt = False
        return written

    def _write_manifest(self) -> bool:
        rows = [asdict(self._entries[u]) for u in sorted(self._entries)]
        return atomic_write_bytes(self.root / MANIFEST, csv_bytes(rows, [f.name for f in fields(CacheEntry)]))

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
        atomic_write_bytes(self.root / FAILURES, csv_bytes(rows, [f.name for f in fields(FailedAttempt)]))

    # -- year outcomes -------------------------------------------------------------------------
    def record_year(self, country: str, year: int, status: str, detail: str, url: str) -> YearRecord:
        """Remember the latest outcome of an asked year (kept unchanged if the same outcome repeats)."""
        previous = self._years.get((country, year))
        if previous and (previous.status, previous.detail, previous.url) == (status, detail, url):
            return previous
        record = YearRecord(country=country, year=year, status=status, detail=detail, url=url,
                            when=utc_now_iso())
        self._years[(country, year)] = record
        self._by_country = None
        rows = [asdict(self._years[k]) for k in sorted(self._years)]
        atomic_write_bytes(self.root / YEARS, csv_bytes(rows, [f.name for f in fields(YearRecord)]))
        return record

    def recorded_countries(self) -> set[str]:
        """Every country a refresh was asked for (raw/years.csv)."""
        return {country for country, _year in self._years}

    def year_records(self, country: str) -> dict[int, YearRecord]:
        """Latest recorded outcome per year for one country (a copy)."""
        if self._by_country is None:  # grouped once: a world build asks for every country's
            self._by_country = {}
            for (c, y), r in self._years.items():
                self._by_country.setdefault(c, {})[y] = r
        return dict(self._by_country.get(country, {}))
