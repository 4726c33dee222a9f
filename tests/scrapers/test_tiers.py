"""Tier reading: real-world headings and placement sentences of every era, and look-alikes that are not."""
from __future__ import annotations

import inspect

import pytest

from scrapers.countries import get_country
from analysis.schema import TIERS
import scrapers.parse.tiers
from scrapers.parse.tier_text import canonical_tier, parse_tier_heading
from scrapers.parse.tiers import heading_tier, read_tier
from scrapers.parse.text import normalise_text

CHINA = get_country("china")

WL = "Tier 2 Watch List"
ASSESS_2017 = (
    "The Government of the People's Republic of China does not fully meet the minimum standards for the "
    "elimination of trafficking and is not making significant efforts to do so; "
)

# (case id, heading, paragraphs, expected tier, expected notes)
PLACEMENTS = [
    # --- headings alone (the 2001-2002 reports have no placement sentence) ---
    ("h-2002-mixed", "China (Tier 2)", [], "Tier 2", ()),
    ("h-caps", "CHINA (TIER 2)", [], "Tier 2", ()),
    ("h-2004-prc-long", "People's Republic of China (Tier 2)", [], "Tier 2", ()),
    ("h-2005-wl", "China (Tier 2 Watch List)", [], WL, ()),
    ("h-2009-typographic", "PEOPLE\u2019S REPUBLIC OF CHINA (TIER 2 WATCH LIST)", [], WL, ()),
    ("h-colon-wl", "CHINA: Tier 2 Watch List", [], WL, ()),
    ("h-2020", "CHINA: Tier 3", [], "Tier 3", ()),
    ("h-caps-colon", "CHINA: TIER 3", [], "Tier 3", ()),
    ("h-paren-3", "China (Tier 3)", [], "Tier 3", ()),
    ("h-prc", "PRC: Tier 3", [], "Tier 3", ()),
    ("h-nbsp", "CHINA:\u00a0Tier\u00a03", [], "Tier 3", ()),
    ("h-tier-1", "China (Tier 1)", [], "Tier 1", ()),
    ("h-special-case", "CHINA (SPECIAL CASE)", [], "Special Case", ()),
    ("h-2002-with-body", "China (Tier 2)",
     ["China is a source, transit, and destination country for trafficking in persons."], "Tier 2", ()),
    # --- placement sentences ---
    ("s-wl-fifth", None, ["China is placed on Tier 2 Watch List for a fifth consecutive year."], WL, ("remained",)),
    ("s-wl-failure", None, ["China is placed on Tier 2 Watch List for its failure to provide evidence of increasing "
                            "efforts to combat trafficking in persons over the last year."], WL, ()),
    ("s-therefore-3", None, ["Therefore, China is placed on Tier 3."], "Tier 3", ()),
    ("s-2013-deemed", None, ["China is deemed not to be making significant efforts to comply with the minimum "
                             "standards and is therefore placed on Tier 3."], "Tier 3", ("automatic_downgrade",)),
    ("s-2016-waiver", None, ["China has been granted a waiver from an otherwise required downgrade to Tier 3 because "
                             "its government has a written plan that, if implemented, would constitute significant "
                             "efforts to meet the minimum standards for the elimination of trafficking; therefore "
                             "China remained on Tier 2 Watch List for the third consecutive year."],
     WL, ("waiver", "remained")),
    ("s-waiver-and-therefore", None, ["Because the government has devoted sufficient resources to a written plan that, "
                                      "if implemented, would constitute significant efforts to meet the minimum "
                                      "standards, China is granted a waiver from an otherwise required downgrade to "
                                      "Tier 3 and therefore remained on Tier 2 Watch List for the second consecutive "
                                      "year."], WL, ("waiver", "remained")),
    ("s-2017-downgraded", None, [ASSESS_2017 + "therefore China was downgraded to Tier 3."], "Tier 3", ("downgraded",)),
    ("s-2018-remained", None, [ASSESS_2017 + "therefore China remained on Tier 3."], "Tier 3", ("remained",)),
    ("s-2020-prc", None, [ASSESS_2017 + "therefore the PRC remained on Tier 3. Despite the lack of significant "
                          "efforts, the government took some steps to address trafficking."], "Tier 3", ("remained",)),
    ("s-2014-upgraded", None, ["Therefore, China is upgraded to Tier 2 Watch List."], WL, ("upgraded",)),
    ("s-nbsp-typographic", None, ["The Government of the People\u2019s Republic of China (PRC) does not fully meet "
                                  "the minimum standards; therefore the PRC remained on Tier\u00a03."],
     "Tier 3", ("remained",)),
    ("s-in-assessment-paragraph", None,
     ["The Government of the People's Republic of China does not fully comply with the minimum standards for the "
      "elimination of trafficking; however, it is making significant efforts to do so. China is placed on Tier 2 "
      "Watch List for the sixth consecutive year because it did not show evidence of increasing efforts."],
     WL, ("remained",)),
    ("s-after-tier-scale", None,
     ["Countries whose governments do not fully meet the minimum standards and are not making significant efforts "
      "are placed on Tier 3.", "Therefore, China is placed on Tier 2 Watch List."], WL, ()),
    ("s-waiver-next-sentence", None,
     ["Therefore, China is placed on Tier 2 Watch List for a seventh consecutive year. China was granted a waiver "
      "from an otherwise required downgrade to Tier 3 because of its written plan."], WL, ("waiver", "remained")),
    ("s-history-and-placement", None,
     ["China was placed on Tier 2 Watch List in 2005 and stayed there for eight years.",
      "China is deemed not to be making significant efforts and is therefore placed on Tier 3."],
     "Tier 3", ("automatic_downgrade",)),
    # --- heading and sentence together ---
    ("hs-agree-recent", "CHINA: Tier 3", [ASSESS_2017 + "therefore the PRC remained on Tier 3."],
     "Tier 3", ("remained",)),
    ("hs-agree-archive", "CHINA (Tier 2 Watch List)",
     ["China is placed on Tier 2 Watch List for a fifth consecutive year."], WL, ("remained",)),
    # --- tier words that are NOT China's placement ---
    ("n-tier-1-countries", None, ["Tier 1 countries must still make appreciable progress each year."], None, ()),
    ("n-automatic-rule", None, ["Under the law, a Tier 2 Watch List ranking for a third consecutive year would "
                                "trigger an automatic downgrade to Tier 3."], None, ()),
    ("n-other-country", None, ["Burma was placed on Tier 3."], None, ()),
    ("n-tier-scale", None, ["Countries whose governments do not fully meet the minimum standards but are making "
                            "significant efforts to bring themselves into compliance are placed on Tier 2."], None, ()),
    ("n-conditional", None, ["If China is placed on Tier 2 Watch List for a third consecutive year, it will be "
                             "automatically downgraded to Tier 3."], None, ()),
    ("n-historical", None, ["China was placed on Tier 2 Watch List in 2005 and has remained there since."], None, ()),
    ("n-possessive-neighbour", None, ["China's neighbor Burma is placed on Tier 3."], None, ()),
    ("n-taiwan", None, ["Taiwan is placed on Tier 1."], None, ()),
    ("n-hong-kong-china", None, ["Hong Kong, China is placed on Tier 1."], None, ()),
    ("n-past-waivers", None, ["China was granted waivers from an otherwise required downgrade to Tier 3 in 2011 "
                              "and 2012."], None, ()),
    ("n-could-warrant", None, ["The government's efforts could have warranted a Tier 2 Watch List ranking."],
     None, ()),
    ("n-north-korea", None, ["North Korea, which is also on Tier 3, sends workers to China."], None, ()),
    ("n-hk-heading", "CHINA (HONG KONG) (Tier 1)", [], None, ()),
    ("n-hk-heading-plain", "HONG KONG (TIER 1)", [], None, ()),
    ("n-macau-heading", "CHINA (MACAU) (TIER 2 WATCH LIST)", [], None, ()),
    ("n-name-only-heading", "China", ["China is a source country for forced labor."], None, ()),
]


