"""Each page is parsed once in its life: parsed narratives (and where each year's narrative was
found) are cached under DATA_DIR/raw/parsed/, keyed by the page's sha256 and the parser version.

- A narrative entry is keyed by (parser version, country, year, sha256 of the narrative page): a
  new page or a new parser version misses, everything else hits. Failures are cached too, so a page
  that does not parse is not parsed again either.
- A location entry remembers which narrative URL a year's table of contents led to, with the
  sha256 of every page walked; it is valid while those pages are unchanged in the raw cache.

Files are small JSON documents (never pickles: the data directory may come from elsewhere).

At world scale (about 190 countries x 25 years) a run must not redo per country-year what can be done
once: read_years_many locates every country-year together (in a process pool when many locations
are not stored), checks each cached page against its sha256 once (raw/parsed/stamps.json remembers
pages verified earlier by size, mtime and inode, so an unchanged page is not hashed again; any
rewrite of the file changes its stat and it is hashed again), parses each page once for all the
countries it holds, and writes its index files once at the end (ParseStore.batch). The store's
summary (KEY/summary.json: each outcome's tier and source, no text) lets a build tell that nothing
changed without reading every narrative.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import stat as stat_module
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence
from urllib.parse import urldefrag

from scrapers.store.cache import FIX_COMMAND, CacheCorrupt, RawCache
from scrapers.store.paths import GZ, page_body
from scrapers.parse.decode import decode_html_counted
from scrapers.store.atomic import atomic_write_bytes
from scrapers.countries import Country, get_country, resolve
from analysis.schema import CACHE_CORRUPT, NOT_LISTED, PARSE_FAILED, PARSED
from scrapers.web.discover import DISCOVERY_VERSION, list_countries, locate_narrative
from scrapers.errors import FetchError, NarrativeNotFound, PageNotFound
from scrapers.models import Narrative, Section, TierReading
from scrapers.parse.page import _CLOSING_TAG, PARSER_VERSION, parse_all_narratives, parse_narrative

PARSED_DIR = "parsed"
# The modules whose code decides what a page parses to: their source is part of the store's key,
# so an edited parser never serves stale entries even when PARSER_VERSION was not bumped.
PARSER_MODULES = ("parse/page", "parse/tiers", "parse/tier_text", "parse/names", "parse/sections", "parse/text", "models",
                  "countries")
# Parse in a process pool when at least this many pages need parsing (below it, the pool's start
# costs more than it saves).
POOL_MIN_PAGES = 6
# Locate in a process pool when at least this many country-years have no stored location.
POOL_MIN_LOCATE = 60
STAMPS = "stamps.json"  # raw/parsed/stamps.json: pages whose sha256 was verified, by file stat
SUMMARY = "summary.json"  # raw/parsed/KEY/summary.json: each stored outcome without its text
# A page's stat is trusted only when the file was older than this when it was hashed (a file written
# again within the same clock tick keeps its mtime: git's "racy" rule).
STAMP_MIN_AGE_NS = 2_000_000_000

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
        digest.update((Path(__file__).parents[1] / f"{name}.py").read_bytes())
    return f"v{PARSER_VERSION}-{digest.hexdigest()[:10]}"


def decode_page(body: bytes, content_type: str) -> tuple[str, int]:
    """The page as text and the number of invalid bytes replaced while decoding it."""
    return decode_html_counted(body, content_type)


def parse_page(job: PageJob) -> PageOutcome:
    """Parse one cached page (a top-level function, so a process pool can run it)."""
    try:
        body = page_body(job.path)
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


def parse_group(jobs: Sequence[PageJob]) -> list[PageOutcome]:
    """Parse one cached page for every country-year in `jobs` (all of the same page): read, checked
    and decoded once; a page holding several countries (2001-2008 regional pages) is split once by
    parse_html.parse_all_narratives, and a country it does not give is parsed on its own."""
    job = jobs[0]
    try:
        body = page_body(job.path)
    except OSError as exc:
        return [PageOutcome(None, f"cached page unreadable: {exc.strerror or exc}")] * len(jobs)
    if hashlib.sha256(body).hexdigest() != job.sha256:
        return [PageOutcome(None, "cached page changed on disk (sha256 differs from the manifest)")] * len(jobs)
    text, replaced = decode_page(body, job.content_type)
    if len(jobs) == 1:
        return [parse_text(text, job, replaced)]
    found: dict[str, Narrative] = {}
    if text.strip() and _CLOSING_TAG.search(text[-16384:]):  # else parse_narrative says why, per country
        try:
            names = {get_country(j.country).name: j.country for j in jobs}
            for name, narrative in parse_all_narratives(text, job.year, job.source_url, list(names)):
                if narrative.country == names.get(name):
                    found[narrative.country] = narrative
        except Exception:  # none found, too deep, or a parser bug: each country is parsed on its own below
            found = {}
    return [PageOutcome(found[j.country], "", replaced) if j.country in found else parse_text(text, j, replaced)
            for j in jobs]


def _group_jobs(jobs: Sequence[PageJob]) -> list[list[PageJob]]:
    """Jobs of the same page (path, sha256 and year) together, in first-seen order."""
    groups: dict[tuple[str, str, int], list[PageJob]] = {}
    for job in jobs:
        groups.setdefault((job.path, job.sha256, job.year), []).append(job)
    return list(groups.values())


def _fork_pool(workers: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("fork" if "fork" in methods else None))


_POOL_STORE: "ParseStore | None" = None  # the store a forked worker puts its outcomes into


def _parse_and_put(jobs: list[PageJob]) -> list[PageOutcome]:
    outcomes = parse_group(jobs)
    if _POOL_STORE is not None:
        for job, outcome in zip(jobs, outcomes):
            if not _cache_error(outcome):
                _POOL_STORE.put(job.country, job.year, job.sha256, outcome)
    return outcomes


def _cache_error(outcome: PageOutcome) -> bool:
    return outcome.error.startswith(("cached page changed on disk", "cached page unreadable"))


def parse_many(jobs: list[PageJob], store: "ParseStore | None" = None) -> list[PageOutcome]:
    """Parse pages (each page once, see parse_group), in a process pool using every core when there
    are enough of them; with `store`, the workers put each outcome into it (in parallel)."""
    global _POOL_STORE
    groups = _group_jobs(jobs)
    workers = min(os.cpu_count() or 1, len(groups))
    _POOL_STORE = store
    try:
        if workers < 2 or len(groups) < POOL_MIN_PAGES:
            results = [_parse_and_put(group) for group in groups]
        else:
            with _fork_pool(workers) as pool:
                results = list(pool.map(_parse_and_put, groups, chunksize=max(1, len(groups) // (workers * 8))))
    finally:
        _POOL_STORE = None
    by_job = {id(job): outcome for group, outcomes in zip(groups, results) for job, outcome in zip(group, outcomes)}
    return [by_job[id(job)] for job in jobs]


# -- the cache on disk ----------------------------------------------------------------------------
class ParseStore:
    """Parsed narratives and year locations of one raw cache (DATA_DIR/raw/parsed/).

    Within one instance, each cached page is checked against its sha256 once (and not at all when
    raw/parsed/stamps.json shows its file unchanged since it was last verified: same size, mtime and
    inode, git's rule); inside batch(), locations, stamps and the summary are written once at the end."""

    def __init__(self, cache: RawCache) -> None:
        self.cache = cache
        self.root = cache.root / PARSED_DIR
        self._locations: dict[str, dict] | None = None
        self.parsed_now = 0  # pages parsed (not served from the store) by this instance
        self.key = parser_key()
        self._checked: dict[tuple, str] = {}  # (url, path, file stat, sha256) -> problem ('' intact)
        self._stamps: dict[str, list] | None = None
        self._summary: dict[str, dict] | None = None
        self._dirty: set[str] = set()  # 'locations', 'stamps', 'summary': to write at the end of a batch
        self._batch = 0
        self._texts: dict[tuple[str, str], str] = {}  # (url, sha256) -> decoded page, for walks
        self._raw = str(cache.root)
        self._real_raw = os.path.realpath(self._raw)
        self._folders: dict[str, str] = {}  # directory -> its realpath
        self._batch_checked: dict[str, str] = {}  # url -> intact() answer, while a batch runs
        self._resolved: set[tuple[str, str, str]] = set()  # (url, path, sha256) whose file is inside raw/

    # batching
    @contextmanager
    def batch(self) -> Iterator["ParseStore"]:
        """Defer the store's index writes (locations, stamps, summary) to the end of the block."""
        self._batch += 1
        try:
            yield self
        finally:
            self._batch -= 1
            if not self._batch:
                self._batch_checked.clear()
                self.flush()

    def flush(self) -> None:
        """Write what changed of the locations, the verified stamps and the summary."""
        for name in sorted(self._dirty):
            data, path = {"locations": (self._locations, self._locations_path()),
                          "stamps": (self._stamps, self.root / STAMPS),
                          "summary": (self._summary, self.root / self.key / SUMMARY)}[name]
            try:
                atomic_write_bytes(path, json.dumps(data, sort_keys=True, indent=0 if name == "locations" else None,
                                                    ensure_ascii=False).encode("utf-8"))
            except OSError:
                pass  # the store only saves time; a full disk must not fail the run
        self._dirty.clear()

    def _changed(self, name: str) -> None:
        self._dirty.add(name)
        if not self._batch:
            self.flush()

    # checking cached pages
    def entry(self, url: str):
        """cache.entry(url), its path checked once per manifest row (not resolved again each call)."""
        row = self.cache._lookup(url)  # the manifest row as is; entry() adds the file checks
        if row is None:
            return None
        key = (url, row.path, row.sha256)
        if key not in self._resolved:  # only a found file is remembered: a missing one may be stored later
            if not self._plain_file_inside(row.path) and self.cache.entry(url) is None:
                return None
            self._resolved.add(key)
        return row

    def _plain_file_inside(self, rel: str) -> bool:
        """True when raw/REL is a regular file (no symlink) in a directory that resolves inside raw/:
        cache.entry's check, with each directory resolved once (False: ask cache.entry)."""
        full = os.path.normpath(os.path.join(self._raw, rel))
        folder, _name = os.path.split(full)
        real = self._real_folder(folder)
        try:
            mode = os.lstat(full).st_mode
        except OSError:
            return False
        return stat_module.S_ISREG(mode) and (real + os.sep).startswith(self._real_raw + os.sep)

    def _real_folder(self, folder: str) -> str:
        """os.path.realpath(folder), one lstat per directory: its parent's answer plus its name
        unless it is a symlink."""
        real = self._folders.get(folder)
        if real is None:
            parent, name = os.path.split(folder)
            try:
                linked = stat_module.S_ISLNK(os.lstat(folder).st_mode)
            except OSError:
                linked = True  # realpath says what it is
            if linked or not name or parent == folder or folder == self._raw:
                real = os.path.realpath(folder)
            else:
                real = os.path.join(self._real_folder(parent), name)
            self._folders[folder] = real
        return real

    def _load_stamps(self) -> dict[str, list]:
        if self._stamps is None:
            try:
                self._stamps = json.loads((self.root / STAMPS).read_text(encoding="utf-8"))
                if not isinstance(self._stamps, dict):
                    self._stamps = {}
            except (OSError, ValueError):
                self._stamps = {}
        return self._stamps

    def _stat_key(self, url: str):
        """(manifest row, memo key, stat as stamped) of a cached URL; row None when not cached."""
        entry = self.entry(url)
        if entry is None:
            return None, None, None
        try:
            stat = os.stat(os.path.join(self._raw, entry.path))
            seen = [stat.st_size, stat.st_mtime_ns, stat.st_ino, entry.sha256]
        except OSError:
            seen = None
        return entry, (url, entry.path, *(seen or [entry.sha256])), seen  # a file written again: new key

    def _known(self, url: str) -> tuple[str | None, tuple | None, list | None, object]:
        """The memoised or stamped answer of intact(url) (None when the page must be hashed)."""
        entry, key, seen = self._stat_key(url)
        if entry is None:
            return intact(self.cache, url), None, None, None
        known = self._checked.get(key)
        if known is None and seen is not None and (seen[0] == entry.bytes or entry.path.endswith(GZ)) \
                and self._load_stamps().get(entry.path) == seen:
            known = self._checked[key] = ""
        return known, key, seen, entry

    def intact(self, url: str) -> str:
        """intact(cache, url), each page checked once per store (and trusted by its stamp); inside a
        batch (which fetches nothing), a page's answer is kept without a new stat."""
        if self._batch and url in self._batch_checked:
            return self._batch_checked[url]
        known, key, seen, entry = self._known(url)
        if known is None:
            known = self._hash_check(url, key, seen, entry)
        if self._batch:
            self._batch_checked[url] = known
        return known

    def _hash_check(self, url: str, key: tuple, seen: list | None, entry) -> str:
        problem = intact(self.cache, url)
        if not problem and seen is not None and seen[1] < time.time_ns() - STAMP_MIN_AGE_NS:
            self._load_stamps()[entry.path] = seen
            self._changed("stamps")
        self._checked[key] = problem
        return problem

    def check_all(self, urls: Iterable[str]) -> None:
        """intact() of many pages: stamped ones by their stat, the others hashed by two threads
        (hashlib releases the GIL)."""
        self._load_stamps()
        todo = []
        for url in dict.fromkeys(urls):
            known, key, seen, entry = self._known(url)
            if known is None:
                todo.append((url, key, seen, entry))
            elif self._batch:
                self._batch_checked[url] = known
        if len(todo) < 8:
            for args in todo:
                self._hash_check(*args)
            return
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda args: self._hash_check(*args), todo))

    def page_text(self, url: str) -> str:
        """A cached page decoded (CacheCorrupt when damaged); landing pages are remembered decoded,
        since every country of a year walks the same ones."""
        entry = self.entry(url)
        key = (url, entry.sha256 if entry else "")
        text = self._texts.get(key)
        if text is None:
            text = decode_page(self.cache.read_bytes(url), entry.content_type if entry else "")[0]
            if len(self._texts) >= 64:  # a year's landing and index pages, for every year
                self._texts.clear()
            self._texts[key] = text
        return text

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

    def _load_summary(self) -> dict[str, dict]:
        if self._summary is None:
            try:
                self._summary = json.loads((self.root / self.key / SUMMARY).read_text(encoding="utf-8"))
                if not isinstance(self._summary, dict):
                    self._summary = {}
            except (OSError, ValueError):
                self._summary = {}
        return self._summary

    def get_light(self, country: str, year: int, sha256: str) -> PageOutcome | None:
        """get() without the narrative's text: its tier and source only (sections empty), from the
        summary; None when the summary lacks it or its stored file is gone."""
        record = self._load_summary().get(f"{country}/{year}/{sha256[:20]}")
        if not isinstance(record, dict) or not os.path.isfile(
                os.path.join(self._raw, PARSED_DIR, self.key, country, f"{year}-{sha256[:20]}.json")):
            return None
        try:
            if record.get("error"):
                return PageOutcome(None, str(record["error"]), int(record.get("replaced_bytes", 0)))
            narrative = Narrative(country=country, year=year, source_url=str(record["source_url"]),
                                  tier=_build(TierReading, record["tier"]))
            return PageOutcome(narrative, "", int(record.get("replaced_bytes", 0)))
        except (KeyError, TypeError, ValueError):
            return None

    def remember_summary(self, country: str, year: int, sha256: str, outcome: PageOutcome) -> None:
        """Record an outcome (already put) in the summary that get_light reads."""
        if not outcome.keep:
            return
        record: dict = {"error": outcome.error, "replaced_bytes": outcome.replaced_bytes}
        if outcome.narrative is not None:
            record.update(source_url=outcome.narrative.source_url, tier=dataclasses.asdict(outcome.narrative.tier))
        summary = self._load_summary()
        key = f"{country}/{year}/{sha256[:20]}"
        if summary.get(key) != record:
            summary[key] = record
            self._changed("summary")

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
            entry = self.entry(url)
            if entry is None or entry.sha256 != sha or self.intact(url):
                return None
        return (str(record.get("url") or ""), str(record.get("not_listed") or ""))

    def remember_location(self, country: str, year: int, url: str, walked: Iterable[str],
                          not_listed: str = "") -> None:
        shas = {}
        for page in walked:
            entry = self.entry(page)
            if entry is None:
                return  # something walked is not cached: nothing stable to remember
            shas[page] = entry.sha256
        locations = self._load_locations()
        record = {"url": url, "walked": shas, **({"not_listed": not_listed} if not_listed else {})}
        if locations.get(f"{country}/{year}") == record:
            return
        locations[f"{country}/{year}"] = record
        self._changed("locations")


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


