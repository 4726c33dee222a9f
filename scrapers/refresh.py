"""The scraper's commands that change a data directory: refresh (fetch what is missing, or with
--revalidate ask the server what changed, then build) and parse (build from the raw cache alone).

Both hold the data directory's lock (scrapers.store.lock) and end in one scrapers.uptodate.build, which
publishes the table set atomically and only when its inputs changed. A good cached page is never
replaced by a page that fails to parse; a refetched page that is kept aside goes to raw/rejected/.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Protocol, Sequence
from urllib.parse import urldefrag

from analysis.schema import FETCH_FAILED, NO_PAGE, NOT_LISTED, PARSE_FAILED, PARSED
from scrapers.store import setpointer
from scrapers.uptodate import BuildResult, build, countries_in, tier_unread_detail, years_to_scan
from scrapers.store.cache import RawCache
from scrapers.parse.decode import decode_html
from scrapers.store.atomic import atomic_write_bytes, cleanup_temporaries
from scrapers.countries import ALL, DEFAULT_COUNTRY, Country, get_country, parse_countries, resolve
from scrapers.web.discover import landing_urls, list_countries, locate_narrative
from scrapers.errors import FetchError, NarrativeNotFound, PageNotFound, ScraperError
from scrapers.web.http import Fetcher, FetchResult, utc_now_iso
from scrapers.web.config import FetchConfig
from scrapers.inputs import FIRST_YEAR, current_utc_year
from scrapers.store.lists import bounded
from scrapers.store.lock import run_lock
from scrapers.store.parse_store import ParseStore
from scrapers.read import MIN_LISTED, YearParse, listed_count, not_listed_detail, parse_fetched, read_years

CHANGES = "changes.csv"  # raw/changes.csv: every published page that changed on revalidation
CHANGES_COLUMNS = ("detected_at", "country", "year", "url", "old_sha256", "new_sha256", "old_fetched_at")


@dataclass(frozen=True)
class YearOutcome:
    """The result of refreshing one asked year."""

    year: int
    status: str  # parsed | no_page | fetch_failed | parse_failed | cache_corrupt
    detail: str = ""
    source_url: str = ""
    from_cache: bool = False  # True when no request was needed for this year
    tier: str = ""
    changed: bool = False  # revalidation found a new version of the page (and it was accepted)
    country: str = DEFAULT_COUNTRY

    @property
    def ok(self) -> bool:
        """True when the year was fetched or cached and parsed (or the report has no narrative for the
        country that year), and nothing failed."""
        return self.status in (PARSED, NOT_LISTED)


@dataclass(frozen=True)
class RefreshResult:
    """Per-year outcomes of a refresh, the newest year found, requests made, and the build."""

    country: str
    years_asked: tuple[int, ...]
    outcomes: tuple[YearOutcome, ...]
    newest_year: int | None
    requests_made: int
    build: BuildResult
    not_modified: int = 0  # conditional requests answered 304 (or with the same bytes)

    @property
    def failed(self) -> list[YearOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def changed(self) -> list[YearOutcome]:
        return [o for o in self.outcomes if o.changed]

    @property
    def ok(self) -> bool:
        """True when every asked year was fetched or cached and parsed, and the build succeeded."""
        return not self.failed and not self.build.error and not self.build.corrupt_years


class Progress(Protocol):
    """Receives refresh progress; the CLI draws a bar on a TTY, one line per year otherwise."""

    def start(self, years: Sequence[int]) -> None: ...
    def year_done(self, outcome: YearOutcome) -> None: ...
    def message(self, text: str) -> None: ...


class _NoProgress:
    def start(self, years: Sequence[int]) -> None:
        pass

    def year_done(self, outcome: YearOutcome) -> None:
        pass

    def message(self, text: str) -> None:
        pass


def _start_run(data_dir: Path) -> None:
    """Remove what killed runs left behind (temporary files and table directories)."""
    setpointer.clean_leftovers(data_dir)
    cleanup_temporaries(data_dir)


# -- parse ----------------------------------------------------------------------------------------
def parse(data_dir: Path | str = "data", country: str | Sequence[str] = DEFAULT_COUNTRY, *,
          lexicon: Path | None = None, claims: Path | None = None, wait: bool = False,
          verify: bool = False) -> BuildResult:
    """Build every table from DATA_DIR/raw alone (no network), for every country the data directory
    holds plus `country`; ValueError for an unknown country, RunLocked when another run holds the
    data directory. With `verify`, every cached page is hashed again (no stamp trusted: for a page
    changed in place with its size, mtime and inode unchanged)."""
    data_dir = Path(data_dir)
    wanted = parse_countries(country) or []
    with run_lock(data_dir, wait=wait, command="parse"):
        _start_run(data_dir)
        cache = RawCache(data_dir)
        held = [get_country(slug) for slug in countries_in(cache, wanted)]
        return build(data_dir, held, cache, ParseStore(cache, verify=verify), lexicon=lexicon, claims=claims)


# -- fetching ---------------------------------------------------------------------------------------
class _NetworkFetch:
    """The fetch callback of one year's walk: cache first (unless forced), then the network.

    Pages fetched for a year are staged in memory; commit() stores them in the cache, reject()
    saves them under raw/rejected/ instead, so that a failed re-fetch never replaces a good copy."""

    def __init__(self, cache: RawCache, fetcher: Fetcher, force: bool) -> None:
        self.cache, self.fetcher, self.force = cache, fetcher, force
        self.fetched_this_run: set[str] = set()
        self.staged: dict[str, FetchResult] = {}

    def body(self, url: str) -> tuple[bytes, str, bool]:
        """(page bytes, content type, fetched now?) of url: staged, cached, or fetched."""
        url = urldefrag(url)[0]
        if url in self.staged:
            return self.staged[url].body, self.staged[url].content_type, True
        if self.cache.has(url) and (not self.force or url in self.fetched_this_run):
            try:
                return self.cache.read_bytes(url), self.cache.entry(url).content_type, False
            except FetchError:
                pass  # a damaged cached copy: fetch it again
        result = self._fetch(url, record_failures=True)
        self.staged[url] = result
        return result.body, result.content_type, True

    def __call__(self, url: str) -> str:
        body, content_type, _ = self.body(url)
        return decode_html(body, content_type)

    def _fetch(self, url: str, *, record_failures: bool) -> FetchResult:
        try:
            result = self.fetcher.fetch(url)
        except PageNotFound as exc:
            if record_failures:
                self.cache.record_failure(url, self.fetcher.url_to_fetch(url), "not_found", str(exc))
            raise
        except FetchError as exc:
            if record_failures:
                self.cache.record_failure(url, self.fetcher.url_to_fetch(url), FETCH_FAILED, exc.reason)
            raise
        self.fetched_this_run.add(url)
        return result

    def commit(self) -> None:
        """Store every staged page in the cache."""
        for result in self.staged.values():
            self.cache.store(result)
        self.staged.clear()

    def reject(self) -> list[str]:
        """Keep the cached copies; save the staged pages under raw/rejected/ (paths returned)."""
        paths = [self.cache.store_rejected(result) for result in self.staged.values()]
        self.staged.clear()
        return paths

    def probe(self, url: str) -> str:
        """Is this landing page there? The cache answers if it can; a 404 is not logged as a failure."""
        if self.cache.has(url):
            return self.cache.read_text(url)
        result = self._fetch(url, record_failures=False)
        self.cache.store(result)  # nothing was cached: nothing to protect
        return decode_html(result.body, result.content_type)


def discover_newest_year(probe: Callable[[str], object], *, start_year: int | None = None) -> int:
    """The newest report year: probe landing_urls(year) from start_year down; 404 = not published yet.

    Raises PageNotFound when no year from start_year down to 2001 has a landing page."""
    start_year = start_year or current_utc_year()
    for year in range(start_year, FIRST_YEAR - 1, -1):
        for url in landing_urls(year):
            try:
                probe(url)
            except PageNotFound:
                continue
            return year
    raise PageNotFound(f"landing pages of {FIRST_YEAR}-{start_year}")


def _tier_of(page: YearParse | None) -> str:
    if page is None or page.narrative is None:
        return ""
    return page.narrative.tier.tier or ""


def _fetch_year(year: int, country: Country, cache: RawCache, store: ParseStore, net: _NetworkFetch,
                before: YearParse) -> tuple[str, str, str]:
    """Walk the year's table of contents and fetch its narrative page: (status, detail, url).

    The year's fetched pages are stored when the narrative parses, or when the cache had no good
    copy of the year (so a failed page is kept for inspection); otherwise they go to raw/rejected/."""
    url = ""
    try:
        url = urldefrag(locate_narrative(year, country, net))[0]
        body, content_type, fetched = net.body(url)
        outcome = parse_fetched(store, country, year, url, body, content_type)
        if outcome.narrative is None:
            status, detail = PARSE_FAILED, outcome.error
            if not fetched and not net.staged:
                detail += f" (cached page; fetch it again with: refresh --force --years {year})"
        else:
            status, detail = PARSED, ""
    except PageNotFound as exc:
        status, detail, url = NO_PAGE, f"no page: {exc}", getattr(exc, "url", "") or url
    except NarrativeNotFound as exc:
        listed = listed_count(year, net) if not url else 0
        if listed >= MIN_LISTED:
            net.commit()
            return NOT_LISTED, not_listed_detail(year, listed, country), ""
        where = f"on {url}" if url else f"in the {year} table of contents"
        status, detail = PARSE_FAILED, f"no {country.name} narrative found {where} (markup changed?): {exc}"
    except FetchError as exc:
        status, detail, url = FETCH_FAILED, str(exc), exc.url or url
    if status == PARSED or before.status != PARSED:
        net.commit()
        return status, detail, url
    rejected = net.reject()
    saved = f"; the new page(s) are saved under raw/{rejected[0]}" if rejected else ""
    return status, f"{detail} (kept the cached copy{saved})", url


def _record_change(cache: RawCache, country: str, year: int, url: str, old_sha: str, new_sha: str,
                   old_fetched_at: str) -> None:
    """Append one row to raw/changes.csv (the history of edits to published pages)."""
    path = cache.root / CHANGES
    try:
        previous = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        previous = ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not previous.strip():
        writer.writerow(CHANGES_COLUMNS)
        previous = ""
    writer.writerow([utc_now_iso(), country, year, url, old_sha, new_sha, old_fetched_at])
    atomic_write_bytes(path, (previous + buffer.getvalue()).encode("utf-8"))


def _revalidate_year(year: int, country: Country, cache: RawCache, store: ParseStore, fetcher: Fetcher,
                     before: YearParse) -> tuple[str, str, bool, bool]:
    """One conditional GET of a cached narrative page: (status, detail, changed, not_modified).

    304 (or the same bytes) changes nothing; a new version replaces the cached page only if it
    parses, and the change is recorded in raw/changes.csv."""
    url = before.source_url
    entry = cache.entry(url)
    try:
        result = fetcher.fetch(url, etag=getattr(entry, "etag", "") or "",
                               last_modified=getattr(entry, "last_modified", "") or "")
    except PageNotFound as exc:
        return FETCH_FAILED, f"the published page is gone ({exc}); the cached copy is kept", False, False
    except FetchError as exc:
        return FETCH_FAILED, f"revalidation failed ({exc}); the cached copy is kept", False, False
    if getattr(result, "not_modified", False) or result.sha256 == entry.sha256:
        return PARSED, "", False, True
    outcome = parse_fetched(store, country, year, url, result.body, result.content_type)
    if outcome.narrative is None:
        saved = cache.store_rejected(result)
        return (PARSE_FAILED, f"a new version of {url} does not parse ({outcome.error}); the cached copy is "
                              f"kept and the new page saved under raw/{saved}", False, False)
    cache.store(result)
    _record_change(cache, country.slug, year, url, entry.sha256, result.sha256, entry.fetched_at)
    return PARSED, f"the page changed since {entry.fetched_at}: new version stored", True, False


def _refresh_item(year: int, country: Country, before: YearParse, cache: RawCache, store: ParseStore,
                  fetcher: Fetcher, *, force: bool, revalidate: bool) -> tuple[YearOutcome, YearParse, bool]:
    """Refresh one country-year: (its outcome, what the cache now gives for it, answered 304?).

    A cached narrative is kept as it is (or revalidated); anything else is fetched."""
    requests_before = fetcher.requests_made
    changed = unchanged = False
    if before.status == PARSED and revalidate and not force:
        status, detail, changed, unchanged = _revalidate_year(year, country, cache, store, fetcher, before)
        url = before.source_url
    elif before.status == PARSED and not force:
        status, detail, url = PARSED, "", before.source_url
    elif before.status == NOT_LISTED and not force:
        status, detail, url = NOT_LISTED, before.detail, ""
    elif before.status == PARSE_FAILED and not force and before.source_url:
        status, url = PARSE_FAILED, before.source_url
        detail = f"{before.detail} (cached page; fetch it again with: refresh --force --years {year})"
    else:
        status, detail, url = _fetch_year(year, country, cache, store, _NetworkFetch(cache, fetcher, force),
                                          before)
    after = read_years(store, country, [year])[year] if status == PARSED else before
    if status == PARSED and after.status != PARSED:  # cannot happen: the page was just stored
        status, detail = after.status, f"page not readable from the cache: {after.detail}"
    if status == PARSED and after.narrative is not None and not after.narrative.tier.tier:
        detail = tier_unread_detail(after.narrative)
    cache.record_year(country.slug, year, status, detail, url)
    shown = after if status == PARSED else before
    outcome = YearOutcome(year, status, detail, url, fetcher.requests_made == requests_before, _tier_of(shown),
                          changed, country.slug)
    return outcome, (after if status == PARSED or after.status == PARSED else before), unchanged


# -- refresh ----------------------------------------------------------------------------------------
def unknown_links_note(year: int, unknown: Sequence[str], raw_dir: Path) -> str:
    """One bounded line for the link texts of a year's table of contents that no country's name is:
    their count, the first few, and (when there are many) the file under raw/lists/ holding all."""
    return (f"{year}: {len(unknown)} link text(s) no registry entry knows (not read; add them to "
            f"data/reference/country_names.csv): {bounded(unknown, raw_dir, f'unknown-link-texts-{year}')}")


def _list_year(year: int, cache: RawCache, fetcher: Fetcher, notes: list[str]) -> list[str]:
    """The countries the year's table of contents lists (the pages read are stored in the cache)."""
    net = _NetworkFetch(cache, fetcher, False)
    try:
        listing = list_countries(year, net, resolve)
    except PageNotFound:
        return []
    except FetchError as exc:
        notes.append(f"could not list the countries of {year}: {exc}")
        return []
    finally:
        net.commit()
    if listing.unknown:
        notes.append(unknown_links_note(year, listing.unknown, cache.root))
    return list(listing.links)


