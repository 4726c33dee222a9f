"""Building the table set from the raw cache: read every year (parsed once, see scrapers.store.parse_store),
make the corpus tables and the analysis tables in memory, and publish them as one atomic set.

Nothing is rebuilt when the set's inputs did not change: the inputs key (code, parser version,
every year's page sha256 and status, the lexicon, the claims, the reference tables) is stored in
the set's manifest and compared first (from the parse store's summary, without reading the
narratives' text). At world scale the paragraphs table is built once for all countries and the
counting and the recommendations run in a process pool by runs of countries (count_tables_in_pool): the same bytes as one
process, in a fraction of the time.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from analysis.schema import (
    CACHE_CORRUPT, COVERAGE_TABLE, NOT_LISTED, NARRATIVES_TABLE, PARAGRAPHS_TABLE,
    PARSE_FAILED, PARSED, TABLES, TIERS_TABLE, TableSchema,
)
from analysis.recommendations import NO_RECOMMENDATIONS_DETAIL, has_recommendations
from scrapers.store import tableset
from scrapers.store.cache import RawCache
from scrapers.countries import DEFAULT_COUNTRY, Country
from scrapers.counting import analysis_tables
from scrapers.inputs import (
    FIRST_YEAR, REPO_DATA, REPO_ROOT, ReferenceTier, current_utc_year, file_digest, input_path,
    load_kelley, load_reference,
)
from scrapers.models import Narrative
from scrapers.parse.page import PARSER_VERSION
from scrapers.store.parse_store import ParseStore
from scrapers.read import NOT_CACHED, YearParse, full_narratives, read_years_many
from scrapers.parse.text import word_count
from scrapers.tier_table import TierDisagreement, tier_rows

TIER_UNREAD_DETAIL = "tier could not be read from the page"
_CODE_DIRS = ("analysis", "scrapers")


@dataclass(frozen=True)
class BuildResult:
    """What a build read and published (or why it published nothing), per country and year."""

    countries: tuple[str, ...]
    data_dir: Path
    # per country and year; when the inputs were unchanged (rebuilt False) the narratives read from
    # the parse store carry their tier and source only, without sections (their text was not needed)
    pages: dict[str, dict[int, YearParse]]
    tables: tableset.TableSet | None
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


def fix_command(year: int, country: str = DEFAULT_COUNTRY) -> str:
    """The command that fetches one country-year again."""
    which = "" if country == DEFAULT_COUNTRY else f" --countries {country}"
    return f"python -m scrapers refresh --force --years {year}{which}"


def tier_unread_detail(narrative: Narrative) -> str:
    """Why a parsed page has no tier: the parser's own reason when it gave one."""
    reason = narrative.tier.sentence
    return f"{TIER_UNREAD_DETAIL} ({reason})" if reason else TIER_UNREAD_DETAIL


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


def _frame(rows: list[dict], schema: TableSchema) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(schema.columns))
    if len(frame):
        frame = frame.sort_values(list(schema.sort), kind="mergesort").reset_index(drop=True)
    return frame


