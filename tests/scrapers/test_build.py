"""Building the tables without a server: --years, reference lookup, the corpus tables and the
tier precedence rule, the table set's bytes, parse and status of a data directory."""
from __future__ import annotations

import random
from dataclasses import replace

import pandas as pd
import pytest
from table_paths import tables_dir

from scrapers.store.cache import RawCache
from scrapers.countries import get_country
from scrapers.web.http import FetchResult
from scrapers.models import Narrative, Section, TierReading
from analysis.schema import COVERAGE_TABLE, NARRATIVES_TABLE, PARAGRAPHS_TABLE, TIERS_TABLE
from analysis.recommendations import NO_RECOMMENDATIONS_DETAIL
from scrapers.build import corpus_tables, words_in
from scrapers.parse.text import word_count
from scrapers.inputs import ReferenceTier, YearsError, load_kelley, load_reference, parse_years
from scrapers.read import YearParse
from scrapers.refresh import parse
from scrapers.status import status
from scrapers.store.tableset import table_bytes

CHINA_2021 = "https://www.state.gov/reports/2021-trafficking-in-persons-report/china/"


@pytest.mark.parametrize("spec, years", [
    ("2021", [2021]),
    ("2013-2021", list(range(2013, 2022))),
    ("2003,2012,2021", [2003, 2012, 2021]),
    ("2021, 2003 ,2010-2011,2003", [2003, 2010, 2011, 2021]),
    ("2001", [2001]),
])
def test_parse_years_accepts_the_three_forms(spec, years):
    assert parse_years(spec, last_year=2025) == years


@pytest.mark.parametrize("spec, message", [
    ("abc", "cannot read 'abc'"),
    ("2030-2001", "runs backwards"),
    ("2000", "outside the report years 2001-2025"),
    ("2026", "outside the report years"),
    ("2021,", "cannot read ''"),
    ("", "empty"),
    ("21", "cannot read '21'"),
])
def test_parse_years_rejects_bad_values_clearly(spec, message):
    with pytest.raises(YearsError, match=message):
        parse_years(spec, last_year=2025)


def test_table_bytes_are_stable_with_fixed_formats():
    frame = pd.DataFrame({"country": ["china", "china"], "year": [2020, 2021], "share": [1 / 3, 0.5],
                          "flag": [True, False], "note": ["a, \"quoted\"", ""]})
    assert table_bytes(frame) == (
        b'country,year,share,flag,note\n'
        b'china,2020,0.3333333333,true,"a, ""quoted"""\n'
        b'china,2021,0.5,false,\n'
    )
    assert table_bytes(frame.copy()) == table_bytes(frame)


def test_reference_prefers_the_data_dir_copy(tmp_path):
    rows, path = load_reference(tmp_path, "china")
    assert path is not None and path.parts[-3:] == ("data", "reference", "china_tiers.csv")
    assert rows[2013].tier == "Tier 3" and rows[2013].source_url.startswith("http")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "china_tiers.csv").write_text(
        "country,year,tier,source_url,source_note\nchina,2013,Tier 1,https://example.test/ref,test\n")
    rows, path = load_reference(tmp_path, "china")
    assert path == tmp_path / "reference" / "china_tiers.csv"
    assert list(rows) == [2013] and rows[2013].tier == "Tier 1"


def test_kelley_panel_gives_china_2001_to_2015_with_its_source():
    rows, path = load_kelley("/nonexistent", "CHN")
    assert path is not None and path.name == "kelley_tiers.csv"
    assert sorted(rows) == list(range(2001, 2016))
    assert rows[2013].tier == "Tier 3" and rows[2005].tier == "Tier 2 Watch List" and rows[2001].tier == "Tier 2"
    assert all(r.source_url.startswith("https://github.com/andrewheiss/scorecard-diplomacy/") for r in rows.values())
    assert load_kelley("/nonexistent", "XKX")[0][2010].tier == "Tier 2"  # Kosovo: KOS in Kelley's panel
    assert load_kelley("/nonexistent", "")[0] == {}


