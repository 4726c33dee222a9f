"""World and Compare pages: the aggregations (dashboard.world) on the synthetic 12-country set that
the real analysis counted, the figures' gaps, the column reader, and AppTest runs of both pages on
the world set, on China-only data and on tiers-only data (selectors, slider, permalinks, downloads)."""
from __future__ import annotations

import json

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import world as W
from dashboard import world_charts as WC
from dashboard import data as D
from dashboard import reader as R
from dashboard.cached import build_from_set, kelley_frame, load_world
from scrapers.store.tableset import TableSet, current
from tests.fixtures.world_tables import GAP_YEAR, PLANS, publish_world, world_frames

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
REFRESH_ALL = "python -m scrapers refresh --countries all"


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frames_expected():
    return world_frames()


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory) -> Path:
    return publish_world(tmp_path_factory.mktemp("world") / "data")


def kelley() -> pd.DataFrame:
    return kelley_frame(D.kelley_rows())


@pytest.fixture(scope="module")
def world(world_dir) -> W.WorldTables:
    return build_from_set(current(world_dir), kelley(), shapes=D.shape_codes())[0]


@pytest.fixture(scope="module")
def kwic_nk(world_dir) -> pd.DataFrame:
    return build_from_set(current(world_dir), kelley())[1]


@pytest.fixture(scope="module")
def china_only_dir(tmp_path_factory) -> Path:
    from tests.dashboard.conftest import publish_fixture

    return publish_fixture("full", tmp_path_factory.mktemp("world-china") / "data")


@pytest.fixture(scope="module")
def tiers_only_dir(tmp_path_factory) -> Path:
    from tests.dashboard.conftest import publish_fixture

    return publish_fixture("reference_only", tmp_path_factory.mktemp("world-ref") / "data")


# -- aggregations -------------------------------------------------------------------------------
def test_north_korean_counts_per_narrative_are_what_the_fixture_placed(world, frames_expected):
    _, expected = frames_expected
    got = {(c, int(y)): int(s) for c, y, s in zip(world.nk["country"], world.nk["year"], world.nk["sentences"])}
    assert got == expected  # one row per narrative read, zeros included, counted by the real lexicon
    assert set(world.nk["country"]) == {p.slug for p in PLANS}


def test_report_years_skip_the_year_no_narrative_was_read(world):
    assert GAP_YEAR not in world.report_years
    assert world.report_years[0] == 2001 and world.report_years[-1] == 2025
    assert not world.only_china


def test_naming_by_year_has_every_year_and_a_gap_not_a_zero(world, frames_expected):
    _, expected = frames_expected
    counts = W.naming_by_year(world).set_index("year")
    assert list(counts.index) == list(range(2001, 2026))
    assert counts.loc[GAP_YEAR, "read"] == 0 and math.isnan(counts.loc[GAP_YEAR, "naming"])
    for year in (2001, 2011, 2013, 2025):
        naming = sorted(c for (c, y), n in expected.items() if y == year and n > 0)
        assert counts.loc[year, "naming"] == len(naming)
        assert counts.loc[year, "read"] == sum(1 for (_, y) in expected if y == year)
        assert counts.loc[year, "countries"] == ", ".join(sorted(W.country_info(c).name for c in naming))


def test_year_rows_carry_tier_kinds_and_codes_and_sort_by_sentences(world, frames_expected):
    _, expected = frames_expected
    rows = W.year_rows(world, 2021)
    assert len(rows) == sum(1 for (_, y) in expected if y == 2021)
    assert list(rows["sentences"]) == sorted(rows["sentences"], reverse=True)
    nk = rows.set_index("country").loc["north-korea"]
    assert nk["iso3"] == "PRK" and nk["tier"] == "Tier 3" and nk["tier_origin"] == "scraped"
    assert nk["kinds"], "the kinds of its north_korean sentences"
    naming = W.naming_rows(world, 2021)
    assert (naming["sentences"] > 0).all() and "japan" not in set(naming["country"])


def test_countries_the_map_cannot_draw_are_named(world):
    info = world.countries.set_index("country")
    assert info.loc["kosovo", "drawable"] and info.loc["kosovo", "iso3"] == "XKX"  # the shipped shapes have Kosovo
    assert not info.loc["serbia-and-montenegro", "drawable"]  # SCG: a withdrawn code, no shape
    assert info.loc["china", "drawable"]
    assert "Kosovo (XKX)" not in W.undrawable(W.year_rows(world, 2015))
    assert W.undrawable(W.year_rows(world, 2005)) == ["Serbia and Montenegro (SCG)"]


