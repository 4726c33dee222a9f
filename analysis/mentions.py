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
_NO_SECTION_HITS = _NO_HITS[:3]
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
    rows = []
    for key in sorted(scan.years):
        yf = scan.years[key]
        for group in lexicon.groups:
            term_hits, sentences, paras, first = agg.get((yf.country, yf.year, group), _NO_HITS)
            words = (sentences / yf.word_count * 1000) if yf.word_count else None
            rows.append((
                yf.country, yf.year, group, term_hits, sentences, len(paras),
                round(words, DECIMALS) if words is not None else None,
                _ratio(sentences, yf.total_sentences), first,
                first_position(first, yf.paragraph_count), yf.total_sentences, yf.word_count,
            ))
    df = pd.DataFrame(rows, columns=MENTIONS_COLUMNS)
    return df.astype({
        "year": "int64", "term_hits": "int64", "sentences": "int64", "paragraphs": "int64",
        "per_1000_words": "float64", "share_of_sentences": "float64",
        "first_paragraph_index": "Int64", "first_position": "float64",
        "total_sentences": "int64", "word_count": "Int64",
    })


def mention_sections_table(scan: CorpusScan, lexicon: Lexicon) -> pd.DataFrame:
    """One row per country-year-group-section for the sections present that year (zeros kept).

    Sections come in printed order (order of first appearance in the year's narrative)."""
    agg: dict[tuple[str, int, str, str], list] = {}
    for h in scan.hits:
        a = agg.setdefault((h.country, h.year, h.group, h.section), [0, 0, set()])
        a[0] += h.term_hits
        a[1] += 1
        a[2].add(h.paragraph_index)
    rows = []
    for key in sorted(scan.years):
        yf = scan.years[key]
        for group in lexicon.groups:
            for section, section_sentences in yf.section_sentences.items():
                term_hits, sentences, paras = agg.get((yf.country, yf.year, group, section), _NO_SECTION_HITS)
                rows.append((yf.country, yf.year, group, section, term_hits, sentences, len(paras), section_sentences))
    df = pd.DataFrame(rows, columns=MENTION_SECTIONS_COLUMNS)
    return df.astype({"year": "int64", "term_hits": "int64", "sentences": "int64", "paragraphs": "int64", "section_sentences": "int64"})
