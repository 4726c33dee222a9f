"""One pass over the paragraphs table: split sentences, find group hits, kinds and quantifiers.

Only paragraphs holding one of the lexicon's anchors are split and matched (analysis.anchors: the
others cannot hold a hit); the others only add their sentence count (count_sentences, equal to
len(split_sentences(text))). A sentence met again (the report repeats sentences from year to year)
reuses what was found in it the first time. The result is the same as scanning every paragraph."""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

import pandas as pd

from analysis.anchors import AnchorFilter
from analysis.frames import as_int, as_optional_int, as_text, require_columns
from analysis.lexicon import Lexicon
from analysis.matching import classify_kinds, find_quantifiers, scan_paragraph
from analysis.sentences import count_sentences
from analysis.text import collapse_whitespace

PARAGRAPH_COLUMNS = ["country", "year", "paragraph_index", "section", "text"]
NARRATIVE_COLUMNS = ["country", "year"]


class SentenceHit(NamedTuple):
    """A sentence that counts for one group, with what was found in it. (A named tuple: one is made
    for every sentence x group hit, several times faster than a dataclass.)"""

    country: str
    year: int
    group: str
    paragraph_index: int
    section: str
    sentence_index: int
    sentence: str
    term_hits: int
    terms: tuple[str, ...]
    kinds: tuple[str, ...]
    quantifiers: tuple[str, ...]


@dataclass
class YearFacts:
    """Per country-year totals needed by the tables."""

    country: str
    year: int
    word_count: int | None = None
    paragraph_count: int | None = None
    source_url: str = ""
    total_sentences: int = 0
    paragraphs_seen: int = 0
    words_seen: int = 0  # counted only for a year whose narrative gives no word_count
    # section -> number of sentences, in printed order of first appearance
    section_sentences: dict[str, int] = field(default_factory=dict)


@dataclass
class CorpusScan:
    """Everything the analysis tables are made from."""

    years: dict[tuple[str, int], YearFacts]
    hits: list[SentenceHit]


def _narrative_facts(narratives: pd.DataFrame | None) -> dict[tuple[str, int], YearFacts]:
    facts: dict[tuple[str, int], YearFacts] = {}
    if narratives is None:
        return facts
    require_columns(narratives, NARRATIVE_COLUMNS, "narratives")
    n = len(narratives)
    countries = narratives["country"].tolist()
    years = narratives["year"].tolist()
    words = narratives["word_count"].tolist() if "word_count" in narratives else [None] * n
    paras = narratives["paragraph_count"].tolist() if "paragraph_count" in narratives else [None] * n
    urls = narratives["source_url"].tolist() if "source_url" in narratives else [""] * n
    for country, year, wc, pc, url in zip(countries, years, words, paras, urls):
        key = (as_text(country), as_int(year, "narratives", "year"))
        facts[key] = YearFacts(
            key[0], key[1],
            word_count=as_optional_int(wc, "narratives", "word_count"),
            paragraph_count=as_optional_int(pc, "narratives", "paragraph_count"),
            source_url=as_text(url),
        )
    return facts


@dataclass
class _Described:
    """What a matched sentence shows whatever group it counts for: the same for every repeat of it."""

    quantifiers: tuple[str, ...]
    display: str  # the sentence with whitespace collapsed
    kinds: tuple[str, ...] | None = None  # classify_kinds, made when a group of kinds_for first asks


def _describe(sentence: str, lexicon: Lexicon) -> _Described:
    quants = find_quantifiers(sentence, lexicon)
    return _Described(tuple(dict.fromkeys(q.text for q in quants)), collapse_whitespace(sentence))


def _texts(column: pd.Series) -> list[str]:
    """as_text of every value of a paragraphs column (a plain non-blank str is itself)."""
    return [v if type(v) is str and v and not v.isspace() else as_text(v) for v in column.tolist()]


def _ints(column: pd.Series, name: str) -> list[int]:
    """as_int of every value of a paragraphs column (an integer column of exact numbers as it is)."""
    if column.dtype.kind in "iu" and (column.empty or -(2 ** 53) < column.min() and column.max() < 2 ** 53):
        return column.tolist()
    return [as_int(v, "paragraphs", name) for v in column.tolist()]


def scan_corpus(paragraphs: pd.DataFrame, narratives: pd.DataFrame | None, lexicon: Lexicon) -> CorpusScan:
    """Scan every paragraph once; return per-year facts and one SentenceHit per sentence x group."""
    require_columns(paragraphs, PARAGRAPH_COLUMNS, "paragraphs")
    facts = _narrative_facts(narratives)
    rows = sorted(
        zip(_texts(paragraphs["country"]), _ints(paragraphs["year"], "year"),
            _ints(paragraphs["paragraph_index"], "paragraph_index"), _texts(paragraphs["section"]),
            _texts(paragraphs["text"])),
        key=itemgetter(0, 1, 2),
    )
    kinds_for = set(lexicon.kinds_for)
    prefilter = AnchorFilter.of(lexicon)
    memo: dict = {}  # folded sentence -> its group hits (reports repeat sentences from year to year)
    described: dict[str, _Described] = {}  # matched sentence -> its quantifiers, display and kinds
    hits: list[SentenceHit] = []
    for country, year, pindex, section, text in rows:
        yf = facts.get((country, year))
        if yf is None:
            yf = facts[(country, year)] = YearFacts(country, year)
        yf.paragraphs_seen += 1
        if yf.word_count is None:  # the narrative's own count wins (below)
            yf.words_seen += len(text.split())
        # a paragraph no group can match is not split: only its sentences are counted
        present = prefilter.present(text)
        scan = scan_paragraph(text, lexicon, memo, present) if present or prefilter.always else None
        count = count_sentences(text) if scan is None else len(scan.sentences)
        yf.total_sentences += count
        yf.section_sentences[section] = yf.section_sentences.get(section, 0) + count
        if scan is None:
            continue
        for sindex, (sentence, matches) in enumerate(zip(scan.sentences, scan.matches)):
            if not matches:
                continue
            about = described.get(sentence.text)
            if about is None:
                about = described[sentence.text] = _describe(sentence.text, lexicon)
            by_group: dict[str, list[str]] = {}
            for m in matches:
                by_group.setdefault(m.group, []).append(m.term)
            for group, terms in by_group.items():
                kinds = ()
                if group in kinds_for:
                    if about.kinds is None:
                        about.kinds = classify_kinds(sentence.text, lexicon)
                    kinds = about.kinds
                hits.append(
                    SentenceHit(
                        country, year, group, pindex, section, sindex, about.display, len(terms),
                        tuple(dict.fromkeys(terms)), kinds, about.quantifiers,
                    )
                )
    for yf in facts.values():
        if yf.word_count is None:
            yf.word_count = yf.words_seen
        if yf.paragraph_count is None:
            yf.paragraph_count = yf.paragraphs_seen
    return CorpusScan(facts, hits)