def test_kinds_text_counts_each_kind_most_first():
    cells = pd.Series(["forced_labour", "forced_labour;forced_return", "", "other"])
    assert W.kinds_text(cells) == "forced labour 2, forced return 1, other 1"
    assert W.kinds_text(pd.Series([], dtype=str)) == ""


def test_nk_sentences_of_one_narrative_in_printed_order(world, kwic_nk, frames_expected):
    _, expected = frames_expected
    rows = W.nk_sentences(kwic_nk, "russia", 2008)
    assert len(rows) == expected[("russia", 2008)] > 0
    order = list(zip(rows["paragraph_index"].astype(int), rows["sentence_index"].astype(int)))
    assert order == sorted(order)
    assert rows["sentence"].str.contains("North Korean").all()
    assert W.nk_sentences(kwic_nk, "japan", 2008).empty


def test_measure_panel_gaps_where_not_read_zero_where_read(world):
    panel = W.measure_panel(world, ["north-korea", "japan"], W.NK, "sentences").set_index(["country", "year"])
    assert len(panel) == 2 * 25
    assert np.isnan(panel.loc[("north-korea", 2001), "value"])  # North Korea's narrative starts in 2003
    assert np.isnan(panel.loc[("japan", GAP_YEAR), "value"])
    assert panel.loc[("japan", 2010), "value"] == 0.0  # read, names nobody
    assert panel.loc[("north-korea", 2010), "value"] > 0
    share = W.measure_panel(world, ["north-korea"], W.NK, "share_of_sentences")
    assert share["value"].dropna().between(0, 1).all()
    with pytest.raises(ValueError):
        W.measure_panel(world, ["china"], W.NK, "words")


def test_default_comparison_is_the_named_peers_then_other_tier3_countries(world):
    assert W.default_compare(world) == ["north-korea", "russia", "mongolia", "burma"]
    options = W.compare_options(world)
    assert options[0] == "china" and "kosovo" in options


def test_tier_panel_keeps_tiers_csv_and_fills_other_countries_from_kelley(world):
    panel = world.panel
    assert not panel.duplicated(["country", "year"]).any()
    nk = panel[panel["country"] == "north-korea"].set_index("year")
    read = [y for y in nk.index if y >= 2003 and y != GAP_YEAR]
    assert (nk.loc[read, "origin"] == "scraped").all()
    assert nk.loc[GAP_YEAR, "origin"] == "reference"  # no narrative that year: Kelley's tier
    france = panel[panel["country"] == "france"]  # not in the fixture: Kelley's panel only
    assert len(france) and set(france["origin"]) == {"reference"} and france["year"].max() <= 2015
    assert set(france["tier_sentence"]) == {W.KELLEY_ORIGIN_NOTE}
    codes = dict(zip(panel["tier"], panel["tier_code"]))
    assert codes["Tier 1"] == 1 and codes["Tier 2 Watch List"] == 3 and codes["Tier 3"] == 4
    wide = W.panel_wide(panel)
    assert len(wide) == panel["country"].nunique()
    assert wide.set_index("country").loc["china", "2025"] == "Tier 3"


def test_tier_panel_from_tiers_only_never_overrides_a_tiers_row():
    tiers = pd.DataFrame({"country": ["china"], "year": ["2005"], "tier": ["Tier 3"], "origin": ["scraped"]})
    kelley = pd.DataFrame({"country": ["china", "china"], "year": [2005, 2006],
                           "tier": ["Tier 2 Watch List", "Tier 2 Watch List"], "source_url": ["k", "k"]})
    panel = W.tier_panel(tiers, kelley).set_index("year")
    assert panel.loc[2005, "tier"] == "Tier 3" and panel.loc[2005, "origin"] == "scraped"
    assert panel.loc[2006, "origin"] == "reference" and panel.loc[2006, "kelley_tier"] == "Tier 2 Watch List"


def test_kelley_frame_maps_codes_to_registry_slugs():
    k = kelley()
    assert {"china", "north-korea", "kosovo"} <= set(k["country"])
    assert k["year"].min() >= 2001 and k["year"].max() == 2015
    assert set(k["tier"]) <= {"Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3"}


def test_empty_data_gives_empty_aggregates():
    world = W.build_world(None, None, None, None)
    assert world.report_years == () and world.only_china and W.naming_by_year(world).empty
    assert W.default_compare(world) == [] and W.measure_panel(world, ["china"], W.NK, "sentences").empty


