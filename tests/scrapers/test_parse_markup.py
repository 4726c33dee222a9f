"""Parsing small hand-made pages: markup shapes the fixture site does not cover, and section names."""
from __future__ import annotations

import pytest

from scrapers.countries import get_country
from scrapers.errors import NarrativeNotFound
from scrapers.parse.page import find_country_heading, parse_narrative
from scrapers.parse.sections import normalise_section, split_run_in

CHINA = get_country("china")
ASSESS = ("The Government of China does not fully comply with the minimum standards for the elimination of "
          "trafficking; however, it is making significant efforts to do so.")


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body>{body}</body></html>"


def parse(body: str, year: int = 2004):
    return parse_narrative(page(body), country=CHINA, year=year, source_url="https://example.test/p.htm")


def texts(narrative) -> list[str]:
    return [t for _, _, t in narrative.paragraphs()]


@pytest.mark.parametrize(
    "printed, name",
    [
        ("PRIORITIZED RECOMMENDATIONS:", "PRIORITIZED RECOMMENDATIONS"),
        ("Prioritized Recommendations", "PRIORITIZED RECOMMENDATIONS"),
        ("Recommendations for China:", "PRIORITIZED RECOMMENDATIONS"),
        ("Recommendations for the PRC", "PRIORITIZED RECOMMENDATIONS"),
        ("RECOMMENDATIONS FOR THE PEOPLE\u2019S REPUBLIC OF CHINA:", "PRIORITIZED RECOMMENDATIONS"),
        ("Prosecution", "PROSECUTION"),
        ("PROSECUTION:", "PROSECUTION"),
        ("Protection", "PROTECTION"),
        ("Prevention.", "PREVENTION"),
        ("TRAFFICKING PROFILE", "TRAFFICKING PROFILE"),
        ("Trafficking Profile:", "TRAFFICKING PROFILE"),
        ("Forced labor in Xinjiang", None),
        ("Country Narratives", None),
    ],
)
def test_normalise_section(printed, name):
    assert normalise_section(printed) == name


def test_split_run_in():
    bold = split_run_in("Prosecution The government convicted 20 traffickers.", "Prosecution")
    assert (bold.name, bold.title_printed, bold.rest) == ("PROSECUTION", "Prosecution", "The government convicted 20 traffickers.")
    plain = split_run_in("Recommendations for the PRC: Cease forced returns.")
    assert (plain.name, plain.title_printed, plain.rest) == ("PRIORITIZED RECOMMENDATIONS", "Recommendations for the PRC", "Cease forced returns.")
    assert split_run_in("Protection efforts were weak.") is None
    assert split_run_in("Prosecution of officials was rare.", "") is None


def test_bold_paragraph_headings_and_loose_text_split_at_double_br():
    narrative = parse(
        "<div id='content'><b>CHINA (TIER 2)</b><br><br>China is a source country.<br><br>"
        f"{ASSESS}<br><br><b>Prosecution</b><br>The government prosecuted traffickers.<br><br>"
        "<b>JAPAN (TIER 2)</b><br><br>Japan text.</div>"
    )
    assert [s.name for s in narrative.sections] == ["TRAFFICKING PROFILE", "INTRODUCTION", "PROSECUTION"]
    assert texts(narrative) == ["China is a source country.", ASSESS, "The government prosecuted traffickers."]
    assert narrative.tier.tier == "Tier 2"


def test_table_of_contents_links_are_not_headings():
    narrative = parse(
        "<div id='centerblock'><ul><li><a href='#china'>China (Tier 2)</a></li><li><a href='#hk'>Hong Kong (Tier 1)</a></li></ul>"
        f"<h3>HONG KONG (TIER 1)</h3><p>Hong Kong text.</p><h3><a name='china'></a>CHINA (TIER 2)</h3><p>{ASSESS}</p>"
        "<h3>INDONESIA (TIER 3)</h3><p>Indonesia text.</p></div>"
    )
    assert texts(narrative) == [ASSESS]


def test_a_higher_heading_ends_the_narrative():
    narrative = parse(
        f"<h2>East Asia</h2><h3>China (Tier 2)</h3><p>{ASSESS}</p><p><b>Prevention</b> Campaigns.</p>"
        "<h2>Europe</h2><p>Regional introduction for Europe.</p>"
    )
    assert texts(narrative) == [ASSESS, "Campaigns."]


def test_name_heading_with_tier_on_the_next_line():
    narrative = parse(f"<div id='centerblock'><h2>China</h2><p>Tier 2 Watch List</p><p>{ASSESS}</p></div>", 2009)
    assert narrative.tier.tier == "Tier 2 Watch List"
    assert texts(narrative) == [ASSESS]


def test_unknown_headings_become_other_unless_nested_in_a_known_section():
    narrative = parse(
        "<section class='entry-content'><h2>CHINA: Tier 3</h2><p>Therefore, China is placed on Tier 3.</p>"
        "<h2>PROTECTION</h2><p>Shelters.</p><h3>Forced returns</h3><p>Returns continued.</p>"
        "<h2>Special Focus</h2><p>Extra text.</p></section>",
        2020,
    )
    assert [(s.name, s.title_printed, s.paragraphs) for s in narrative.sections] == [
        ("INTRODUCTION", "", ("Therefore, China is placed on Tier 3.",)),
        ("PROTECTION", "PROTECTION", ("Shelters.", "Returns continued.")),
        ("OTHER", "Special Focus", ("Extra text.",)),
    ]


