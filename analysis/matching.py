"""Find lexicon groups, kinds and quantifiers in text; offsets refer to the text as given.

Rules: the unit is the sentence. Each pattern of a group is matched on its own, within one
sentence (case-insensitive, word-bounded, typographic quotes folded); overlapping matches of one
group merge into one hit; a pattern with a named group `(?P<hit>...)` counts only that part of its match
as the hit (the rest is context). A pattern with `requires`
(`unless`) counts only when the sentence holding the match start does (not) match that regex.
A group with `yield_to` drops every hit that overlaps a hit of the groups named there: this is
how "North Korea" inside "women from North Korea" counts for north_korean and not for
north_korea_state, while "DPRK authorities" in the same sentence still counts as state.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from analysis.anchors import AnchorFilter, lower_folded
from analysis.lexicon import Lexicon
from analysis.sentences import Sentence, split_sentences
from analysis.text import collapse_whitespace, fold


class Match(NamedTuple):
    """One hit of a group: text[start:end] as printed; term is that text with whitespace collapsed.
    (A named tuple, like analysis.sentences.Sentence: made several times faster than a dataclass.)"""

    start: int
    end: int
    group: str
    term: str


@dataclass(frozen=True)
class QuantifierMatch:
    """One quantifier phrase: its class slug (lexicon [quantifiers.*]) and lowercased text."""

    start: int
    end: int
    cls: str
    text: str


@dataclass(frozen=True)
class ParagraphScan:
    """A paragraph split into sentences, with the group hits of each sentence (same order)."""

    sentences: list[Sentence]
    matches: list[list[Match]]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(os < e and s < oe for os, oe in others)


def _hit_span(m) -> tuple[int, int]:
    """The span a pattern match counts for: its named group `hit` when it has one, else all of it."""
    if "hit" in m.re.groupindex and m.start("hit") >= 0:
        return m.span("hit")
    return m.span()


def _sentences_holding(hay: str, anchor: str, starts: list[int], ends: list[int]) -> set[int]:
    """Indexes of the sentences whose own text holds anchor. hay is anchor_text of the paragraph,
    sentence k spans hay[starts[k]:ends[k]]: an occurrence at i lies in the last sentence starting
    at or before i, or in none."""
    found: set[int] = set()
    i = hay.find(anchor)
    while i >= 0:
        k = bisect_right(starts, i) - 1
        if k >= 0 and i + len(anchor) <= ends[k]:
            found.add(k)
        i = hay.find(anchor, i + 1)
    return found


SentenceHits = tuple[tuple[int, int, str], ...]  # (start, end, group) in one sentence, in reading order


def _sentence_hits(chunk: str, slugs: list[str], lexicon: Lexicon) -> SentenceHits:
    """The hits in one folded sentence of the groups `slugs` (those whose anchors it holds, in
    lexicon order): each group's matches merged, yield_to applied, sorted by start then group."""
    out: dict[str, list[tuple[int, int]]] = {}
    for slug in slugs:
        spans: list[tuple[int, int]] = []
        for pat in lexicon.groups[slug].patterns:
            if pat.regex.search(chunk) is None:  # the common case, in one call
                continue
            # requires/unless look at the whole sentence: test them once, only when it has hits
            if pat.requires is not None and not pat.requires.search(chunk):
                continue
            if pat.unless is not None and pat.unless.search(chunk):
                continue
            spans.extend(sp for sp in map(_hit_span, pat.regex.finditer(chunk)) if sp[0] < sp[1])
        if spans:
            out[slug] = _merge(spans)
    for slug in list(out):
        blockers = [sp for other in lexicon.groups[slug].yield_to for sp in out.get(other, [])]
        if blockers:
            kept = [sp for sp in out[slug] if not _overlaps(sp, blockers)]
            if kept:
                out[slug] = kept
            else:
                del out[slug]
    ranked = sorted((s, i, e, slug) for i, (slug, spans) in enumerate(out.items()) for s, e in spans)
    return tuple((s, e, slug) for s, _i, e, slug in ranked)


