"""build_analysis_tables on small synthetic corpora: zeros, positions, rates, section and kwic totals."""
from __future__ import annotations

import gc

import pandas as pd
import pytest

from analysis.collector import paused_gc
from analysis.frames import InputTableError
from analysis.lexicon import LexiconError
from analysis.tables import (
    CLAIMS_COLUMNS, KWIC_COLUMNS, MENTION_SECTIONS_COLUMNS, MENTIONS_COLUMNS, build_analysis_tables, build_count_tables,
)

from .conftest import make_corpus, make_tiers

# SYNTHETIC TEST FIXTURE - not report text.
YEARS = {
    2020: [
        "CHINA: Tier 3. The PRC does not fully meet the minimum standards.",
        "Authorities detained Uyghurs in Xinjiang. Uyghurs were forced to work in factories.",
        "The government did not report investigations. It did not train officials.",
        "Traffickers lure some North Korean women. DPRK authorities punish North Korean women repatriated from the PRC.",
    ],
    2021: [
        "The government did not report data. Officials did not respond.",
        "Women from Burma, Laos, and Vietnam are trafficked to China.",
    ],
    2022: ["North Korean workers remained in the PRC under poor conditions."],
}
SECTIONS = {
    2020: ["INTRODUCTION", "PROSECUTION", "PROSECUTION", "TRAFFICKING PROFILE"],
    2021: ["PROTECTION", "TRAFFICKING PROFILE"],
    2022: ["TRAFFICKING PROFILE"],
}


@pytest.fixture(scope="module")
def tables(lexicon):
    paragraphs, narratives = make_corpus(YEARS, SECTIONS)
    return build_analysis_tables(paragraphs, narratives, make_tiers({2020: ("Tier 3", "reference")}), lexicon, None)


