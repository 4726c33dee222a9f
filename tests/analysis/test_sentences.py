"""The sentence splitter: properties (no text lost or duplicated, offsets round-trip) and examples."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.sentences import _END_FOLLOWS, _END_RE, _abbreviation_lookbehinds, count_sentences, split_sentences

ALPHABET = list("abcXYZ .!?\n\t\"'()0123456789,;") + ["U.S.", "e.g.", "No.", "Dr.", " J. ", "3.5", "\u2019", "\u201d", "\u00a0", "etc."]
texts = st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join)


def _check_invariants(text: str) -> None:
    sentences = split_sentences(text)
    assert count_sentences(text) == len(sentences), "the counter counts what the splitter splits"
    previous_end = 0
    for s in sentences:
        assert s.text == text[s.start:s.end], "offsets round-trip"
        assert s.text and s.text == s.text.strip(), "no empty or padded sentence"
        assert s.start >= previous_end, "in order, non-overlapping"
        assert text[previous_end:s.start].strip() == "", "only whitespace between sentences"
        previous_end = s.end
    assert text[previous_end:].strip() == "", "only whitespace after the last sentence"
    kept = "".join(ch for s in sentences for ch in s.text if not ch.isspace())
    assert kept == "".join(ch for ch in text if not ch.isspace()), "every non-space character exactly once"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_no_text_lost_or_duplicated(text):
    _check_invariants(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_invariants_hold_for_any_unicode_text(text):
    _check_invariants(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. Government funded shelters. Officials agreed.", ["The U.S. Government funded shelters.", "Officials agreed."]),
        ("Under Decree No. 5 the law changed. It took effect.", ["Under Decree No. 5 the law changed.", "It took effect."]),
        ("Some groups, e.g. Uyghurs, were targeted. Others were not.", ["Some groups, e.g. Uyghurs, were targeted.", "Others were not."]),
        ("Women, i.e. North Koreans, were sold. Police knew.", ["Women, i.e. North Koreans, were sold.", "Police knew."]),
        ("Dr. Kim and Mr. Lee testified. They left.", ["Dr. Kim and Mr. Lee testified.", "They left."]),
        ("A report by J. Smith found abuse. It was published.", ["A report by J. Smith found abuse.", "It was published."]),
        ("Convictions rose 3.5 percent. Prosecutions fell.", ["Convictions rose 3.5 percent.", "Prosecutions fell."]),
        ("The law passed in Jan. 2020 after debate. It applies now.", ["The law passed in Jan. 2020 after debate.", "It applies now."]),
        ("It trained approx. 300 officials. Few attended.", ["It trained approx. 300 officials.", "Few attended."]),
        ("The P.R.C. Government did not respond. NGOs did.", ["The P.R.C. Government did not respond.", "NGOs did."]),
        ("Officials said \u201cno victims were found.\u201d Observers disagreed.", ["Officials said \u201cno victims were found.\u201d", "Observers disagreed."]),
        ("Was it forced labor? Yes! It was.", ["Was it forced labor?", "Yes!", "It was."]),
        ("The PRC (see the TVPA). The end.", ["The PRC (see the TVPA).", "The end."]),
        ("It included shelters, hotlines, etc. The plan ended.", ["It included shelters, hotlines, etc.", "The plan ended."]),
        ("It included shelters, etc. and hotlines.", ["It included shelters, etc. and hotlines."]),
        ("First paragraph line\n\nSecond after a blank line", ["First paragraph line", "Second after a blank line"]),
        ("North\nKorean women were sold. Next.", ["North\nKorean women were sold.", "Next."]),
        ("", []),
        ("   \n ", []),
        ("No final period", ["No final period"]),
    ],
)
def test_examples(text, expected):
    assert [s.text for s in split_sentences(text)] == expected
    _check_invariants(text)


def test_rejects_non_text():
    with pytest.raises(TypeError, match="expects a str"):
        split_sentences(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="count_sentences expects a str"):
        count_sentences(b"A. B.")  # type: ignore[arg-type]


LINES = ALPHABET + ["\n\n", "\n \n", "\n\n\n\n", " \n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=60).map("".join))
def test_count_equals_the_split_with_and_without_line_breaks(text):
    assert count_sentences(text) == len(split_sentences(text))


TAILS = ["", ".", "!", "?", "...", "?!", ".)", ".\u201d", "\u2019.", "]", ")", ".]\"", " ", "\u00a0", "\t", " x", "3.5"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET[:-10] + ["U.S.", "No.", "e.g.", "etc.", " J.", "A."]), max_size=12).map("".join),
       st.lists(st.sampled_from(TAILS), max_size=6).map("".join))
def test_count_equals_the_split_whatever_ends_the_text(body, tail):
    """The counter decides whether text is left after the last sentence end from the run of end marks
    and closers that ends the text: try many such runs, after abbreviations and initials too."""
    text = (body + tail).replace("\n", " ")
    assert count_sentences(text) == len(split_sentences(text))


@pytest.mark.parametrize("text, count", [
    ("Rain fell. Then snow.", 2), ("Rain fell. Then snow", 2), ("Rain.   ", 1), ("A. B.", 1),
    ("Dr. Kim left. U.S. aid.", 2), ("x", 1), ("", 0), ("  ", 0), ("Rain\n\n\n\nSnow", 2), ("\n\n\n\n", 0), ("Done!\u201d Next?", 2),
])
def test_count_examples(text, count):
    assert count_sentences(text) == count == len(split_sentences(text))


# The sentence-end rule as the module docstring states it, written plainly: the splitter's regex is
# this rule rearranged for speed and must find exactly the same ends.
RULE = re.compile(rf"(?:\.[.!?]+|[!?][.!?]*|\.{_abbreviation_lookbehinds()}){_END_FOLLOWS}")
ENDS = ALPHABET + ["...", "?!", "!.", ".?", "?..", "\u201d.", ".)", "No..", "etc.", "Approx.", "A.B.", " "]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(ENDS), max_size=60).map("".join), st.text(max_size=80)))
def test_the_fast_end_regex_finds_what_the_rule_finds(text):
    assert [m.span() for m in _END_RE.finditer(text)] == [m.span() for m in RULE.finditer(text)]


def test_the_fast_end_regex_on_real_sentences():
    here = Path(__file__).parent
    for name in ("real_sentences.csv", "labelled_sentences.csv"):
        with open(here / name, encoding="utf-8") as fh:
            rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
        text = " ".join(r["sentence"] for r in rows)
        assert [m.span() for m in _END_RE.finditer(text)] == [m.span() for m in RULE.finditer(text)]
