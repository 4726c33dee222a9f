"""count_phrase: literal vs regex search, zero rows, and clear errors on bad patterns."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.search import PatternError, count_phrase

from .conftest import make_corpus

# SYNTHETIC TEST FIXTURE - not report text.
PARAGRAPHS, _ = make_corpus({
    2019: ["The U.S. Government met. North\nKorean women were sold; north korean girls too.", "No match here."],
    2020: ["Nothing about it.", "UXS officials met."],
    2021: ["North Korea\u2019s workers. North Korea's workers.", "North Korean women. Uyghurs."],
})


def _as_dict(df: pd.DataFrame) -> dict[int, tuple[int, int, int]]:
    return {r.year: (r.hits, r.sentences, r.paragraphs) for r in df.itertuples()}


def test_literal_is_case_insensitive_and_crosses_line_breaks():
    out = count_phrase(PARAGRAPHS, "north korean")
    assert list(out.columns) == ["year", "hits", "sentences", "paragraphs"]
    assert _as_dict(out) == {2019: (2, 1, 1), 2020: (0, 0, 0), 2021: (1, 1, 1)}


def test_every_year_has_a_row_with_zeros_kept():
    out = count_phrase(PARAGRAPHS, "Tibet")
    assert out["year"].tolist() == [2019, 2020, 2021]
    assert out[["hits", "sentences", "paragraphs"]].to_numpy().sum() == 0


def test_literal_treats_regex_characters_literally():
    assert _as_dict(count_phrase(PARAGRAPHS, "U.S."))[2020] == (0, 0, 0)
    assert _as_dict(count_phrase(PARAGRAPHS, "U.S.", regex=True))[2020] == (1, 1, 1)


def test_typographic_apostrophes_are_folded():
    assert _as_dict(count_phrase(PARAGRAPHS, "North Korea's workers"))[2021] == (2, 2, 1)
    assert _as_dict(count_phrase(PARAGRAPHS, "North Korea\u2019s workers"))[2021] == (2, 2, 1)


def test_regex_search():
    out = _as_dict(count_phrase(PARAGRAPHS, r"north\s+korean\s+(women|girls)", regex=True))
    assert out == {2019: (2, 1, 1), 2020: (0, 0, 0), 2021: (1, 1, 1)}


@pytest.mark.parametrize(
    "pattern, regex, message",
    [
        ("(unclosed", True, "not a valid regular expression"),
        ("", False, "empty"),
        ("   ", True, "empty"),
        ("x*", True, "matches empty text"),
        ("a" * 501, False, "longer than 500"),
    ],
)
def test_bad_patterns_raise_pattern_error(pattern, regex, message):
    with pytest.raises(PatternError, match=message):
        count_phrase(PARAGRAPHS, pattern, regex=regex)


def test_literal_with_regex_characters_is_not_an_error():
    assert count_phrase(PARAGRAPHS, "(unclosed")["hits"].sum() == 0


def test_missing_column_is_reported():
    with pytest.raises(ValueError, match="missing column"):
        count_phrase(PARAGRAPHS.drop(columns=["text"]), "x")


def test_a_runaway_regex_is_stopped_by_the_time_limit():
    # (a|aa)+$ backtracks exponentially on a long run of a's that ends in another character
    paragraphs = pd.DataFrame({"year": [2021], "text": ["a" * 40 + "!"]})
    with pytest.raises(PatternError, match="took longer than 0.2 s"):
        count_phrase(paragraphs, "(a|aa)+$", regex=True, timeout=0.2)


def test_a_time_limit_does_not_change_the_counts():
    paragraphs = pd.DataFrame({"year": [2020, 2021], "text": ["North Korean women. Some North Korean girls.", "None."]})
    plain = count_phrase(paragraphs, r"north korean (women|girls)", regex=True)
    limited = count_phrase(paragraphs, r"north korean (women|girls)", regex=True, timeout=5)
    pd.testing.assert_frame_equal(plain, limited)
    assert plain.hits.tolist() == [2, 0] and plain.sentences.tolist() == [2, 0]