def intact(cache: RawCache, url: str) -> str:
    """'' when url's cached file exists and matches its manifest sha256, else what is wrong."""
    if not cache.listed(url):
        return f"{url} is not cached"
    problem = cache.problem(url)
    if problem is None:
        return ""
    return str(problem).replace(f"; fetch it again with `{FIX_COMMAND}`", "")  # callers name the fix


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
    return [_locate(_POOL_STORE, country, year) for year in years]


def _locate_all(store: ParseStore, pending: list[tuple[Country, int]]) -> list[Located]:
    """_locate for every (country, year), by country in a process pool when there are many."""
    by_country: dict[str, list[int]] = {}
    for country, year in pending:
        by_country.setdefault(country.slug, []).append(year)
    workers = min(os.cpu_count() or 1, len(by_country))
    if workers < 2 or len(pending) < POOL_MIN_LOCATE:
        return [_locate(store, country, year) for country, year in pending]
    global _POOL_STORE
    _POOL_STORE = store
    try:
        with _fork_pool(workers) as pool:
            results = list(pool.map(_locate_task, list(by_country.items()), chunksize=1))
    finally:
        _POOL_STORE = None
    found = {(slug, year): r for (slug, years), rs in zip(by_country.items(), results) for year, r in zip(years, rs)}
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
        # every page checked (and stamped) once: the narratives, and the tables of contents walked
        store.check_all([*(url for url, _, _ in located.values() if url), *sorted(walked)])
        jobs: list[PageJob] = []
        for country, year in order:
            url, status, why = located[(country.slug, year)]
            if url is None:
                out[country.slug][year] = YearParse(year, status, why)
                continue
            problem = store.intact(url)
            if problem:
                status = NOT_CACHED if problem.endswith("is not cached") else CACHE_CORRUPT
                out[country.slug][year] = YearParse(year, status, problem, url)
                continue
            entry = store.entry(url)
            hit = store.get_light(country.slug, year, entry.sha256) if light else None
            if hit is None:
                hit = store.get(country.slug, year, entry.sha256)
                if hit is not None:
                    store.remember_summary(country.slug, year, entry.sha256, hit)
            if hit is not None:
                out[country.slug][year] = _year_parse(year, url, entry.sha256, hit)
                continue
            jobs.append(PageJob(str(cache.root / entry.path), entry.content_type, country.slug, year, url,
                                entry.sha256))
        for job, outcome in zip(jobs, parse_many(jobs, store)):
            if _cache_error(outcome):
                out[job.country][job.year] = YearParse(job.year, CACHE_CORRUPT, f"{outcome.error}: {job.source_url}",
                                                       job.source_url)
                continue
            store.parsed_now += 1
            store.remember_summary(job.country, job.year, job.sha256, outcome)
            out[job.country][job.year] = _year_parse(job.year, job.source_url, job.sha256, outcome)
    return {slug: dict(sorted(years.items())) for slug, years in out.items()}


def full_narratives(store: ParseStore, pages: dict[int, YearParse]) -> dict[int, YearParse]:
    """`pages` with every light narrative (read_years_many(light=True)) replaced by the stored one;
    a year whose stored narrative cannot be read any more is read (parsed) again."""
    out: dict[int, YearParse] = {}
    again: dict[str, list[int]] = {}
    for year, page in pages.items():
        if page.narrative is not None and not page.narrative.sections:
            stored = store.get(page.narrative.country, year, page.sha256)
            if stored is not None and stored.narrative is not None:
                page = dataclasses.replace(page, narrative=stored.narrative)
            else:
                again.setdefault(page.narrative.country, []).append(year)
        out[year] = page
    for country, years in again.items():
        out.update(read_years_many(store, [(get_country(country), years)])[country])
    return out


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

