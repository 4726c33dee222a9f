"""Each page is parsed once in its life: parsed narratives (and where each year's narrative was
found) are cached under DATA_DIR/raw/parsed/, keyed by the page's sha256 and the parser version.

- A narrative entry is keyed by (parser version, country, year, sha256 of the narrative page): a
  new page or a new parser version misses, everything else hits. Failures are cached too, so a page
  that does not parse is not parsed again either.
- A location entry remembers which narrative URL a year's table of contents led to, with the
  sha256 of every page walked; it is valid while those pages are unchanged in the raw cache.

Files are small JSON documents (never pickles: the data directory may come from elsewhere).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urldefrag

from scrapers.cache import FIX_COMMAND, CacheCorrupt, RawCache, atomic_write_bytes, decode_html_counted
from scrapers.countries import Country, get_country
from analysis.schema import CACHE_CORRUPT, NOT_LISTED, PARSE_FAILED, PARSED
from scrapers.discover import DISCOVERY_VERSION, list_countries, locate_narrative
from scrapers.errors import FetchError, NarrativeNotFound, PageNotFound
from scrapers.models import Narrative, Section, TierReading
from scrapers.parse_html import PARSER_VERSION, parse_narrative

PARSED_DIR = "parsed"
# The modules whose code decides what a page parses to: their source is part of the store's key,
# so an edited parser never serves stale entries even when PARSER_VERSION was not bumped.
PARSER_MODULES = ("parse_html", "tiers", "sections", "text", "models", "countries")
# Parse in a process pool when at least this many pages need parsing (below it, the pool's start
# costs more than it saves).
POOL_MIN_PAGES = 6

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


# -- JSON of a Narrative --------------------------------------------------------------------------
def narrative_to_dict(narrative: Narrative) -> dict:
    return dataclasses.asdict(narrative)


def _build(cls, data: dict):
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if cls is Narrative and f.name == "tier":
            value = _build(TierReading, value)
        elif cls is Narrative and f.name == "sections":
            value = tuple(_build(Section, s) for s in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def narrative_from_dict(data: dict) -> Narrative:
    return _build(Narrative, data)


# -- parsing one page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PageJob:
    """One page to parse: where its bytes are, and for which country-year."""

    path: str
    content_type: str
    country: str
    year: int
    source_url: str
    sha256: str


@dataclass(frozen=True)
class PageOutcome:
    """A parse result: the narrative, or the reason it failed. A parser crash (as opposed to a page
    that holds no narrative) is not kept in the store: the next run tries again."""

    narrative: Narrative | None
    error: str = ""
    replaced_bytes: int = 0
    keep: bool = True


def parser_key() -> str:
    """PARSER_VERSION plus a digest of the parser's source: the store's directory name."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for name in PARSER_MODULES:
        digest.update((Path(__file__).parent / f"{name}.py").read_bytes())
    return f"v{PARSER_VERSION}-{digest.hexdigest()[:10]}"


def decode_page(body: bytes, content_type: str) -> tuple[str, int]:
    """The page as text and the number of invalid bytes replaced while decoding it."""
    return decode_html_counted(body, content_type)


def parse_page(job: PageJob) -> PageOutcome:
    """Parse one cached page (a top-level function, so a process pool can run it)."""
    try:
        body = Path(job.path).read_bytes()
    except OSError as exc:
        return PageOutcome(None, f"cached page unreadable: {exc.strerror or exc}")
    if hashlib.sha256(body).hexdigest() != job.sha256:
        return PageOutcome(None, "cached page changed on disk (sha256 differs from the manifest)")
    text, replaced = decode_page(body, job.content_type)
    return parse_text(text, job, replaced)


def parse_text(text: str, job: PageJob, replaced: int = 0) -> PageOutcome:
    """Parse decoded page text for job's country-year; never raises for a bad page."""
    try:
        narrative = parse_narrative(text, country=get_country(job.country), year=job.year,
                                    source_url=job.source_url)
    except NarrativeNotFound as exc:
        return PageOutcome(None, f"no {get_country(job.country).name} narrative found on the page "
                                 f"(markup changed?): {exc}", replaced)
    except RecursionError:
        return PageOutcome(None, "the page is nested too deeply to parse", replaced)
    except Exception as exc:  # a parser bug on one page must not lose the other years
        return PageOutcome(None, f"parser error {type(exc).__name__}: {exc}", replaced, keep=False)
    return PageOutcome(narrative, "", replaced)


