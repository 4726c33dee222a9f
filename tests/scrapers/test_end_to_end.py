"""End to end: `refresh --mirror http://127.0.0.1:PORT/` over every fixture year (all three eras),
then a warm refresh (zero requests), then `parse` offline (byte-identical tables)."""
from __future__ import annotations

import csv

import pandas as pd
import pytest
from table_paths import tables_dir
import site_expected as site_expected_module

from scrapers.refresh import refresh
from scrapers.web.config import FetchConfig

ANALYSIS_COLUMNS = {
    "mentions.csv": ["country", "year", "group", "term_hits", "sentences", "paragraphs", "per_1000_words",
                     "share_of_sentences", "first_paragraph_index", "first_position"],
    "mention_sections.csv": ["country", "year", "group", "section", "term_hits", "sentences", "paragraphs"],
    "kwic.csv": ["country", "year", "group", "kinds", "quantifiers", "section", "paragraph_index",
                 "sentence_index", "term", "sentence", "source_url"],
    "claims.csv": ["claim_id", "claim", "verdict", "evidence", "links"],
}


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def header(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def fixture_years_arg(site_expected) -> str:
    return ",".join(str(y) for y in site_expected.FIXTURE_YEARS)


def test_refresh_all_fixture_years_then_warm_then_parse_offline(site_server, data_dir, site_expected, cli,
                                                                snapshot):
    years = fixture_years_arg(site_expected)
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", years)
    assert run.code == 0, run.output
    assert site_server.total > 0
    expected = site_expected.EXPECTED
    assert {int(y) for y in years.split(",")} == set(expected)
    assert {"2001-2009.state.gov", "2009-2017.state.gov", "www.state.gov"} <= {
        url.split("/")[2] for url in (e["source_url"] for e in expected.values())}, "all three eras"

    tiers = read(tables_dir(data_dir) / "tiers.csv").set_index("year")
    assert [int(y) for y in tiers.index] == list(range(2001, 2001 + len(tiers))), "a row for every year"
    for year, exp in expected.items():
        row = tiers.loc[str(year)]
        assert row["tier"] == (exp["tier"] or ""), year
        assert row["origin"] == "scraped", year
        assert row["source_url"] == exp["source_url"], year
        assert row["tier_note"] == ";".join(exp["tier_notes"]), year
        if row["tier"] and row["reference_tier"]:
            assert row["agrees"] == ("true" if row["tier"] == row["reference_tier"] else "false")
    for year in set(int(y) for y in tiers.index) - set(expected):
        row = tiers.loc[str(year)]
        assert row["origin"] == "reference" and row["tier"] == row["reference_tier"] != ""
        assert row["source_url"] == row["reference_source_url"]

    narratives = read(tables_dir(data_dir) / "narratives.csv").set_index("year")
    assert sorted(int(y) for y in narratives.index) == sorted(expected)
    for year, exp in expected.items():
        row = narratives.loc[str(year)]
        assert row["source_url"] == exp["source_url"]  # the original URL, not the mirror's
        assert row["fetched_url"] == site_server.base_url + exp["source_url"]
        assert int(row["paragraph_count"]) == exp["paragraph_count"], year
        assert int(row["section_count"]) == len(exp["sections"]), year
        assert int(row["word_count"]) > 0 and len(row["sha256"]) == 64 and row["fetched_at"].endswith("Z")

    paragraphs = read(tables_dir(data_dir) / "paragraphs.csv")
    for year, exp in expected.items():
        own = paragraphs[paragraphs.year == str(year)]
        assert own.paragraph_index.astype(int).tolist() == list(range(exp["paragraph_count"])), year
        assert list(dict.fromkeys(own.section)) == exp["sections"], year
        assert own.text.iloc[0].startswith(exp["first_paragraph_startswith"]), year
        assert own.text.iloc[-1].startswith(exp["last_paragraph_startswith"]), year

    coverage = read(tables_dir(data_dir) / "coverage.csv")
    assert coverage.status.tolist() == ["parsed"] * len(expected)
    assert sorted(coverage.year.astype(int)) == sorted(expected)

    # every recommendation in printed order, the North Korean ones marked; none where none are printed
    recommendations = read(tables_dir(data_dir) / "recommendations.csv")
    for year, (count, nk_ranks) in site_expected.RECOMMENDATIONS.items():
        own = recommendations[recommendations.year == str(year)]
        assert own["rank"].astype(int).tolist() == list(range(1, count + 1)), year
        assert tuple(int(r) for r, g in zip(own["rank"], own["groups"]) if "north_korean" in g.split("|")) == nk_ranks
        assert (own["source_url"] == expected[year]["source_url"]).all(), year
        detail = coverage.loc[coverage.year == str(year), "detail"].item()
        assert ("no recommendations" in detail) is (count == 0), (year, detail)
    forced_return = recommendations[(recommendations.year == "2021") & (recommendations["rank"] == "2")]
    thread = recommendations[recommendations.thread == forced_return.thread.item()]
    assert thread.year.astype(int).tolist() == list(site_expected.FORCED_RETURN_THREAD_YEARS)
    assert (thread.first_year == "2016").all()

    for name, columns in ANALYSIS_COLUMNS.items():
        assert (tables_dir(data_dir) / name).is_file(), f"{name} not written"
        assert set(columns) <= set(header(tables_dir(data_dir) / name)), name

    manifest = read(data_dir / "raw" / "manifest.csv")
    assert set(manifest.url) >= {e["source_url"] for e in expected.values()}
    assert all(url.startswith(site_server.base_url) for url in manifest.fetched_url)
    assert all((data_dir / "raw" / p).is_file() for p in manifest.path)

    # a warm refresh of the same years makes no request at all and changes nothing
    before = snapshot(data_dir)
    site_server.reset_counts()
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", years)
    assert run.code == 0, run.output
    assert site_server.total == 0, dict(site_server.counts)
    assert "0 request(s)" in run.output
    assert snapshot(data_dir) == before

    # parse rebuilds byte-identical tables from the cache alone (the server is stopped: no network)
    site_server.stop()
    for path in tables_dir(data_dir).glob("*.csv"):
        path.unlink()
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    assert snapshot(data_dir) == before


def test_newest_year_is_discovered_by_probing_back_from_this_year(site_server, data_dir, site_expected):
    config = FetchConfig(delay=0, retries=0, mirror=site_server.base_url)
    newest = max(site_expected.FIXTURE_YEARS)
    result = refresh(data_dir, "china", None, fetch_config=config, start_year=newest + 2)
    assert result.newest_year == newest
    assert result.years_asked == tuple(range(2001, newest + 1))
    probed = [f"https://www.state.gov/reports/{y}-trafficking-in-persons-report/" for y in (newest + 2, newest + 1)]
    assert all(site_server.counts[url] == 1 for url in probed)
    # years the fixture site lacks are reported as failed (404: no page); the fixture years parse
    failed = {o.year: o.status for o in result.failed}
    assert set(failed) == set(result.years_asked) - set(site_expected.FIXTURE_YEARS)
    assert set(failed.values()) == {"no_page"}
    assert result.build.parsed_years == sorted(site_expected.FIXTURE_YEARS)
    coverage = read(tables_dir(data_dir) / "coverage.csv")
    assert coverage.year.astype(int).max() == newest  # unpublished years are probes, not asked years
    failures = read(data_dir / "raw" / "failures.csv")
    assert not set(probed) & set(failures.url), "a not-yet-published year is not logged as a failure"

    # a second plain refresh re-probes only what is not cached: no cached URL is fetched again
    cached = set(read(data_dir / "raw" / "manifest.csv").url)
    site_server.reset_counts()
    again = refresh(data_dir, "china", None, fetch_config=config, start_year=newest + 2)
    assert again.newest_year == newest
    assert site_server.total > 0
    assert not set(site_server.counts) & cached


def test_cli_default_refresh_summarises_missing_years(site_server, data_dir, site_expected, cli):
    # the real current year: the probe walks back to the newest fixture year
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--retries", "0")
    assert run.code == 1
    newest = max(site_expected.FIXTURE_YEARS)
    assert f"newest report year found: {newest}" in run.output
    assert "FAILED 2001 (no_page): no page: https://2001-2009.state.gov/g/tip/rls/tiprpt/2001/index.htm" in run.output
    assert f"FAILED {newest} " not in run.output


def test_data_dir_reference_disagreement_is_shouted(site_server, data_dir, site_expected, cli):
    (data_dir / "reference").mkdir()
    (data_dir / "reference" / "china_tiers.csv").write_text(
        "country,year,tier,source_url,source_note\n"
        "china,2021,Tier 2,https://ref.example.test/2021,deliberately wrong for the test\n", encoding="utf-8")
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2021")
    assert run.code == 0, run.output
    url = site_expected.EXPECTED[2021]["source_url"]
    assert (f"TIER DISAGREES 2021: scraped 'Tier 3' ({url}) vs reference 'Tier 2' "
            "(https://ref.example.test/2021)") in run.output
    tiers = read(tables_dir(data_dir) / "tiers.csv")
    row = tiers.set_index("year").loc["2021"]
    assert (row.tier, row.origin, row.reference_tier, row.agrees) == ("Tier 3", "scraped", "Tier 2", "false")
    # the other years come from Kelley's panel (2001-2015) alone: origin reference, nothing to agree with
    assert set(tiers.year) == {str(y) for y in range(2001, 2016)} | {"2021"}
    status = cli("status", "--data-dir", data_dir)
    assert status.code == 0
    assert "TIER DISAGREES 2021" in status.output


def test_status_reports_each_year(site_server, data_dir, site_expected, cli):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2021,2022", "--retries", "0")
    assert run.code == 1  # 2022 is not on the fixture site
    report = cli("status", "--data-dir", data_dir)
    assert report.code == 0
    lines = report.output.splitlines()
    line_2021 = next(line for line in lines if line.startswith("2021 "))
    assert "yes" in line_2021 and "Tier 3" in line_2021 and "scraped" in line_2021
    assert site_expected.EXPECTED[2021]["source_url"] in line_2021
    at_2022 = lines.index(next(line for line in lines if line.startswith("2022 ")))
    assert "no" in lines[at_2022] and "reference" in lines[at_2022]
    assert "NO PAGE" in lines[at_2022 + 1] and "2022-trafficking-in-persons-report" in lines[at_2022 + 1]


@pytest.mark.parametrize("year", site_expected_module.TWO_HOP_YEARS)
def test_two_hop_years_are_found_through_the_index_page(site_server, data_dir, site_expected, year):
    config = FetchConfig(delay=0, retries=0, mirror=site_server.base_url)
    result = refresh(data_dir, "china", [year], fetch_config=config)
    assert result.ok, result.outcomes
    assert site_server.counts[site_expected.EXPECTED[year]["source_url"]] == 1
    assert site_server.total >= 3  # landing, index page, narrative page
