"""Real-browser test of the World and Compare pages: `streamlit run` on a free port with the synthetic
12-country set, driven by Debian's Chromium through Playwright. No error box, the charts drawn, the
year slider and the country choice written to the URL, a permalink restored, the tier panel CSV
downloaded and read back. Screenshots go to tests/artifacts/ (gitignored).

The server and browser helpers are shared with test_browser.py (tests/streamlit_browser.py). The world
map's country shapes ship with the dashboard (dashboard/static/countries-110m.geojson): the map draws
with no network, and a test checks the page asks nothing of Plotly's CDN (cdn.plot.ly).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit_browser import ARTIFACTS, BROWSER_MARKS
from streamlit_browser import serve as _serve
from streamlit_browser import settle as _settle
from streamlit_browser import shot as _shot

WORLD_TITLE = "The whole report: where it names North Korean people"
COMPARE_TITLE = "China beside other countries"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run dashboard/app.py` on 127.0.0.1 with the synthetic world set."""
    from tests.fixtures.world_tables import publish_world

    yield from _serve(publish_world(tmp_path_factory.mktemp("browser-world") / "data"))


def _no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_world_page_slider_country_and_permalink(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/world")
        _settle(page, WORLD_TITLE)
        page.get_by_text("naming North Korean people, in printed order", exact=False).first.wait_for(timeout=30_000)
        _settle(page, WORLD_TITLE)
        _no_error(page)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert page.locator(".js-plotly-plot").count() == 2, "map and narratives-per-year chart"
        _shot(page, "world")

        # the year slider: two steps to the left, the URL follows
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
        thumb.wait_for(state="attached", timeout=15_000)
        thumb.focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => location.search.includes('year=')", timeout=15_000)
        _settle(page, WORLD_TITLE)
        _no_error(page)
        year = int(page.locator('[data-testid="stSliderThumbValue"]').first.inner_text().strip())
        assert year == 2023 and f"year={year}" in page.url
        page.get_by_text(f"{year}:", exact=False).first.wait_for(timeout=15_000)

        # a permalink opens the year and the country asked for
        page.goto(f"{server}/world?year=2015&country=kosovo")
        _settle(page, WORLD_TITLE)
        page.get_by_text("Kosovo, 2015 report", exact=False).first.wait_for(timeout=30_000)
        assert page.get_by_text("Not on the map", exact=False).count() == 0, "Kosovo is on the shipped shapes"
        _no_error(page)
        _shot(page, "world_2015_kosovo")

        # the Read page opens the country and year a World link names
        page.goto(f"{server}/read?country=north-korea&year=2010")
        _settle(page, "Read a year's narrative")
        _no_error(page)
        page.get_by_text("(2010): an invented narrative", exact=False).first.wait_for(timeout=15_000)
        assert page.get_by_text("China (2010)", exact=False).count() == 0
        assert "country=north-korea" in page.url
    finally:
        page.close()


def test_compare_page_charts_choice_and_panel_download(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page.goto(f"{server}/compare")
        _settle(page, COMPARE_TITLE)
        _no_error(page)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert page.locator(".js-plotly-plot").count() == 2, "tier and measure small multiples"
        for name in ("North Korea", "Russia", "Mongolia", "Burma"):
            assert page.locator(".js-plotly-plot").first.get_by_text(name, exact=True).count() >= 1, name
        _shot(page, "compare")

        page.get_by_text("Per 1,000 words", exact=True).click()
        page.wait_for_function("() => location.search.includes('measure=per_1000_words')", timeout=15_000)
        _settle(page, COMPARE_TITLE)
        _no_error(page)

        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name="Download the tier panel (CSV, one row per country and year)").click()
        body = Path(info.value.path()).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(body)))
        assert rows and {"country", "year", "tier", "tier_code", "origin"} <= set(rows[0])
        china = {int(r["year"]): r["tier"] for r in rows if r["country"] == "china"}
        assert set(china) == set(range(2001, 2026)) and china[2025] == "Tier 3"

        page.goto(f"{server}/compare?countries=laos&countries=thailand&group=north_korea_state")
        _settle(page, COMPARE_TITLE)
        _no_error(page)
        first = page.locator(".js-plotly-plot").first
        assert first.get_by_text("Laos", exact=True).count() >= 1
        assert first.get_by_text("Russia", exact=True).count() == 0
        _shot(page, "compare_laos_thailand")
    finally:
        page.close()


def test_world_map_draws_every_country_with_no_network(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    try:
        page.goto(f"{server}/world")
        _settle(page, WORLD_TITLE)
        _no_error(page)
        shapes = page.locator(".js-plotly-plot .choroplethlayer path")
        page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .choroplethlayer path').length > 150", timeout=30_000)
        assert shapes.count() > 150, "every shipped country shape drawn"
        assert not [u for u in asked if not u.startswith(server)], [u for u in asked if not u.startswith(server)][:5]
        _shot(page, "world_offline_map")
    finally:
        page.close()
