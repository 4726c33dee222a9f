"""Every verdict value of every claim rule, on small synthetic tables (SYNTHETIC - not report text)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.claims import (
    ATTACH_AFTER_WORDS, ATTACH_BEFORE_WORDS, CHECKS, CLAIM_RULES, CLAIMS_INPUT_COLUMNS, FOCUS_SUPPORTED_RATIO,
    UNDERWEIGHT_MIN_YEARS, ClaimsError, attached_quantifiers,
)
from analysis.schema import VERDICTS
from analysis.tables import build_analysis_tables

from .conftest import make_corpus, make_tiers

FILLER = "The government did not report data on investigations."
SOME = "Traffickers lure, drug, detain, or kidnap some North Korean women upon their arrival in the PRC."


def claim(check: str, check_arg: str = "", report_year: int | None = 2021, figure: str = "", claim_id: str = "c1") -> dict:
    return {"claim_id": claim_id, "claim": "A claim.", "quote": "a quote", "citation": "Hynes 2022", "figure": figure,
            "denominator": "", "report_year": report_year, "check": check, "check_arg": check_arg}


def run(lexicon, years: dict[int, list[str]], claims: list[dict], tiers: dict | None = None) -> pd.DataFrame:
    paragraphs, narratives = make_corpus(years)
    table = pd.DataFrame(claims, columns=CLAIMS_INPUT_COLUMNS)
    out = build_analysis_tables(paragraphs, narratives, make_tiers(tiers or {}), lexicon, table)
    return out["claims"]


def verdict(lexicon, years, c, tiers=None) -> pd.Series:
    row = run(lexicon, years, [c], tiers).iloc[0]
    assert row["verdict"] in VERDICTS
    assert row["rule"] == CLAIM_RULES[c["check"]]
    return row


def test_every_check_has_a_rule_text():
    assert set(CLAIM_RULES) == set(CHECKS)
    for text in CLAIM_RULES.values():
        for v in ("Supported", "Not supported", "Needs data"):
            assert v in text


# --- tier -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "tiers, expected, shown",
    [
        ({2020: ("Tier 3", "reference"), 2021: ("Tier 3", "scraped")}, "supported", "2021: Tier 3 (scraped); 2020: Tier 3 (reference)"),
        ({2020: ("Tier 2 Watch List", "reference"), 2021: ("Tier 3", "reference")}, "partly supported", "2020: Tier 2 Watch List (reference)"),
        ({2021: ("Tier 3", "reference")}, "partly supported", "2020: tier unknown"),
        ({2020: ("Tier 3", "reference"), 2021: ("Tier 2", "scraped")}, "not supported", "2021: Tier 2 (scraped)"),
        ({2020: ("Tier 3", "reference")}, "needs data", "2021: no tier"),
    ],
)
def test_tier(lexicon, tiers, expected, shown):
    row = verdict(lexicon, {2021: [FILLER]}, claim("tier", "Tier 3"), tiers)
    assert row["verdict"] == expected
    assert shown in row["evidence"]


def test_tier_links_to_the_placement_sentence(lexicon):
    years = {2021: [FILLER, "Therefore China remained on Tier 3. More text."]}
    row = verdict(lexicon, years, claim("tier", "Tier 3"), {2020: ("Tier 3", "reference"), 2021: ("Tier 3", "scraped")})
    assert row["links"] == "2021:1"


def test_tier_takes_the_tier_that_tiers_csv_decided(lexicon):
    """tiers.csv already holds the year's tier (analysis.schema.decide_tier: the reference tier when
    the page's tier was unread, origin=reference); the claim never re-decides it."""
    paragraphs, narratives = make_corpus({2021: [FILLER]})
    tiers = make_tiers({2020: ("Tier 3", "reference"), 2021: ("Tier 3", "reference")})
    tiers["reference_tier"] = "Tier 2"  # must not be consulted
    out = build_analysis_tables(paragraphs, narratives, tiers, lexicon, pd.DataFrame([claim("tier", "Tier 3")]))
    assert out["claims"].iloc[0]["evidence"].startswith("2021: Tier 3 (reference)")
    assert out["claims"].iloc[0]["verdict"] == "supported"
    tiers.loc[tiers["year"] == 2021, "tier"] = ""  # neither source had a tier
    out = build_analysis_tables(paragraphs, narratives, tiers, lexicon, pd.DataFrame([claim("tier", "Tier 3")]))
    assert out["claims"].iloc[0]["verdict"] == "needs data"


