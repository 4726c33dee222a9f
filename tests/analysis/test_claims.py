"""Every verdict value of every claim rule, on small synthetic tables (SYNTHETIC - not report text)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.claim_checks import FOCUS_SUPPORTED_RATIO, UNDERWEIGHT_MIN_YEARS
from analysis.claim_context import ATTACH_AFTER_WORDS, ATTACH_BEFORE_WORDS, attached_quantifiers
from analysis.claims import CHECKS, CLAIMS_INPUT_COLUMNS, ClaimsError, read_claims, rule_text
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
    assert row["rule"] == rule_text(read_claims(pd.DataFrame([c]))[0], lexicon)
    assert row["tested"] and row["meaning"] and row["evidence"], "every card has its plain-words parts"
    return row


def test_every_check_has_its_rule_text_beside_it():
    for name, check in CHECKS.items():
        for v in ("Supported", "Not supported", "Needs data"):
            assert v in check.rule, (name, v)


# --- tier -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "tiers, expected, shown",
    [
        ({2020: ("Tier 3", "reference"), 2021: ("Tier 3", "scraped")}, "supported", "2021: Tier 3 (read from the report page); 2020: Tier 3 (from the reference table)"),
        ({2020: ("Tier 2 Watch List", "reference"), 2021: ("Tier 3", "reference")}, "partly supported", "2020: Tier 2 Watch List (from the reference table)"),
        ({2021: ("Tier 3", "reference")}, "partly supported", "2020: tier unknown"),
        ({2020: ("Tier 3", "reference"), 2021: ("Tier 2", "scraped")}, "not supported", "2021: Tier 2 (read from the report page)"),
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
    assert out["claims"].iloc[0]["evidence"].startswith("2021: Tier 3 (from the reference table)")
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
    assert row["evidence"] == ("1 of the 4 sentences of the 2021 narrative (25.0%) names North Korean people; "
                               "the first is in paragraph 4 of 4; 1 in the last paragraph.")
    assert row["meaning"] == "North Korean people are first named in the last paragraph (paragraph 4 of 4): the claim holds."
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
    assert row["evidence"] == ("2021: 2 of 4 sentences (50.0%) name Uyghurs, Xinjiang and other Muslim minorities; "
                               "1 (25.0%) names North Korean people: 2.0 times as many.")
    assert row["links"] == "2021:0;2021:1;2021:2", "the claim's own group first, then North Korean people"


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
    assert row["evidence"].startswith("In 2021: ")
    assert row["tested"].startswith("The NGO figure (60 percent) cannot be checked against the report.")
    assert row["meaning"].endswith("This does not rate the NGO figure itself.")
    assert row["verdict_label"] == {"supported": "report gives no figure", "partly supported": "report gives a scale, no share",
                                    "not supported": "report gives a share"}[expected]


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
    assert row["evidence"].startswith("Over 2019-2020 (2 report years): 2 sentences name North Korean people")
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
    assert row["evidence"].startswith("North Korean people trail in 1 of 3 report years (33.3%); most named instead: "
                                      "Uyghurs, Xinjiang and other Muslim minorities in 1 year.")
    assert row["links"] == "2019:2;2020:1;2019:0;2019:1", "North Korean paragraphs of every year, then the leaders' of the years they trail"


def test_underweight_never_breaks_a_tie(lexicon):
    """THE tie rule (analysis.claim_context.most_named): groups sharing the top count all count as most named."""
    tie = ["Women from Cambodia and Vietnam were sold.", UY]  # Cambodia, Vietnam and Uyghurs: 1 sentence each
    years = {2019: [UY, UY, SOME], 2020: tie, 2021: [SOME]}
    row = verdict(lexicon, years, claim("underweight", "*", report_year=None))
    assert row["verdict"] == "supported"  # trails in 2019 and 2020: 2 of 3
    assert ("most named instead: Uyghurs, Xinjiang and other Muslim minorities in 2 years, Vietnam in 1 year, "
            "Cambodia in 1 year (ties: 2020: Uyghurs, Xinjiang and other Muslim minorities, Vietnam and Cambodia, "
            "1 sentence each)") in row["evidence"]
    assert "a tie is shown as a tie, never broken" in row["rule"]


def test_every_link_is_kept_and_the_card_says_how_many_it_leaves_out(lexicon):
    from analysis.claims import SHOWN_LINKS

    paras = [SOME] * (SHOWN_LINKS + 5)
    row = verdict(lexicon, {2021: paras}, claim("last_paragraph", "north_korean"))
    links = row["links"].split(";")
    assert links == [f"2021:{i}" for i in range(SHOWN_LINKS + 5)], "every paragraph the evidence rests on"
    assert row["links_shown"].split(";") == links[:SHOWN_LINKS]
    assert row["links_not_shown"] == 5


def test_rules_are_plain_words_with_the_lexicons_labels(lexicon):
    """No slug, no regular expression, no placeholder left in a rule or a card's text."""
    claims = [claim("focus", "uyghur_xinjiang", claim_id="a"), claim("ngo_figure", "women|girls?", claim_id="b"),
              claim("underweight", "*", report_year=None, claim_id="c"), claim("last_paragraph", "north_korean", claim_id="d")]
    out = run(lexicon, {2019: [SOME, UY], 2020: [UY], 2021: [SOME, UY, UY]}, claims)
    for row in out.to_dict("records"):
        text = " ".join(str(row[c]) for c in ("tested", "meaning", "evidence", "rule", "verdict_label"))
        for leak in ("north_korean", "uyghur_xinjiang", "women|girls", "{", "}"):
            assert leak not in text, (row["claim_id"], leak)
    assert "girl(s)" in out.iloc[1]["rule"] and "Uyghurs, Xinjiang and other Muslim minorities" in out.iloc[0]["rule"]


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
