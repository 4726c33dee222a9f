"""Real-size SYNTHETIC pages (scripts/make_realistic_pages.py): the parser reads back exactly what the
generator wrote, through 150-400 KB of page furniture, on every era's markup; discovery walks the site."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.lexicon import parse_lexicon
from analysis.recommendations import recommendations_table

from scrapers.countries import get_country
from scrapers.web.discover import locate_narrative
from scrapers.errors import NarrativeNotFound, PageNotFound
from analysis.schema import SECTION_NAMES
from scrapers.parse.page import parse_all_narratives, parse_narrative

ROOT = Path(__file__).resolve().parents[2]
CHINA = get_country("china")
YEARS = (2002, 2005, 2008, 2011, 2013, 2016, 2017, 2020, 2021, 2024)  # every era, every heading form


def _generator():
    spec = importlib.util.spec_from_file_location("make_realistic_pages", ROOT / "scripts" / "make_realistic_pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@pytest.fixture(scope="module")
def lexicon():
    return parse_lexicon((ROOT / "data" / "lexicon.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("realistic")
    truth = GEN.generate(out, YEARS)
    return out, truth


@pytest.fixture(scope="module")
def parsed(site):
    out, truth = site
    return {year: parse_narrative(GEN.url_file(out, t.source_url).read_text(encoding="utf-8"), country=CHINA,
                                  year=year, source_url=t.source_url)
            for year, t in truth.items()}


def test_pages_are_real_sized_and_marked_synthetic(site):
    out, truth = site
    for t in truth.values():
        page = GEN.url_file(out, t.source_url)
        assert 150 <= page.stat().st_size / 1024 <= 400, (t.year, page.stat().st_size)
        assert 4000 <= t.word_count <= 12000, (t.year, t.word_count)
    for page in GEN.page_files(out):
        assert "<!-- SYNTHETIC BENCHMARK PAGE - not report text" in page.read_text(encoding="utf-8")[:400]
    assert {t.era for t in truth.values()} == {"early", "middle", "recent"}
    assert all(t.countries_on_page >= 10 for t in truth.values() if t.era == "early")


def test_generator_is_deterministic_and_a_year_does_not_depend_on_the_others(site, tmp_path):
    out, truth = site
    again = GEN.generate(tmp_path, (2013,))
    assert again[2013] == truth[2013]
    for url in again[2013].pages:
        assert GEN.url_file(tmp_path, url).read_bytes() == GEN.url_file(out, url).read_bytes()
    assert GEN.load_truth(out) == truth


@pytest.mark.parametrize("year", YEARS)
def test_tier_read_as_written(parsed, site, year):
    truth = site[1][year]
    assert (parsed[year].tier.tier, parsed[year].tier.notes) == (truth.tier, truth.tier_notes), parsed[year].tier


@pytest.mark.parametrize("year", YEARS)
def test_sections_and_paragraphs_as_written(parsed, site, year):
    truth = site[1][year]
    narrative = parsed[year]
    assert [(s.name, len(s.paragraphs)) for s in narrative.sections] == [tuple(s) for s in truth.sections]
    assert all(s.name in SECTION_NAMES for s in narrative.sections)
    assert tuple(text for _, _, text in narrative.paragraphs()) == truth.paragraphs
    assert sum(1 for _, _, t in narrative.paragraphs() if "North Korea" in t) == truth.north_korean_paragraphs > 0


@pytest.mark.parametrize("year", YEARS)
def test_recommendations_read_in_printed_order_with_the_north_korean_ones_marked(parsed, site, lexicon, year):
    truth = site[1][year]
    rows = [(CHINA.slug, year, i, section.name, text) for i, section, text in parsed[year].paragraphs()]
    table = recommendations_table(pd.DataFrame(rows, columns=["country", "year", "paragraph_index", "section", "text"]),
                                  None, lexicon)
    assert tuple(table["text"]) == truth.recommendations
    assert table["rank"].tolist() == list(range(1, len(truth.recommendations) + 1))
    marked = tuple(int(r) for r, g in zip(table["rank"], table["groups"]) if "north_korean" in g.split("|"))
    assert marked == truth.north_korean_recommendations
    if truth.era != "early" or year >= 2007:  # the 2001-2006 narratives print no recommendations
        assert len(truth.recommendations) >= 6 and len(marked) == 1


@pytest.mark.parametrize("year", YEARS)
def test_no_furniture_or_neighbour_leaks(parsed, year):
    text = "\n".join(t for _, _, t in parsed[year].paragraphs())
    for leak in ("Synthetic footnote", "synthetic benchmark", "Share", "Back to Top", "CHINA: Tier 1", "Menu item",
                 "Skip to", "Related Articles", "Report year", "Hong Kong", "Taiwan", "Macau", "Fiji",
                 "Government of Cambodia", "Countries & Areas"):
        assert leak not in text, f"{year}: {leak!r} leaked into the narrative"


def test_discovery_walks_the_generated_site(site):
    out, truth = site

    def fetch(url: str) -> str:
        path = GEN.url_file(out, url.split("#")[0])
        if not path.is_file():
            raise PageNotFound(url)
        return path.read_text(encoding="utf-8")

    for year, t in truth.items():
        assert locate_narrative(year, CHINA, fetch).split("#")[0] == t.source_url


@pytest.mark.parametrize("year", [y for y in YEARS if y <= 2008])
def test_a_regional_page_splits_into_every_country(parsed, site, year):
    out, truth = site
    t = truth[year]
    html = GEN.url_file(out, t.source_url).read_text(encoding="utf-8")
    names = [name for name, _, _ in t.page_countries]
    found = parse_all_narratives(html, year, t.source_url, names)
    assert [(name, n.tier.tier, len(n.paragraphs())) for name, n in found] == [tuple(c) for c in t.page_countries]
    china = next(n for name, n in found if n.country == "china")
    assert china == parsed[year]
    slugs = [n.country for _, n in found]
    assert len(set(slugs)) == len(slugs) and "hong-kong" in slugs and "taiwan" in slugs


def test_parse_all_narratives_names_what_it_looked_for(site):
    out, truth = site
    html = GEN.url_file(out, truth[2002].source_url).read_text(encoding="utf-8")
    assert [name for name, _ in parse_all_narratives(html, 2002, "u", ["Taiwan", "Burma"])] == ["Burma", "Taiwan"]
    with pytest.raises(NarrativeNotFound, match="'Atlantis'"):
        parse_all_narratives(html, 2002, "u", ["Atlantis"])
