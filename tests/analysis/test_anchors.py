"""The anchor prefilter (analysis.anchors) is conservative: a text it rules out holds no group hit.

Proved three ways: (1) from the regex syntax of every group pattern of data/lexicon.toml (each
match contains one of the group's anchors, as the regex engine compares characters); (2) on texts
hypothesis generates from each pattern; (3) on the real and labelled sentences (and mixes of them
with generated matches and odd characters), where scanning with the prefilter gives exactly what
scanning every paragraph gives.
"""
from __future__ import annotations

import csv
import re
import re._constants as _C  # opcodes of the stdlib regex parser (LITERAL, BRANCH, ...)
import re._parser as sre_parse  # the stdlib regex parser: the syntax tree the proof walks
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.anchors import IGNORECASE_ASCII, AnchorFilter, anchor_text, lower_folded
from analysis.corpus import scan_corpus
from analysis.lexicon import parse_lexicon
from analysis.matching import find_matches
from analysis.text import fold
from .conftest import make_corpus

HERE = Path(__file__).parent


def _sentences(name: str) -> list[str]:
    with open(HERE / name, encoding="utf-8") as fh:
        return [row["sentence"] for row in csv.DictReader(line for line in fh if not line.startswith("#"))]


REAL = _sentences("real_sentences.csv")
LABELLED = _sentences("labelled_sentences.csv")


_LIMIT = 64  # the most spellings a window of the proof enumerates


def _spellings(items) -> set[str] | None:
    """Every string (anchor text) the parsed sequence can match, when they are few and all ASCII
    literals (a fixed word, an optional letter, a small alternation); None otherwise."""
    out = {""}
    for op, av in items:
        if op is _C.LITERAL and av < 128:
            options = {chr(av).lower()}
        elif op is _C.IN and all(o is _C.LITERAL and v < 128 for o, v in av):
            options = {chr(v).lower() for _, v in av}
        elif op is _C.SUBPATTERN:
            options = _spellings(av[3])
        elif op is _C.BRANCH:
            branches = [_spellings(b) for b in av[1]]
            options = None if None in branches else set().union(*branches)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[1] <= 3:
            body = _spellings(av[2])
            options = None if body is None else {"".join(t) for k in range(av[0], av[1] + 1) for t in _product(body, k)}
        else:
            return None
        if options is None or len(out) * len(options) > _LIMIT:
            return None
        out = {x + y for x in out for y in options}
    return out


def _product(body: set[str], k: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [()]
    for _ in range(k):
        rows = [r + (b,) for r in rows for b in body]
    return rows


def _proves(items, anchors: tuple[str, ...]) -> bool:
    """True when every match of the parsed regex sequence `items` contains one of `anchors` in its
    anchor text. Sound, not complete: a window of consecutive items whose every spelling holds an
    anchor proves it (a match contains one of the spellings, lowercased by anchor_text); a group or
    a repeat of at least once proves what its body proves; an alternation proves what all its
    branches prove. Everything else proves nothing."""
    items = list(items)
    for i in range(len(items)):
        for j in range(i + 1, len(items) + 1):
            spellings = _spellings(items[i:j])
            if spellings is None:
                break
            if all(any(a in s for a in anchors) for s in spellings):
                return True
    for op, av in items:
        if op is _C.SUBPATTERN and _proves(av[3], anchors):
            return True
        if op is _C.ATOMIC_GROUP and _proves(av, anchors):
            return True
        if op is _C.BRANCH and all(_proves(branch, anchors) for branch in av[1]):
            return True
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and av[0] >= 1 and _proves(av[2], anchors):
            return True
    return False


def _group_patterns(lexicon):
    return [(g.slug, i, p) for g in lexicon.groups.values() for i, p in enumerate(g.patterns)]


def test_every_group_has_anchors(lexicon):
    """Without anchors on every group there is no prefilter (every paragraph would be split)."""
    assert all(g.anchors for g in lexicon.groups.values())
    assert not AnchorFilter.of(lexicon).always and AnchorFilter.of(lexicon).plain


def test_every_pattern_contains_an_anchor_by_its_syntax(lexicon):
    unproved = [(slug, i, p.source) for slug, i, p in _group_patterns(lexicon)
                if not _proves(sre_parse.parse(p.regex.pattern, p.regex.flags), lexicon.groups[slug].anchors)]
    assert unproved == []


def test_the_proof_rejects_a_pattern_without_its_anchor():
    """The proof can fail: an optional anchor, an alternative without one, a class in its place."""
    for src in ("(?:Korea)?n", "Korea|Seoul", "K[oe]rea", "Kor.a", "Kor\\wa", "Uy?ghur"):
        assert not _proves(sre_parse.parse(src, re.IGNORECASE), ("korea", "uyghur")), src
    for src in ("North Korea", "(?:North |South )Korean", "x{1,3}(?:korea)+", "K[o]rea", "Uy?ghur"):
        assert _proves(sre_parse.parse(src, re.IGNORECASE), ("korea", "uyghur", "ughur")), src


def test_an_unanchored_or_non_ascii_lexicon_has_no_prefilter(lexicon_text):
    unanchored = parse_lexicon(re.sub(r'(?m)^anchors = \["tibet"\]$', "", lexicon_text))
    assert AnchorFilter.of(unanchored).always and AnchorFilter.of(unanchored).may_match("nothing here")
    accented = parse_lexicon(lexicon_text.replace('anchors = ["tibet"]', 'anchors = ["tibét"]'))
    assert AnchorFilter.of(accented).always and AnchorFilter.of(accented).group_anchors["tibetan"] == ()
    # a group whose anchor the filter cannot use is tried on every sentence, so it still counts
    assert [m.group for m in find_matches("Tibet is far.", accented)] == ["tibetan"]


def test_ignorecase_ascii_lists_every_character_the_regex_engine_equates_to_an_anchor_character(lexicon):
    """Every code point that, folded, re.IGNORECASE matches to a character of an anchor becomes
    that character in anchor_text: the anchor test sees what the patterns see."""
    chars = sorted({ch for g in lexicon.groups.values() for a in g.anchors for ch in a} | set("abcdefghijklmnopqrstuvwxyz"))
    any_of = re.compile("[" + "".join(re.escape(c) for c in chars) + "]", re.IGNORECASE)
    seen = {}
    for code in range(0x110000):
        folded = fold(chr(code))
        if any_of.fullmatch(folded):
            targets = [c for c in chars if re.fullmatch(re.escape(c), folded, re.IGNORECASE)]
            assert lower_folded(folded) in targets, (hex(code), targets)
            if code >= 128:
                seen[chr(code)] = lower_folded(folded)
    assert seen == IGNORECASE_ASCII


@pytest.mark.parametrize("text", ["PHİLİPPİNES", "Ruſsia", "\u212aorea", "Viet\u00a0Nam", "T\u0131bet", "plain"])
def test_anchor_text_keeps_offsets(text):
    assert len(anchor_text(text)) == len(text)
    assert anchor_text(text) == lower_folded(fold(text))


_FILTER_CASES = [(slug, i) for slug, i, _ in _group_patterns(parse_lexicon((HERE.parents[1] / "data" / "lexicon.toml").read_text(encoding="utf-8")))]


@pytest.mark.parametrize("slug,index", _FILTER_CASES)
def test_texts_generated_from_each_pattern_pass_the_filter(lexicon, slug, index):
    pattern = lexicon.groups[slug].patterns[index].regex
    prefilter = AnchorFilter.of(lexicon)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern))
    def check(text):
        m = pattern.search(fold(text))
        if m is None:  # the generated text matches before folding only
            return
        assert any(a in anchor_text(m.group()) for a in lexicon.groups[slug].anchors), m.group()
        assert prefilter.may_match(text)

    check()


