"""The scraper's three commands as functions: refresh (fetch what is missing, then parse), parse
(rebuild every table from the raw cache alone, no network) and status (what each year holds).

Tables (docs/contract.md): tiers.csv, narratives.csv, paragraphs.csv, coverage.csv, plus the analysis
tables mentions.csv, mention_sections.csv, kwic.csv and claims.csv. All written atomically and
byte-stable: the same raw cache always gives the same bytes.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence
from urllib.parse import urldefrag

import pandas as pd

from scrapers.cache import RawCache, atomic_write_bytes, decode_html
from scrapers.countries import Country, get_country
from scrapers.discover import landing_urls, locate_narrative
from scrapers.errors import FetchError, NarrativeNotFound, PageNotFound, ScraperError
from scrapers.http import FetchConfig, Fetcher, FetchResult
from scrapers.models import Narrative
from scrapers.parse_html import parse_narrative
from scrapers.text import word_count

FIRST_YEAR = 2001
REPO_ROOT = Path(__file__).resolve().parents[1]
REPO_DATA = REPO_ROOT / "data"
FLOAT_FORMAT = "%.10g"

TIERS_COLUMNS = ["country", "year", "tier", "tier_sentence", "source_url", "origin", "tier_note",
                 "reference_tier", "reference_source_url", "agrees"]
NARRATIVES_COLUMNS = ["country", "year", "source_url", "fetched_url", "fetched_at", "sha256",
                      "word_count", "paragraph_count", "section_count"]
PARAGRAPHS_COLUMNS = ["country", "year", "paragraph_index", "section", "section_title_printed", "text"]
COVERAGE_COLUMNS = ["country", "year", "status", "detail", "source_url"]
ESSAY_CLAIMS_COLUMNS = ["claim_id", "claim", "quote", "citation", "figure", "denominator", "report_year"]
CORPUS_TABLES = ("tiers", "narratives", "paragraphs", "coverage")
ANALYSIS_TABLES = ("mentions", "mention_sections", "kwic", "claims")

# coverage / outcome statuses (contract) and refresh-only ones
PARSED, NO_PAGE, FETCH_FAILED, PARSE_FAILED = "parsed", "no_page", "fetch_failed", "parse_failed"
TIER_UNREAD_DETAIL = "tier could not be read from the page"


class YearsError(ValueError):
    """A --years value that cannot be understood; the message says why."""


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierDisagreement:
    """A scraped tier that differs from the reference table, with both sources."""

    year: int
    scraped_tier: str
    scraped_source: str
    reference_tier: str
    reference_source: str

    def message(self) -> str:
        """One loud line for the summary and status."""
        return (f"TIER DISAGREES {self.year}: scraped '{self.scraped_tier}' ({self.scraped_source}) "
                f"vs reference '{self.reference_tier}' ({self.reference_source})")


@dataclass(frozen=True)
class YearParse:
    """What the raw cache gives for one year: a parsed narrative, a parse failure, or nothing."""

    year: int
    status: str  # parsed | parse_failed | not_cached
    detail: str = ""
    source_url: str = ""
    narrative: Narrative | None = None


@dataclass(frozen=True)
class YearOutcome:
    """The result of refreshing one asked year."""

    year: int
    status: str  # parsed | no_page | fetch_failed | parse_failed
    detail: str = ""
    source_url: str = ""
    from_cache: bool = False  # True when no request was needed for this year
    tier: str = ""

    @property
    def ok(self) -> bool:
        """True when the year was fetched or cached, parsed, and nothing failed."""
        return self.status == PARSED


@dataclass(frozen=True)
class ParseResult:
    """What parse (and the last step of refresh) wrote, and what it found wrong."""

    country: str
    data_dir: Path
    years: dict[int, YearParse]
    tables: dict[str, Path]
    row_counts: dict[str, int]
    disagreements: tuple[TierDisagreement, ...] = ()
    warnings: tuple[str, ...] = ()
    analysis_error: str = ""

    @property
    def parsed_years(self) -> list[int]:
        return sorted(y for y, p in self.years.items() if p.status == PARSED)

    @property
    def unread_tier_years(self) -> list[int]:
        """Parsed years whose tier could not be read."""
        return sorted(y for y, p in self.years.items()
                      if p.status == PARSED and p.narrative is not None and not p.narrative.tier.tier)

    @property
    def parse_failures(self) -> dict[int, str]:
        return {y: p.detail for y, p in sorted(self.years.items()) if p.status == PARSE_FAILED}


@dataclass(frozen=True)
class RefreshResult:
    """Per-year outcomes of a refresh, the newest year found, requests made, and the rebuild."""

    country: str
    years_asked: tuple[int, ...]
    outcomes: tuple[YearOutcome, ...]
    newest_year: int | None
    requests_made: int
    parse: ParseResult

    @property
    def failed(self) -> list[YearOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        """True when every asked year was fetched or cached and parsed, and analysis ran cleanly."""
        return not self.failed and not self.parse.analysis_error


@dataclass(frozen=True)
class YearStatus:
    """One line of `status`: is the year cached, its tier and where it comes from, what is wrong."""

    year: int
    cached: bool
    tier: str
    origin: str
    source_url: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusReport:
    """`status` for one country and data directory."""

    country: str
    data_dir: Path
    years: tuple[YearStatus, ...]
    disagreements: tuple[TierDisagreement, ...]
    unread_tier_years: tuple[int, ...]
    cached_pages: int
    warnings: tuple[str, ...] = ()


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


# -- years --------------------------------------------------------------------------------------
def current_utc_year() -> int:
    """The current year in UTC."""
    return datetime.now(timezone.utc).year


def parse_years(spec: str, *, last_year: int | None = None) -> list[int]:
    """Parse '2021', '2013-2021', '2003,2012,2021' (or a mix) into sorted years; YearsError if bad."""
    last_year = last_year or current_utc_year()
    years: set[int] = set()
    if not spec or not spec.strip():
        raise YearsError("--years is empty; give e.g. 2021, 2013-2021 or 2003,2012,2021")
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not match:
            raise YearsError(f"--years: cannot read {part!r} in {spec!r}; give e.g. 2021, 2013-2021 "
                             "or 2003,2012,2021")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise YearsError(f"--years: range {part!r} runs backwards; write {last}-{first}")
        for year in (first, last):
            if not FIRST_YEAR <= year <= last_year:
                raise YearsError(f"--years: {year} is outside the report years {FIRST_YEAR}-{last_year} "
                                 f"(the first TIP report is {FIRST_YEAR}'s)")
        years.update(range(first, last + 1))
    return sorted(years)


# -- inputs -------------------------------------------------------------------------------------
def input_path(data_dir: Path | str, relative: str) -> Path | None:
    """DATA_DIR/relative if it exists, else the repository's data/relative if that exists, else None."""
    for base in (Path(data_dir), REPO_DATA):
        candidate = base / relative
        if candidate.is_file():
            return candidate
    return None


