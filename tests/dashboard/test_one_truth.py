"""One truth from the table set to the screen (issue 13): one render reads one generation through one
loader; a damaged file gets one plain message on every page; Read counts as mentions.csv does; a
country the data lacks is said, never swapped; one paragraph numbering; links that restore the view;
every exported chart of synthetic data says so in its picture."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import reader as R
from scrapers.store.tableset import current, publish
from tests.dashboard.conftest import publish_fixture, replace_table_bytes
from tests.dashboard.test_app import run_app as _run_app
from tests.dashboard.test_app import texts

ROOT = Path(__file__).resolve().parents[2]


def run_app(monkeypatch, data_dir: Path, **query) -> AppTest:
    at = _run_app(monkeypatch, data_dir, **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def specs(at: AppTest) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def _changed_frames(target: Path, sentences: str) -> dict[str, pd.DataFrame]:
    ts = current(target)
    frames = {name: ts.read(name) for name in ts.manifest.tables}
    for name in ("mentions", "kwic"):
        frames[name] = frames[name].copy()
    m = frames["mentions"]
    m.loc[(m["year"] == "2021") & (m["group"] == "north_korean"), "sentences"] = sentences
    frames["kwic"].loc[:, "term"] = f"generation-{sentences}"
    return frames


# -- one render, one generation ------------------------------------------------------------------
def _render_reading_two_tables():
    """A page that reads mentions, then (first run only) publishes a new set, then reads kwic."""
    import os
    from pathlib import Path as P

    import streamlit as st

    from dashboard import data
    from scrapers.store.tableset import publish as pub
    from tests.dashboard.test_one_truth import _changed_frames

    data.begin_render()
    mentions = data.load_table("mentions")
    if not st.session_state.get("published"):
        st.session_state["published"] = True
        pub(P(os.environ["TIPDASH_DATA_DIR"]), _changed_frames(P(os.environ["TIPDASH_DATA_DIR"]), "77"),
            inputs_key="between-two-reads", synthetic=True)
    kwic = data.load_table("kwic")
    m = mentions.df
    st.write(f"mentions:{mentions.key[0]}:{int(m[(m['year'] == 2021) & (m['group'] == 'north_korean')]['sentences'].iloc[0])}")
    st.write(f"kwic:{kwic.key[0]}:{kwic.df['term'].iloc[0]}")


def test_a_render_never_combines_two_generations(monkeypatch, tmp_path):
    target = publish_fixture("full", tmp_path / "data")
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(target))
    at = AppTest.from_function(_render_reading_two_tables, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    lines = [m.value for m in at.markdown]
    (m_set, m_value), (k_set, k_term) = (line.split(":", 1)[1].rsplit(":", 1) for line in lines[-2:])
    assert m_set == k_set, "both tables from the set the render resolved"
    new = current(target).key
    if m_set == new:  # the old set was pruned under the render: it started again, wholly on the new one
        assert (m_value, k_term) == ("77", "generation-77")
    else:  # the old set was still there: everything from it
        assert m_value != "77" and k_term != "generation-77"


def test_a_resolved_set_is_read_alone_after_a_newer_one_is_published(tmp_path):
    target = publish_fixture("full", tmp_path / "data")
    old = current(target)
    before, _ = R.read_table(old, "mentions")
    publish(target, _changed_frames(target, "55"), inputs_key="newer", synthetic=True)
    try:
        after, _ = R.read_table(old, "mentions")
    except FileNotFoundError:  # the old generation was pruned: the reader is told, never served the new one
        return
    pd.testing.assert_frame_equal(before, after)


def test_exactly_one_dashboard_module_opens_table_files():
    """Only dashboard/reader.py reads files or knows the table-set layout (`current`, paths, readers);
    every other module (dashboard/data.py too) calls it."""
    readers = {"read_csv", "read_parquet", "read_table", "read_schema", "read_bytes", "read_text", "open",
               "current", "parquet_path", "ParquetFile"}
    offenders: dict[str, list[str]] = {}
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "dashboard/reader.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("scrapers.store.tableset", "pyarrow.parquet", "pyarrow.csv"):
                offenders.setdefault(str(path.relative_to(ROOT)), []).append(f"imports {node.module}")
            if isinstance(node, ast.Import) and any(a.name.startswith("pyarrow") for a in node.names):
                offenders.setdefault(str(path.relative_to(ROOT)), []).append("imports pyarrow")
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
                owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
                if name in readers and owner != "reader":
                    offenders.setdefault(str(path.relative_to(ROOT)), []).append(f"line {node.lineno}: {name}()")
    assert offenders == {}, offenders


# -- a damaged file: one plain message on every page ---------------------------------------------
@pytest.fixture
def garbled_parquet(tmp_path: Path) -> Path:
    target = publish_fixture("full", tmp_path / "data")
    replace_table_bytes(target, "mentions", b"PAR1 not a parquet file at all PAR1", parquet=True)
    return target


@pytest.mark.parametrize("page", ["overview", "mentions", "world", "compare"])
def test_a_garbled_parquet_file_gets_the_same_message_on_every_page(monkeypatch, garbled_parquet, page):
    at = run_app(monkeypatch, garbled_parquet, page=page)
    errors = [e.value for e in at.error]
    assert any(e.startswith("mentions.csv could not be used: the file is damaged") and "python -m scrapers parse" in e
               for e in errors), (page, errors)


# -- Read ----------------------------------------------------------------------------------------
def test_read_comparison_counts_sentences_as_mentions_csv_does(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2021")
    summary = next(m.value for m in at.markdown if m.value.startswith("Sentences naming North Korean people"))
    m = current(full_dir).read("mentions")
    nk = m[m["group"] == "north_korean"].set_index("year")["sentences"]
    assert f"**{nk['2021']} in 2021**, **{nk['2020']} in 2020**" in summary, summary
    overview = run_app(monkeypatch, full_dir)
    assert {x.label: x.value for x in overview.metric}["North Korean sentences, latest year"] == f"{nk['2021']} in 2021"


def test_read_says_a_country_without_text_and_never_shows_another(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="read", country="north-korea", year="2019")
    body = texts(at)
    assert "No narrative of **North Korea** is in the data" in body
    assert not [m for m in at.markdown if m.value.startswith(":gray[¶")], "no China text instead"


def test_read_says_a_year_without_text(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2019")
    assert "has no narrative text for 2019" in texts(at)


def test_para_in_the_url_is_the_number_on_screen(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2021", para="44")
    info = next(i.value for i in at.info if "Linked paragraph" in i.value)
    assert info.startswith("Linked paragraph 44 of 45")
    html = [h.proto.body for h in at.get("html")]
    assert any('id="para-44"' in h for h in html)
    bordered = [m.value for m in at.markdown if m.value.startswith(":gray[¶ 44]")]
    assert bordered, "the paragraph shown as ¶ 44 is the one linked"
    assert any("scroll-margin-top" in h for h in html), "the linked paragraph scrolls to below the top bar"
    at = run_app(monkeypatch, full_dir, page="read", year="2021", para="46")
    assert any("asks for paragraph 46" in w.value for w in at.warning)


def test_vs_in_the_url_opens_the_comparison(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2021", vs="2004")
    assert at.selectbox(key="vs").value == 2004
    summary = next(m.value for m in at.markdown if m.value.startswith("Sentences naming North Korean people"))
    assert "in 2004" in summary


# -- Mentions ------------------------------------------------------------------------------------
def test_kwic_rows_link_to_their_paragraph_on_read(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="mentions")
    grid = at.dataframe[0].value
    assert list(grid.columns[:4]) == ["year", "paragraph", "read", "source_url"], "links stay on screen"
    row = grid.iloc[0]
    assert row["read"] == f"./read?country=china&year={row['year']}&para={row['paragraph']}"


def test_heat_map_tells_zero_from_no_text(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="mentions", years=["2004", "2021"])
    heat = specs(at)["mentions-sections"]
    trace = heat["data"][0]
    assert trace["texttemplate"] == "%{z:d}", "every cell prints its count: a zero reads '0'"
    cats = heat["layout"]["xaxis"]["categoryarray"]
    bands = {cats[int(round(s["x0"] + 0.5))] for s in heat["layout"].get("shapes", [])}
    assert bands == {str(y) for y in range(2004, 2022)} - {"2004", "2013", "2020", "2021"}, "grey band: no text"
    from dashboard import charts

    sections = current(full_dir).read_typed("mention_sections")
    fig = charts.section_heatmap(sections, "north_korean", source="s", years=(2004, 2021),
                                 corpus_years=[2004, 2013, 2020, 2021])
    z = pd.DataFrame(fig["data"][0]["z"], columns=cats)
    assert (z["2004"] == 0).any() and z["2005"].isna().all(), "a zero is a 0, a year without text is empty"
    assert "grey band: no text" in heat["layout"]["xaxis"]["title"]["text"]


def test_overview_sparkline_has_gaps_for_years_without_text(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir)
    spark = specs(at)["overview-spark"]
    bars = spark["data"][0]
    assert bars["x"] == [2004, 2013, 2020, 2021], "a bar position only for years with text"
    bands = {round(s["x0"] + 0.5) for s in spark["layout"]["shapes"]}
    assert bands == set(range(2005, 2013)) | set(range(2014, 2020)), "grey bands for the years without text"


# -- Compare -------------------------------------------------------------------------------------
def test_china_only_compare_view_can_be_linked(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="compare")
    at.multiselect(key="compare_countries").set_value([]).run()
    assert not at.exception
    assert at.query_params.get("countries") in ("", [""]), "the empty choice stays in the URL"
    again = run_app(monkeypatch, full_dir, page="compare", countries="")
    assert again.multiselect(key="compare_countries").value == []


def test_compare_mentions_chart_names_its_own_source_and_fits_the_tallest_bar(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="compare")
    spec = specs(at)["compare-measures"]
    sources = [a["text"] for a in spec["layout"]["annotations"] if "Source:" in a.get("text", "")]
    assert sources and all("Kelley" not in s for s in sources), sources
    china = spec["data"][0]
    top = spec["layout"]["yaxis"]["range"][1]
    assert top >= max(china["y"]) > 4
    for i in range(2, 5):
        assert spec["layout"][f"yaxis{i}"]["range"] == spec["layout"]["yaxis"]["range"]


# -- synthetic data says so in every exported picture ---------------------------------------------
@pytest.mark.parametrize("page", ["overview", "mentions", "world", "compare"])
def test_every_chart_of_synthetic_data_says_synthetic_in_the_picture(monkeypatch, full_dir, page):
    at = run_app(monkeypatch, full_dir, page=page)
    for key, spec in specs(at).items():
        if key == "overview-spark":
            continue  # a static sparkline without a toolbar: no PNG export
        notes = " ".join(a.get("text", "") for a in spec["layout"].get("annotations", []))
        assert "SYNTHETIC" in notes, (page, key)
        assert "Source: SYNTHETIC test pages" in notes, (page, key)


def test_real_data_charts_carry_no_synthetic_stamp(monkeypatch, tmp_path):
    target = publish_fixture("full", tmp_path / "data", synthetic=False)
    ts = current(target)
    frames = {name: ts.read(name) for name in ts.manifest.tables}
    frames["narratives"]["synthetic"] = "false"
    publish(target, frames, inputs_key="real", synthetic=False)
    at = run_app(monkeypatch, target, page="mentions")
    for key, spec in specs(at).items():
        assert "SYNTHETIC" not in json.dumps(spec["layout"].get("annotations", [])), key