def _spelled(lexicon) -> list[str]:
    """Each group pattern's literal spellings: the words of its source, as written."""
    out = []
    for _slug, _i, p in _group_patterns(lexicon):
        out.extend(w for w in re.findall(r"[A-Za-z][A-Za-z.']+", p.source) if len(w) > 2)
    return out


ODD = ["\u0130", "\u0131", "\u017f", "\u212a", "\u2019", "\u201c", "\u00a0", "\n", "\n\n", "\t", ". ", "? ", " "]


def _scan_equal(lexicon, unanchored, paragraphs: list[str]) -> None:
    paras, narr = make_corpus({2020: paragraphs})
    with_filter = scan_corpus(paras, narr, lexicon)
    without = scan_corpus(paras, narr, unanchored)
    assert with_filter.hits == without.hits
    assert with_filter.years == without.years


@pytest.fixture(scope="module")
def unanchored(lexicon_text):
    """The same lexicon with no anchors: every paragraph split and matched (no prefilter)."""
    lex = parse_lexicon(re.sub(r"(?m)^anchors = .*$", "", lexicon_text))
    assert AnchorFilter.of(lex).always
    return lex


def test_prefilter_changes_nothing_on_real_and_labelled_sentences(lexicon, unanchored):
    _scan_equal(lexicon, unanchored, REAL + LABELLED + [" ".join(REAL[i:i + 3]) for i in range(0, len(REAL), 3)])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_prefilter_changes_nothing_on_mixed_paragraphs(lexicon, unanchored, data):
    pool = REAL + LABELLED + _spelled(lexicon) + ["Trafficking victims were identified.", "No. 3 and Dr. Smith left."]
    pieces = st.lists(st.one_of(st.sampled_from(pool), st.sampled_from(ODD), st.text(max_size=8)), max_size=8).map("".join)
    _scan_equal(lexicon, unanchored, data.draw(st.lists(pieces, min_size=1, max_size=5)))


def test_a_paragraph_without_anchors_adds_only_its_sentences(lexicon):
    paras, narr = make_corpus({2020: ["One sentence. Two sentences! Three?", "Officials in Korea, North and Tibet met."]})
    scan = scan_corpus(paras, narr, lexicon)
    assert scan.years[("china", 2020)].total_sentences == 4
    assert {h.group for h in scan.hits} == {"north_korea_state", "tibetan"}
    assert all(h.paragraph_index == 1 for h in scan.hits)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.sampled_from(["korea", "dprk", "d.p.r.k.", "LAOS", "laotian", "Viet", "burma", "KACHIN"]),
                          st.sampled_from(ODD), st.text(max_size=6)), max_size=10).map("".join))
def test_present_finds_every_anchor_a_substring_test_finds(lexicon, text):
    """One Aho-Corasick pass reports exactly the anchors a substring test of each would: each once, in
    the order of `anchors`, overlapping ones and one inside another included."""
    prefilter = AnchorFilter.of(lexicon)
    assert prefilter.present(text) == [a for a in prefilter.anchors if a in anchor_text(text)]


def test_present_reports_an_anchor_inside_another_and_overlapping_ones():
    lex = parse_lexicon('[groups.a]\nlabel = "A"\nanchors = ["ab", "b", "bc", "abcd"]\npatterns = ["abcd"]\n')
    prefilter = AnchorFilter.of(lex)
    assert prefilter.present("xABCDx") == ["ab", "b", "bc", "abcd"]
    assert prefilter.present("bcb") == ["b", "bc"]
    assert prefilter.present("nothing") == []