def test_plain_run_in_recommendations_and_back_to_top_dropped():
    narrative = parse(
        f"<div id='content'><h3>People's Republic of China (Tier 2)</h3><p>{ASSESS}</p>"
        "<p>Recommendations for China: Increase prosecutions.</p>"
        "<p>Prevention: Awareness campaigns. <a href='#top'>Back to top</a></p><p><a href='#top'>Return to top</a></p></div>"
    )
    assert [(s.name, s.title_printed) for s in narrative.sections] == [
        ("INTRODUCTION", ""), ("PRIORITIZED RECOMMENDATIONS", "Recommendations for China"), ("PREVENTION", "Prevention")]
    assert texts(narrative) == [ASSESS, "Increase prosecutions.", "Awareness campaigns."]


def test_recent_page_with_title_heading_outside_entry_content():
    narrative = parse(
        "<header><h1>Site</h1></header><h1>2024 Trafficking in Persons Report: China</h1>"
        "<section class='entry-content'><p>The Government of the PRC does not fully meet the minimum standards; "
        "therefore the PRC remained on Tier 3.</p><h3>PROSECUTION</h3><p>Data.</p></section>",
        2024,
    )
    assert narrative.tier.tier == "Tier 3"
    assert [s.name for s in narrative.sections] == ["INTRODUCTION", "PROSECUTION"]


def test_heading_followed_by_nothing_raises():
    with pytest.raises(NarrativeNotFound, match="followed by no paragraphs"):
        parse("<h3>CHINA (TIER 2)</h3><h3>HONG KONG (TIER 1)</h3><p>Hong Kong text.</p>")


def test_only_hong_kong_and_taiwan_sections_raise():
    with pytest.raises(NarrativeNotFound, match="no heading for China"):
        parse("<h3>CHINA (HONG KONG) (TIER 1)</h3><p>HK text.</p><h3>TAIWAN (TIER 1)</h3><p>Taiwan text.</p>")


def test_find_country_heading():
    assert find_country_heading(page("<h3>CHINA (TIER 2)</h3><p>x</p>"), CHINA) == "CHINA (TIER 2)"
    assert find_country_heading(page("<p><a href='c.htm'>China</a></p>"), CHINA) is None


def test_section_headings_ranked_above_the_tier_heading_do_not_end_the_narrative():
    narrative = parse(
        "<section class='entry-content'><h3>China (Tier 3)</h3><p>Therefore, the PRC remained on Tier 3.</p>"
        "<h2>PROSECUTION</h2><p>Data.</p><h2>TRAFFICKING PROFILE</h2><p>Profile.</p></section>", 2022)
    assert [s.name for s in narrative.sections] == ["INTRODUCTION", "PROSECUTION", "TRAFFICKING PROFILE"]


def test_find_country_heading_needs_the_tier():
    assert find_country_heading(page("<p><b>China</b></p><p>text</p>"), CHINA) is None


@pytest.mark.parametrize("tag", ["h3", "b"])
def test_tierless_country_headings_end_at_the_next_country(tag):
    def heading(text):
        return f"<{tag}>{text}</{tag}>" if tag != "b" else f"<p><b>{text}</b></p>"

    narrative = parse(
        f"<div id='centerblock'>{heading('Cambodia')}<p>Cambodia text.</p>{heading('China')}"
        f"<p>China is a source country.</p>{heading('Prosecution')}<p>Some prosecutions.</p>"
        f"{heading('Colombia')}<p>Colombia text.</p></div>", 2001)
    assert texts(narrative) == ["China is a source country.", "Some prosecutions."]
    assert narrative.tier.tier is None and "tier unreadable" in narrative.tier.sentence


def test_one_table_cell_of_loose_text_with_line_breaks():
    narrative = parse(
        "<table><tr><td>Navigation text</td><td id='content'><b>CHINA (TIER 2)</b><br>China is a source country."
        f"<br>It is also a destination.<br><br>{ASSESS}<br><br><b>Protection</b><br>Shelters were few.<br><br>"
        "<b>TAIWAN (TIER 1)</b><br>Taiwan text.</td></tr></table>")
    assert texts(narrative) == ["China is a source country. It is also a destination.", ASSESS, "Shelters were few."]
    assert [(s.name, s.title_printed) for s in narrative.sections] == [
        ("TRAFFICKING PROFILE", ""), ("INTRODUCTION", ""), ("PROTECTION", "Protection")]


def test_page_furniture_is_dropped_even_without_a_content_block():
    narrative = parse(
        f"<div id='nav-bar'><a href='/'>Home</a></div><h3>CHINA (TIER 2)</h3><p>{ASSESS}</p>"
        "<div class='share-tools'>Share this page</div><div id='footer'><p>Privacy notice</p></div>"
        "<script>var x = 'China (Tier 3)';</script>")
    assert texts(narrative) == [ASSESS]