def _narrative(year: int, tier: str | None, notes=()) -> Narrative:
    return Narrative(
        country="china", year=year, source_url=CHINA_2021.replace("2021", str(year)),
        tier=TierReading(tier, "therefore the PRC remained on Tier 3." if tier else "", tuple(notes)),
        sections=(
            Section("INTRODUCTION", "", ("The PRC remained on Tier 3.",)),
            Section("TRAFFICKING PROFILE", "TRAFFICKING PROFILE", ("Some North Korean women are exploited.",
                                                                   "A second paragraph.")),
        ),
    )


def _cache_with_pages(tmp_path, years) -> RawCache:
    cache = RawCache(tmp_path)
    for year in years:
        url = CHINA_2021.replace("2021", str(year))
        cache.store(FetchResult(url, "http://127.0.0.1:1/" + url, 200, b"<html>x</html>", "text/html",
                                "2026-01-01T00:00:00Z"))
    return cache


def test_corpus_tables_follow_the_contract(tmp_path):
    cache = _cache_with_pages(tmp_path, [2020, 2021, 2022])
    cache.record_year("china", 2019, "fetch_failed", "read timed out", "https://x.test/2019")
    reference = {y: ReferenceTier("Tier 3", f"https://ref.test/{y}") for y in (2019, 2020, 2021, 2022)}
    scans = {
        2019: YearParse(2019, "not_cached"),
        2020: YearParse(2020, "parsed", source_url=CHINA_2021.replace("2021", "2020"),
                        narrative=_narrative(2020, "Tier 2", ["upgraded"])),
        2021: YearParse(2021, "parsed", source_url=CHINA_2021, narrative=_narrative(2021, "Tier 3", ["remained"])),
        2022: YearParse(2022, "parsed", source_url=CHINA_2021.replace("2021", "2022"), narrative=_narrative(2022, None)),
    }
    kelley = {2020: ReferenceTier("Tier 2", "https://kelley.test/2020")}
    frames, disagreements = corpus_tables("china", scans, cache, reference, kelley, None)
    assert list(frames["tiers"].columns) == list(TIERS_TABLE.columns)
    assert list(frames["narratives"].columns) == list(NARRATIVES_TABLE.columns)
    assert list(frames["paragraphs"].columns) == list(PARAGRAPHS_TABLE.columns)
    assert list(frames["coverage"].columns) == list(COVERAGE_TABLE.columns)

    tiers = frames["tiers"].set_index("year")
    assert list(tiers.index) == [2019, 2020, 2021, 2022]
    assert tiers.loc[2019, "origin"] == "reference" and tiers.loc[2019, "tier"] == "Tier 3"
    assert tiers.loc[2019, "source_url"] == "https://ref.test/2019" and tiers.loc[2019, "agrees"] == ""
    assert tiers.loc[2020, ["tier", "origin", "agrees", "tier_note"]].tolist() == ["Tier 2", "scraped", "false", "upgraded"]
    assert tiers.loc[2020, ["kelley_tier", "kelley_agrees"]].tolist() == ["Tier 2", "true"]
    assert tiers.loc[2021, ["tier", "origin", "agrees", "reference_tier"]].tolist() == ["Tier 3", "scraped", "true", "Tier 3"]
    assert tiers.loc[2021, "source_url"] == CHINA_2021
    # scraped page, tier unread: the reference tier is THE tier of the year, marked as such
    assert tiers.loc[2022, ["tier", "origin", "agrees", "reference_tier", "tier_note"]].tolist() == [
        "Tier 3", "reference", "", "Tier 3", "unread_on_page"]
    assert tiers.loc[2022, "source_url"] == "https://ref.test/2022" and tiers.loc[2022, "tier_sentence"] == ""

    assert [(d.year, d.scraped_tier, d.reference_tier) for d in disagreements] == [(2020, "Tier 2", "Tier 3")]
    assert "TIER DISAGREES 2020: scraped 'Tier 2'" in disagreements[0].message()
    assert "https://ref.test/2020" in disagreements[0].message()

    narratives = frames["narratives"].set_index("year")
    assert narratives.loc[2021, "paragraph_count"] == 3 and narratives.loc[2021, "section_count"] == 2
    assert narratives.loc[2021, "word_count"] == 6 + 6 + 3
    assert narratives.loc[2021, "fetched_url"] == "http://127.0.0.1:1/" + CHINA_2021
    assert not narratives.loc[2021, "synthetic"]
    paragraphs = frames["paragraphs"][frames["paragraphs"].year == 2021]
    assert paragraphs.paragraph_index.tolist() == [0, 1, 2]
    assert paragraphs.section.tolist() == ["INTRODUCTION", "TRAFFICKING PROFILE", "TRAFFICKING PROFILE"]

    coverage = frames["coverage"].set_index("year")
    assert coverage.loc[2019, ["status", "detail"]].tolist() == ["fetch_failed", "read timed out"]
    # these narratives print no recommendations section: coverage says so
    assert coverage.loc[2021, ["status", "detail"]].tolist() == ["parsed", NO_RECOMMENDATIONS_DETAIL]
    assert coverage.loc[2022, "detail"] == f"tier could not be read from the page; {NO_RECOMMENDATIONS_DETAIL}"


