"""Real-browser test: `streamlit run` on a free port with the full synthetic fixture, driven by
Debian's Chromium through Playwright. Visits every page, checks there is no error box, changes a
widget and checks the URL carries it, and saves screenshots to tests/artifacts/ (gitignored)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from streamlit_browser import ARTIFACTS, BROWSER_MARKS
from streamlit_browser import errors as _errors
from streamlit_browser import serve as _serve
from streamlit_browser import settle as _settle
from streamlit_browser import shot as _shot

PAGES = {"overview": ("", "China in the Trafficking in Persons Report"),
         "mentions": ("mentions", "Mentions of each group, year by year"),
         "essay": ("essay", "The essay's claims against the report"),
         "read": ("read", "Read a year's narrative"),
         "data": ("data", "Data & sources")}

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.dashboard.conftest import publish_fixture

    data = publish_fixture("full", tmp_path_factory.mktemp("browser") / "data")
    yield from _serve(data)


def test_every_page_renders_without_error_and_widgets_write_the_url(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for name, (path, title) in PAGES.items():
            page.goto(f"{server}/{path}")
            _settle(page, title)
            assert not _errors(page), f"error box on {name}: {_errors(page)}"
            if name in ("overview", "mentions", "essay"):  # plotly's script loads lazily: wait for a drawn chart
                page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
            _shot(page, name)

        # Change a widget: the measure radio on Mentions goes into the URL.
        page.goto(f"{server}/mentions")
        _settle(page, PAGES["mentions"][1])
        page.get_by_text("Per 1,000 words", exact=True).click()
        page.wait_for_function("() => location.search.includes('measure=per_1000_words')", timeout=15_000)
        _settle(page, PAGES["mentions"][1])
        assert "/mentions" in page.url
        _shot(page, "mentions_per_1000")

        # A permalink restores the view: year and phrase from the URL.
        page.goto(f"{server}/mentions?phrase=brides&measure=share_of_sentences")
        _settle(page, PAGES["mentions"][1])
        box = page.get_by_role("textbox", name="Phrase")
        try:  # the widget shows the URL's value (give a reconnecting session a moment)
            page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === 'brides')",
                                   timeout=10_000)
        except Exception:  # noqa: BLE001 - report what is on screen instead
            pass
        assert box.input_value() == "brides", (box.input_value(), page.url, _errors(page))
        assert not _errors(page), _errors(page)

        # The narrative's <script> shows as characters and never runs.
        page.goto(f"{server}/read?year=2021")
        _settle(page, PAGES["read"][1])
        assert page.get_by_text("<script>alert(1)</script>", exact=False).count() >= 1
        pad = page.evaluate("() => { const s = document.querySelector('span.stMarkdownColoredBackground');"
                            " return s ? parseFloat(getComputedStyle(s).paddingRight) : -1; }")
        assert 0 <= pad < 3, f"highlights stay tight against the following comma (padding {pad}px)"
        _shot(page, "read_2021")
        assert dialogs == [], f"a script in the data ran: {dialogs}"
        assert not _errors(page), _errors(page)
    finally:
        page.close()


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


def test_first_screen_status_line_is_visible_without_scrolling(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(server)
        _settle(page, PAGES["overview"][1])
        icons = [page.locator(f"link[rel~='icon']").nth(i).get_attribute("href") or ""
                 for i in range(page.locator("link[rel~='icon']").count())]
        assert icons and not any("fonts.g" in h or "googleapis" in h for h in icons), icons
        line = page.get_by_text("Report text for 4 of 25 years", exact=False).first
        line.wait_for(timeout=15_000)
        assert _in_viewport(page, line), line.bounding_box()
        assert "data as of 2021-07-01 12:00 UTC" in line.inner_text()
        banner = page.get_by_text("Synthetic data, not report text", exact=False).first
        assert _in_viewport(page, banner)
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "browser_first_screen_1400x900.png"))
    finally:
        page.close()


def test_permalink_settles_on_what_is_on_screen_after_rapid_changes(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/mentions")
        _settle(page, PAGES["mentions"][1])
        thumbs = page.locator('[data-testid="stSlider"] input[type="range"]')
        thumbs.first.wait_for(state="attached", timeout=15_000)
        thumbs.first.focus()
        for _ in range(6):  # rapid changes: no wait between them
            page.keyboard.press("ArrowRight")
        thumbs.nth(1).focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        page.get_by_text("Share of sentences", exact=True).click()
        page.get_by_text("Per 1,000 words", exact=True).click()
        _settle(page, PAGES["mentions"][1])
        page.wait_for_timeout(1500)
        _settle(page, PAGES["mentions"][1])
        shown = [int(t.input_value()) for t in thumbs.all()]
        url = page.url
        assert shown[0] > 2004, shown  # the range changed on screen (keys pressed during a rerun may be dropped)
        for y in shown:
            assert f"years={y}" in url, (shown, url)
        assert "measure=per_1000_words" in url, url
        other = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            other.goto(url)
            _settle(other, PAGES["mentions"][1])
            other.locator('[data-testid="stSlider"] input[type="range"]').nth(1).wait_for(state="attached", timeout=15_000)
            again = [int(t.input_value())
                     for t in other.locator('[data-testid="stSlider"] input[type="range"]').all()]
            assert again == shown
            assert other.get_by_role("radio", name="Per 1,000 words").is_checked()
        finally:
            other.close()
    finally:
        page.close()


@contextmanager
def opened(browser, url: str, title: str, height: int = 900):
    """A 1400 px wide page at `url`, settled on `title`; closed afterwards."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    try:
        page.goto(url)
        _settle(page, title)
        yield page
    finally:
        page.close()


