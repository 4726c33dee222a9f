"""The recommendations of each narrative: split into items in printed order, matched with the
lexicon, and threaded across years (recommendations.csv).

Splitting (split_items), per era of the report:
- recent narratives print PRIORITIZED RECOMMENDATIONS as a list: every list item is a paragraph of
  its own in the paragraphs table, so a section of SEVERAL paragraphs gives one item per paragraph;
- older narratives print one "Recommendations for China:" paragraph whose items are separated by
  semicolons: a section of ONE paragraph is split at every semicolon outside parentheses or
  brackets; the list's conjunction ("and" opening the last clause) is dropped, the rest is the
  clause as printed;
- a paragraph holding bullet characters (•, as some copies print the list inline) is split at them.
A narrative without a recommendations section has no items (coverage.csv says so:
NO_RECOMMENDATIONS_DETAIL).

Matching: `groups` and `kinds` of an item are found by the matcher the sentences use
(analysis.matching.find_matches and classify_kinds), on the item's text.

Threads (thread_items): the same recommendation across years, by similarity of wording. The words
of an item are its lowercase alphanumeric tokens without STOPWORDS, a final "s" dropped from words
longer than four letters ("refugees" = "refugee"). Two wordings are the same recommendation when the
Jaccard similarity of their word sets (shared words / all words) is at least THREAD_THRESHOLD.
Year by year (oldest first), every item is compared with the latest wording of every thread of the
same country begun in an earlier year; pairs are taken greedily, best similarity first (ties: higher
rank, then older thread), each item and each thread at most once a year; an item left over begins a
thread of its own, named `{country}:{year}:{rank}`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.frames import as_int, as_text, require_columns
from analysis.lexicon import Lexicon
from analysis.matching import classify_kinds, find_matches
from analysis.schema import RECOMMENDATIONS_JOIN, RECOMMENDATIONS, RECOMMENDATIONS_TABLE
from analysis.text import collapse_whitespace, fold

RECOMMENDATIONS_COLUMNS = list(RECOMMENDATIONS_TABLE.columns)
THREAD_THRESHOLD = 0.5
NO_RECOMMENDATIONS_DETAIL = "no recommendations: the narrative prints no recommendations section"
STOPWORDS = frozenset("""
a an and are as at be been by for from in into is it its of on or that the their them these this those to
which who whom with
""".split())

_OPEN, _CLOSE = "([{", ")]}"
BULLET = "\u2022"
_CONJUNCTION = re.compile(r"^(?:and|or)\s+", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
THREAD_RULE = (f"Jaccard similarity of the items' word sets (lowercase words without stopwords, a final 's' "
                f"dropped from words longer than four letters) >= {THREAD_THRESHOLD}; greedy best match to the "
                "latest wording of every earlier year's thread")


@dataclass(frozen=True)
class Item:
    """One recommendation as printed: its rank (1 = first), text and the paragraph it stands in."""

    rank: int
    text: str
    paragraph_index: int


def split_clauses(text: str) -> list[str]:
    """The semicolon-separated clauses of one paragraph, never splitting inside (), [] or {};
    each clause stripped, the conjunction opening a clause ("and ...") dropped, empty ones left out."""
    clauses: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0:
            clauses.append(text[start:i])
            start = i + 1
    clauses.append(text[start:])
    out = []
    for clause in clauses:
        clause = collapse_whitespace(clause)
        if len(clauses) > 1:
            clause = _CONJUNCTION.sub("", clause)
        if clause.strip(" .;,"):
            out.append(clause)
    return out


def split_items(paragraphs: list[tuple[int, str]]) -> list[Item]:
    """The items of one narrative's recommendations section, given its paragraphs as
    (paragraph_index, text) in printed order: one item per paragraph when there are several (a
    list), the semicolon clauses when there is one (module docstring)."""
    paragraphs = [(i, t) for i, t in paragraphs if collapse_whitespace(t)]
    pieces: list[tuple[int, str]] = []
    for index, text in paragraphs:
        if BULLET in text:
            pieces += [(index, b) for b in map(collapse_whitespace, text.split(BULLET)) if b.strip(" .;,")]
        elif len(paragraphs) == 1:
            pieces += [(index, clause) for clause in split_clauses(text)]
        else:
            pieces.append((index, collapse_whitespace(text)))
    return [Item(rank, text, index) for rank, (index, text) in enumerate(pieces, start=1)]


def words(text: str) -> frozenset[str]:
    """The word set an item's wording is compared by (module docstring)."""
    out = set()
    for word in _WORD.findall(fold(text).lower()):
        if word in STOPWORDS:
            continue
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(out)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (0.0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass
class _Thread:
    thread: str
    first_year: int
    latest: frozenset[str]


def thread_items(years: dict[int, list[Item]], country: str) -> dict[tuple[int, int], tuple[str, int]]:
    """{(year, rank): (thread id, first year of the thread)} for one country's items by year.

    Only pairs at or above THREAD_THRESHOLD (> 0) can be taken, and a pair sharing no word scores 0:
    so an item is compared only with the threads whose latest wording shares a word with it (an
    index word -> threads), which takes the same pairs in the same order as comparing all of them."""
    threads: list[_Thread] = []
    holding: dict[str, set[int]] = {}  # word -> the threads whose latest wording holds it
    out: dict[tuple[int, int], tuple[str, int]] = {}
    for year in sorted(years):
        items = years[year]
        item_words = {item.rank: words(item.text) for item in items}
        pairs = []
        for item in items:
            mine = item_words[item.rank]
            for n in set().union(*(holding.get(word, ()) for word in mine)):
                score = similarity(mine, threads[n].latest)
                if score >= THREAD_THRESHOLD:
                    pairs.append((score, item.rank, n))
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        taken: dict[int, int] = {}  # thread number -> rank of the item it continues this year
        for _score, rank, n in pairs:
            if rank in taken.values() or n in taken:
                continue
            taken[n] = rank
            out[(year, rank)] = (threads[n].thread, threads[n].first_year)
        for n, rank in taken.items():
            old, new = threads[n].latest, item_words[rank]
            for word in old - new:
                holding[word].discard(n)
            for word in new - old:
                holding.setdefault(word, set()).add(n)
            threads[n].latest = new
        for item in items:
            if (year, item.rank) not in out:
                thread = _Thread(f"{country}:{year}:{item.rank}", year, item_words[item.rank])
                for word in thread.latest:
                    holding.setdefault(word, set()).add(len(threads))
                threads.append(thread)
                out[(year, item.rank)] = (thread.thread, year)
    return out


def narrative_items(paragraphs: pd.DataFrame) -> dict[tuple[str, int], list[Item]]:
    """{(country, year): items} of every narrative with a recommendations section in `paragraphs`
    (the paragraphs table: country, year, paragraph_index, section, text)."""
    require_columns(paragraphs, ["country", "year", "paragraph_index", "section", "text"], "paragraphs")
    rows = paragraphs.loc[paragraphs["section"].astype(str) == RECOMMENDATIONS, ["country", "year", "paragraph_index", "text"]]
    grouped: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for country, year, index, text in zip(rows["country"].tolist(), rows["year"].tolist(),
                                          rows["paragraph_index"].tolist(), rows["text"].tolist()):
        key = (str(country), as_int(year, "paragraphs", "year"))
        grouped.setdefault(key, []).append((as_int(index, "paragraphs", "paragraph_index"), as_text(text)))
    return {key: items for key, paras in grouped.items() if (items := split_items(sorted(paras)))}


def item_groups(text: str, lexicon: Lexicon) -> list[str]:
    """The lexicon groups an item names, in lexicon order (the sentences' matcher)."""
    found = {m.group for m in find_matches(text, lexicon)}
    return [slug for slug in lexicon.groups if slug in found]


def recommendations_table(paragraphs: pd.DataFrame, narratives: pd.DataFrame | None, lexicon: Lexicon) -> pd.DataFrame:
    """One row per recommendation of every narrative, sorted by country, year, rank (columns:
    analysis.schema.RECOMMENDATIONS_TABLE). source_url comes from the narratives table. Pure."""
    sources: dict[tuple[str, int], str] = {}
    if narratives is not None and len(narratives):
        require_columns(narratives, ["country", "year", "source_url"], "narratives")
        for country, year, url in zip(narratives["country"].tolist(), narratives["year"].tolist(),
                                      narratives["source_url"].tolist()):
            sources[(str(country), as_int(year, "narratives", "year"))] = as_text(url)
    items = narrative_items(paragraphs)
    by_country: dict[str, dict[int, list[Item]]] = {}
    for (country, year), its in items.items():
        by_country.setdefault(country, {})[year] = its
    matched: dict[str, tuple[str, str]] = {}  # item text -> (groups, kinds): items repeat from year to year
    rows = []
    for country in sorted(by_country):
        years = by_country[country]
        threads = thread_items(years, country)
        for year in sorted(years):
            for item in years[year]:
                thread, first_year = threads[(year, item.rank)]
                found = matched.get(item.text)
                if found is None:
                    found = matched[item.text] = (RECOMMENDATIONS_JOIN.join(item_groups(item.text, lexicon)),
                                                  RECOMMENDATIONS_JOIN.join(classify_kinds(item.text, lexicon)))
                rows.append((country, year, item.rank, item.text, *found,
                             thread, first_year, sources.get((country, year), ""), item.paragraph_index))
    frame = pd.DataFrame(rows, columns=RECOMMENDATIONS_COLUMNS)
    return frame.astype({"year": "int64", "rank": "int64", "first_year": "int64", "paragraph_index": "int64"})


def has_recommendations(section_names) -> bool:
    """Whether a narrative with these section names prints recommendations (coverage.csv's note)."""
    return RECOMMENDATIONS in set(section_names)


@dataclass(frozen=True)
class RankedItem:
    """One recommendation of a year: rank (1 = first), its paragraph, the groups it names."""

    rank: int
    paragraph_index: int
    groups: tuple[str, ...]


def ranked_items(paragraphs: pd.DataFrame, lexicon: Lexicon) -> dict[int, list[RankedItem]]:
    """{year: items in printed order} of one country's paragraphs table (country column ignored).
    A table without a section column (a corpus without sections) gives {}."""
    if "section" not in paragraphs.columns:
        return {}
    frame = paragraphs.assign(country="")
    return {year: [RankedItem(i.rank, i.paragraph_index, tuple(item_groups(i.text, lexicon))) for i in items]
            for (_, year), items in narrative_items(frame).items()}
