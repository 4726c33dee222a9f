"""Reading country-years from the raw cache alone (no network): where each year's narrative is (the
table of contents walked in the cache, the answer kept in the parse store), then the page checked
against its sha256 and parsed once (see scrapers.pool). At world scale everything is done together:
read_years_many locates every country-year at once (in a process pool when many locations are not
stored), checks each page once, and parses each page once for all the countries it holds."""
from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import urldefrag

from analysis.schema import CACHE_CORRUPT, NOT_LISTED, PARSE_FAILED, PARSED
from scrapers.countries import Country, get_country, resolve
from scrapers.errors import FetchError, NarrativeNotFound, PageNotFound
from scrapers.models import Narrative
from scrapers.parse.decode import decode_html_counted
from scrapers.parse.jobs import PageJob, PageOutcome, looks_synthetic, parse_text
from scrapers.pool import cache_error, parse_many, pool_store
from scrapers.store.cache import FIX_COMMAND, CacheCorrupt
from scrapers.store.parse_store import ParseStore
from scrapers.web.discover import landing_urls, list_countries, locate_narrative
from scrapers.workers import run_in_pool

# Locate in a process pool when at least this many country-years have no stored location.
POOL_MIN_LOCATE = 60


# year statuses read from the cache (coverage statuses, plus not_cached)
NOT_CACHED = "not_cached"


@dataclass(frozen=True)
class YearParse:
    """What the raw cache gives for one country-year: a parsed narrative, a parse failure, a damaged
    cached page (cache_corrupt), or nothing (not_cached)."""

    year: int
    status: str
    detail: str = ""
    source_url: str = ""
    narrative: Narrative | None = None
    sha256: str = ""
    replaced_bytes: int = 0  # invalid UTF-8 bytes replaced when the page was decoded
    synthetic: bool = False  # the page says it is synthetic (parse.jobs.looks_synthetic, found when parsed)


# -- reading years from the cache -------------------------------------------------------------
MIN_LISTED = 3  # a table of contents that lists this many narratives was read, not broken


def listed_count(year: int, fetch) -> int:
    """How many narratives the year's table of contents lists (0 when it cannot be read)."""
    try:
        return len(list_countries(year, fetch, resolve).links)
    except (PageNotFound, FetchError, NarrativeNotFound):
        return 0


def not_listed_detail(year: int, listed: int, country: Country) -> str:
    return f"the {year} report's table of contents lists {listed} narratives but none for {country.name}"


@dataclass(frozen=True)
class Located:
    """Where the cache alone leads for one country-year: the narrative URL, or None with a status
    and why; `walked` and `not_listed` are what remember_location keeps when `remember`."""

    url: str | None
    status: str = ""
    why: str = ""
    walked: tuple[str, ...] = ()
    not_listed: str = ""
    remember: bool = False


def _locate(store: ParseStore, country: Country, year: int) -> Located:
    """Walk the year's table of contents in the cache (no stored location used or written)."""
    walked: list[str] = []
    misses: list[str] = []

    def cached_fetch(url: str) -> str:
        url = urldefrag(url)[0]
        if store.entry(url) is None:
            misses.append(url)
            raise PageNotFound(url)
        walked.append(url)
        return store.page_text(url)

    try:
        located = urldefrag(locate_narrative(year, country, cached_fetch))[0]
    except NarrativeNotFound as exc:
        if misses:
            return Located(None, NOT_CACHED, str(exc))
        listed = listed_count(year, cached_fetch)
        if listed >= MIN_LISTED:
            why = not_listed_detail(year, listed, country)
            return Located(None, NOT_LISTED, why, tuple(walked), why, remember=True)
        return Located(None, PARSE_FAILED, f"no link to {country.name} found: {exc}")
    except CacheCorrupt as exc:
        return Located(None, CACHE_CORRUPT, str(exc).replace(f"; fetch it again with `{FIX_COMMAND}`", ""))
    except (PageNotFound, FetchError) as exc:
        return Located(None, NOT_CACHED, str(exc))
    return Located(located, "", "", tuple(walked), remember=True)