def test_paragraph_link_scrolls_to_the_paragraph_below_the_top_bar(server, browser):
    with opened(browser, f"{server}/read?year=2021&para=40", PAGES["read"][1]) as page:
        page.locator("#para-40").wait_for(state="attached", timeout=15_000)
        page.wait_for_function(
            "() => { const e = document.getElementById('para-40'); if (!e) return false;"
            " const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }",
            timeout=15_000)
        para = page.get_by_text("¶ 40", exact=False).first
        assert _in_viewport(page, para)
        # its first line is not hidden under Streamlit's top bar
        header_bottom = page.evaluate(
            "() => { const h = document.querySelector('[data-testid=\"stHeader\"]'); return h ? h.getBoundingClientRect().bottom : 0; }")
        assert para.bounding_box()["y"] >= header_bottom, (para.bounding_box(), header_bottom)
        page.screenshot(path=str(ARTIFACTS / "browser_read_anchor.png"))


def test_vs_in_the_url_opens_the_comparison_tab(server, browser):
    with opened(browser, f"{server}/read?year=2021&vs=2004", PAGES["read"][1]) as page:
        tab = page.get_by_role("tab", name="North Korean sentences: 2021 vs another year")
        tab.wait_for(timeout=15_000)
        assert tab.get_attribute("aria-selected") == "true"
        assert page.get_by_text("in 2004", exact=False).first.is_visible()


def test_mentions_sentence_grid_shows_its_links_at_1400px(server, browser):
    with opened(browser, f"{server}/mentions", PAGES["mentions"][1]) as page:
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        grid.get_by_text("Source", exact=True).first.wait_for(state="attached", timeout=15_000)
        headers = grid.evaluate("g => [...g.querySelectorAll('th')].map(t => t.textContent.trim())")
        # the grid draws on a canvas: its first columns are the ones on screen without scrolling sideways
        assert headers[:4] == ["Year", "¶", "Read", "Source"], headers
        assert grid.bounding_box()["width"] > 55 + 45 + 55 + 55 + 400, "the link columns and the sentence fit"
        _shot(page, "mentions_grid")


def test_compare_panels_show_their_tallest_bar(server, browser):
    """China-only data: North Korea, Russia and Mongolia (the default) have no narrative read; their empty
    panels must not shrink the shared axis below China's tallest bar."""
    with opened(browser, f"{server}/compare", "China beside other countries", height=1000) as page:
        page.locator(".js-plotly-plot .main-svg").nth(1).wait_for(timeout=30_000)
        assert not _errors(page), _errors(page)
        top, tallest, axes = page.evaluate(
            "() => { const gd = document.querySelectorAll('.js-plotly-plot')[1];"
            " const L = gd._fullLayout; const ys = gd._fullData[0].y.map(Number);"
            " const axes = Object.keys(L).filter(k => /^yaxis\\d*$/.test(k)).map(k => L[k].range[1]);"
            " return [L.yaxis.range[1], Math.max(...ys), axes]; }")
        assert tallest > 4 and top >= tallest, (top, tallest)
        assert all(a >= tallest for a in axes), axes
        _shot(page, "compare_china_only")


@pytest.fixture(scope="module")
def fetch_server(tmp_path_factory):
    from tests.site_server import SiteServer

    data = tmp_path_factory.mktemp("fetch") / "data"
    data.mkdir()
    with SiteServer() as site:
        yield from _serve(data, TIPDASH_MIRROR=site.base_url, TIPDASH_FETCH_DELAY="0")


def test_fetch_button_over_the_local_server_then_populated_pages(fetch_server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(fetch_server)
        _settle(page, PAGES["overview"][1])
        assert page.get_by_text("report text not fetched yet: 0 of 25 years", exact=False).first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "browser_fetch_before.png"))
        page.get_by_role("button", name="Fetch the report text now").click()
        page.locator('[data-testid="stProgress"]').first.wait_for(timeout=30_000)
        page.get_by_text("Report text for", exact=False).first.wait_for(timeout=120_000)
        _settle(page, PAGES["overview"][1])
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert not _errors(page), _errors(page)
        _shot(page, "fetch_after")
        page.goto(f"{fetch_server}/mentions")
        _settle(page, PAGES["mentions"][1])
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 4
        assert not _errors(page), _errors(page)
    finally:
        page.close()
