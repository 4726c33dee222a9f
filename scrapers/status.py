"""`status`: what the data directory holds, year by year; reads the cache, writes no table.

(The parse store under raw/parsed/ may gain entries: reading a year parses its page once.)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.schema import CACHE_CORRUPT, NOT_LISTED, PARSE_FAILED, PARSED
from scrapers.store import setpointer
from scrapers.store.setfiles import TableFiles
from scrapers.uptodate import fix_command, tier_unread_detail, years_to_scan
from scrapers.tier_table import TierDisagreement, tier_rows
from scrapers.store.cache import RawCache
from scrapers.countries import DEFAULT_COUNTRY, get_country, parse_countries
from scrapers.inputs import load_kelley, load_reference
from scrapers.store.parse_store import ParseStore
from scrapers.read import NOT_CACHED, read_years


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
    tables: TableFiles | None = None
    warnings: tuple[str, ...] = ()
    parsed_years: tuple[int, ...] = ()  # years whose narrative parsed (tier read or not)


def status(data_dir: Path | str = "data", country: str = "china") -> StatusReport:
    """Per year: cached?, tier (origin), source URL, problems."""
    data_dir = Path(data_dir)
    country_obj = get_country(country)
    cache = RawCache(data_dir)
    reference, ref_path = load_reference(data_dir, country_obj.slug)
    kelley, _ = load_kelley(data_dir, country_obj.iso3)
    notes = [] if ref_path else [f"no reference/{country}_tiers.csv found: no cross-check"]
    pages = read_years(ParseStore(cache), country_obj, years_to_scan(cache, country_obj.slug))
    rows, disagreements = tier_rows(country_obj.slug, pages, reference, kelley)
    current = setpointer.current(data_dir)
    if current is None:
        notes.append(f"no tables in {data_dir} yet: run `python -m scrapers parse` or `refresh`")
    by_year: dict[int, list[TierDisagreement]] = {}
    for d in disagreements:
        by_year.setdefault(d.year, []).append(d)
    records = cache.year_records(country_obj.slug)
    tier_by_year = {int(r["year"]): r for r in rows}
    years = sorted(set(tier_by_year) | set(records) | {y for y, p in pages.items() if p.status != NOT_CACHED})
    lines: list[YearStatus] = []
    for year in years:
        page = pages.get(year)
        row = tier_by_year.get(year, {})
        cached = page is not None and page.status not in (NOT_CACHED, CACHE_CORRUPT, NOT_LISTED)
        problems = [d.message() for d in by_year.get(year, [])]
        if cached and page.status == PARSED and page.narrative is not None and not page.narrative.tier.tier:
            problems.append(f"TIER UNREAD: {tier_unread_detail(page.narrative)} {page.source_url}")
        if cached and page.status == PARSE_FAILED:
            problems.append(f"PARSE FAILED: {page.detail}")
        if page is not None and page.status == CACHE_CORRUPT:
            problems.append(f"CACHE CORRUPT: {page.detail}; fix: {fix_command(year, country_obj.slug)}")
        record = records.get(year)
        if record is not None and record.status != PARSED and cached and page.status == PARSED:
            problems.append(f"LAST REFRESH FAILED at {record.when} (cached copy used): {record.detail}")
        elif record is not None and record.status not in (PARSED, NOT_LISTED) and not cached:
            label = record.status.upper().replace("_", " ")
            problems.append(f"{label} at {record.when}: {record.detail}")
        elif not cached and (page is None or page.status not in (CACHE_CORRUPT, NOT_LISTED)):
            which = "" if country_obj.slug == DEFAULT_COUNTRY else f" --countries {country_obj.slug}"
            problems.append(f"not cached (tier from the reference table); run: python -m scrapers "
                            f"refresh --years {year}{which}")
        source = page.source_url if cached and page.source_url else row.get("source_url", "")
        lines.append(YearStatus(year=year, cached=cached, tier=row.get("tier", "") or "",
                                origin=row.get("origin", "") or "", source_url=source or "",
                                problems=tuple(problems)))
    unread = tuple(sorted(y for y, p in pages.items()
                          if p.status == PARSED and p.narrative is not None and not p.narrative.tier.tier))
    return StatusReport(country=country_obj.slug, data_dir=data_dir, years=tuple(lines),
                        disagreements=tuple(disagreements), unread_tier_years=unread,
                        cached_pages=len(cache.entries()), tables=current, warnings=tuple(notes),
                        parsed_years=tuple(sorted(y for y, p in pages.items() if p.status == PARSED)))


@dataclass(frozen=True)
class CountrySummary:
    """One line of `status --countries all`: what the data directory holds for a country."""

    country: str
    iso3: str
    parsed: int
    years: str  # parsed years as ranges: "2013-2021, 2023"
    latest_year: int | None
    latest_tier: str
    latest_origin: str  # scraped | reference
    problems: tuple[str, ...]


def _ranges(years: list[int]) -> str:
    out: list[str] = []
    for year in sorted(years):
        if out and out[-1][1] == year - 1:
            out[-1] = (out[-1][0], year)
        else:
            out.append((year, year))
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in out)


def status_overview(data_dir: Path | str, countries: str = "all") -> list[CountrySummary]:
    """One summary per country: every country the data directory holds ('all') or the given slugs,
    with the problems of each (failed years, unread tiers, disagreements, damaged pages)."""
    cache = RawCache(data_dir)
    wanted = parse_countries(countries)
    slugs = sorted(cache.recorded_countries() | {DEFAULT_COUNTRY}) if wanted is None else wanted
    rows: list[CountrySummary] = []
    for slug in slugs:
        report = status(data_dir, slug)
        parsed = list(report.parsed_years)
        scraped = [line for line in report.years if line.tier]
        latest = scraped[-1] if scraped else None
        problems = tuple(f"{line.year}: {p}" for line in report.years for p in line.problems
                         if not p.startswith("not cached"))
        rows.append(CountrySummary(slug, get_country(slug).iso3, len(parsed), _ranges(parsed),
                                   latest.year if latest else None, latest.tier if latest else "",
                                   latest.origin if latest else "", problems))
    return rows