@pytest.mark.parametrize("case, heading, paragraphs, tier, notes", PLACEMENTS, ids=[c[0] for c in PLACEMENTS])
def test_read_tier(case, heading, paragraphs, tier, notes):
    reading = read_tier(heading, paragraphs, CHINA)
    assert reading.tier == tier, reading
    assert reading.notes == notes, reading
    if tier is None:
        assert reading.sentence.startswith("tier unreadable"), reading
    else:
        assert reading.tier in TIERS
        assert reading.sentence, "the sentence or heading the tier was read from"


def test_phrasing_table_is_large_and_has_decoys():
    assert len(PLACEMENTS) >= 30
    assert sum(1 for c in PLACEMENTS if c[3] is None) >= 8


def test_sentence_is_the_placement_sentence_not_the_paragraph():
    reading = read_tier("CHINA: Tier 3", ["Intro sentence. " + ASSESS_2017 + "therefore China remained on Tier 3. "
                                          "Another sentence follows."], CHINA)
    assert reading.sentence == ASSESS_2017 + "therefore China remained on Tier 3."


def test_heading_only_reading_quotes_the_heading():
    assert read_tier("China (Tier 2)", [], CHINA).sentence == "China (Tier 2)"


def test_heading_and_sentence_disagree_gives_no_tier_and_says_why():
    reading = read_tier("CHINA (TIER 2)", ["Therefore, China is placed on Tier 3."], CHINA)
    assert reading.tier is None
    assert "CHINA (TIER 2)" in reading.sentence and "Tier 2" in reading.sentence and "Tier 3" in reading.sentence


