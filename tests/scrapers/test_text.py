"""Text normalisation: typographic characters to ASCII, non-breaking spaces, collapsed whitespace."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.parse.text import _LEFTOVER_SPACE_ENTITIES, _TRANSLATION, fold_case, normalise_text, word_count


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("People\u2019s Republic", "People's Republic"),
        ("\u2018re-education\u2019 camps", "'re-education' camps"),
        ("\u201cvocational training centers\u201d", '"vocational training centers"'),
        ("Tier\u00a03", "Tier 3"),
        ("Tier&nbsp;3", "Tier 3"),
        ("Tier&NBSP;3 and&#160;more", "Tier 3 and more"),
        ("  North\n\tKorean   women  ", "North Korean women"),
        ("soft\u00adhyphen and zero\u200bwidth", "softhyphen and zerowidth"),
        ("wait\u2026", "wait..."),
        ("\ufeffBOM first", "BOM first"),
        ("", ""),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_normalise_text_keeps_ordinary_text_unchanged():
    text = "China is placed on Tier 2 Watch List; AT&T - 2,000 (PRC)."
    assert normalise_text(text) == text


def test_fold_is_case_insensitive_and_normalised():
    assert fold_case("PEOPLE\u2019S  REPUBLIC") == fold_case("people's republic") == "people's republic"


def test_word_count():
    assert word_count(normalise_text("North\u00a0Korean women  and girls")) == 5
    assert word_count("") == 0


# The characters normalise_text treats specially, whitespace of every kind str.split() knows, and a
# few ordinary ones: generated texts are mostly the cases its shortcuts must get right.
_TRICKY = st.lists(st.sampled_from(
    [" ", "  ", "a", "B", "&", "&nbsp;", "&amp;nbsp;", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
     "\xa0", "\u1680", "\u2000", "\u2009", "\u2028", "\u2029", "\u202f", "\u3000", "\u200b", "\u00ad", "\ufeff",
     "\u2019", "\u201c", "\u2026", "\u00e9", "\x7f"]), max_size=12).map("".join)


@given(_TRICKY)
@settings(max_examples=600, deadline=None)
def test_normalise_text_equals_the_plain_rule(text):
    """Its shortcuts (printable text trimmed instead of split) give what the plain rule gives: the
    translation table applied, leftover space entities as spaces, whitespace runs collapsed."""
    plain = _LEFTOVER_SPACE_ENTITIES.sub(" ", text.translate(_TRANSLATION))
    assert normalise_text(text) == " ".join(plain.split())