def parse_many(jobs: list[PageJob]) -> list[PageOutcome]:
    """Parse pages, in a process pool using every core when there are enough of them."""
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or len(jobs) < POOL_MIN_PAGES:
        return [parse_page(job) for job in jobs]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(parse_page, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


# -- the cache on disk ----------------------------------------------------------------------------
class ParseStore:
    """Parsed narratives and year locations of one raw cache (DATA_DIR/raw/parsed/)."""

    def __init__(self, cache: RawCache) -> None:
        self.cache = cache
        self.root = cache.root / PARSED_DIR
        self._locations: dict[str, dict] | None = None
        self.parsed_now = 0  # pages parsed (not served from the store) by this instance
        self.key = parser_key()

    # narratives
    def _narrative_path(self, country: str, year: int, sha256: str) -> Path:
        return self.root / self.key / country / f"{year}-{sha256[:20]}.json"

    def get(self, country: str, year: int, sha256: str) -> PageOutcome | None:
        path = self._narrative_path(country, year, sha256)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("error"):
                return PageOutcome(None, str(data["error"]), int(data.get("replaced_bytes", 0)))
            return PageOutcome(narrative_from_dict(data["narrative"]), "", int(data.get("replaced_bytes", 0)))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, country: str, year: int, sha256: str, outcome: PageOutcome) -> None:
        if not outcome.keep:
            return
        body = {"error": outcome.error, "replaced_bytes": outcome.replaced_bytes,
                "narrative": narrative_to_dict(outcome.narrative) if outcome.narrative else None}
        try:
            atomic_write_bytes(self._narrative_path(country, year, sha256),
                               json.dumps(body, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # the store only saves time; a full disk must not fail the run

    # locations
    def _locations_path(self) -> Path:
        return self.root / f"locations-d{DISCOVERY_VERSION}.json"

    def _load_locations(self) -> dict[str, dict]:
        if self._locations is None:
            try:
                self._locations = json.loads(self._locations_path().read_text(encoding="utf-8"))
                if not isinstance(self._locations, dict):
                    self._locations = {}
            except (OSError, ValueError):
                self._locations = {}
        return self._locations

    def location(self, country: str, year: int) -> tuple[str, str] | None:
        """(narrative URL, '') the year's table of contents led to, or ('', why) when it lists no
        narrative for the country; None unless every page walked is unchanged."""
        record = self._load_locations().get(f"{country}/{year}")
        if not isinstance(record, dict) or not (record.get("url") or record.get("not_listed")):
            return None
        for url, sha in record.get("walked", {}).items():
            entry = self.cache.entry(url)
            if entry is None or entry.sha256 != sha or intact(self.cache, url):
                return None
        return (str(record.get("url") or ""), str(record.get("not_listed") or ""))

    def remember_location(self, country: str, year: int, url: str, walked: Iterable[str],
                          not_listed: str = "") -> None:
        shas = {}
        for page in walked:
            entry = self.cache.entry(page)
            if entry is None:
                return  # something walked is not cached: nothing stable to remember
            shas[page] = entry.sha256
        locations = self._load_locations()
        record = {"url": url, "walked": shas, **({"not_listed": not_listed} if not_listed else {})}
        if locations.get(f"{country}/{year}") == record:
            return
        locations[f"{country}/{year}"] = record
        try:
            atomic_write_bytes(self._locations_path(),
                               json.dumps(locations, sort_keys=True, indent=0).encode("utf-8"))
        except OSError:
            pass


# -- reading years from the cache -------------------------------------------------------------
MIN_LISTED = 3  # a table of contents that lists this many narratives was read, not broken


def listed_count(year: int, fetch) -> int:
    """How many narratives the year's table of contents lists (0 when it cannot be read)."""
    from scrapers import registry

    try:
        return len(list_countries(year, fetch, registry.resolve).links)
    except (PageNotFound, FetchError, NarrativeNotFound):
        return 0


def not_listed_detail(year: int, listed: int, country: Country) -> str:
    return f"the {year} report's table of contents lists {listed} narratives but none for {country.name}"


def intact(cache: RawCache, url: str) -> str:
    """'' when url's cached file exists and matches its manifest sha256, else what is wrong."""
    if not cache.listed(url):
        return f"{url} is not cached"
    problem = cache.problem(url)
    if problem is None:
        return ""
    return str(problem).replace(f"; fetch it again with `{FIX_COMMAND}`", "")  # callers name the fix


def locate_in_cache(store: ParseStore, country: Country, year: int) -> tuple[str | None, str, str]:
    """(narrative URL, '', '') found from the cache alone, or (None, status, why); no network."""
    known = store.location(country.slug, year)
    if known:
        url, not_listed = known
        return (url, "", "") if url else (None, NOT_LISTED, not_listed)
    cache = store.cache
    walked: list[str] = []
    misses: list[str] = []

    def cached_fetch(url: str) -> str:
        url = urldefrag(url)[0]
        if not cache.has(url):
            misses.append(url)
            raise PageNotFound(url)
        walked.append(url)
        return decode_page(cache.read_bytes(url), cache.entry(url).content_type)[0]

    try:
        located = urldefrag(locate_narrative(year, country, cached_fetch))[0]
    except NarrativeNotFound as exc:
        if misses:
            return None, NOT_CACHED, str(exc)
        listed = listed_count(year, cached_fetch)
        if listed >= MIN_LISTED:
            why = not_listed_detail(year, listed, country)
            store.remember_location(country.slug, year, "", walked, not_listed=why)
            return None, NOT_LISTED, why
        return None, PARSE_FAILED, f"no link to {country.name} found: {exc}"
    except CacheCorrupt as exc:
        return None, CACHE_CORRUPT, str(exc).replace(f"; fetch it again with `{FIX_COMMAND}`", "")
    except (PageNotFound, FetchError) as exc:
        return None, NOT_CACHED, str(exc)
    store.remember_location(country.slug, year, located, walked)
    return located, "", ""


def read_years(store: ParseStore, country: Country, years: Iterable[int]) -> dict[int, YearParse]:
    """Every given year from the cache alone: located, checked against its sha256, then parsed once
    (store hits cost nothing; misses are parsed together, in a process pool when there are many)."""
    cache = store.cache
    out: dict[int, YearParse] = {}
    jobs: list[PageJob] = []
    for year in years:
        url, status, why = locate_in_cache(store, country, year)
        if url is None:
            out[year] = YearParse(year, status, why)
            continue
        problem = intact(cache, url)
        if problem:
            status = NOT_CACHED if problem.endswith("is not cached") else CACHE_CORRUPT
            out[year] = YearParse(year, status, problem, url)
            continue
        entry = cache.entry(url)
        hit = store.get(country.slug, year, entry.sha256)
        if hit is not None:
            out[year] = _year_parse(year, url, entry.sha256, hit)
            continue
        jobs.append(PageJob(str(cache.root / entry.path), entry.content_type, country.slug, year, url,
                            entry.sha256))
    for job, outcome in zip(jobs, parse_many(jobs)):
        if outcome.error.startswith(("cached page changed on disk", "cached page unreadable")):
            out[job.year] = YearParse(job.year, CACHE_CORRUPT, f"{outcome.error}: {job.source_url}",
                                      job.source_url)
            continue
        store.parsed_now += 1
        store.put(job.country, job.year, job.sha256, outcome)
        out[job.year] = _year_parse(job.year, job.source_url, job.sha256, outcome)
    return dict(sorted(out.items()))


def _year_parse(year: int, url: str, sha256: str, outcome: PageOutcome) -> YearParse:
    if outcome.narrative is None:
        return YearParse(year, PARSE_FAILED, outcome.error, url, None, sha256, outcome.replaced_bytes)
    return YearParse(year, PARSED, "", url, outcome.narrative, sha256, outcome.replaced_bytes)


def parse_fetched(store: ParseStore, country: Country, year: int, url: str, body: bytes,
                  content_type: str) -> PageOutcome:
    """Parse a freshly fetched page (not cached yet) through the store: the check a page must pass
    before it may replace a cached copy."""
    sha = hashlib.sha256(body).hexdigest()
    hit = store.get(country.slug, year, sha)
    if hit is not None:
        return hit
    text, replaced = decode_page(body, content_type)
    outcome = parse_text(text, PageJob("", content_type, country.slug, year, url, sha), replaced)
    store.parsed_now += 1
    store.put(country.slug, year, sha, outcome)
    return outcome

