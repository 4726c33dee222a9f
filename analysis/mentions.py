"""Per country-year-group counts (mentions) and the same per section (mention_sections).

term_hits   number of hits (overlapping matches of one group merged) in the year's narrative
sentences   number of sentences with at least one hit
paragraphs  number of paragraphs with at least one hit
per_1000_words      sentences / word_count * 1000
share_of_sentences  sentences / total_sentences
first_paragraph_index  paragraph_index of the first hit (empty when none)
first_position      first_paragraph_index / (paragraph_count - 1); 0.0 for a one-paragraph
                    narrative; empty when no hit
Zero rows are kept: every group of the lexicon has a row for every country-year.
"""
from __future__ import annotations

import pandas as pd

from analysis.corpus import CorpusScan
from analysis.lexicon import Lexicon
from analysis.schema import MENTION_SECTIONS_TABLE, MENTIONS_TABLE

DECIMALS = 4  # rounding of per_1000_words, share_of_sentences and first_position

_NO_HITS = (0, 0, (), None)  # term_hits, sentences, paragraphs, first paragraph of a group with no hit
MENTIONS_COLUMNS = list(MENTIONS_TABLE.columns)
MENTION_SECTIONS_COLUMNS = list(MENTION_SECTIONS_TABLE.columns)


def _ratio(num: int, den: int | None) -> float | None:
    return round(num / den, DECIMALS) if den else None


def first_position(first_index: int | None, paragraph_count: int | None) -> float | None:
    """first_index / (paragraph_count - 1); 0.0 for a one-paragraph narrative; None when no hit."""
    if first_index is None:
        return None
    if not paragraph_count or paragraph_count <= 1:
        return 0.0
    return round(first_index / (paragraph_count - 1), DECIMALS)


def _frame(columns: dict[str, list], names: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """A table made from its columns (lists, in the order of names), typed as dtypes says."""
    return pd.DataFrame({name: columns[name] for name in names}).astype(dtypes)


def mentions_table(scan: CorpusScan, lexicon: Lexicon) -> pd.DataFrame:
    """One row per country-year-group, zeros included, sorted by country, year, lexicon order."""
    agg: dict[tuple[str, int, str], list] = {}  # -> [term_hits, sentences, paragraph set, first]
    for h in scan.hits:
        a = agg.setdefault((h.country, h.year, h.group), [0, 0, set(), None])
        a[0] += h.term_hits
        a[1] += 1
        a[2].add(h.paragraph_index)
        if a[3] is None or h.paragraph_index < a[3]:
            a[3] = h.paragraph_index
    groups = list(lexicon.groups)
    cols: dict[str, list] = {name: [] for name in MENTIONS_COLUMNS}
    for key in sorted(scan.years):
        yf = scan.years[key]
        for name, value in (("country", yf.country), ("year", yf.year), ("total_sentences", yf.total_sentences),
                            ("word_count", yf.word_count)):
            cols[name].extend([value] * len(groups))
        cols["group"].extend(groups)
        for group in groups:
            term_hits, sentences, paras, first = agg.get((yf.country, yf.year, group), _NO_HITS)
            words = (sentences / yf.word_count * 1000) if yf.word_count else None
            cols["term_hits"].append(term_hits)
            cols["sentences"].append(sentences)
            cols["paragraphs"].append(len(paras))
            cols["per_1000_words"].append(round(words, DECIMALS) if words is not None else None)
            cols["share_of_sentences"].append(_ratio(sentences, yf.total_sentences))
            cols["first_paragraph_index"].append(first)
            cols["first_position"].append(first_position(first, yf.paragraph_count))
    return _frame(cols, MENTIONS_COLUMNS, {
        "year": "int64", "term_hits": "int64", "sentences": "int64", "paragraphs": "int64",
        "per_1000_words": "float64", "share_of_sentences": "float64",
        "first_paragraph_index": "Int64", "first_position": "float64",
        "total_sentences": "int64", "word_count": "Int64",
    })


def mention_sections_table(scan: CorpusScan, lexicon: Lexicon) -> pd.DataFrame:
    """One row per country-year-group-section for the sections present that year (zeros kept).

    Sections come in printed order (order of first appearance in the year's narrative)."""
    agg: dict[tuple[str, int], dict[tuple[str, str], list]] = {}  # (country, year) -> (group, section) -> counts
    for h in scan.hits:
        a = agg.setdefault((h.country, h.year), {}).setdefault((h.group, h.section), [0, 0, set()])
        a[0] += h.term_hits
        a[1] += 1
        a[2].add(h.paragraph_index)
    groups = list(lexicon.groups)
    group_at = {group: i for i, group in enumerate(groups)}
    cols: dict[str, list] = {name: [] for name in MENTION_SECTIONS_COLUMNS}
    for key in sorted(scan.years):
        yf = scan.years[key]
        sections = list(yf.section_sentences)
        n = len(sections) * len(groups)  # the year's rows: each group, then each section
        base = len(cols["country"])
        cols["country"].extend([yf.country] * n)
        cols["year"].extend([yf.year] * n)
        for group in groups:
            cols["group"].extend([group] * len(sections))
        cols["section"].extend(sections * len(groups))
        cols["section_sentences"].extend(list(yf.section_sentences.values()) * len(groups))
        for name in ("term_hits", "sentences", "paragraphs"):
            cols[name].extend([0] * n)
        section_at = {section: i for i, section in enumerate(sections)}
        for (group, section), (term_hits, sentences, paras) in agg.get((yf.country, yf.year), {}).items():
            row = base + group_at[group] * len(sections) + section_at[section]
            cols["term_hits"][row], cols["sentences"][row], cols["paragraphs"][row] = term_hits, sentences, len(paras)
    return _frame(cols, MENTION_SECTIONS_COLUMNS, {"year": "int64", "term_hits": "int64", "sentences": "int64",
                                                   "paragraphs": "int64", "section_sentences": "int64"})