def test_two_placement_sentences_that_disagree_give_no_tier():
    reading = read_tier(None, ["Therefore, China is placed on Tier 3.", "Therefore, China is placed on Tier 2."], CHINA)
    assert reading.tier is None
    assert "disagree" in reading.sentence


def test_nothing_readable_gives_no_tier():
    reading = read_tier(None, ["The government made some efforts."], CHINA)
    assert reading.tier is None and "no placement sentence" in reading.sentence


@pytest.mark.parametrize(
    "text, tier",
    [("Tier 1", "Tier 1"), ("TIER TWO", "Tier 2"), ("tier 2 watch list", WL), ("Tier 2-Watch List", WL),
     ("Tier 2 Watch-List", WL), ("Tier III", "Tier 3"), ("Special Case", "Special Case"), ("Tier 23", None),
     ("no tier here", None)],
)
def test_canonical_tier(text, tier):
    assert canonical_tier(text) == tier


def test_parse_tier_heading_shapes():
    assert parse_tier_heading("CHINA (HONG KONG) (Tier 1)").name == "CHINA (HONG KONG)"
    assert parse_tier_heading("SOMALIA (SPECIAL CASE)").tier == "Special Case"
    assert parse_tier_heading("China is placed on Tier 3.") is None
    assert parse_tier_heading("Prosecution") is None
    assert heading_tier("TAIWAN (TIER 1)", CHINA) is None
    assert heading_tier("The People's Republic of China (Tier 2)", CHINA) == "Tier 2"


def test_placement_sentences_are_split_by_the_analysis_splitter():
    assert "def split_sentences" not in inspect.getsource(scrapers.parse.tiers), "one sentence splitter: analysis's"
    reading = read_tier(None, ["The U.S. government funded a project. Therefore, China is placed on Tier 3. It did so."],
                        CHINA)
    assert reading.sentence == "Therefore, China is placed on Tier 3."


def test_a_strong_and_a_plain_placement_that_disagree_give_no_tier():
    reading = read_tier(None, [ASSESS_2017 + "therefore the PRC remained on Tier 3.",
                               "China was placed on Tier 2 Watch List."], CHINA)
    assert reading.tier is None
    assert "disagree" in reading.sentence and "Tier 3" in reading.sentence and "Tier 2 Watch List" in reading.sentence
    assert "therefore the PRC remained on Tier 3" in reading.sentence


