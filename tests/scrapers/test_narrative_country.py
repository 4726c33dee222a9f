"""A narrative belongs to its country: under the page's name-only heading (the <h1>), a narrative
that opens with another country's heading (Hong Kong, Macau, Taiwan for China, or any other registry
country) or with a sentence about a separate narrative is refused with the reason, whatever the <h1>
or <title> says. The pages are the SYNTHETIC fixture site's 2021 China page, edited here."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from table_paths import tables_dir

from scrapers.countries import get_country
from scrapers.errors import NarrativeNotFound
from scrapers.parse.page import parse_narrative

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests/fixtures/site/www.state.gov/reports/2021-trafficking-in-persons-report/china/index.html"
OPENING = "<h3>China (Tier 3)</h3>"
HK_SENTENCE = "The Government of the Hong Kong Special Administrative Region does not fully meet"


def other_narrative(heading: str, name: str = "Hong Kong") -> str:
    """China's 2021 page (its <h1> and <title> still say China) holding another narrative."""
    text = PAGE.read_text(encoding="utf-8")
    assert OPENING in text
    text = text.replace(OPENING, heading)
    text = text.replace("The Government of the People\u2019s Republic of China (PRC) does not fully meet",
                        f"The Government of {name} does not fully meet" if name != "Hong Kong" else HK_SENTENCE)
    return text.replace("therefore the PRC remained on Tier 3", f"therefore {name} was placed on Tier 2")


def parse_china(html: str):
    return parse_narrative(html, country=get_country("china"), year=2021, source_url="https://example.test/china/")


def test_chinas_own_page_is_read():
    assert parse_china(PAGE.read_text(encoding="utf-8")).tier.tier == "Tier 3"


@pytest.mark.parametrize("heading, named", [
    ("<h3>Hong Kong (Tier 2)</h3>", "Hong Kong"),
    ("<h3>HONG KONG: Tier 2</h3>", "Hong Kong"),
    ("<h3>Hong Kong</h3>", "Hong Kong"),
    ("<h3>China (Hong Kong)</h3>", "Hong Kong"),
    ("<h3>Macau</h3>", "Macau"),
    ("<h3>Taiwan (Tier 1)</h3>", "Taiwan"),
    ("<h3>Japan</h3>", "Japan"),
])
def test_another_narrative_under_chinas_h1_is_refused_naming_it(heading, named):
    with pytest.raises(NarrativeNotFound) as info:
        parse_china(other_narrative(heading))
    message = str(info.value)
    assert "2021 Trafficking in Persons Report: China" in message
    assert f"which names {named}, not China: another narrative, refused" in message


def test_a_narrative_opening_with_a_sentence_about_hong_kong_is_refused():
    with pytest.raises(NarrativeNotFound, match="opens with a sentence about another narrative, not China: "
                                                 "'The Government of the Hong Kong Special Administrative Region"):
        parse_china(other_narrative(""))


def test_every_country_of_a_world_crawl_refuses_a_neighbours_narrative():
    html = other_narrative("<h3>South Korea</h3>", "South Korea").replace(
        "2021 Trafficking in Persons Report: China", "2021 Trafficking in Persons Report: Japan")
    with pytest.raises(NarrativeNotFound, match="which names South Korea, not Japan"):
        parse_narrative(html, country=get_country("japan"), year=2021, source_url="https://example.test/japan/")


def test_chinas_url_serving_hong_kongs_narrative_keeps_chinas_page_and_tier(fetched_2021, site_server, cli,
                                                                              site_expected):
    data_dir = fetched_2021
    url = site_expected.EXPECTED[2021]["source_url"]
    manifest = pd.read_csv(data_dir / "raw" / "manifest.csv", dtype=str).set_index("url")
    cached = (data_dir / "raw" / manifest.loc[url, "path"]).read_bytes()
    site_server.set_content(url, other_narrative("<h3>Hong Kong</h3>").encode("utf-8"))
    for flag in ("--revalidate", "--force"):
        run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
                  "--years", "2021", flag)
        assert run.code == 1, run.output
        assert "FAILED 2021 (parse_failed)" in run.output and "which names Hong Kong, not China" in run.output
        assert "the cached copy is kept" in run.output or "kept the cached copy" in run.output, run.output
        entry = pd.read_csv(data_dir / "raw" / "manifest.csv", dtype=str).set_index("url").loc[url]
        assert (data_dir / "raw" / entry["path"]).read_bytes() == cached
        tiers = pd.read_csv(tables_dir(data_dir) / "tiers.csv", dtype=str, keep_default_na=False)
        assert tiers.set_index("year").loc["2021", "tier"] == "Tier 3"
        for table in tables_dir(data_dir).glob("*.csv"):
            assert "Hong Kong Special Administrative Region" not in table.read_text(encoding="utf-8"), table.name
    assert list((data_dir / "raw" / "rejected").rglob("*.html"))


@pytest.fixture
def fetched_2021(site_server, data_dir, cli):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", "2021")
    assert run.code == 0, run.output
    return data_dir
