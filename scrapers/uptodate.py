"""Is the table set up to date? A build reads every year (parsed once, see scrapers.store.parse_store)
and compares the inputs key (code, parser version, every year's page sha256 and status, the lexicon,
the claims, the reference tables) with the one stored in the current set's manifest, from the parse
store's summary, without reading the narratives' text. Only when they differ does it rebuild the
tables (scrapers.build: the corpus frames, the analysis tables, one atomic publish), so a run that
finds nothing changed never loads pandas or pyarrow: this module and what it imports at the top
stay free of both (tests/scrapers/test_warm_imports.py).
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from analysis.collector import paused_gc
from analysis.schema import CACHE_CORRUPT, PARSE_FAILED, PARSED
from scrapers.countries import DEFAULT_COUNTRY, Country
from scrapers.inputs import (
    FIRST_YEAR, REPO_DATA, REPO_ROOT, ReferenceTier, current_utc_year, file_digest, input_path, kelley_panel,
    load_reference,
)
from scrapers.details import TIER_UNREAD_DETAIL, fix_command, tier_unread_detail  # noqa: F401 - re-exported
from scrapers.parse.page import PARSER_VERSION
from scrapers.read import YearParse, full_narratives, read_years_many
from scrapers.store import setpointer
from scrapers.store.cache import RawCache
from scrapers.store.parse_store import ParseStore
from scrapers.store.setfiles import TableFiles
from scrapers.tier_table import TierDisagreement, tier_rows

_CODE_DIRS = ("analysis", "scrapers")


@dataclass(frozen=True)
class BuildResult:
    """What a build read and published (or why it published nothing), per country and year."""

    countries: tuple[str, ...]
    data_dir: Path
    # per country and year; when the inputs were unchanged (rebuilt False) the narratives read from
    # the parse store carry their tier and source only, without sections (their text was not needed)
    pages: dict[str, dict[int, YearParse]]
    tables: TableFiles | None  # a readable tableset.TableSet when rebuilt
    rebuilt: bool  # False when the inputs were unchanged (or the build failed)
    disagreements: tuple[TierDisagreement, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str = ""  # the analysis or the write failed: the previous set stays current
    parsed_now: int = 0  # pages parsed in this run (the rest came from the parse store)

    @property
    def ok(self) -> bool:
        return not self.error and not self.parse_failures and not self.corrupt_years

    @property
    def country(self) -> str:
        return ",".join(self.countries)

    def _with(self, status: str) -> list[tuple[str, int, YearParse]]:
        return [(c, y, p) for c, years in sorted(self.pages.items()) for y, p in sorted(years.items())
                if p.status == status]

    @property
    def parsed(self) -> list[tuple[str, int]]:
        """(country, year) of every parsed narrative."""
        return [(c, y) for c, y, _ in self._with(PARSED)]

    @property
    def parsed_years(self) -> list[int]:
        """Report years with at least one parsed narrative."""
        return sorted({y for _, y in self.parsed})

    @property
    def unread_tier_years(self) -> list[tuple[str, int]]:
        """(country, year) of parsed narratives whose tier could not be read."""
        return [(c, y) for c, y, p in self._with(PARSED) if p.narrative is not None and not p.narrative.tier.tier]

    @property
    def parse_failures(self) -> dict[tuple[str, int], str]:
        return {(c, y): p.detail for c, y, p in self._with(PARSE_FAILED)}

    @property
    def corrupt_years(self) -> dict[tuple[str, int], str]:
        return {(c, y): p.detail for c, y, p in self._with(CACHE_CORRUPT)}

    @property
    def row_counts(self) -> dict[str, int]:
        if self.tables is None:
            return {}
        return {name: info.rows for name, info in self.tables.manifest.tables.items()}


def years_to_scan(cache: RawCache, country: str, extra: Iterable[int] = (),
                  records: dict[str, dict] | None = None) -> list[int]:
    """Every report year that may hold a page: 2001 to this year, plus any recorded or asked year."""
    recorded = records.get(country, {}) if records is not None else cache.year_records(country)
    return sorted(set(range(FIRST_YEAR, current_utc_year() + 1)) | set(recorded) | set(extra))


def _records_by_country(cache: RawCache, countries: Iterable[str]) -> dict[str, dict]:
    """cache.year_records of each country, read once (each call scans every record)."""
    return {country: cache.year_records(country) for country in countries}


def countries_in(cache: RawCache, asked: Iterable[str] = ()) -> list[str]:
    """The countries a data directory holds: every one a refresh was ever asked for (raw/years.csv),
    the default country, and `asked`; the default country first."""
    others = sorted((cache.recorded_countries() | set(asked)) - {DEFAULT_COUNTRY})
    return [DEFAULT_COUNTRY, *others]


def code_digest() -> str:
    """sha256 over the source of analysis/ and scrapers/: new code means new tables."""
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_key(pages: dict[str, dict[int, YearParse]], cache: RawCache, paths: Iterable[Path | None],
               records: dict[str, dict] | None = None) -> str:
    """A digest of everything the tables are made from (see the module docstring). It does not depend
    on where the checkout or the data directory lives: an input file counts by its name and bytes,
    never by its absolute path, so a fresh clone's parse finds the committed set up to date."""
    digest = hashlib.sha256()
    digest.update(f"{code_digest()}|{PARSER_VERSION}\n".encode())
    for country, years in sorted(pages.items()):
        for year, page in sorted(years.items()):
            digest.update(f"{country}|{year}|{page.status}|{page.sha256}|{page.source_url}|{page.detail}\n".encode())
        recorded = records[country] if records is not None and country in records else cache.year_records(country)
        for year, record in sorted(recorded.items()):
            digest.update(f"record|{country}|{year}|{record.status}|{record.detail}|{record.url}\n".encode())
    digests: dict[Path | None, str] = {}  # each file read once (every country names the same panel)
    for path in paths:
        if path not in digests:
            digests[path] = file_digest(path)
        digest.update(f"{path.name if path is not None else ''}|{digests[path]}\n".encode())
    return digest.hexdigest()