@pytest.mark.parametrize("sentence", [
    "China was placed on Tier 2 Watch List or Tier 3.",
    "Therefore, China is placed on Tier 2 Watch List or on Tier 3 pending review.",
])
def test_a_placement_naming_alternatives_is_unread(sentence):
    reading = read_tier("CHINA: Tier 3", [sentence], CHINA)
    assert reading.tier is None
    assert reading.sentence.startswith("tier unreadable: the placement sentence names alternatives")
    assert sentence in reading.sentence


def test_agreeing_placements_quote_the_strong_sentence():
    reading = read_tier(None, ["China was placed on Tier 3.", "Therefore, China is placed on Tier 3."], CHINA)
    assert (reading.tier, reading.sentence) == ("Tier 3", "Therefore, China is placed on Tier 3.")


# ---------------------------------------------------------------------------------------------
# REAL REPORT TEXT: headings and placement sentences quoted exactly from public copies of the
# Trafficking in Persons report (a U.S. government work), with the URL each was quoted from.

REAL_HEADINGS = [
    # (country slug, heading as printed, tier, report year, URL)
    ("yemen", "SPECIAL CASE: YEMEN", "Special Case", 2016, "http://www.refworld.org/publisher,USDOS,,,577f95876,0.html"),
    ("yemen", "SPECIAL CASE: YEMEN", "Special Case", 2021,
     "https://thefederalnewswire.com/stories/630754841-2021-trafficking-in-persons-report-yemen"),
    ("yemen", "Yemen (Special Case)", "Special Case", 2022, "https://www.ecoi.net/en/document/2077624.html"),
    ("yemen", "YEMEN (Special Case)", "Special Case", 2023,
     "https://www.state.gov/reports/2023-trafficking-in-persons-report/yemen/"),
    ("somalia", "SOMALIA (Special Case)", "Special Case", 2012, "http://www.unhcr.org/refworld/country,,,,SOM,,4fe30c975,0.html"),
    ("north-korea", "KOREA, DEMOCRATIC PEOPLE\u2019S REPUBLIC OF: Tier 3", "Tier 3", 2019,
     "https://www.ecoi.net/en/document/2010789.html"),
    ("north-korea", "Korea, Democratic People\u2019s Republic of (Tier 3)", "Tier 3", 2022,
     "https://www.ecoi.net/de/dokument/2077792.html"),
    ("china", "CHINA: Tier 2 Watch List", WL, 2015, "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2015/243415.htm"),
    # a footnote mark after the tier: the 2013 report marks its automatic downgrades "Tier 3*"
    ("uzbekistan", "UZBEKISTAN (Tier 3*)", "Tier 3", 2013,
     "http://www.refworld.org/country,COI,USDOS,,UZB,4562d8cf2,51c2f37718,0.html"),
    ("russia", "RUSSIA (Tier 3*)", "Tier 3", 2013, "https://www.ecoi.net/en/document/1270267.html"),
    ("venezuela", "VENEZUELA (Tier 3)", "Tier 3", 2014, "http://www.refworld.org/type,ANNUALREPORT,USDOS,VEN,53aab9838,0.html"),
]

VENEZUELA_2011_URL = "https://du4.democraticunderground.com/discuss/duboard.php?address=405x53598&az=view_all"
VENEZUELA_2011_RECALL = ("The Government of Venezuela does not fully comply with the minimum standards for the elimination "
                         "of trafficking and has been placed on Tier 2 Watch for the last four consecutive years.")
VENEZUELA_2011_PLACEMENT = ("Therefore, pursuant to Section 107 of the 2008 Trafficking Victims Protection Reauthorization "
                            "Act, Venezuela is deemed not to be making significant efforts to comply with the minimum "
                            "standards and is placed on Tier 3.")