def _row(df, year, group):
    sel = df[(df["year"] == year) & (df["group"] == group)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_columns_follow_the_contract(tables):
    assert list(tables["mentions"].columns) == MENTIONS_COLUMNS
    assert list(tables["mention_sections"].columns) == MENTION_SECTIONS_COLUMNS
    assert list(tables["kwic"].columns) == KWIC_COLUMNS
    assert list(tables["claims"].columns) == CLAIMS_COLUMNS and tables["claims"].empty


def test_zero_rows_are_present_for_every_group_and_year(tables, lexicon):
    m = tables["mentions"]
    assert len(m) == 3 * len(lexicon.groups)
    r = _row(m, 2021, "north_korean")
    assert (r["sentences"], r["term_hits"], r["paragraphs"], r["per_1000_words"], r["share_of_sentences"]) == (0, 0, 0, 0.0, 0.0)
    assert pd.isna(r["first_paragraph_index"]) and pd.isna(r["first_position"])


def test_counts_and_first_position(tables):
    m = tables["mentions"]
    nk = _row(m, 2020, "north_korean")
    assert (nk["sentences"], nk["paragraphs"], nk["first_paragraph_index"]) == (2, 1, 3)
    assert nk["first_position"] == 1.0  # paragraph 3 of 0..3
    assert nk["total_sentences"] == 8
    uy = _row(m, 2020, "uyghur_xinjiang")
    assert (uy["term_hits"], uy["sentences"], uy["first_paragraph_index"]) == (3, 2, 1)
    assert uy["first_position"] == round(1 / 3, 4)
    state = _row(m, 2020, "north_korea_state")
    assert (state["sentences"], state["first_paragraph_index"]) == (1, 3)


def test_one_paragraph_narrative_has_position_zero(tables):
    r = _row(tables["mentions"], 2022, "north_korean")
    assert r["first_paragraph_index"] == 0 and r["first_position"] == 0.0


def test_rates(tables):
    m = tables["mentions"]
    words = sum(len(p.split()) for p in YEARS[2020])
    nk = _row(m, 2020, "north_korean")
    assert nk["word_count"] == words
    assert nk["per_1000_words"] == round(2 / words * 1000, 4)
    assert nk["share_of_sentences"] == round(2 / 8, 4)


def test_mention_sections_add_up_to_mentions(tables):
    s, m = tables["mention_sections"], tables["mentions"]
    totals = s.groupby(["country", "year", "group"])[["term_hits", "sentences", "paragraphs"]].sum().reset_index()
    merged = m.merge(totals, on=["country", "year", "group"], suffixes=("", "_sections"))
    assert len(merged) == len(m)
    for col in ("term_hits", "sentences", "paragraphs"):
        assert (merged[col] == merged[f"{col}_sections"]).all(), col
    per_year = s[s["group"] == "north_korean"].groupby("year")["section_sentences"].sum()
    assert per_year.to_dict() == _row_totals(m)
    sections_2020 = s[(s["year"] == 2020) & (s["group"] == "tibetan")]["section"].tolist()
    assert sections_2020 == ["INTRODUCTION", "PROSECUTION", "TRAFFICKING PROFILE"], "printed order, zeros kept"


def _row_totals(m):
    return m[m["group"] == "north_korean"].set_index("year")["total_sentences"].to_dict()


def test_kwic_rows_match_sentence_counts(tables):
    k, m = tables["kwic"], tables["mentions"]
    counts = k.groupby(["year", "group"]).size()
    for _, r in m.iterrows():
        assert counts.get((r["year"], r["group"]), 0) == r["sentences"], (r["year"], r["group"])


def test_kwic_row_content(tables):
    k = tables["kwic"]
    row = k[(k["year"] == 2020) & (k["group"] == "north_korean")].iloc[0]
    assert row["sentence"] == "Traffickers lure some North Korean women."
    assert (row["paragraph_index"], row["sentence_index"], row["section"]) == (3, 0, "TRAFFICKING PROFILE")
    assert row["quantifiers"] == "some" and row["kinds"] == "other" and row["term"] == "North Korean women"
    assert row["source_url"] == "https://example.test/2020/china/"
    assert (k.loc[k["group"] != "north_korean", "kinds"] == "").all(), "kinds only for north_korean rows"
    second = k[(k["year"] == 2020) & (k["group"] == "north_korean")].iloc[1]
    assert second["kinds"] == "forced_return"
    keys = list(zip(k["year"], k["paragraph_index"], k["sentence_index"]))
    assert keys == sorted(keys)


def test_word_count_falls_back_to_the_paragraphs(lexicon):
    paragraphs, _ = make_corpus({2019: ["North Korean women were sold. Nothing else."]})
    out = build_analysis_tables(paragraphs, None, None, lexicon, None)
    r = _row(out["mentions"], 2019, "north_korean")
    assert r["word_count"] == 7 and r["per_1000_words"] == round(1 / 7 * 1000, 4)


def test_a_year_with_a_narrative_but_no_paragraphs_has_zero_rows(lexicon):
    paragraphs, narratives = make_corpus({2019: ["North Korean women were sold."], 2020: []})
    out = build_analysis_tables(paragraphs, narratives, None, lexicon, None)
    r = _row(out["mentions"], 2020, "north_korean")
    assert r["sentences"] == 0 and r["total_sentences"] == 0 and pd.isna(r["share_of_sentences"])


def test_bad_inputs_get_clear_errors(lexicon):
    paragraphs, narratives = make_corpus({2019: ["x"]})
    with pytest.raises(InputTableError, match=r"paragraphs: missing column\(s\) \['text'\]"):
        build_analysis_tables(paragraphs.drop(columns=["text"]), narratives, None, lexicon, None)
    with pytest.raises(InputTableError, match="column year holds 'soon'"):
        build_analysis_tables(paragraphs.assign(year="soon"), narratives, None, lexicon, None)
    with pytest.raises(LexiconError, match="must be a parsed Lexicon"):
        build_analysis_tables(paragraphs, narratives, None, "data/lexicon.toml", None)


def test_output_is_deterministic(lexicon):
    paragraphs, narratives = make_corpus(YEARS, SECTIONS)
    a = build_analysis_tables(paragraphs, narratives, None, lexicon, None)
    b = build_analysis_tables(paragraphs.sample(frac=1, random_state=3), narratives, None, lexicon, None)
    for key in ("mentions", "mention_sections", "kwic"):
        pd.testing.assert_frame_equal(a[key], b[key].reset_index(drop=True))


def test_the_counting_pauses_the_garbage_collector_and_leaves_it_as_it_found_it(lexicon):
    paras, narr = make_corpus({2020: ["North Korean women were sold."]})
    seen = []
    with paused_gc():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        build_count_tables(paras, narr, lexicon)
        assert not gc.isenabled()  # not switched on behind the caller's back
    finally:
        gc.enable()
    build_count_tables(paras, narr, lexicon)
    assert gc.isenabled()
