"""Tier reading: real-world headings and placement sentences of every era, and look-alikes that are not."""
from __future__ import annotations

import inspect

import pytest

from scrapers.countries import get_country
from analysis.schema import TIERS
import scrapers.parse.tiers
from scrapers.parse.tier_text import canonical_tier, parse_tier_heading
from scrapers.parse.tiers import heading_tier, read_tier

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