REAL_PLACEMENTS = [
    # (country slug, heading, paragraph, tier, notes, report year, URL)
    ("yemen", "SPECIAL CASE: YEMEN", "Yemen is classified as a Special Case for the first time in the 2016 Report.",
     "Special Case", (), 2016, "http://www.refworld.org/publisher,USDOS,,,577f95876,0.html"),
    ("yemen", "SPECIAL CASE: YEMEN", "Yemen remains a Special Case for the sixth consecutive year.", "Special Case",
     ("remained",), 2021, "https://thefederalnewswire.com/stories/630754841-2021-trafficking-in-persons-report-yemen"),
    ("somalia", "SOMALIA (Special Case)", "Somalia remains a Special Case for the eleventh consecutive year.",
     "Special Case", ("remained",), 2013, "http://www.refworld.org/publisher,USDOS,,,51c2f38d65,0.html"),
    ("north-korea", "KOREA, DEMOCRATIC PEOPLE\u2019S REPUBLIC OF: Tier 3",
     "The Government of the Democratic People\u2019s Republic of Korea (DPRK or North Korea) does not fully meet the "
     "minimum standards for the elimination of trafficking and is not making significant efforts to do so; therefore "
     "the DPRK remained on Tier 3.", "Tier 3", ("remained",), 2019, "https://www.ecoi.net/en/document/2010789.html"),
    # an automatic downgrade that names no waiver (the 2011 narrative, quoted in full on a forum page that links
    # http://www.state.gov/g/tip/rls/tiprpt/2011/164233.htm as its source)
    ("venezuela", None, VENEZUELA_2011_PLACEMENT, "Tier 3", ("automatic_downgrade",), 2011, VENEZUELA_2011_URL),
]


@pytest.mark.parametrize("slug, heading, tier, year, url", REAL_HEADINGS, ids=[f"{h[0]}-{h[3]}" for h in REAL_HEADINGS])
def test_real_headings_in_either_order(slug, heading, tier, year, url):
    assert heading_tier(heading, get_country(slug)) == tier, (heading, url)


@pytest.mark.parametrize("slug, heading, paragraph, tier, notes, year, url", REAL_PLACEMENTS,
                         ids=[f"{p[0]}-{p[5]}" for p in REAL_PLACEMENTS])
def test_real_placement_sentences(slug, heading, paragraph, tier, notes, year, url):
    reading = read_tier(heading, [paragraph], get_country(slug))
    assert (reading.tier, reading.notes) == (tier, notes), (reading, url)
    assert reading.sentence == normalise_text(paragraph)  # the sentence as normalised (typographic quotes folded)


# An earlier report's placement recalled beside the sentence or heading giving this year's: the recalled
# Tier 2 Watch List never overrides this year's Tier 3.
REAL_EARLIER_PLACEMENT_RECALLED = [
    # (country slug, heading, paragraph, tier, notes, the sentence or heading read, report year, URL)
    ("venezuela", None, f"{VENEZUELA_2011_RECALL} {VENEZUELA_2011_PLACEMENT}", "Tier 3", ("automatic_downgrade",),
     VENEZUELA_2011_PLACEMENT, 2011, VENEZUELA_2011_URL),
    ("venezuela", "VENEZUELA (Tier 3)",
     "The Government of Venezuela does not fully comply with the minimum standards for the elimination of trafficking "
     "and has been placed on Tier 2 Watch List for the last two consecutive years.", "Tier 3", (), "VENEZUELA (Tier 3)",
     2014, "http://www.refworld.org/type,ANNUALREPORT,USDOS,VEN,53aab9838,0.html"),
]


@pytest.mark.parametrize("slug, heading, paragraph, tier, notes, read, year, url", REAL_EARLIER_PLACEMENT_RECALLED,
                         ids=[f"{p[0]}-{p[6]}" for p in REAL_EARLIER_PLACEMENT_RECALLED])
def test_real_earlier_placement_recalled_beside_this_years(slug, heading, paragraph, tier, notes, read, year, url):
    reading = read_tier(heading, [paragraph], get_country(slug))
    assert (reading.tier, reading.notes, reading.sentence) == (tier, notes, read), (reading, url)


