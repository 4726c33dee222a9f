"""Discovery: each fixture year's China page is found from that year's landing page, 404s and all."""
from __future__ import annotations

import pytest
import site_expected as SITE_EXPECTED
from site_server import site_file

from scrapers.countries import get_country
from scrapers.web.discover import landing_urls, locate_narrative
from scrapers.errors import FetchError, NarrativeNotFound, PageNotFound

CHINA = get_country("china")


EXPECTED = SITE_EXPECTED.EXPECTED


class DiskSite:
    """fetch(url) reading the fixture site from disk; PageNotFound for a missing file; logs every URL."""

    def __init__(self, overrides: dict[str, str] | None = None, missing: tuple[str, ...] = ()):
        self.overrides = overrides or {}
        self.missing = set(missing)
        self.fetched: list[str] = []

    def __call__(self, url: str) -> str:
        self.fetched.append(url)
        if url in self.missing:
            raise PageNotFound(url)
        if url in self.overrides:
            return self.overrides[url]
        path = site_file(url)
        if path is None:
            raise PageNotFound(url)
        return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("year", SITE_EXPECTED.FIXTURE_YEARS)
def test_locate_every_fixture_year(year):
    site = DiskSite()
    assert locate_narrative(year, CHINA, site) == EXPECTED[year]["source_url"]
    assert EXPECTED[year]["landing_url"] in site.fetched
    for url in site.fetched:
        assert not any(x in url.lower() for x in ("hong", "macau", "taiwan")), url
    hops = len(site.fetched) - site.fetched.index(EXPECTED[year]["landing_url"]) - 1
    assert hops == (1 if year in SITE_EXPECTED.TWO_HOP_YEARS else 0), site.fetched


def test_two_hop_years_go_through_their_index_page():
    site = DiskSite()
    locate_narrative(2005, CHINA, site)
    assert site.fetched[-1] == "https://2001-2009.state.gov/g/tip/rls/tiprpt/2005/46610.htm"  # "Countries A through C"
    site = DiskSite()
    locate_narrative(2010, CHINA, site)
    assert site.fetched[-1] == "https://2009-2017.state.gov/j/tip/rls/tiprpt/2010/142757.htm"  # "Country Narratives"


def test_landing_urls_by_era():
    assert landing_urls(2023) == ["https://www.state.gov/reports/2023-trafficking-in-persons-report/"]
    assert landing_urls(2017) == ["https://www.state.gov/reports/2017-trafficking-in-persons-report/",
                                  "https://2009-2017.state.gov/j/tip/rls/tiprpt/2017/index.htm",
                                  "https://www.state.gov/j/tip/rls/tiprpt/2017/index.htm"]
    assert landing_urls(2018) == ["https://www.state.gov/reports/2018-trafficking-in-persons-report/",
                                  "https://www.state.gov/j/tip/rls/tiprpt/2018/index.htm"]
    assert landing_urls(2019) == ["https://www.state.gov/reports/2019-trafficking-in-persons-report/",
                                  "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/"]
    assert landing_urls(2013) == ["https://2009-2017.state.gov/j/tip/rls/tiprpt/2013/index.htm"]
    assert landing_urls(2009) == ["https://2009-2017.state.gov/j/tip/rls/tiprpt/2009/index.htm",
                                  "https://2001-2009.state.gov/g/tip/rls/tiprpt/2009/index.htm"]
    assert landing_urls(2001) == ["https://2001-2009.state.gov/g/tip/rls/tiprpt/2001/index.htm"]
    with pytest.raises(ValueError, match="first report was published in 2001"):
        landing_urls(2000)


def test_unpublished_year_raises_page_not_found_after_trying_every_candidate():
    site = DiskSite()
    with pytest.raises(PageNotFound) as info:
        locate_narrative(2009, CHINA, site)
    assert site.fetched == landing_urls(2009)
    assert info.value.url == landing_urls(2009)[0]


def test_era_border_falls_back_to_the_second_candidate():
    recent_landing, archive_landing, _ = landing_urls(2017)
    landing = '<html><body><a href="/j/tip/rls/tiprpt/countries/2017/271166.htm">China</a></body></html>'
    site = DiskSite({archive_landing: landing}, missing=(recent_landing,))
    assert locate_narrative(2017, CHINA, site) == "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2017/271166.htm"
    assert site.fetched == [recent_landing, archive_landing]


@pytest.mark.parametrize("year, page_id", [(2017, "271165"), (2018, "282760")])
def test_2017_and_2018_are_found_on_the_pre_2019_www_layout(year, page_id):
    """When the /reports/ landing and the archive are gone, the year's first home is tried: the
    pre-2019 www.state.gov landing, whose country links are .../countries/{YEAR}/{ID}.htm."""
    old_landing = landing_urls(year)[-1]
    assert old_landing == f"https://www.state.gov/j/tip/rls/tiprpt/{year}/index.htm"
    landing = ("<html><body><nav class='menu'><a href='https://www.state.gov/countries-areas/china/'>China</a></nav>"
               f"<ul><li><a href='/j/tip/rls/tiprpt/countries/{year}/{int(page_id) - 1}.htm'>Chile</a></li>"
               f"<li><a href='/j/tip/rls/tiprpt/countries/{year}/{page_id}.htm'>China</a></li></ul></body></html>")
    others = [u for u in landing_urls(year) if u != old_landing]
    site = DiskSite({old_landing: landing}, missing=tuple(others))
    found = locate_narrative(year, CHINA, site)
    assert found == f"https://www.state.gov/j/tip/rls/tiprpt/countries/{year}/{page_id}.htm"
    assert site.fetched == [*others, old_landing]