def _remember(store: ParseStore, country: Country, year: int, found: Located) -> tuple[str | None, str, str]:
    if found.remember:
        store.remember_location(country.slug, year, found.url or "", found.walked, not_listed=found.not_listed)
    return found.url, found.status, found.why


def locate_in_cache(store: ParseStore, country: Country, year: int) -> tuple[str | None, str, str]:
    """(narrative URL, '', '') found from the cache alone, or (None, status, why); no network."""
    known = store.location(country.slug, year)
    if known:
        url, not_listed = known
        return (url, "", "") if url else (None, NOT_LISTED, not_listed)
    return _remember(store, country, year, _locate(store, country, year))


def _locate_task(task: tuple[str, list[int]]) -> list[Located]:
    slug, years = task
    country = get_country(slug)
    return [_locate(pool_store(), country, year) for year in years]


def _locate_all(store: ParseStore, pending: list[tuple[Country, int]]) -> list[Located]:
    """_locate for every (country, year), by country in a process pool when there are many that
    have a table of contents to walk (a year with no landing page cached, such as the year not
    published yet, ends at its first fetch: located here, never worth a pool)."""
    landed: dict[int, bool] = {}
    for _country, year in pending:
        if year not in landed:
            landed[year] = any(store.entry(url) is not None for url in landing_urls(year))
    found: dict[tuple[str, int], Located] = {}
    by_country: dict[str, list[int]] = {}
    for country, year in pending:
        if landed[year]:
            by_country.setdefault(country.slug, []).append(year)
        else:
            found[(country.slug, year)] = _locate(store, country, year)
    walks = sum(len(years) for years in by_country.values())
    workers = min(os.cpu_count() or 1, len(by_country))
    if workers < 2 or walks < POOL_MIN_LOCATE:
        found.update(((country.slug, year), _locate(store, country, year)) for country, year in pending
                     if (country.slug, year) not in found)
    else:
        results = run_in_pool(_locate_task, list(by_country.items()), store, workers)
        found.update(((slug, year), r) for (slug, years), rs in zip(by_country.items(), results)
                     for year, r in zip(years, rs))
    return [found[(country.slug, year)] for country, year in pending]


def read_years(store: ParseStore, country: Country, years: Iterable[int]) -> dict[int, YearParse]:
    """Every given year from the cache alone: located, checked against its sha256, then parsed once
    (store hits cost nothing; misses are parsed together, in a process pool when there are many)."""
    return read_years_many(store, [(country, list(years))])[country.slug]