def corpus_tables(country: str, years: dict[int, YearParse], cache: RawCache,
                  reference: dict[int, ReferenceTier], kelley: dict[int, ReferenceTier],
                  previous: tableset.TableSet | None, *, records: dict | None = None,
                  paragraph_columns: dict[str, list] | None = None, entry_of=None,
                  ) -> tuple[dict[str, pd.DataFrame], list[TierDisagreement]]:
    """tiers, narratives, paragraphs and coverage (schema columns, sorted) for one country.

    A year whose cached page is damaged (cache_corrupt) keeps its rows from the previous set. With
    `paragraph_columns` ({column: list}, for years with no damaged page), paragraphs are appended to
    those lists instead (one frame for all countries is cheaper than one per country, then concat).
    `entry_of(url)` looks up cached pages (default cache.entry; the parse store's remembers them)."""
    entry_of = entry_of or cache.entry
    narratives, paragraphs, coverage = [], [], []
    parsed = {y: p for y, p in years.items() if p.status == PARSED and p.narrative is not None}
    for year, page in parsed.items():
        narrative = page.narrative
        entry = entry_of(page.source_url)
        rows = narrative.paragraphs()
        if paragraph_columns is not None:
            _append_paragraphs(paragraph_columns, country, year, rows)
        else:
            for index, section, text in rows:
                paragraphs.append({"country": country, "year": year, "paragraph_index": index,
                                   "section": section.name, "section_title_printed": section.title_printed,
                                   "text": text})
        narratives.append({
            "country": country, "year": year, "source_url": narrative.source_url or page.source_url,
            "fetched_url": entry.fetched_url if entry else "", "fetched_at": entry.fetched_at if entry else "",
            "sha256": page.sha256 or (entry.sha256 if entry else ""),
            "word_count": sum(word_count(text) for _, _, text in rows),
            "paragraph_count": len(rows), "section_count": len(narrative.sections),
            "synthetic": page.synthetic,
        })
        notes = [] if narrative.tier.tier else [tier_unread_detail(narrative)]
        if not has_recommendations(section.name for section in narrative.sections):
            notes.append(NO_RECOMMENDATIONS_DETAIL)
        if page.replaced_bytes:
            notes.append(f"{page.replaced_bytes} invalid UTF-8 byte(s) replaced while decoding the page")
        coverage.append({"country": country, "year": year, "status": PARSED, "detail": "; ".join(notes),
                         "source_url": narrative.source_url or page.source_url})
    kept: dict[str, list[dict]] = {"tiers": [], "narratives": [], "paragraphs": []}
    for year, page in years.items():
        if page.status in (PARSE_FAILED, NOT_LISTED):
            coverage.append({"country": country, "year": year, "status": page.status,
                             "detail": page.detail, "source_url": page.source_url})
        elif page.status == CACHE_CORRUPT:
            keeps = _previous_rows(previous, country, year)
            for name in kept:
                kept[name].extend(keeps.get(name, []))
            how = ("its rows are kept from the previous tables" if keeps.get("narratives")
                   else "no previous rows to keep")
            coverage.append({"country": country, "year": year, "status": CACHE_CORRUPT,
                             "detail": f"{page.detail}; {how}; fix: {fix_command(year, country)}",
                             "source_url": page.source_url})
    for year, record in (cache.year_records(country) if records is None else records).items():
        if years.get(year) is None or years[year].status == NOT_CACHED:
            coverage.append({"country": country, "year": year, "status": record.status,
                             "detail": record.detail, "source_url": record.url})
    kept_tier_years = {int(r["year"]) for r in kept["tiers"]}
    tiers, disagreements = tier_rows(country, years, reference, kelley, skip=kept_tier_years)
    frames = {
        "tiers": _frame(tiers + kept["tiers"], TIERS_TABLE),
        "narratives": _frame(narratives + kept["narratives"], NARRATIVES_TABLE),
        "paragraphs": _frame(paragraphs + kept["paragraphs"], PARAGRAPHS_TABLE),
        "coverage": _frame(coverage, COVERAGE_TABLE),
    }
    return frames, disagreements


def _append_paragraphs(columns: dict[str, list], country: str, year: int, rows) -> None:
    columns["country"].extend([country] * len(rows))
    columns["year"].extend([year] * len(rows))
    columns["paragraph_index"].extend(index for index, _, _ in rows)
    columns["section"].extend(section.name for _, section, _ in rows)
    columns["section_title_printed"].extend(section.title_printed for _, section, _ in rows)
    columns["text"].extend(text for _, _, text in rows)


def _previous_rows(previous: tableset.TableSet | None, country: str, year: int) -> dict[str, list[dict]]:
    """The rows of one country-year in the previous set's tiers, narratives and paragraphs."""
    if previous is None:
        return {}
    out: dict[str, list[dict]] = {}
    for name in ("tiers", "narratives", "paragraphs"):
        if not previous.has(name):
            continue
        try:
            frame = previous.read(name)
        except (OSError, ValueError):
            continue
        if "country" not in frame.columns or "year" not in frame.columns:
            continue
        rows = frame[(frame["country"] == country) & (frame["year"] == str(year))]
        rows = rows.reindex(columns=list(TABLES[name].columns), fill_value="")
        for column in TABLES[name].numeric:
            rows[column] = pd.to_numeric(rows[column], errors="coerce").astype("Int64")
        out[name] = rows.to_dict("records")
    return out


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
    # The build makes millions of objects and no reference cycles worth collecting meanwhile: the
    # cyclic collector's full passes over them cost seconds at world scale (it runs again after).
    enabled = gc.isenabled()
    gc.disable()
    try:
        result = _build(data_dir, countries, cache, store, extra_years=extra_years, lexicon=lexicon, claims=claims,
                        pages=pages)
        note = store.mismatch_note()
        return dataclasses.replace(result, warnings=(*result.warnings, note)) if note else result
    finally:
        if enabled:
            gc.enable()