def test_2019_is_also_found_under_its_dash_2_landing():
    first, second = landing_urls(2019)
    landing = "<html><body><ul><li><a href='/reports/2019-trafficking-in-persons-report-2/china/'>China</a></li></ul></body></html>"
    site = DiskSite({second: landing}, missing=(first,))
    assert locate_narrative(2019, CHINA, site) == "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/china/"


def test_landing_without_a_country_link_raises_narrative_not_found():
    landing = "https://2009-2017.state.gov/j/tip/rls/tiprpt/2013/index.htm"
    site = DiskSite({landing: "<html><body><h1>2013 report</h1><a href='/j/tip/rls/tiprpt/countries/2013/1.htm'>"
                              "Mongolia</a><a href='/j/tip/rls/tiprpt/countries/2013/2.htm'>Hong Kong</a></body></html>"})
    with pytest.raises(NarrativeNotFound) as info:
        locate_narrative(2013, CHINA, site)
    message = str(info.value)
    assert "2013" in message and landing in message and "'China'" in message
    assert site.fetched == [landing], "never follows the Hong Kong link"


def test_recent_landing_without_link_tries_the_country_slug():
    landing = "https://www.state.gov/reports/2021-trafficking-in-persons-report/"
    site = DiskSite({landing: "<html><body><p>Country narratives are loaded by script.</p></body></html>"})
    assert locate_narrative(2021, CHINA, site) == EXPECTED[2021]["source_url"]
    missing = DiskSite({"https://www.state.gov/reports/2030-trafficking-in-persons-report/":
                        "<html><body><p>No list.</p></body></html>"})
    with pytest.raises(NarrativeNotFound, match="2030-trafficking-in-persons-report/china/ \\(404\\)"):
        locate_narrative(2030, CHINA, missing)


def test_old_absolute_links_are_pointed_at_the_archive_host():
    landing = "https://2001-2009.state.gov/g/tip/rls/tiprpt/2003/index.htm"
    site = DiskSite({landing: "<html><body><a href='http://www.state.gov/g/tip/rls/tiprpt/2003/21276.htm'>China</a>"
                              "</body></html>"})
    assert locate_narrative(2003, CHINA, site) == "https://2001-2009.state.gov/g/tip/rls/tiprpt/2003/21276.htm"


def test_index_page_that_holds_the_narrative_itself():
    landing = "https://2001-2009.state.gov/g/tip/rls/tiprpt/2004/index.htm"
    index = "https://2001-2009.state.gov/g/tip/rls/tiprpt/2004/33191.htm"
    site = DiskSite({
        landing: "<html><body><a href='33190.htm'>Countries A through B</a><a href='33191.htm'>"
                 "Countries C through F</a><a href='33192.htm'>Countries G through Z</a></body></html>",
        index: "<html><body><h3>CHINA (TIER 2)</h3><p>China is a source country.</p></body></html>",
    })
    assert locate_narrative(2004, CHINA, site) == index
    assert site.fetched == [landing, index], "letter ranges without C are not visited"


def test_fetch_errors_propagate():
    def fetch(url):
        raise FetchError(url, "HTTP 403: the server refused our User-Agent")

    with pytest.raises(FetchError, match="403"):
        locate_narrative(2021, CHINA, fetch)


def test_site_menu_links_to_country_pages_are_not_narratives():
    landing = "https://www.state.gov/reports/2030-trafficking-in-persons-report/"
    site = DiskSite({landing: "<html><body><a href='https://www.state.gov/countries-areas/china/'>China</a></body></html>"})
    with pytest.raises(NarrativeNotFound):
        locate_narrative(2030, CHINA, site)
    assert "https://www.state.gov/countries-areas/china/" not in site.fetched


def test_index_pages_are_searched_depth_first_and_stop_at_the_first_find():
    base = "https://2001-2009.state.gov/g/tip/rls/tiprpt/2003/"
    site = DiskSite({
        base + "index.htm": "<html><body><a href='1.htm'>Country Narratives -- Africa</a>"
                            "<a href='2.htm'>Country Narratives -- East Asia</a>"
                            "<a href='3.htm'>Country Narratives -- Europe</a></body></html>",
        base + "1.htm": "<html><body><a href='11.htm'>Angola</a></body></html>",
        base + "2.htm": "<html><body><a href='21.htm'>China</a></body></html>",
    })
    assert locate_narrative(2003, CHINA, site) == base + "21.htm"
    assert site.fetched == [base + "index.htm", base + "1.htm", base + "2.htm"]


def test_a_pages_links_keyed_once_find_what_matching_every_link_for_each_country_finds():
    """_country_link looks a country's names up in the page's links keyed once (_name_positions);
    it finds the same link as testing matches_name on every link, for every registry country, on a
    synthetic landing page whose link texts are every country's names in several printed forms."""
    from scrapers.countries import all_countries
    from scrapers.web import discover

    landing = "https://www.state.gov/reports/2024-trafficking-in-persons-report/"
    anchors = []
    for n, country in enumerate(all_countries()):
        for form in (country.name.upper() + ":", f"The {country.name}", f"{country.name} *", country.names[-1]):
            anchors.append(f'<a href="{landing}{country.url_slug}-{n}-{len(anchors)}/">{form}</a>')
    anchors.append(f'<a href="{landing}china-hong-kong/">China (Hong Kong)</a>')
    html = "<html><body>" + "".join(anchors) + "</body></html>"
    links = discover._links(html, landing)
    positions = discover._name_positions(html, landing)
    for country in all_countries():
        naive = [u for t, u in links if country.matches_name(t) and not country.mentions_excluded(t)
                 and not discover._excluded_url(u, country) and discover._in_report(u, landing, 2024)]
        found = discover._country_link(links, country, landing, 2024, positions)
        assert naive and found == naive[0], country.slug  # every country's own forms are on the page
