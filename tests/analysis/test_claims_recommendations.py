"""The `recommendations` claim check: does a year's list of recommendations ask for North Korean
victims, and how high? SYNTHETIC TEST FIXTURES - the wordings are written for these tests."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.claims import CHECKS, ClaimsError, evaluate_claims
from analysis.claims_recommendations import LOW_RANK_SHARE, check_recommendations
from analysis.schema import NEEDS_DATA, NOT_SUPPORTED, PARTLY, RECOMMENDATIONS, SUPPORTED
from analysis.tables import build_analysis_tables

from .conftest import make_corpus

NK_ASK = "Cease the forcible return of North Korean refugees and asylum-seekers."
OTHER = ["End forced labor in Xinjiang.", "Criminalize sex trafficking.", "Train officials.", "Fund shelters."]


def _claims(year=2021, arg="north_korean"):
    return pd.DataFrame([{"claim_id": "recs", "claim": "c", "quote": "q", "citation": "x", "figure": "",
                          "denominator": "", "report_year": year, "check": "recommendations", "check_arg": arg}])


def _evaluate(lexicon, recommendations, year=2021, arg="north_korean", one_paragraph=False):
    """A 2021 narrative: an introduction, the recommendations (list items, or one paragraph of
    clauses), a protection paragraph naming North Koreans (outside the recommendations)."""
    recs = ["; ".join(recommendations)] if one_paragraph else list(recommendations)
    paras = ["Therefore the PRC remained on Tier 3.", *recs, "Authorities detained North Korean women."]
    sections = ["INTRODUCTION", *[RECOMMENDATIONS] * len(recs), "PROTECTION"]
    paragraphs, narratives = make_corpus({2021: paras}, {2021: sections})
    tables = build_analysis_tables(paragraphs, narratives, None, lexicon, _claims(year, arg))
    return tables["claims"].iloc[0]


def test_the_check_is_registered_with_its_rule():
    assert CHECKS["recommendations"] is check_recommendations
    assert f"{LOW_RANK_SHARE:.0%}" in check_recommendations.rule


def test_no_recommendation_naming_north_koreans_supports_the_claim(lexicon):
    row = _evaluate(lexicon, OTHER)
    assert row["verdict"] == SUPPORTED
    label = lexicon.groups['north_korean'].label
    assert row["evidence"] == f"2021: none of the 4 recommendations names {label}."
    assert row["links"] == "2021:1"
    assert row["rule"].startswith("Reads the recommendations of the 2021 narrative") and "north_korean" not in row["rule"]
    assert label in row["rule"] and row["tested"] and row["meaning"].endswith("the claim holds.")


def test_a_low_ranked_ask_partly_supports_it(lexicon):
    row = _evaluate(lexicon, [*OTHER, NK_ASK])  # rank 5 of 5
    assert row["verdict"] == PARTLY
    assert "1 of 5 recommendations name North Korean people (rank 5 of 5)" in row["evidence"]
    assert row["links"] == "2021:5"


def test_a_high_ranked_ask_does_not_support_it(lexicon):
    row = _evaluate(lexicon, [OTHER[0], NK_ASK, *OTHER[1:], "Screen North Korean workers."])
    assert row["verdict"] == NOT_SUPPORTED
    assert "2 of 6 recommendations name North Korean people (rank 2, 6 of 6)" in row["evidence"]
    assert row["links"] == "2021:2;2021:6"


def test_the_boundary_of_the_upper_part_of_the_list(lexicon):
    # rank 2 of 4 is exactly LOW_RANK_SHARE of the list: still in its upper part
    assert _evaluate(lexicon, [OTHER[0], NK_ASK, *OTHER[1:3]])["verdict"] == NOT_SUPPORTED
    assert _evaluate(lexicon, [*OTHER[:2], NK_ASK, OTHER[2]])["verdict"] == PARTLY


def test_the_clauses_of_one_paragraph_are_ranked_too(lexicon):
    row = _evaluate(lexicon, [*OTHER, NK_ASK], one_paragraph=True)
    assert row["verdict"] == PARTLY and "(rank 5 of 5)" in row["evidence"]
    assert row["links"] == "2021:1"


def test_needs_data_without_recommendations_or_without_the_year(lexicon):
    row = _evaluate(lexicon, [])
    assert row["verdict"] == NEEDS_DATA and "prints no recommendations" in row["evidence"]
    row = _evaluate(lexicon, OTHER, year=2019)
    assert row["verdict"] == NEEDS_DATA and "not in the data" in row["evidence"]


def test_an_unknown_group_is_a_clear_error(lexicon):
    with pytest.raises(ClaimsError, match="not in the lexicon"):
        _evaluate(lexicon, OTHER, arg="martians")


def test_a_paragraphs_table_without_sections_needs_data(lexicon):
    paragraphs, narratives = make_corpus({2021: [NK_ASK]})
    paragraphs = paragraphs.drop(columns=["section"])
    mentions = pd.DataFrame({"year": [2021], "group": ["north_korean"], "sentences": [1], "total_sentences": [1]})
    kwic = pd.DataFrame(columns=["year", "group", "kinds", "quantifiers", "paragraph_index", "sentence"])
    row = evaluate_claims(_claims(), mentions, kwic, None, paragraphs, lexicon).iloc[0]
    assert row["verdict"] == NEEDS_DATA