# --- last_paragraph ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "paras, expected",
    [
        ([FILLER, FILLER, FILLER, SOME], "supported"),
        ([FILLER, "North Korean workers were exploited.", FILLER, SOME + " " + SOME], "partly supported"),
        (["North Korean workers were exploited. North Korean women were sold.", FILLER, SOME], "not supported"),
        (["North Korean workers were exploited.", FILLER, SOME], "not supported"),  # a tie is not the focus
        ([FILLER, FILLER], "not supported"),
    ],
)
def test_last_paragraph(lexicon, paras, expected):
    row = verdict(lexicon, {2021: paras}, claim("last_paragraph", "north_korean"))
    assert row["verdict"] == expected


def test_last_paragraph_evidence_and_links(lexicon):
    row = verdict(lexicon, {2021: [FILLER, FILLER, FILLER, SOME]}, claim("last_paragraph", "north_korean"))
    assert row["evidence"].startswith("2021: first north_korean mention in paragraph 4 of 4 (index 3); 1 of 4 sentences (25.0%)")
    assert row["links"] == "2021:3"


def test_last_paragraph_needs_the_year(lexicon):
    assert verdict(lexicon, {2020: [SOME]}, claim("last_paragraph", "north_korean"))["verdict"] == "needs data"


# --- quantifier -------------------------------------------------------------------------------

WORDING = "traffickers lure, drug, detain, or kidnap some North Korean women"


@pytest.mark.parametrize(
    "paras, expected",
    [
        ([FILLER, SOME.replace("some", "SOME").replace(" lure,", "\nlure,")], "supported"),
        ([FILLER, "Some North Korean women were sold to farmers."], "partly supported"),
        ([FILLER, "Many North Korean women were sold to farmers."], "not supported"),
    ],
)
def test_quantifier(lexicon, paras, expected):
    row = verdict(lexicon, {2021: paras}, claim("quantifier", WORDING, figure="some"))
    assert row["verdict"] == expected
    assert row["links"] == "2021:1"


def test_quantifier_needs_the_year(lexicon):
    assert verdict(lexicon, {2020: [SOME]}, claim("quantifier", WORDING, figure="some"))["verdict"] == "needs data"


# --- focus ------------------------------------------------------------------------------------

UY = "Uyghurs were detained in camps."


@pytest.mark.parametrize(
    "paras, expected",
    [
        ([UY, UY, SOME], "supported"),  # 2 vs 1: exactly the ratio
        ([UY, UY, UY, SOME, SOME], "partly supported"),  # 3 vs 2
        ([UY, SOME], "not supported"),  # 1 vs 1
        ([FILLER], "not supported"),  # 0 vs 0
    ],
)
def test_focus(lexicon, paras, expected):
    assert FOCUS_SUPPORTED_RATIO == 2.0
    row = verdict(lexicon, {2021: paras}, claim("focus", "uyghur_xinjiang"))
    assert row["verdict"] == expected


def test_focus_evidence(lexicon):
    row = verdict(lexicon, {2021: [UY, UY, SOME, FILLER]}, claim("focus", "uyghur_xinjiang"))
    assert row["evidence"] == (
        "2021: uyghur_xinjiang 2 of 4 sentences (50.0%) vs north_korean 1 (25.0%); ratio 2.0x (supported from 2x)"
    )


def test_focus_needs_the_year(lexicon):
    assert verdict(lexicon, {2022: [UY]}, claim("focus", "uyghur_xinjiang"))["verdict"] == "needs data"


# --- ngo_figure -------------------------------------------------------------------------------

WOMEN = "women|girls?"


@pytest.mark.parametrize(
    "paras, expected",
    [
        ([SOME], "supported"),
        ([FILLER], "supported"),
        (["Thousands of North Korean women were sold.", "An estimated 60 percent of North Korean workers were unpaid."], "partly supported"),
        (["Most North Korean women in the PRC were trafficked."], "not supported"),
        (["An estimated 60 percent of North Korean women were trafficked."], "not supported"),
        (["The majority of trafficking occurs within the country, but women are also trafficked from Mongolia and North Korea."], "supported"),
        (["North Korean women are sold as brides, and South Korean and ethnic Korean brokers arrange most of these marriages."], "supported"),
        (["North Korean refugees, many of whom are women, were returned."], "partly supported"),
    ],
)
def test_ngo_figure(lexicon, paras, expected):
    row = verdict(lexicon, {2021: paras}, claim("ngo_figure", WOMEN, figure="60 percent"))
    assert row["verdict"] == expected
    assert row["evidence"].startswith("NGO figure 60 percent: not checkable against the report; 2021:")