def test_coverage_names_the_parsers_reason_for_an_unread_tier(tmp_path):
    cache = _cache_with_pages(tmp_path, [2022])
    reason = "tier unreadable: heading says Tier 2 but the placement sentence says Tier 3"
    narrative = replace(_narrative(2022, None), tier=TierReading(None, reason))
    scans = {2022: YearParse(2022, "parsed", source_url=narrative.source_url, narrative=narrative)}
    frames, _ = corpus_tables("china", scans, cache, {}, {}, None)
    assert frames["coverage"].loc[0, "detail"] == f"tier could not be read from the page ({reason}); {NO_RECOMMENDATIONS_DETAIL}"


def test_parse_of_an_empty_data_dir_writes_reference_tiers(data_dir):
    result = parse(data_dir, "china")
    assert result.parsed_years == []
    tiers = pd.read_csv(tables_dir(data_dir) / "tiers.csv", keep_default_na=False)
    assert (tiers.origin == "reference").all() and tiers.year.min() == 2001
    for name in ("narratives", "paragraphs", "coverage"):
        assert pd.read_csv(tables_dir(data_dir) / f"{name}.csv").empty
    assert not list(data_dir.glob("**/.*.tmp"))


def test_unknown_country_is_a_value_error(data_dir):
    with pytest.raises(ValueError, match="unknown country slug 'atlantis'"):
        parse(data_dir, "atlantis")


def test_status_of_an_empty_data_dir_lists_reference_years(data_dir):
    report = status(data_dir, "china")
    assert report.cached_pages == 0
    first = report.years[0]
    assert (first.year, first.cached, first.origin) == (2001, False, "reference")
    assert any("not cached" in p for p in first.problems)
    assert get_country("china").slug == report.country


def test_words_in_counts_what_word_count_counts():
    """build.words_in (numpy over ASCII text) against parse.text.word_count (str.split) on texts
    with every ASCII whitespace str.split knows, and non-ASCII ones (split the slow way)."""
    alphabet = "ab .,\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
    rng = random.Random(7)
    cases = [[], [""], [" "], ["a"], [" a b  c ", "x\ty\n\nz"], ["é ü", "a\xa0b", "x\u2009y"], ["end.", "  lead", "trail  "]]
    cases += [["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 15))) for _ in range(rng.randint(0, 4))]
              for _ in range(500)]
    for texts in cases:
        assert words_in(texts) == sum(word_count(t) for t in texts), texts
