"""Parsing every page of the synthetic fixture site (all three eras) against site_expected.EXPECTED."""
from __future__ import annotations

import re

import pytest
import site_expected as SITE_EXPECTED
from site_server import SITE_ROOT as SITE, site_file

from scrapers.countries import get_country
from scrapers.errors import NarrativeNotFound
from analysis.schema import SECTION_NAMES, TIERS
from scrapers.parse.page import parse_narrative

CHINA = get_country("china")
EXPECTED = SITE_EXPECTED.EXPECTED
YEARS = SITE_EXPECTED.FIXTURE_YEARS


def parse_year(year: int):
    url = EXPECTED[year]["source_url"]
    return parse_narrative(site_file(url).read_text(encoding="utf-8"), country=CHINA, year=year, source_url=url)


@pytest.fixture(scope="module")
def parsed():
    return {year: parse_year(year) for year in YEARS}


def test_fixture_years_cover_three_eras():
    assert {2002, 2005, 2008, 2010, 2013, 2016, 2017, 2020, 2021, 2023} <= set(YEARS)


@pytest.mark.parametrize("year", YEARS)
def test_every_fixture_page_is_marked_synthetic(year):
    for key in ("source_url", "landing_url"):
        text = site_file(EXPECTED[year][key]).read_text(encoding="utf-8")
        assert text.startswith("<!-- SYNTHETIC TEST FIXTURE - not report text -->")


@pytest.mark.parametrize("year", YEARS)
def test_tier_and_notes(parsed, year):
    reading = parsed[year].tier
    assert reading.tier == EXPECTED[year]["tier"], reading
    assert reading.tier in TIERS
    assert reading.notes == EXPECTED[year]["tier_notes"], reading
    assert reading.sentence and not reading.sentence.startswith("tier unreadable")


@pytest.mark.parametrize("year", YEARS)
def test_sections_and_paragraphs(parsed, year):
    narrative, expected = parsed[year], EXPECTED[year]
    assert narrative.country == "china" and narrative.year == year
    assert narrative.source_url == expected["source_url"]
    assert [s.name for s in narrative.sections] == expected["sections"]
    assert all(s.name in SECTION_NAMES for s in narrative.sections)
    paragraphs = [text for _, _, text in narrative.paragraphs()]
    assert len(paragraphs) == expected["paragraph_count"]
    assert paragraphs[0].startswith(expected["first_paragraph_startswith"])
    assert paragraphs[-1].startswith(expected["last_paragraph_startswith"])
    assert [i for i, _, _ in narrative.paragraphs()] == list(range(len(paragraphs)))


@pytest.mark.parametrize("year", YEARS)
def test_nothing_but_the_narrative(parsed, year):
    text = "\n".join(text for _, _, text in parsed[year].paragraphs())
    for leak in (
        "Hong Kong", "Macau", "Taiwan", "Burma is a", "Cambodia is a", "Indonesia is a", "Vietnam is a source",
        "Back to Top", "Share", "Facebook", "Privacy", "Footnote", "Skip to", "Related Articles", "archived content",
        "Report year", "Countries & Areas", "synthetic fixture",
    ):
        assert leak.lower() not in text.lower(), f"{year}: {leak!r} leaked into the narrative"
    for heading in ("CHINA: Tier 3", "CHINA: TIER 3", "PRC: Tier 3", "China (Tier", "CHINA (T"):
        assert heading not in text, f"{year}: the tier heading is not a paragraph"
    assert not re.search(r"[\u2018\u2019\u201c\u201d\u00a0]|&nbsp;", text), "typographic characters normalised"
    assert not re.search(r"\.\s?1$", text.splitlines()[0]), "footnote marker dropped"


@pytest.mark.parametrize("year", YEARS)
def test_section_titles_as_printed(parsed, year):
    for section in parsed[year].sections:
        if section.name in ("INTRODUCTION",):
            assert section.title_printed == ""
        elif section.name == "TRAFFICKING PROFILE" and year <= 2016:
            assert section.title_printed == "", "the profile comes first, without a heading, before 2017"
        else:
            assert section.title_printed, section
            assert section.name.split()[-1].lower()[:6] in section.title_printed.lower()


def test_profile_moved_from_first_to_last(parsed):
    assert parsed[2010].sections[0].name == "TRAFFICKING PROFILE"
    assert parsed[2021].sections[-1].name == "TRAFFICKING PROFILE"


def test_recommendations_are_list_items(parsed):
    recs = next(s for s in parsed[2020].sections if s.name == "PRIORITIZED RECOMMENDATIONS")
    assert recs.title_printed == "PRIORITIZED RECOMMENDATIONS"
    assert len(recs.paragraphs) == 4
    assert recs.paragraphs[0] == ('Abolish the arbitrary detention and forced labor of persons in '
                                  '"vocational training centers" in Xinjiang.')


def test_run_in_titles_are_split_from_their_text(parsed):
    prosecution = next(s for s in parsed[2002].sections if s.name == "PROSECUTION")
    assert prosecution.title_printed == "Prosecution"
    assert prosecution.paragraphs[0].startswith("The government prosecutes traffickers")
    recs = next(s for s in parsed[2008].sections if s.name == "PRIORITIZED RECOMMENDATIONS")
    assert recs.title_printed == "Recommendations for China"
    assert recs.paragraphs[0].startswith("Expand efforts to address forced labor")


def test_2021_closes_with_north_korean_refugees_and_some(parsed):
    last = parsed[2021].paragraphs()[-1]
    assert last[1].name == "TRAFFICKING PROFILE"
    assert "North Korean refugees" in last[2] and last[2].startswith("Some ")


def test_neighbours_on_multi_country_pages_are_excluded(parsed):
    text_2008 = " ".join(t for _, _, t in parsed[2008].paragraphs())
    assert "Crimes Ordinance" not in text_2008 and "Special Administrative Region" not in text_2008
    text_2005 = " ".join(t for _, _, t in parsed[2005].paragraphs())
    assert "fraudulent marriages" not in text_2005  # the Taiwan section right after China's
    assert "border provinces" not in text_2005  # Cambodia's section right before


def test_changed_markup_page_raises_a_clear_error():
    html = (SITE / SITE_EXPECTED.CHANGED_MARKUP_PAGE).read_text(encoding="utf-8")
    url = "https://www.state.gov/reports/2099-trafficking-in-persons-report/china/"
    with pytest.raises(NarrativeNotFound) as info:
        parse_narrative(html, country=CHINA, year=2099, source_url=url)
    message = str(info.value)
    assert url in message and "no heading for China" in message and "markup may have changed" in message


def test_truncated_page_raises_a_clear_error():
    html = site_file(EXPECTED[2021]["source_url"]).read_text(encoding="utf-8")
    with pytest.raises(NarrativeNotFound, match="truncated"):
        parse_narrative(html[: len(html) // 2], country=CHINA, year=2021, source_url="u")


@pytest.mark.parametrize("html", ["", "   \n", "<html><body></body></html>"])
def test_empty_page_raises(html):
    with pytest.raises(NarrativeNotFound, match="no China narrative found in u"):
        parse_narrative(html, country=CHINA, year=2021, source_url="u")


def test_wrong_country_page_raises():
    html = site_file(EXPECTED[2021]["source_url"]).read_text(encoding="utf-8")
    html = html.replace("China (Tier 3)", "Mongolia (Tier 2)")
    with pytest.raises(NarrativeNotFound):
        parse_narrative(html, country=CHINA, year=2021, source_url="u")