def refresh(data_dir: Path | str = "data", country: str | Sequence[str] = DEFAULT_COUNTRY,
            years: Sequence[int] | None = None, *, force: bool = False, revalidate: bool = False,
            fetch_config: FetchConfig | None = None, progress: Progress | None = None,
            start_year: int | None = None, lexicon: Path | None = None, claims: Path | None = None,
            wait: bool = False) -> RefreshResult:
    """Fetch every asked country-year (default: china, 2001 to the newest) into the raw cache, then
    build the tables of every country the data directory holds.

    `country` is a slug, a list or comma-separated slugs, or 'all' (every narrative each year's table
    of contents lists). Cached years make no request unless force (fetch again) or revalidate (one
    conditional GET per cached narrative page). A failed year keeps what the cache held. RunLocked
    when another run holds the data directory."""
    data_dir = Path(data_dir)
    wanted = parse_countries(country)
    progress = progress or _NoProgress()
    with run_lock(data_dir, wait=wait, command="refresh"):
        _start_run(data_dir)
        # a crawl beyond the China lens stores its pages gzip-compressed (China's stay plain HTML,
        # readable in the repository's history)
        cache = RawCache(data_dir, compress=wanted != [DEFAULT_COUNTRY])
        if cache.rebuilt:
            cache.write_manifest()  # persist the manifest rebuilt from the pages on disk
        store = ParseStore(cache)
        newest: int | None = None
        outcomes: list[YearOutcome] = []
        pages: dict[str, dict[int, YearParse]] = {}
        notes: list[str] = []
        not_modified = 0
        with Fetcher(fetch_config or FetchConfig()) as fetcher:
            if years is None:
                progress.message("finding the newest report year...")
                try:
                    newest = discover_newest_year(_NetworkFetch(cache, fetcher, False).probe,
                                                  start_year=start_year)
                except PageNotFound:
                    raise ScraperError(f"no TIP report landing page found for any year "
                                       f"{FIRST_YEAR}-{start_year or current_utc_year()}: is the site (or "
                                       "--mirror) reachable?") from None
                except FetchError as exc:
                    raise ScraperError(f"could not find the newest report year: {exc}") from exc
                asked = list(range(FIRST_YEAR, newest + 1))
            else:
                asked = sorted(set(years))
            if wanted is None:
                progress.message(f"listing the countries of {len(asked)} report year(s)...")
                items = [(slug, year) for year in asked for slug in _list_year(year, cache, fetcher, notes)]
            else:
                items = [(slug, year) for slug in wanted for year in asked]
            progress.start([year for _, year in items])
            countries = {slug: get_country(slug) for slug in dict.fromkeys(s for s, _ in items)}
            before_all = {slug: read_years(store, obj, sorted({y for s, y in items if s == slug}))
                          for slug, obj in countries.items()}
            for slug, year in items:
                outcome, page, unchanged = _refresh_item(year, countries[slug], before_all[slug][year], cache,
                                                         store, fetcher, force=force, revalidate=revalidate)
                not_modified += unchanged
                pages.setdefault(slug, {})[year] = page
                outcomes.append(outcome)
                progress.year_done(outcome)
            requests_made = fetcher.requests_made
        held = [get_country(slug) for slug in countries_in(cache, countries)]
        for country_obj in held:
            have = pages.get(country_obj.slug, {})
            rest = [y for y in years_to_scan(cache, country_obj.slug, asked) if y not in have]
            pages[country_obj.slug] = dict(sorted({**read_years(store, country_obj, rest), **have}.items()))
        result = build(data_dir, held, cache, store, lexicon=lexicon, claims=claims, pages=pages)
    if notes:
        result = replace(result, warnings=(*notes, *result.warnings))
    return RefreshResult(country=",".join(wanted) if wanted else ALL, years_asked=tuple(asked),
                         outcomes=tuple(outcomes), newest_year=newest, requests_made=requests_made,
                         build=result, not_modified=not_modified)
