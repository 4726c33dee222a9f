"""The whole report over the local server: every narrative each year lists (renamed countries, a
Special Case, a country that appears mid-series, a shared 2001-2008 regional page), one table set."""
from __future__ import annotations

import pandas as pd
import pytest
from site_server import SiteServer
from table_paths import tables_dir
from world_site import PRINTED, YEARS, write_world_site

YEAR_ARG = ",".join(map(str, YEARS))


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def world(tmp_path):
    root = tmp_path / "site"
    expected = write_world_site(root)
    with SiteServer(root) as server:
        yield server, expected


def test_refresh_all_reads_every_listed_narrative_under_one_slug_each(world, data_dir, cli):
    server, expected = world
    run = cli("refresh", "--data-dir", data_dir, "--mirror", server.base_url, "--delay", "0",
              "--countries", "all", "--years", YEAR_ARG)
    assert run.code == 0, run.output
    assert "Atlantis" in run.output and "no registry entry knows" in run.output  # reported, not dropped
    narratives = read(tables_dir(data_dir) / "narratives.csv")
    got = {(r.country, int(r.year)) for r in narratives.itertuples()}
    assert got == set(expected)
    # renamed countries keep one slug: Korea, North / Korea, Democratic People's Republic of / North Korea
    assert sorted(int(y) for y in narratives[narratives.country == "north-korea"].year) == [2005, 2013, 2021]
    assert sorted(int(y) for y in narratives[narratives.country == "eswatini"].year) == [2013, 2021]
    assert narratives[narratives.country == "somalia"].year.tolist() == ["2021"]  # appears mid-series

    tiers = read(tables_dir(data_dir) / "tiers.csv").set_index(["country", "year"])
    for (slug, year), exp in expected.items():
        row = tiers.loc[(slug, str(year))]
        assert (row.tier, row.origin) == (exp["tier"], "scraped"), (slug, year, row.tier_sentence)
    # Kelley's panel cross-checks every country it rates (2001-2015) and fills the years not read
    assert tiers.loc[("north-korea", "2005"), "kelley_tier"] == "Tier 3"
    assert tiers.loc[("north-korea", "2005"), "kelley_agrees"] == "true"
    assert tiers.loc[("north-korea", "2010"), ["tier", "origin"]].tolist() == ["Tier 3", "reference"]

    # the 2005 regional page is one page, each country its own narrative
    paragraphs = read(tables_dir(data_dir) / "paragraphs.csv")
    p2005 = paragraphs[paragraphs.year == "2005"]
    assert set(p2005.country) == {slug for slug, y in expected if y == 2005}
    korea = " ".join(p2005[p2005.country == "north-korea"].text)
    assert "North Korea is a source country" in korea and "Mongolia" not in korea.split("Korea")[0]

    mentions = read(tables_dir(data_dir) / "mentions.csv")
    nk = mentions[(mentions.group == "north_korean")].set_index(["country", "year"])
    for (slug, year), exp in expected.items():
        assert (int(nk.loc[(slug, str(year)), "sentences"]) > 0) == exp["nk"], (slug, year)

    # the world's pages are stored compressed, each checked against the sha256 of the page itself
    manifest = read(data_dir / "raw" / "manifest.csv")
    assert manifest.path.str.endswith(".gz").all()
    import gzip
    import hashlib

    for row in manifest.itertuples():
        page = gzip.decompress((data_dir / "raw" / row.path).read_bytes())
        assert hashlib.sha256(page).hexdigest() == row.sha256 and len(page) == int(row.bytes)

    # a second run asks for nothing
    server.reset_counts()
    run = cli("refresh", "--data-dir", data_dir, "--mirror", server.base_url, "--delay", "0",
              "--countries", "all", "--years", YEAR_ARG)
    assert run.code == 0 and "0 page(s) parsed" in run.output, run.output
    assert server.total == 0, dict(server.counts)


def test_explicit_countries_and_status_overview(world, data_dir, cli):
    server, expected = world
    run = cli("refresh", "--data-dir", data_dir, "--mirror", server.base_url, "--delay", "0",
              "--countries", "china,north-korea,somalia", "--years", "2013,2021")
    assert run.code == 0, run.output  # somalia has no 2013 narrative: not a failure, said so
    assert "somalia 2013: NOT LISTED - the 2013 report's table of contents lists 3 narratives but none for Somalia" in run.output
    assert "1 not in that year's report; 0 failed" in run.output
    narratives = read(tables_dir(data_dir) / "narratives.csv")
    assert {(r.country, int(r.year)) for r in narratives.itertuples()} == {
        ("china", 2013), ("china", 2021), ("north-korea", 2013), ("north-korea", 2021), ("somalia", 2021)}

    status = cli("status", "--data-dir", data_dir, "--countries", "all")
    assert status.code == 0
    lines = {line.split()[0]: line for line in status.output.splitlines() if line and line.split()[0] in PRINTED}
    assert set(lines) == {"china", "north-korea", "somalia"}
    assert "PRK" in lines["north-korea"] and "Tier 3 (2021, scraped)" in lines["north-korea"]
    assert "Special Case (2021, scraped)" in lines["somalia"]
    assert "Tier 3 (2025, reference)" in lines["china"]  # the reference table's newest year
    assert "somalia: 2013" not in status.output  # not a problem
    coverage = read(tables_dir(data_dir) / "coverage.csv").set_index(["country", "year"])
    assert coverage.loc[("somalia", "2013"), "status"] == "not_listed"

    # parse rebuilds every country the directory holds, without being told which
    before = read(tables_dir(data_dir) / "paragraphs.csv")
    for path in tables_dir(data_dir).glob("*.csv"):
        path.unlink()
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    assert read(tables_dir(data_dir) / "paragraphs.csv").equals(before)


def test_a_damaged_compressed_page_is_named_and_fetched_again(world, data_dir, cli):
    server, expected = world
    args = ("--mirror", server.base_url, "--delay", "0", "--countries", "all", "--years", "2013")
    assert cli("refresh", "--data-dir", data_dir, *args).code == 0
    manifest = read(data_dir / "raw" / "manifest.csv").set_index("url")
    url = expected[("north-korea", 2013)]["source_url"]
    packed = data_dir / "raw" / manifest.loc[url, "path"]
    packed.write_bytes(packed.read_bytes()[:40])  # a truncated gzip stream
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 1 and "CACHE CORRUPT north-korea 2013" in run.output, run.output
    assert "--countries north-korea" in run.output
    server.reset_counts()
    assert cli("refresh", "--data-dir", data_dir, *args).code == 0
    assert server.counts[url] == 1


def test_unknown_country_slug_is_refused_with_the_nearest_ones(cli, data_dir):
    run = cli("refresh", "--data-dir", data_dir, "--countries", "china,north-koreaa")
    assert run.code == 2 and "did you mean 'north-korea'" in run.output
    run = cli("refresh", "--data-dir", data_dir, "--countries", "all,china")
    assert run.code == 2 and "give it alone" in run.output