def _paragraph_hits(text: str, sentences: list[Sentence], lexicon: Lexicon, memo: dict[str, SentenceHits] | None,
                    present: list[str] | None) -> list[SentenceHits]:
    """The hits of each sentence (offsets in the sentence). Patterns run sentence by sentence (a hit
    never spans two sentences), only on sentences holding one of the group's anchors; what a
    sentence holds depends on its folded text alone, so memo (folded sentence -> hits) may serve
    every repeat of a sentence. present: AnchorFilter.present(text), when the caller has it."""
    folded = fold(text)
    hay = lower_folded(folded)  # anchor_text of the paragraph: per character, as of each sentence
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    prefilter = AnchorFilter.of(lexicon)
    if present is None:
        present = prefilter.found_in(hay)
    candidates: dict[int, set[int]] = {}  # sentence -> groups to try there (indexes in lexicon order)
    for a in present:
        groups = prefilter.groups_of[a]
        for k in _sentences_holding(hay, a, starts, ends):
            candidates.setdefault(k, set()).update(groups)
    if prefilter.unanchored:
        for k in range(len(sentences)):
            candidates.setdefault(k, set()).update(prefilter.unanchored)
    per: list[SentenceHits] = [()] * len(sentences)
    for k, groups in candidates.items():
        chunk = folded[starts[k] : ends[k]]
        hits = memo.get(chunk) if memo is not None else None
        if hits is None:
            hits = _sentence_hits(chunk, [prefilter.slugs[i] for i in sorted(groups)], lexicon)
            if memo is not None:
                memo[chunk] = hits
        per[k] = hits
    return per


def scan_paragraph(text: str, lexicon: Lexicon, memo: dict[str, SentenceHits] | None = None,
                   present: list[str] | None = None) -> ParagraphScan:
    """Split one paragraph into sentences and find every group hit, grouped per sentence.

    memo, when given, is a dict kept between calls WITH THE SAME LEXICON (scan_corpus keeps one):
    a sentence met again is not matched again. present: the anchors AnchorFilter.of(lexicon)
    .present(text) found, when the caller has them (not looked for again)."""
    sentences = split_sentences(text)
    if not sentences:
        return ParagraphScan(sentences, [])
    matches: list[list[Match]] = []
    for sent, hits in zip(sentences, _paragraph_hits(text, sentences, lexicon, memo, present)):
        if not hits:  # most sentences of a paragraph
            matches.append([])
            continue
        at = sent.start
        matches.append([Match(at + s, at + e, slug, collapse_whitespace(text[at + s : at + e])) for s, e, slug in hits])
    return ParagraphScan(sentences, matches)


def find_matches(text: str, lexicon: Lexicon) -> list[Match]:
    """All group hits in one text (e.g. a paragraph), sorted by start: for highlighting."""
    scan = scan_paragraph(text, lexicon)
    order = {slug: i for i, slug in enumerate(lexicon.groups)}
    return sorted((m for hits in scan.matches for m in hits), key=lambda m: (m.start, order[m.group]))


def sentence_groups(sentence: str, lexicon: Lexicon) -> set[str]:
    """The set of group slugs a single sentence counts for."""
    return {m.group for m in find_matches(sentence, lexicon)}


def classify_kinds(sentence: str, lexicon: Lexicon) -> tuple[str, ...]:
    """Kinds of exploitation named in a sentence, in lexicon order; the fallback kind if none."""
    folded = fold(sentence)
    found = tuple(k.slug for k in lexicon.kinds.values() if not k.fallback and k.named_in(folded))
    if found:
        return found
    return tuple(k.slug for k in lexicon.kinds.values() if k.fallback)


def find_quantifiers(text: str, lexicon: Lexicon) -> list[QuantifierMatch]:
    """Quantifier phrases in a text, left to right; where two could start at one place the
    pattern listed first in the lexicon wins."""
    folded = fold(text)
    out: list[QuantifierMatch] = []
    for m in lexicon.quantifier_regex.finditer(folded):
        phrase = collapse_whitespace(text[m.start() : m.end()]).lower()
        out.append(QuantifierMatch(m.start(), m.end(), lexicon.quantifier_class_of(m), phrase))
    return out