@pytest.mark.parametrize(
    "sentence, attached",
    [
        ("Thousands of North Korean workers remained.", ["thousands"]),
        ("An estimated 60 percent of female North Korean refugees are trafficked.", ["an estimated 60 percent"]),
        ("North Korean refugees, many of whom were victims, were returned.", ["many"]),
        ("Most trafficking in China is internal, and it also affects women from North Korea.", []),
        ("North Korean workers are sent to China under bilateral contracts, and the government withholds most of their wages.", []),
    ],
)
def test_attached_quantifiers(lexicon, sentence, attached):
    assert (ATTACH_BEFORE_WORDS, ATTACH_AFTER_WORDS) == (3, 8)
    assert [q.text for q in attached_quantifiers(sentence, lexicon)] == attached


def test_ngo_figure_over_all_years(lexicon):
    years = {2019: [SOME], 2020: ["Thousands of North Korean girls were sold."]}
    row = verdict(lexicon, years, claim("ngo_figure", WOMEN, report_year=None, figure="$105 million a year"))
    assert row["verdict"] == "partly supported"
    assert "2019-2020 (2 years): 2 north_korean sentences" in row["evidence"]
    assert row["links"] == "2019:0;2020:0"


def test_ngo_figure_needs_data(lexicon):
    assert verdict(lexicon, {2020: [SOME]}, claim("ngo_figure", WOMEN))["verdict"] == "needs data"
    row = verdict(lexicon, {}, claim("ngo_figure", WOMEN, report_year=None))
    assert row["verdict"] == "needs data"


# --- underweight ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "years, expected",
    [
        ({2019: [UY, UY, SOME], 2020: [UY, UY], 2021: [UY, SOME, SOME, UY, UY]}, "supported"),  # trails 3 of 3
        ({2019: [UY, UY, SOME], 2020: [SOME], 2021: [FILLER]}, "partly supported"),  # trails 1 of 3
        ({2019: [SOME], 2020: [SOME, UY], 2021: [FILLER]}, "not supported"),  # trails 0 of 3
        ({2020: [UY], 2021: [UY]}, "needs data"),
    ],
)
def test_underweight(lexicon, years, expected):
    assert UNDERWEIGHT_MIN_YEARS == 3
    row = verdict(lexicon, years, claim("underweight", "*", report_year=None))
    assert row["verdict"] == expected


def test_underweight_with_named_groups_and_evidence(lexicon):
    years = {2019: [UY, UY, SOME], 2020: ["Women from Burma were sold.", SOME], 2021: [FILLER]}
    row = verdict(lexicon, years, claim("underweight", "uyghur_xinjiang;tibetan", report_year=None))
    assert row["verdict"] == "partly supported"
    assert row["evidence"].startswith("north_korean trails the most-named group in 1 of 3 years (33.3%; led by uyghur_xinjiang 1)")
    assert row["links"] == "2019:2;2020:1"


# --- table-level behaviour and errors ---------------------------------------------------------

def test_claims_keep_their_order_and_columns(lexicon):
    out = run(lexicon, {2021: [SOME]}, [claim("focus", "uyghur_xinjiang", claim_id="b"), claim("tier", "Tier 3", claim_id="a")],
              {2021: ("Tier 3", "reference")})
    assert out["claim_id"].tolist() == ["b", "a"]
    assert out["report_year"].tolist() == [2021, 2021]


@pytest.mark.parametrize(
    "bad, message",
    [
        (claim("no_such_check"), "unknown check 'no_such_check'"),
        (claim("tier", "Tier 3", report_year=None), "check 'tier' needs a report_year"),
        (claim("focus", "martians"), "group 'martians' is not in the lexicon"),
        (claim("ngo_figure", "(women"), "not a valid regular expression"),
        (claim("quantifier", ""), "needs the report wording"),
        (claim("tier", ""), "needs the tier in check_arg"),
        (claim("focus", ""), "needs the comparison group"),
        ({**claim("tier"), "claim_id": ""}, "empty claim_id"),
        ({**claim("tier"), "report_year": "next year"}, "not a whole number"),
    ],
)
def test_bad_claims_get_clear_errors(lexicon, bad, message):
    with pytest.raises(ClaimsError) as info:
        run(lexicon, {2021: [SOME]}, [bad], {2021: ("Tier 3", "reference")})
    assert message in str(info.value)


def test_duplicate_ids_and_missing_columns(lexicon):
    with pytest.raises(ClaimsError, match="appears twice"):
        run(lexicon, {2021: [SOME]}, [claim("tier"), claim("tier")], {2021: ("Tier 3", "reference")})
    paragraphs, narratives = make_corpus({2021: [SOME]})
    with pytest.raises(ClaimsError, match=r"missing column\(s\) \['check', 'check_arg'\]"):
        build_analysis_tables(paragraphs, narratives, None, lexicon, pd.DataFrame([claim("tier")]).drop(columns=["check", "check_arg"]))
