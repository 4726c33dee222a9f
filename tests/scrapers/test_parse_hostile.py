"""Hostile pages (issue 8): deep nesting, pages that are no narrative, disagreeing or alternative
placement sentences, odd bytes; the parser answers with a Narrative or NarrativeNotFound, nothing else."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_expected import EXPECTED
from site_server import site_file

from scrapers.countries import get_country
from scrapers.errors import NarrativeNotFound
from scrapers.parse.page import MIN_NARRATIVE_WORDS, find_country_heading, parse_narrative
from scrapers.parse.blocks import MAX_PARSE_DEPTH

CHINA = get_country("china")
URL = "https://www.state.gov/reports/2021-trafficking-in-persons-report/china/"
PLACED = ("The Government of the People's Republic of China (PRC) does not fully meet the minimum standards for the "
          "elimination of trafficking and is not making significant efforts to do so; therefore the PRC remained on "
          "Tier 3.")
FILLER = "The government reported efforts to identify victims during the reporting period. "


def parse(html: str):
    return parse_narrative(html, country=CHINA, year=2021, source_url=URL)


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>China</title></head><body>{body}</body></html>"


def fixture_2021() -> str:
    return site_file(EXPECTED[2021]["source_url"]).read_text(encoding="utf-8")


def with_entry(entry: str) -> str:
    """The 2021 fixture page (all its furniture) with other entry content."""
    html = fixture_2021()
    start = html.index('<section class="entry-content">')
    end = html.rindex("</section>") + len("</section>")
    return html[:start] + entry + html[end:]


# -- deep nesting -------------------------------------------------------------------------------

@pytest.mark.parametrize("open_tags", ["<div>", "<span>", "<div><span>", "<b>", "<blockquote>"])
def test_a_thousand_nested_elements_parse(open_tags):
    close_tags = "".join(f"</{t}>" for t in reversed(open_tags[1:-1].split("><")))
    body = f"<h3>CHINA: Tier 3</h3><p>{PLACED}</p><h3>PROSECUTION</h3><p>{FILLER}</p>"
    narrative = parse(page(open_tags * 1000 + body + close_tags * 1000))
    assert narrative.tier.tier == "Tier 3"
    assert [s.name for s in narrative.sections] == ["INTRODUCTION", "PROSECUTION"]


@pytest.mark.parametrize("open_tags", ["<div>", "<span>", "<div><span>", "<table><tr><td>"])
def test_five_thousand_nested_elements_give_a_clear_message(open_tags):
    close_tags = "".join(f"</{t}>" for t in reversed(open_tags[1:-1].split("><")))
    html = page(open_tags * 5000 + f"<h3>CHINA: Tier 3</h3><p>{PLACED}</p>" + close_tags * 5000)
    with pytest.raises(NarrativeNotFound, match=f"more than {MAX_PARSE_DEPTH} levels deep"):
        parse(html)
    assert find_country_heading(html, CHINA) is None


def test_nesting_that_closes_itself_is_not_deep():
    html = page("<p>" * 5000 + f"<h3>CHINA: Tier 3</h3><p>{PLACED}</p>")
    assert parse(html).tier.tier == "Tier 3"


# -- pages that are no narrative ----------------------------------------------------------------

@pytest.mark.parametrize("heading", ["China", "2021 Trafficking in Persons Report: China", "People's Republic of China"])
def test_a_moved_page_is_no_narrative(heading):
    html = with_entry(f'<section class="entry-content"><h1>{heading}</h1><p>This page has moved.</p>'
                      '<p><a href="https://www.state.gov/new-location/">Go to the new location</a></p></section>')
    with pytest.raises(NarrativeNotFound, match="does not look like a narrative") as info:
        parse(html)
    assert URL in str(info.value) and str(MIN_NARRATIVE_WORDS) in str(info.value)


def test_a_moved_page_with_only_a_title_heading_is_no_narrative():
    html = page("<header><h1>Site</h1></header><h1>China</h1><p>This page has moved.</p>")
    with pytest.raises(NarrativeNotFound, match="does not look like a narrative"):
        parse(html)


def test_a_long_narrative_under_a_name_only_heading_is_kept():
    words = FILLER * (MIN_NARRATIVE_WORDS // len(FILLER.split()) + 1)
    narrative = parse(page(f"<div id='centerblock'><h2>China</h2><p>{words}</p><p>{FILLER}</p></div>"))
    assert narrative.tier.tier is None and len(narrative.paragraphs()) == 2


def test_a_short_narrative_under_a_name_only_heading_needs_sections_or_a_placement():
    with pytest.raises(NarrativeNotFound, match="does not look like a narrative"):
        parse(page(f"<div id='centerblock'><h2>China</h2><p>{FILLER}</p></div>"))
    with_sections = parse(page(f"<div id='centerblock'><h2>China</h2><p>{FILLER}</p><h3>Prosecution</h3><p>{FILLER}</p></div>"))
    assert [s.name for s in with_sections.sections] == ["INTRODUCTION", "PROSECUTION"]
    with_placement = parse(page(f"<div id='centerblock'><h2>China</h2><p>{PLACED}</p></div>"))
    assert with_placement.tier.tier == "Tier 3"


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_every_small_fixture_page_still_looks_like_a_narrative(year):
    url = EXPECTED[year]["source_url"]
    narrative = parse_narrative(site_file(url).read_text(encoding="utf-8"), country=CHINA, year=year, source_url=url)
    assert len(narrative.paragraphs()) == EXPECTED[year]["paragraph_count"]


# -- tier sentences -----------------------------------------------------------------------------

def test_two_placement_sentences_that_disagree_leave_the_tier_unread():
    html = with_entry(f'<section class="entry-content"><h3>China (Tier 3)</h3><p>{PLACED}</p>'
                      f"<h3>PROSECUTION</h3><p>{FILLER}China was placed on Tier 2 Watch List.</p></section>")
    reading = parse(html).tier
    assert reading.tier is None
    assert "disagree" in reading.sentence and "Tier 2 Watch List" in reading.sentence and "Tier 3" in reading.sentence


def test_a_placement_naming_alternatives_is_unread():
    html = with_entry('<section class="entry-content"><h3>China (Tier 3)</h3>'
                      f"<p>{FILLER}China was placed on Tier 2 Watch List or Tier 3.</p></section>")
    reading = parse(html).tier
    assert reading.tier is None and "alternatives (Tier 2 Watch List or Tier 3)" in reading.sentence


# -- odd text and bytes -------------------------------------------------------------------------

def test_a_long_unbroken_string_is_kept():
    word = "x" * 100_000
    narrative = parse(page(f"<h3>CHINA: Tier 3</h3><p>{PLACED}</p><p>Before {word} after.</p>"))
    assert narrative.paragraphs()[-1][2] == f"Before {word} after."


@pytest.mark.parametrize("prefix", ['<?xml version="1.0" encoding="utf-8"?>\n', "\ufeff", "\x00", ""])
def test_declarations_bom_and_nul_do_not_stop_the_parser(prefix):
    html = prefix + page(f"<h3>CHINA: Tier 3</h3><p>{PLACED}\x00</p><p>Lone surrogate \ud800 here.</p>")
    narrative = parse(html)
    assert narrative.tier.tier == "Tier 3" and len(narrative.paragraphs()) == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 400), st.sampled_from(
    ["", "<div>", "</div>", "<p>", "</section>", "<b>", "<br>", "<script>", "<!--", "&", "<h3>CHINA: Tier 1</h3>",
     "\x00", "<table>", "</html>"])), max_size=6))
def test_mangled_pages_give_a_narrative_or_a_clear_error(cuts):
    html = fixture_2021()
    for at, length, insert in cuts:
        at %= len(html)
        html = html[:at] + insert + html[at + length:]
    try:
        narrative = parse(html)
    except NarrativeNotFound as exc:
        assert str(exc).startswith("no China narrative found in ")
    else:
        assert narrative.sections and all(s.paragraphs for s in narrative.sections)