def test_read_table_csv_and_parquet_agree(world_dir):
    from dataclasses import replace

    ts = current(world_dir)
    assert ts.parquet_path("kwic") is not None, "publish writes a Parquet copy"
    csv_only = TableSet(ts.dir, replace(ts.manifest, tables={n: replace(i, parquet="", parquet_bytes=0)
                                                              for n, i in ts.manifest.tables.items()}))
    cols = ["country", "year", "group", "paragraph_index", "sentence", "no_such_column"]
    from_csv, problem = R.read_table(csv_only, "kwic", columns=cols, group=W.NK)
    from_parquet, _ = R.read_table(ts, "kwic", columns=cols, group=W.NK)
    assert problem == "" and len(from_csv) == int((ts.read("kwic")["group"] == W.NK).sum()) > 0
    assert (from_csv["group"] == W.NK).all() and (from_csv["no_such_column"] == "").all()
    pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=False)
    assert from_csv["year"].dtype == from_parquet["year"].dtype == "int64", "the schema's types either way"
    russia, _ = R.read_table(ts, "mentions", columns=["country", "year"], country="russia")
    assert set(russia["country"]) == {"russia"} and list(russia.columns) == ["country", "year"]
    # the aggregates do not depend on where the rows came from
    a = build_from_set(csv_only, kelley())[0].nk
    b = build_from_set(ts, kelley())[0].nk
    pd.testing.assert_frame_equal(a, b)


# -- figures ------------------------------------------------------------------------------------
def test_naming_chart_draws_no_bar_for_the_gap_year_and_shades_it(world):
    fig = WC.naming_chart(W.naming_by_year(world), source="test")
    bars = fig.data[0]
    assert GAP_YEAR not in list(bars.x) and len(bars.x) == 24
    bands = [s for s in fig.layout.shapes if s.x0 == GAP_YEAR - 0.5]
    assert len(bands) == 1


def test_small_multiples_break_at_unread_years(world):
    countries = ["china", "north-korea"]
    names = {c: W.country_info(c).name for c in countries}
    fig = WC.measure_multiples(W.measure_panel(world, countries, W.NK, "sentences"), countries, names,
                               "sentences", W.NK, "North Korean people", source="test")
    nk_bars = fig.data[1]
    assert 2001 not in list(nk_bars.x) and 2003 in list(nk_bars.x) and GAP_YEAR not in list(nk_bars.x)
    assert {s.xref for s in fig.layout.shapes} == {"x", "x2"}
    tiers = WC.tier_multiples(W.tier_histories(world, countries), countries, names, source="test", years=(2001, 2025))
    line = tiers.data[0]
    assert line.y[list(line.x).index(GAP_YEAR)] is not None  # China's tier is known in 2012 (reference)
    nk_line = [t for t in tiers.data if t.xaxis == "x2" and t.mode == "lines"][0]
    assert nk_line.y[0] is None  # no tier for North Korea in 2001: a break, not a line through


def test_world_map_draws_codes_it_can_and_shades_naming_narratives(world):
    rows = W.year_rows(world, 2015)
    shapes = D.country_shapes()
    fig = WC.world_map(rows, 2015, "sentences", source="test", shapes=shapes)
    assert all(trace.geojson is not None and trace.locationmode != "ISO-3" for trace in fig.data), "shipped shapes"
    assert fig.layout.geo.visible is False, "no base layers (they would come from Plotly's CDN)"
    every = {f["id"] for f in shapes["features"]}
    assert set(fig.data[0].locations) == every and len(every) > 170, "every country drawn, read or not"
    naming_trace = fig.data[-1]
    assert set(naming_trace.locations) == set(rows[(rows["sentences"] > 0) & rows["drawable"]]["iso3"])
    assert set(naming_trace.locations) <= every and "XKX" in set(fig.data[-1].locations) | set(fig.data[-2].locations)