def build(data_dir: Path | str, countries: Sequence[Country], cache: RawCache, store: ParseStore, *,
          extra_years: Iterable[int] = (), lexicon: Path | None = None, claims: Path | None = None,
          pages: dict[str, dict[int, YearParse]] | None = None) -> BuildResult:
    """Read every country's years from the cache (unless `pages` gives them) and publish one table
    set holding all countries, unless its inputs are unchanged.

    On an analysis or write error nothing is published: the previous set stays current and
    BuildResult.error says why."""
    with paused_gc():  # the collector's full passes over the build's objects cost seconds at world scale
        result = _build(data_dir, countries, cache, store, extra_years=extra_years, lexicon=lexicon, claims=claims,
                        pages=pages)
        note = store.mismatch_note()
        return dataclasses.replace(result, warnings=(*result.warnings, note)) if note else result


def _build(data_dir: Path | str, countries: Sequence[Country], cache: RawCache, store: ParseStore, *,
           extra_years: Iterable[int], lexicon: Path | None, claims: Path | None,
           pages: dict[str, dict[int, YearParse]] | None) -> BuildResult:
    data_dir = Path(data_dir)
    notes: list[str] = list(cache.warnings)
    pages = dict(pages or {})
    references: dict[str, tuple[dict[int, ReferenceTier], dict[int, ReferenceTier]]] = {}
    paths: list[Path | None] = []
    panel, kelley_path = kelley_panel(data_dir)  # read once: every country names the same panel
    for country in countries:
        reference, ref_path = load_reference(data_dir, country.slug)
        kelley = panel.get(country.iso3, {}) if country.iso3 else {}
        if ref_path is None and country.slug == DEFAULT_COUNTRY:
            notes.append(f"no reference/{country.slug}_tiers.csv in {data_dir} or {REPO_DATA}: tiers.csv "
                         "has scraped years and Kelley's panel only")
        references[country.slug] = (reference, kelley)
        paths += [ref_path, kelley_path]
    # light: narratives from the store carry their tier only, until the inputs key says a rebuild is due
    records = _records_by_country(cache, {c.slug for c in countries} | set(pages))
    pages.update(read_years_many(store, [(c, years_to_scan(cache, c.slug, extra_years, records)) for c in countries
                                         if c.slug not in pages], light=True))
    lexicon_path = Path(lexicon) if lexicon else input_path(data_dir, "lexicon.toml")
    claims_path = Path(claims) if claims else input_path(data_dir, "essay/claims.csv")
    key = inputs_key(pages, cache, [*paths, lexicon_path, claims_path], records)
    previous = setpointer.current(data_dir)
    common = dict(countries=tuple(c.slug for c in countries), data_dir=data_dir, pages=pages,
                  parsed_now=store.parsed_now)
    disagreements: list[TierDisagreement] = []
    if previous is not None and previous.manifest.inputs_key == key:
        for country in countries:
            disagreements += tier_rows(country.slug, pages[country.slug], *references[country.slug])[1]
        return BuildResult(tables=previous, rebuilt=False, disagreements=tuple(disagreements),
                           warnings=tuple(notes), **common)
    pages.update({slug: full_narratives(store, years) for slug, years in pages.items()})
    common.update(pages=pages, parsed_now=store.parsed_now)  # a stored narrative unreadable now is parsed again
    # The rebuild path only: pandas and pyarrow, which a run with nothing to rebuild never loads
    # (listed in scrapers.LAZY_IMPORTS).
    from scrapers.build import rebuild_tables
    done = rebuild_tables(data_dir, countries, pages, cache, store, references, records, previous, key,
                          lexicon=lexicon, claims=claims)
    return BuildResult(tables=done.tables or previous, rebuilt=done.tables is not None,
                       disagreements=done.disagreements, warnings=(*notes, *done.notes), error=done.error, **common)