def read_years_many(store: ParseStore, wanted: Sequence[tuple[Country, Iterable[int]]], *,
                    light: bool = False) -> dict[str, dict[int, YearParse]]:
    """read_years for several countries at once: locations found together (in a process pool when
    many are not stored), every page checked once, and every page to parse parsed once for all the
    countries it holds. With `light`, narratives served from the store carry their tier and source
    only (no sections), from the store's summary: enough to tell whether anything changed."""
    cache = store.cache
    order = [(country, year) for country, years in wanted for year in years]
    out: dict[str, dict[int, YearParse]] = {country.slug: {} for country, _ in wanted}
    with store.batch():
        located: dict[tuple[str, int], tuple[str | None, str, str]] = {}
        pending: list[tuple[Country, int]] = []
        for country, year in order:
            known = store.location(country.slug, year)
            if known:
                url, not_listed = known
                located[(country.slug, year)] = (url, "", "") if url else (None, NOT_LISTED, not_listed)
            else:
                pending.append((country, year))
        walked: set[str] = set()
        for (country, year), found in zip(pending, _locate_all(store, pending)):
            located[(country.slug, year)] = _remember(store, country, year, found)
            walked.update(found.walked)
        # every page checked (and stamped) once: the tables of contents walked, and the narratives
        # the store holds a record of; a page with none is hashed by the parse pool as it parses it
        recorded = {(c.slug, y): _has_record(store, c.slug, y, located[(c.slug, y)][0]) for c, y in order}
        store.check_all([*(url for (c, y), (url, _, _) in located.items() if url and recorded[(c, y)]),
                         *sorted(walked)])
        jobs: list[PageJob] = []
        for country, year in order:
            url, status, why = located[(country.slug, year)]
            if url is None:
                out[country.slug][year] = YearParse(year, status, why)
                continue
            problem = store.intact(url) if recorded[(country.slug, year)] else store.intact_or_defer(url)
            if problem:
                status = NOT_CACHED if problem.endswith("is not cached") else CACHE_CORRUPT
                out[country.slug][year] = YearParse(year, status, problem, url)
                continue
            entry = store.entry(url)
            hit = store.get_light(country.slug, year, entry.sha256, url) if light else None
            if hit is None:
                hit = store.get(country.slug, year, entry.sha256, url)
                if hit is not None:
                    store.remember_summary(country.slug, year, entry.sha256, hit)
            if hit is not None:
                out[country.slug][year] = _year_parse(year, url, entry.sha256, hit)
                continue
            jobs.append(PageJob(str(cache.root / entry.path), entry.content_type, country.slug, year, url,
                                entry.sha256))
        for job, outcome in zip(jobs, parse_many(jobs, store)):
            problem = store.parsed_intact(job.source_url, not cache_error(outcome))
            if problem or cache_error(outcome):
                problem = problem or f"{outcome.error}: {job.source_url}"
                status = NOT_CACHED if problem.endswith("is not cached") else CACHE_CORRUPT
                out[job.country][job.year] = YearParse(job.year, status, problem, job.source_url)
                continue
            store.parsed_now += 1
            store.remember_summary(job.country, job.year, job.sha256, outcome)
            out[job.country][job.year] = _year_parse(job.year, job.source_url, job.sha256, outcome)
    return {slug: dict(sorted(years.items())) for slug, years in out.items()}


def _has_record(store: ParseStore, country: str, year: int, url: str | None) -> bool:
    entry = store.entry(url) if url else None
    return entry is not None and store.has_record(country, year, entry.sha256)


def full_narratives(store: ParseStore, pages: dict[int, YearParse]) -> dict[int, YearParse]:
    """`pages` with every light narrative (read_years_many(light=True)) replaced by the stored one;
    a year whose stored narrative cannot be read any more is read (parsed) again."""
    out: dict[int, YearParse] = {}
    again: dict[str, list[int]] = {}
    for year, page in pages.items():
        if page.narrative is not None and not page.narrative.sections:
            stored = store.get(page.narrative.country, year, page.sha256, page.source_url)
            if stored is not None and stored.narrative is not None:
                page = dataclasses.replace(page, narrative=stored.narrative, synthetic=stored.synthetic)
            else:
                again.setdefault(page.narrative.country, []).append(year)
        out[year] = page
    for country, years in again.items():
        out.update(read_years_many(store, [(get_country(country), years)])[country])
    return out


def _year_parse(year: int, url: str, sha256: str, outcome: PageOutcome) -> YearParse:
    if outcome.narrative is None:
        return YearParse(year, PARSE_FAILED, outcome.error, url, None, sha256, outcome.replaced_bytes, outcome.synthetic)
    return YearParse(year, PARSED, "", url, outcome.narrative, sha256, outcome.replaced_bytes, outcome.synthetic)


def parse_fetched(store: ParseStore, country: Country, year: int, url: str, body: bytes,
                  content_type: str) -> PageOutcome:
    """Parse a freshly fetched page (not cached yet) through the store: the check a page must pass
    before it may replace a cached copy."""
    sha = hashlib.sha256(body).hexdigest()
    hit = store.get(country.slug, year, sha, url)
    if hit is not None:
        return hit
    text, replaced = decode_html_counted(body, content_type)
    outcome = dataclasses.replace(parse_text(text, PageJob("", content_type, country.slug, year, url, sha), replaced),
                                  synthetic=looks_synthetic(body))
    store.parsed_now += 1
    store.put(country.slug, year, sha, outcome)
    return outcome