def _build(data_dir: Path | str, countries: Sequence[Country], cache: RawCache, store: ParseStore, *,
           extra_years: Iterable[int], lexicon: Path | None, claims: Path | None,
           pages: dict[str, dict[int, YearParse]] | None) -> BuildResult:
    data_dir = Path(data_dir)
    notes: list[str] = list(cache.warnings)
    pages = dict(pages or {})
    references: dict[str, tuple[dict[int, ReferenceTier], dict[int, ReferenceTier]]] = {}
    paths: list[Path | None] = []
    for country in countries:
        reference, ref_path = load_reference(data_dir, country.slug)
        kelley, kelley_path = load_kelley(data_dir, country.iso3)
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
    previous = tableset.current(data_dir)
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
    parts: dict[str, list[pd.DataFrame]] = {}
    # one paragraphs frame for all countries, unless a damaged page keeps rows from the previous set
    damaged = any(p.status == CACHE_CORRUPT for years in pages.values() for p in years.values())
    columns: dict[str, dict[str, list]] = {}
    for country in countries:
        own = None if damaged else columns.setdefault(country.slug, {c: [] for c in PARAGRAPHS_TABLE.columns})
        frames, found = corpus_tables(country.slug, pages[country.slug], cache, *references[country.slug],
                                      previous, records=records.get(country.slug), paragraph_columns=own,
                                      entry_of=store.entry)
        disagreements += found
        for name, frame in frames.items():
            if name != "paragraphs" or damaged:
                parts.setdefault(name, []).append(frame)
    frames = {name: _concat(name, chunks) for name, chunks in parts.items()}
    if not damaged:
        frames["paragraphs"] = _paragraphs_frame([columns[slug] for slug in sorted(columns)])
        del columns
    try:
        analysis, analysis_notes = analysis_tables(data_dir, frames, lexicon=lexicon, claims=claims)
    except Exception as exc:  # report it; the previous set stays current
        return BuildResult(tables=previous, rebuilt=False, disagreements=tuple(disagreements),
                           warnings=tuple(notes), error=f"analysis failed ({type(exc).__name__}: {exc}); "
                           "no tables were written, the previous ones stay current", **common)
    notes.extend(analysis_notes)
    synthetic = bool(frames["narratives"]["synthetic"].map(lambda v: v is True or str(v).lower() == "true").any())
    try:
        published = tableset.publish(data_dir, {**frames, **analysis}, inputs_key=key, synthetic=synthetic)
    except tableset.TableSetError as exc:
        return BuildResult(tables=previous, rebuilt=False, disagreements=tuple(disagreements),
                           warnings=tuple(notes), error=str(exc), **common)
    return BuildResult(tables=published, rebuilt=True, disagreements=tuple(disagreements),
                       warnings=tuple(notes), **common)


def _paragraphs_frame(parts: list[dict[str, list]]) -> pd.DataFrame:
    """The paragraphs table from each country's columns (given in country order): one frame, its
    text kept as the Python strings the narratives hold (no copy), sorted only if it is not already."""
    names = list(PARAGRAPHS_TABLE.columns)
    merged = {name: [v for part in parts for v in part[name]] for name in names}
    if not merged["country"]:
        return _frame([], PARAGRAPHS_TABLE)
    frame = pd.DataFrame({name: pd.Series(merged[name], dtype=object) if name == "text" else merged[name]
                          for name in names}, columns=names)
    keys = list(zip(*(merged[name] for name in PARAGRAPHS_TABLE.sort)))
    if all(a <= b for a, b in zip(keys, keys[1:])):
        return frame
    return frame.sort_values(list(PARAGRAPHS_TABLE.sort), kind="mergesort").reset_index(drop=True)


def _concat(name: str, chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """One table from the countries' frames, in the schema's sort order."""
    schema = TABLES[name]
    chunks = [c for c in chunks if len(c)] or chunks[:1]
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    return frame.sort_values(list(schema.sort), kind="mergesort").reset_index(drop=True) if len(frame) else frame