# SYNTHETIC TEST CASES (no real example of these wordings was found to quote): written in the style of
# the report for the rules they exercise. Where a real example was found since, it is named beside the case.
@pytest.mark.parametrize("heading, tier", [
    ("Special Case: Yemen", "Special Case"),
    ("SPECIAL CASE \u2013 YEMEN", "Special Case"),
    ("Special Case (Yemen)", "Special Case"),
    ("Yemen: Special Case", "Special Case"),
])
def test_synthetic_special_case_headings_in_either_order_and_punctuation(heading, tier):
    assert heading_tier(heading, get_country("yemen")) == tier


# Real: "UZBEKISTAN (Tier 3*)" and "RUSSIA (Tier 3*)" (2013) in REAL_HEADINGS; the other marks are synthetic.
@pytest.mark.parametrize("heading, tier", [
    ("CHINA: Tier 2 Watch List*", WL), ("CHINA (Tier 3)*", "Tier 3"), ("CHINA (Tier 3*)", "Tier 3"),
    ("CHINA: Tier 3\u2020", "Tier 3"), ("China (Tier 2)\u00b9", "Tier 2"), ("CHINA: Tier 3 [1]", "Tier 3"),
])
def test_synthetic_tier_followed_by_a_footnote_mark(heading, tier):
    assert heading_tier(heading, CHINA) == tier


def test_category_words_are_never_a_name():
    assert parse_tier_heading("Special Case: Tier 3") is None
    assert parse_tier_heading("Tier 2 Watch List (Tier 3)") is None


# Real: Venezuela 2011 and 2014 in REAL_EARLIER_PLACEMENT_RECALLED (there the recalling sentence is not itself
# read as a placement); no real pair of two placement sentences that disagree was found, so this one stays synthetic.
def test_synthetic_earlier_placement_recalled_beside_this_years():
    reading = read_tier(None, ["China was placed on Tier 2 Watch List in the 2016 Report for a third consecutive year. "
                               "China does not fully meet the minimum standards and is not making significant efforts "
                               "to do so; therefore China was downgraded to Tier 3."], CHINA)
    assert reading.tier == "Tier 3" and reading.sentence.endswith("therefore China was downgraded to Tier 3.")
    # two sentences of this year's that disagree still leave the tier unread
    assert read_tier(None, ["Therefore, China is placed on Tier 3.", "Therefore, China is placed on Tier 2."],
                     CHINA).tier is None


@pytest.mark.parametrize("recall", [
    "Venezuela has been placed on Tier 2 Watch List for the last two consecutive years.",  # "for the last N years"
    "Venezuela was placed on Tier 2 Watch List in the 2013 Report.",  # a report year beside a law's year
])
def test_synthetic_recall_beside_the_real_2011_placement_naming_a_law_year(recall):
    """Synthetic recalls (rewordings of the real Venezuela sentences) beside the REAL 2011 placement sentence, whose
    "2008 ... Act" names a law, not an earlier report: this year's Tier 3 is read, never the recalled placement."""
    reading = read_tier(None, [f"{recall} {VENEZUELA_2011_PLACEMENT}"], get_country("venezuela"))
    assert (reading.tier, reading.sentence) == ("Tier 3", VENEZUELA_2011_PLACEMENT), reading


# Real: Venezuela 2011 ("...is deemed not to be making significant efforts ... and is placed on Tier 3") in
# REAL_PLACEMENTS; no real "no longer eligible for a waiver" / "not granted a waiver" sentence was found.
@pytest.mark.parametrize("sentence, notes", [
    ("China is no longer eligible for a waiver and is therefore placed on Tier 3.", ("automatic_downgrade",)),
    ("Because China was not granted a waiver, China was downgraded to Tier 3.", ("downgraded",)),
    ("Therefore, China was downgraded to Tier 3 after three consecutive years on Tier 2 Watch List.",
     ("automatic_downgrade", "downgraded")),
])
def test_synthetic_automatic_downgrade_wordings_naming_no_waiver(sentence, notes):
    reading = read_tier(None, [sentence], CHINA)
    assert reading.tier == "Tier 3" and reading.notes == notes, reading
    assert "waiver" not in reading.notes