def load_reference(data_dir: Path | str, country: str) -> tuple[dict[int, dict[str, str]], Path | None]:
    """Reference tiers {year: row} from DATA_DIR/reference/ or the repository's data/reference/."""
    path = input_path(data_dir, f"reference/{country}_tiers.csv")
    if path is None:
        return {}, None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"year", "tier", "source_url"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    rows: dict[int, dict[str, str]] = {}
    for row in frame.to_dict("records"):
        if row.get("country", country) not in ("", country):
            continue
        try:
            rows[int(row["year"])] = row
        except ValueError as exc:
            raise ValueError(f"{path}: bad year {row['year']!r}") from exc
    return rows, path


# -- writing ------------------------------------------------------------------------------------
def _bool_text(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def table_bytes(df: pd.DataFrame) -> bytes:
    """The exact CSV bytes write_table writes: UTF-8, '\\n' line ends, no index, fixed float format."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == bool or out[column].map(lambda v: isinstance(v, bool)).any():
            out[column] = out[column].map(_bool_text)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buffer.getvalue().encode("utf-8")


def write_table(df: pd.DataFrame, path: Path | str) -> bool:
    """Write df as CSV atomically (temp file in the same directory + os.replace); False if unchanged."""
    return atomic_write_bytes(Path(path), table_bytes(df))


# -- reading the cache --------------------------------------------------------------------------
def _locate_and_parse(cache: RawCache, country_obj: Country, year: int) -> YearParse:
    """Walk a year's table of contents in the cache alone and parse the narrative page found."""
    misses: list[str] = []

    def cached_fetch(url: str) -> str:
        if not cache.has(url):
            misses.append(url)
            raise PageNotFound(url)
        return cache.read_text(url)

    try:
        located = locate_narrative(year, country_obj, cached_fetch)
    except NarrativeNotFound as exc:
        if misses:
            return YearParse(year, "not_cached", detail=str(exc))
        return YearParse(year, PARSE_FAILED, detail=f"no link to {country_obj.name} found: {exc}")
    except PageNotFound as exc:
        return YearParse(year, "not_cached", detail=str(exc))
    except FetchError as exc:  # a corrupt cache file
        return YearParse(year, "not_cached", detail=str(exc))
    url = urldefrag(located)[0]
    if not cache.has(url):
        return YearParse(year, "not_cached", detail=f"{url} not cached", source_url=url)
    try:
        html = cache.read_text(url)
        narrative = parse_narrative(html, country=country_obj, year=year, source_url=url)
    except NarrativeNotFound as exc:
        return YearParse(year, PARSE_FAILED, detail=f"no {country_obj.name} narrative found on the page "
                                                     f"(markup changed?): {exc}", source_url=url)
    except FetchError as exc:
        return YearParse(year, "not_cached", detail=str(exc), source_url=url)
    except Exception as exc:  # a parser bug on one page must not lose the other years
        return YearParse(year, PARSE_FAILED, detail=f"parser error {type(exc).__name__}: {exc}",
                         source_url=url)
    return YearParse(year, PARSED, source_url=url, narrative=narrative)


def _years_to_scan(cache: RawCache, country: str, extra: Iterable[int] = ()) -> list[int]:
    recorded = cache.year_records(country)
    return sorted(set(range(FIRST_YEAR, current_utc_year() + 1)) | set(recorded) | set(extra))


def scan_cache(cache: RawCache, country_obj: Country, years: Iterable[int]) -> dict[int, YearParse]:
    """Parse every given year that the cache holds (no network); {year: YearParse}."""
    return {year: _locate_and_parse(cache, country_obj, year) for year in years}


# -- building the tables ------------------------------------------------------------------------
def _frame(rows: list[dict], columns: list[str], sort: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame):
        frame = frame.sort_values(sort, kind="mergesort").reset_index(drop=True)
    return frame


def _tier_unread_detail(narrative: Narrative) -> str:
    """Why a parsed page has no tier: the parser's own reason when it gave one."""
    reason = narrative.tier.sentence
    return f"{TIER_UNREAD_DETAIL} ({reason})" if reason else TIER_UNREAD_DETAIL


def build_corpus_tables(country: str, scans: dict[int, YearParse], cache: RawCache,
                        reference: dict[int, dict[str, str]]) -> tuple[dict[str, pd.DataFrame], list[TierDisagreement]]:
    """tiers, narratives, paragraphs and coverage frames (contract columns, sorted) from the scans."""
    tiers, narratives, paragraphs, coverage = [], [], [], []
    disagreements: list[TierDisagreement] = []
    parsed = {y: s for y, s in scans.items() if s.status == PARSED and s.narrative is not None}
    for year, scan in parsed.items():
        narrative = scan.narrative
        entry = cache.entry(scan.source_url)
        rows = narrative.paragraphs()
        for index, section, text in rows:
            paragraphs.append({"country": country, "year": year, "paragraph_index": index,
                               "section": section.name, "section_title_printed": section.title_printed,
                               "text": text})
        narratives.append({
            "country": country, "year": year, "source_url": narrative.source_url or scan.source_url,
            "fetched_url": entry.fetched_url if entry else "", "fetched_at": entry.fetched_at if entry else "",
            "sha256": entry.sha256 if entry else "",
            "word_count": sum(word_count(text) for _, _, text in rows),
            "paragraph_count": len(rows), "section_count": len(narrative.sections),
        })
        coverage.append({"country": country, "year": year, "status": PARSED,
                         "detail": "" if narrative.tier.tier else _tier_unread_detail(narrative),
                         "source_url": narrative.source_url or scan.source_url})
    for year, scan in scans.items():
        if scan.status == PARSE_FAILED:
            coverage.append({"country": country, "year": year, "status": PARSE_FAILED,
                             "detail": scan.detail, "source_url": scan.source_url})
    for year, record in cache.year_records(country).items():
        if scans.get(year) is None or scans[year].status == "not_cached":
            coverage.append({"country": country, "year": year, "status": record.status,
                             "detail": record.detail, "source_url": record.url})
    for year in sorted(set(reference) | set(parsed)):
        ref = reference.get(year, {})
        ref_tier, ref_url = ref.get("tier", ""), ref.get("source_url", "")
        if year in parsed:
            narrative = parsed[year].narrative
            tier = narrative.tier.tier or ""
            agrees = "" if not (tier and ref_tier) else ("true" if tier == ref_tier else "false")
            source = narrative.source_url or parsed[year].source_url
            if agrees == "false":
                disagreements.append(TierDisagreement(year, tier, source, ref_tier, ref_url))
            tiers.append({"country": country, "year": year, "tier": tier,
                          "tier_sentence": narrative.tier.sentence, "source_url": source,
                          "origin": "scraped", "tier_note": ";".join(narrative.tier.notes),
                          "reference_tier": ref_tier, "reference_source_url": ref_url, "agrees": agrees})
        else:
            tiers.append({"country": country, "year": year, "tier": ref_tier, "tier_sentence": "",
                          "source_url": ref_url, "origin": "reference", "tier_note": "",
                          "reference_tier": ref_tier, "reference_source_url": ref_url, "agrees": ""})
    frames = {
        "tiers": _frame(tiers, TIERS_COLUMNS, ["country", "year"]),
        "narratives": _frame(narratives, NARRATIVES_COLUMNS, ["country", "year"]),
        "paragraphs": _frame(paragraphs, PARAGRAPHS_COLUMNS, ["country", "year", "paragraph_index"]),
        "coverage": _frame(coverage, COVERAGE_COLUMNS, ["country", "year"]),
    }
    return frames, sorted(disagreements, key=lambda d: d.year)


def build_analysis(data_dir: Path, frames: dict[str, pd.DataFrame], *, lexicon: Path | None = None,
                   claims: Path | None = None) -> tuple[dict[str, pd.DataFrame], list[str], str]:
    """Run analysis.tables.build_analysis_tables on the corpus frames: (tables, warnings, error).

    lexicon/claims default to DATA_DIR/lexicon.toml and DATA_DIR/essay/claims.csv, else the repo's."""
    notes: list[str] = []
    lexicon_path = Path(lexicon) if lexicon else input_path(data_dir, "lexicon.toml")
    if lexicon_path is None:
        return {}, [f"analysis skipped: no lexicon.toml in {data_dir} or {REPO_DATA}"], ""
    claims_path = Path(claims) if claims else input_path(data_dir, "essay/claims.csv")
    if claims_path is None:
        notes.append(f"no essay/claims.csv in {data_dir} or {REPO_DATA}: claims.csv will be empty")
        essay_claims = pd.DataFrame(columns=ESSAY_CLAIMS_COLUMNS)
    try:
        if claims_path is not None:
            essay_claims = pd.read_csv(claims_path)
        from analysis.lexicon import parse_lexicon
        from analysis.tables import build_analysis_tables

        parsed_lexicon = parse_lexicon(lexicon_path.read_text(encoding="utf-8"))
        tables = build_analysis_tables(frames["paragraphs"], frames["narratives"], frames["tiers"],
                                       parsed_lexicon, essay_claims)
    except Exception as exc:  # report, keep the corpus tables
        return {}, notes, f"analysis failed ({type(exc).__name__}: {exc}); analysis tables left as they were"
    missing = [name for name in ANALYSIS_TABLES if name not in tables]
    if missing:
        return {}, notes, f"analysis returned no {', '.join(missing)} table(s); analysis tables left as they were"
    return {name: tables[name] for name in ANALYSIS_TABLES}, notes, ""


def _rebuild(data_dir: Path, country_obj: Country, cache: RawCache, extra_years: Iterable[int] = (), *,
             lexicon: Path | None = None, claims: Path | None = None) -> ParseResult:
    """Parse the whole cache, build every table in memory, then write them all atomically."""
    country = country_obj.slug
    notes: list[str] = []
    reference, ref_path = load_reference(data_dir, country)
    if ref_path is None:
        notes.append(f"no reference/{country}_tiers.csv in {data_dir} or {REPO_DATA}: "
                     "tiers.csv holds scraped years only and nothing is cross-checked")
    scans = scan_cache(cache, country_obj, _years_to_scan(cache, country, extra_years))
    frames, disagreements = build_corpus_tables(country, scans, cache, reference)
    analysis_tables, analysis_notes, analysis_error = build_analysis(data_dir, frames, lexicon=lexicon,
                                                                     claims=claims)
    notes.extend(analysis_notes)
    tables: dict[str, Path] = {}
    counts: dict[str, int] = {}
    for name, frame in {**frames, **analysis_tables}.items():
        path = data_dir / f"{name}.csv"
        write_table(frame, path)
        tables[name] = path
        counts[name] = len(frame)
    return ParseResult(country=country, data_dir=data_dir, years=scans, tables=tables, row_counts=counts,
                       disagreements=tuple(disagreements), warnings=tuple(notes),
                       analysis_error=analysis_error)


def _country(country: str) -> Country:
    """The Country for a slug; ValueError naming the known slugs otherwise."""
    return get_country(country)


# -- the commands -------------------------------------------------------------------------------
def parse(data_dir: Path | str = "data", country: str = "china", *, lexicon: Path | None = None,
          claims: Path | None = None) -> ParseResult:
    """Rebuild every table from DATA_DIR/raw alone (no network); ValueError for an unknown country."""
    data_dir = Path(data_dir)
    country_obj = _country(country)
    return _rebuild(data_dir, country_obj, RawCache(data_dir), lexicon=lexicon, claims=claims)


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


class _NetworkFetch:
    """The fetch callback of refresh: cache first (unless forced), then the network.

    Pages fetched for a year are staged in memory; commit() stores them in the cache, reject()
    saves them under raw/rejected/ instead, so that a failed re-fetch never replaces a good copy."""

    def __init__(self, cache: RawCache, fetcher: Fetcher, force: bool) -> None:
        self.cache, self.fetcher, self.force = cache, fetcher, force
        self.fetched_this_run: set[str] = set()
        self.staged: dict[str, FetchResult] = {}

    def __call__(self, url: str) -> str:
        url = urldefrag(url)[0]
        if url in self.staged:
            return decode_html(self.staged[url].body, self.staged[url].content_type)
        if self.cache.has(url) and (not self.force or url in self.fetched_this_run):
            try:
                return self.cache.read_text(url)
            except FetchError:
                pass  # corrupt cache file: fetch it again
        result = self._fetch(url, record_failures=True)
        self.staged[url] = result
        return decode_html(result.body, result.content_type)

    def _fetch(self, url: str, *, record_failures: bool) -> FetchResult:
        try:
            result = self.fetcher.fetch(url)
        except PageNotFound as exc:
            if record_failures:
                self.cache.record_failure(url, self.fetcher.url_to_fetch(url), "not_found", str(exc))
            raise
        except FetchError as exc:
            if record_failures:
                self.cache.record_failure(url, self.fetcher.url_to_fetch(url), "fetch_failed", exc.reason)
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


def _refresh_year(year: int, country_obj: Country, cache: RawCache, net: _NetworkFetch) -> tuple[str, str, str, bool]:
    """Fetch one year's narrative page into the cache: (status, detail, url, from_cache).

    The pages fetched for the year are stored only if its narrative parses, or if the cache had no
    good copy of the year before (so every fetched page is kept, and no good copy is ever lost)."""
    if not net.force:
        cached = _locate_and_parse(cache, country_obj, year)
        if cached.status == PARSED:
            return PARSED, "", cached.source_url, True
        if cached.status == PARSE_FAILED:
            return (PARSE_FAILED, f"{cached.detail} (cached page; fetch it again with: refresh --force "
                                  f"--years {year})", cached.source_url, True)
    before = net.fetcher.requests_made
    url = ""
    try:
        url = urldefrag(locate_narrative(year, country_obj, net))[0]
        html = net(url)
        parse_narrative(html, country=country_obj, year=year, source_url=url)
        status_, detail = PARSED, ""
    except PageNotFound as exc:
        status_, detail, url = NO_PAGE, f"no page: {exc}", getattr(exc, "url", "") or url
    except NarrativeNotFound as exc:
        where = f"on {url}" if url else f"in the {year} table of contents"
        status_, detail = PARSE_FAILED, f"no {country_obj.name} narrative found {where} (markup changed?): {exc}"
    except FetchError as exc:
        status_, detail, url = FETCH_FAILED, str(exc), exc.url or url
    except Exception as exc:  # a parser bug on one page must not stop the other years
        status_, detail = PARSE_FAILED, f"parser error {type(exc).__name__}: {exc}"
    from_cache = net.fetcher.requests_made == before
    if status_ == PARSED:
        net.commit()
        return status_, detail, url, from_cache
    previous = _locate_and_parse(cache, country_obj, year)
    if previous.status == PARSED:
        rejected = net.reject()
        saved = f"; the new page(s) are saved under raw/{rejected[0]}" if rejected else ""
        return status_, f"{detail} (kept the cached copy{saved})", url, from_cache
    net.commit()
    return status_, detail, url, from_cache


def refresh(data_dir: Path | str = "data", country: str = "china", years: Sequence[int] | None = None, *,
            force: bool = False, fetch_config: FetchConfig | None = None,
            progress: Progress | None = None, start_year: int | None = None,
            lexicon: Path | None = None, claims: Path | None = None) -> RefreshResult:
    """Fetch every asked year (default: 2001 to the newest) into the raw cache, then rebuild all tables.

    Cached years make no request unless force. A failed year keeps what the cache held."""
    data_dir = Path(data_dir)
    country_obj = _country(country)
    progress = progress or _NoProgress()
    cache = RawCache(data_dir)
    newest: int | None = None
    outcomes: list[YearOutcome] = []
    with Fetcher(fetch_config or FetchConfig()) as fetcher:
        net = _NetworkFetch(cache, fetcher, force)
        if years is None:
            progress.message("finding the newest report year...")
            try:
                newest = discover_newest_year(net.probe, start_year=start_year)
            except PageNotFound:
                raise ScraperError(f"no TIP report landing page found for any year "
                                   f"{FIRST_YEAR}-{start_year or current_utc_year()}: is the site (or "
                                   "--mirror) reachable?") from None
            except FetchError as exc:
                raise ScraperError(f"could not find the newest report year: {exc}") from exc
            asked = list(range(FIRST_YEAR, newest + 1))
        else:
            asked = sorted(set(years))
        progress.start(asked)
        statuses: dict[int, tuple[str, str, str, bool]] = {}
        for year in asked:
            status_, detail, url, from_cache = _refresh_year(year, country_obj, cache, net)
            statuses[year] = (status_, detail, url, from_cache)
            if status_ != PARSED:  # coverage of years without a parsable cached page comes from this log
                cache.record_year(country_obj.slug, year, status_, detail, url)
            progress.year_done(YearOutcome(year, status_, detail, url, from_cache))
        requests_made = fetcher.requests_made
    result = _rebuild(data_dir, country_obj, cache, asked, lexicon=lexicon, claims=claims)
    for year in asked:
        status_, detail, url, from_cache = statuses[year]
        scan = result.years.get(year)
        tier = ""
        if status_ == PARSED and scan is not None:
            status_, detail, url = scan.status, scan.detail, scan.source_url or url
            if scan.status == PARSED and scan.narrative is not None:
                tier = scan.narrative.tier.tier or ""
                detail = "" if tier else _tier_unread_detail(scan.narrative)
            elif scan.status != PARSE_FAILED:  # cannot happen: the page was just stored
                status_, detail = FETCH_FAILED, f"page not readable from the cache: {scan.detail}"
            cache.record_year(country_obj.slug, year, status_, detail, url)
        elif scan is not None and scan.status == PARSED and scan.narrative is not None:
            tier = scan.narrative.tier.tier or ""  # a failed re-fetch: the cached copy still counts
        outcomes.append(YearOutcome(year, status_, detail, url, from_cache, tier))
    return RefreshResult(country=country_obj.slug, years_asked=tuple(asked), outcomes=tuple(outcomes),
                         newest_year=newest, requests_made=requests_made, parse=result)


def status(data_dir: Path | str = "data", country: str = "china") -> StatusReport:
    """Per year: cached?, tier (origin), source URL, problems; reads the cache, writes nothing."""
    data_dir = Path(data_dir)
    country_obj = _country(country)
    cache = RawCache(data_dir)
    reference, ref_path = load_reference(data_dir, country_obj.slug)
    notes = [] if ref_path else [f"no reference/{country}_tiers.csv found: no cross-check"]
    scans = scan_cache(cache, country_obj, _years_to_scan(cache, country_obj.slug))
    frames, disagreements = build_corpus_tables(country_obj.slug, scans, cache, reference)
    by_year = {d.year: d for d in disagreements}
    records = cache.year_records(country_obj.slug)
    if not (data_dir / "tiers.csv").is_file():
        notes.append(f"no tables in {data_dir} yet: run `python -m scrapers parse` or `refresh`")
    lines: list[YearStatus] = []
    tier_rows = {int(r["year"]): r for r in frames["tiers"].to_dict("records")}
    years = sorted(set(tier_rows) | set(records) | {y for y, s in scans.items() if s.status != "not_cached"})
    for year in years:
        scan = scans.get(year)
        row = tier_rows.get(year, {})
        cached = scan is not None and scan.status != "not_cached"
        problems: list[str] = []
        if year in by_year:
            problems.append(by_year[year].message())
        if cached and scan.status == PARSED and scan.narrative is not None and not scan.narrative.tier.tier:
            problems.append(f"TIER UNREAD: {_tier_unread_detail(scan.narrative)} {scan.source_url}")
        if cached and scan.status == PARSE_FAILED:
            problems.append(f"PARSE FAILED: {scan.detail}")
        record = records.get(year)
        if record is not None and record.status != PARSED and cached and scan.status == PARSED:
            problems.append(f"LAST REFRESH FAILED at {record.when} (cached copy used): {record.detail}")
        elif record is not None and record.status != PARSED and not cached:
            label = record.status.upper().replace("_", " ")
            problems.append(f"{label} at {record.when}: {record.detail}")
        elif not cached:
            problems.append(f"not cached (tier from the reference table); run: python -m scrapers "
                            f"refresh --years {year}")
        source = scan.source_url if cached and scan.source_url else row.get("source_url", "")
        lines.append(YearStatus(year=year, cached=cached, tier=row.get("tier", "") or "",
                                origin=row.get("origin", "") or "", source_url=source or "",
                                problems=tuple(problems)))
    unread = tuple(sorted(y for y, s in scans.items()
                          if s.status == PARSED and s.narrative is not None and not s.narrative.tier.tier))
    return StatusReport(country=country_obj.slug, data_dir=data_dir, years=tuple(lines),
                        disagreements=tuple(disagreements), unread_tier_years=unread,
                        cached_pages=len(cache.entries()), warnings=tuple(notes))