# -- the pages (AppTest) ------------------------------------------------------------------------
def run_page(monkeypatch, data_dir: Path, page: str, **query) -> AppTest:
    """Run the app on `page` with TIPDASH_DATA_DIR=data_dir; once the background read of the
    sentences (started by the first run) is done, run it again, as the page's poll would."""
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["page"] = page
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert load_world().wait_sentences(timeout=60) is not None
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> list[str]:
    """A query parameter's values as a list (AppTest keeps one value as a plain string)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def page_text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "title"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


def test_world_page_map_table_sentences_and_chart(monkeypatch, world_dir, frames_expected):
    _, expected = frames_expected
    at = run_page(monkeypatch, world_dir, "world")
    assert at.title[0].value.startswith("The whole report")
    assert len(at.get("plotly_chart")) == 2
    slider = at.select_slider(key="world_year")
    assert slider.value == 2025
    table = at.dataframe[0].value
    naming = {W.country_info(c).name for (c, y), n in expected.items() if y == 2025 and n > 0}
    assert set(table["country"]) == naming
    assert dict(zip(table["country"], table["sentences"]))["North Korea"] == expected[("north-korea", 2025)]
    assert "Synthetic data" in page_text(at)

    slider.set_value(2008).run()
    assert not at.exception
    assert qp(at, "year") == ["2008"]
    table = at.dataframe[0].value
    assert set(table["country"]) == {W.country_info(c).name for (c, y), n in expected.items() if y == 2008 and n > 0}
    at.selectbox(key="world_country").set_value("russia").run()
    assert qp(at, "country") == ["russia"]
    assert len(at.dataframe[1].value) == expected[("russia", 2008)]
    at.radio(key="world_measure").set_value("per_1000_words").run()
    assert not at.exception and qp(at, "measure") == ["per_1000_words"]


def test_world_page_permalink_restores_year_and_country_and_names_unmapped(monkeypatch, world_dir, frames_expected):
    _, expected = frames_expected
    at = run_page(monkeypatch, world_dir, "world", year="2015", country="kosovo")
    assert at.select_slider(key="world_year").value == 2015
    assert at.selectbox(key="world_country").value == "kosovo"
    assert len(at.dataframe[1].value) == expected[("kosovo", 2015)]
    assert "Not on the map" not in page_text(at), "Kosovo has a shape in the shipped shapes"
    at = run_page(monkeypatch, world_dir, "world", year="2005")
    assert "Serbia and Montenegro \\(SCG\\)" in page_text(at), "a withdrawn code without a shape is named"
    at = run_page(monkeypatch, world_dir, "world", year="1990", country="atlantis")  # bad values: defaults
    assert at.select_slider(key="world_year").value == 2025


def test_world_page_with_china_only_says_so_and_how_to_read_more(monkeypatch, china_only_dir):
    at = run_page(monkeypatch, china_only_dir, "world")
    text = page_text(at)
    assert "Only China's narrative has been read" in text and REFRESH_ALL in text
    table = at.dataframe[0].value
    assert list(table["country"]) == ["China"]


def test_world_page_says_it_is_reading_the_sentences_then_shows_them(monkeypatch, tmp_path):
    data_dir = publish_world(tmp_path / "data")  # a new set version: its sentences are not read yet
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(data_dir))
    import threading

    gate = threading.Event()
    from dashboard import cached

    blocker = cached._POOL.submit(gate.wait)  # keep the one reader thread busy: the read must wait
    try:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.query_params["page"] = "world"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert "Reading the sentences of every narrative" in page_text(at)
        assert len(at.dataframe) == 1 and set(at.dataframe[0].value["kinds"]) == {"…"}
    finally:
        gate.set()
        blocker.result(timeout=10)
    assert load_world().wait_sentences(timeout=60) is not None
    at.run()
    assert "Reading the sentences" not in page_text(at) and len(at.dataframe) == 2
    assert "…" not in set(at.dataframe[0].value["kinds"])


def test_world_page_without_narratives_explains_and_draws_nothing(monkeypatch, tiers_only_dir):
    at = run_page(monkeypatch, tiers_only_dir, "world")
    text = page_text(at)
    assert "No narrative has been read yet" in text and REFRESH_ALL in text
    assert not at.get("plotly_chart")


def test_compare_page_defaults_selection_and_downloads(monkeypatch, world_dir):
    at = run_page(monkeypatch, world_dir, "compare")
    assert at.multiselect(key="compare_countries").value == ["north-korea", "russia", "mongolia", "burma"]
    assert len(at.get("plotly_chart")) == 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("one row per country and year" in label for label in labels)
    assert any("one column per year" in label for label in labels)
    wide = at.dataframe[0].value
    assert {"China", "France"} <= set(wide["name"]) and "2025" in wide.columns
    assert "country" not in wide.columns, "the slug column stays out of the on-screen panel (it is in the CSV)"
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["2025"]["width"] == "medium", "a year column is wide enough for 'Tier 2 Watch List'"

    at.multiselect(key="compare_countries").set_value(["russia", "kosovo"]).run()
    assert not at.exception and qp(at, "countries") == ["russia", "kosovo"]
    at.selectbox(key="compare_group").set_value("north_korea_state").run()
    at.radio(key="compare_measure").set_value("share_of_sentences").run()
    assert not at.exception
    assert qp(at, "group") == ["north_korea_state"] and qp(at, "measure") == ["share_of_sentences"]


def test_compare_page_permalink_restores_the_choice(monkeypatch, world_dir):
    at = run_page(monkeypatch, world_dir, "compare", countries=["laos", "thailand"], measure="per_1000_words")
    assert at.multiselect(key="compare_countries").value == ["laos", "thailand"]
    assert at.radio(key="compare_measure").value == "per_1000_words"


def test_compare_page_with_china_only_and_tiers_only(monkeypatch, china_only_dir, tiers_only_dir):
    at = run_page(monkeypatch, china_only_dir, "compare")
    text = page_text(at)
    assert "No narrative read yet for North Korea, Russia, Mongolia" in text
    assert len(at.get("plotly_chart")) == 2  # tiers (Kelley for the peers) and China's counts
    at = run_page(monkeypatch, tiers_only_dir, "compare")
    assert "No narrative has been read yet" in page_text(at)
    assert len(at.get("plotly_chart")) == 1 and at.get("download_button")


# -- one country at a time on Read and Mentions; China on Overview and Essay ---------------------
def test_read_link_is_a_relative_permalink():
    assert W.read_link("north-korea", 2015) == "./read?country=north-korea&year=2015"
    assert W.read_link("china", 2021, 4) == "./read?country=china&year=2021&para=5", "para counts from 1 as on screen"


def test_world_table_and_sentences_link_to_the_read_page(monkeypatch, world_dir):
    at = run_page(monkeypatch, world_dir, "world", year="2015", country="russia")
    table = at.dataframe[0].value.set_index("country")
    assert table.loc["Russia", "read"] == "./read?country=russia&year=2015"
    sentences = at.dataframe[1].value
    assert all(u.startswith("./read?country=russia&year=2015&para=") for u in sentences["context"])


def test_read_page_shows_the_chosen_country_and_carries_it_in_the_url(monkeypatch, world_dir):
    at = run_page(monkeypatch, world_dir, "read", country="north-korea", year="2010")
    assert at.selectbox(key="country").value == "north-korea" and at.selectbox(key="year").value == 2010
    paragraphs = [m.value for m in at.markdown if m.value.startswith(":gray[¶")]
    first = paragraphs[0]  # "SYNTHETIC TEST FIXTURE ... North Korea (2010): an invented narrative", highlighted
    assert "North Korea]" in first and "\\(2010\\)" in first and "China" not in first
    assert not any("China \\(2010\\)" in p for p in paragraphs)
    at.selectbox(key="country").set_value("russia").run()
    assert not at.exception and qp(at, "country") == ["russia"]
    first = [m.value for m in at.markdown if m.value.startswith(":gray[¶")][0]
    assert "Russia" in first and "North Korea]" not in first


def test_mentions_page_counts_only_the_chosen_country(monkeypatch, world_dir, frames_expected):
    _, expected = frames_expected
    at = run_page(monkeypatch, world_dir, "mentions", country="russia", groups="north_korean")
    assert at.selectbox(key="country").value == "russia"
    kwic = at.dataframe[0].value
    assert len(kwic) == sum(n for (c, _), n in expected.items() if c == "russia")
    at = run_page(monkeypatch, world_dir, "mentions", groups="north_korean")  # China by default
    assert at.selectbox(key="country").value == "china" and "country" not in at.query_params
    assert len(at.dataframe[0].value) == sum(n for (c, _), n in expected.items() if c == "china")


def test_china_pages_have_no_country_selector_with_china_only_data(monkeypatch, china_only_dir):
    for page in ("read", "mentions"):
        at = run_page(monkeypatch, china_only_dir, page)
        assert not [s for s in at.selectbox if s.key == "country"], page


def test_overview_counts_china_only_in_world_data(monkeypatch, world_dir, frames_expected):
    _, expected = frames_expected
    at = run_page(monkeypatch, world_dir, "overview")
    metric = {m.label: m.value for m in at.metric}["North Korean sentences, latest year"]
    assert metric.startswith(f"{expected[('china', 2025)]} ") and metric.endswith("in 2025"), metric


def test_kinds_words_reads_a_kwic_cell():
    assert W.kinds_words("forced_labour;forced_return") == "forced labour, forced return"
    assert W.kinds_words("") == ""
