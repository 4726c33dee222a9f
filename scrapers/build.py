"""Rebuilding the table set (scrapers.uptodate decides when): the corpus tables made in memory from
every country's years (corpus_tables), the analysis tables (scrapers.counting: in a process pool by
runs of countries at world scale, the same bytes as one process), and one atomic publish. The
paragraphs table is built once for all countries. This module is the one that loads pandas (and,
through the table set, pyarrow): scrapers.uptodate imports it only when a rebuild is due.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.schema import CACHE_CORRUPT, NOT_LISTED, PARAGRAPHS_TABLE, PARSE_FAILED, PARSED, TABLES, TableSchema
from analysis.recommendations import NO_RECOMMENDATIONS_DETAIL, has_recommendations
from scrapers.countries import Country
from scrapers.counting import analysis_tables
from scrapers.details import fix_command, tier_unread_detail
from scrapers.inputs import ReferenceTier
from scrapers.parse.text import word_count
from scrapers.read import NOT_CACHED, YearParse
from scrapers.store import tableset
from scrapers.store.cache import RawCache
from scrapers.store.parse_store import ParseStore
from scrapers.store.setfiles import TableFiles
from scrapers.tier_table import TierDisagreement, tier_rows


@dataclass(frozen=True)
class Rebuilt:
    """What rebuild_tables did: the published set (None when nothing was published), the tier
    disagreements found, notes for the run's warnings, and why nothing was published ('' if it was)."""

    tables: tableset.TableSet | None
    disagreements: tuple[TierDisagreement, ...] = ()
    notes: tuple[str, ...] = ()
    error: str = ""


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
    rows, disagreements = corpus_rows(country, years, cache, reference, kelley, previous, records=records,
                                      paragraph_columns=paragraph_columns, entry_of=entry_of)
    return {name: _frame(found, TABLES[name]) for name, found in rows.items()}, disagreements


def corpus_rows(country: str, years: dict[int, YearParse], cache: RawCache,
                reference: dict[int, ReferenceTier], kelley: dict[int, ReferenceTier],
                previous: tableset.TableSet | None, *, records: dict | None = None,
                paragraph_columns: dict[str, list] | None = None, entry_of=None,
                ) -> tuple[dict[str, list[dict]], list[TierDisagreement]]:
    """corpus_tables' rows, unsorted ({table: [row]}): the rows of many countries make one frame
    per table (one sort), cheaper than a frame per country and a concat."""
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
            "word_count": words_in(text for _, _, text in rows),
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
    found = {"tiers": tiers + kept["tiers"], "narratives": narratives + kept["narratives"],
             "paragraphs": paragraphs + kept["paragraphs"], "coverage": coverage}
    return found, disagreements


_SPACES = np.zeros(256, dtype=bool)  # the ASCII characters str.split() splits at
_SPACES[[ord(c) for c in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"]] = True


def words_in(texts: Iterable[str]) -> int:
    """sum(word_count(text) for text in texts), the words str.split() finds (parse.text.word_count),
    counted over the ASCII bytes with numpy when the texts are ASCII (no string made per word)."""
    joined = "\n".join(texts)  # a line end between two texts joins no words
    if not joined.isascii():
        return word_count(joined)
    spaces = _SPACES[np.frombuffer(joined.encode("ascii"), dtype=np.uint8)]
    starts = ~spaces
    starts[1:] &= spaces[:-1]
    return int(starts.sum())


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


def rebuild_tables(data_dir: Path, countries: Sequence[Country], pages: dict[str, dict[int, YearParse]],
                   cache: RawCache, store: ParseStore,
                   references: dict[str, tuple[dict[int, ReferenceTier], dict[int, ReferenceTier]]],
                   records: dict[str, dict], previous_files: TableFiles | None, key: str, *,
                   lexicon: Path | None, claims: Path | None) -> Rebuilt:
    """Make every table from `pages` (full narratives) and publish them as one set with inputs
    key `key`. On an analysis or write error nothing is published (Rebuilt.error says why): the
    previous set stays current."""
    previous = tableset.TableSet.of(previous_files)
    notes: list[str] = []
    disagreements: list[TierDisagreement] = []
    parts: dict[str, list[pd.DataFrame]] = {}
    # One frame per table for all countries (one sort), unless a damaged page keeps rows from the
    # previous set (their types may differ from a fresh row's: a frame per country, then concat).
    damaged = any(p.status == CACHE_CORRUPT for years in pages.values() for p in years.values())
    columns: dict[str, dict[str, list]] = {}
    rows: dict[str, list[dict]] = {}
    for country in countries:
        own = None if damaged else columns.setdefault(country.slug, {c: [] for c in PARAGRAPHS_TABLE.columns})
        found_rows, found = corpus_rows(country.slug, pages[country.slug], cache, *references[country.slug],
                                        previous, records=records.get(country.slug), paragraph_columns=own,
                                        entry_of=store.entry)
        disagreements += found
        for name, table_rows in found_rows.items():
            if damaged:
                parts.setdefault(name, []).append(_frame(table_rows, TABLES[name]))
            elif name != "paragraphs":
                rows.setdefault(name, []).extend(table_rows)
    frames = {name: _concat(name, chunks) for name, chunks in parts.items()}
    frames.update({name: _frame(table_rows, TABLES[name]) for name, table_rows in rows.items()})
    del rows
    if not damaged:
        frames["paragraphs"] = _paragraphs_frame([columns[slug] for slug in sorted(columns)])
        del columns
    try:
        analysis, analysis_notes = analysis_tables(data_dir, frames, lexicon=lexicon, claims=claims)
    except Exception as exc:  # report it; the previous set stays current
        return Rebuilt(None, tuple(disagreements), tuple(notes), f"analysis failed ({type(exc).__name__}: {exc}); "
                       "no tables were written, the previous ones stay current")
    notes.extend(analysis_notes)
    synthetic = bool(frames["narratives"]["synthetic"].map(lambda v: v is True or str(v).lower() == "true").any())
    try:
        published = tableset.publish(data_dir, {**frames, **analysis}, inputs_key=key, synthetic=synthetic)
    except tableset.TableSetError as exc:
        return Rebuilt(None, tuple(disagreements), tuple(notes), str(exc))
    return Rebuilt(published, tuple(disagreements), tuple(notes))




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
