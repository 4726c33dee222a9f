"""AppTest runs of every dashboard page on the synthetic full fixture and on reference-only data:
no exception, the key elements present, permalinks restored, bad input turned into messages."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import publish_fixture, replace_table_bytes

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
PAGES = ("overview", "mentions", "essay", "read", "data")
REFRESH = "python -m scrapers refresh"


def run_app(monkeypatch, data_dir: Path, **query) -> AppTest:
    """Run the app once with TIPDASH_DATA_DIR=data_dir and the given query parameters (page=... picks the page)."""
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote as text (markdown, captions, alerts, titles), one string."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_full_fixture(monkeypatch, page, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page=page)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title, "each page has a title"


def test_overview_shows_tier_history_mentions_and_headlines(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir)
    assert_clean(at)
    assert [c.key for c in charts(at)] == ["overview-spark", "overview-tiers", "overview-mentions"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Latest tier"] == "Tier 3 since 2017"
    assert metrics["Years on Tier 3"].endswith("of 25")
    assert metrics["North Korean sentences, latest year"].endswith("in 2021")


def test_mentions_page_has_charts_table_and_download(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions")
    assert_clean(at)
    assert len(charts(at)) >= 4  # trend, concordance, section heat map, kinds
    assert at.dataframe, "keyword-in-context table"
    assert any(b.proto.label.startswith("Download these sentences") for b in at.get("download_button"))


def test_essay_page_shows_every_verdict_and_the_ngo_denominators(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="essay")
    assert_clean(at)
    body = texts(at)
    for verdict in ("supported", "partly supported", "not supported"):
        assert f"{verdict}]" in body, verdict  # the badge markdown ends with the verdict
    assert charts(at), "NGO estimates chart"
    table = at.table[-1].value
    assert set(table["estimate"]) >= {"60 percent", "70-80 percent", "close to 50 percent", "15 percent", "$105 million a year"}
    assert "trafficked into the sex trade" in " ".join(table["of (denominator)"])


def test_essay_page_without_report_text_draws_nothing_from_the_report(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, reference_only_dir, page="essay")
    assert_clean(at)
    fig = charts(at)[-1].proto.spec
    assert "TIP report" not in fig, "no report bar without report text"
    assert "No report text in the data yet" in texts(at)


def test_read_page_shows_script_tag_as_text(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2021")
    assert_clean(at)
    body = "\n".join(m.value for m in at.markdown)
    assert r"\<script\>alert\(1\)\<\/script\>" in body  # escaped: rendered as characters
    assert "<script>" not in body
    assert "North Korean sentences" in " ".join(t.label for t in at.tabs)


def test_data_page_offers_every_table_and_the_zip(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="data")
    assert_clean(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[0].startswith("Download all tables (zip")
    for name in ("tiers.csv", "narratives.csv", "paragraphs.csv", "coverage.csv", "mentions.csv",
                 "mention_sections.csv", "kwic.csv", "claims.csv", "china_tiers.csv"):
        assert any(name in label for label in labels), name
    assert "disagree with the reference table" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_reference_only_data(monkeypatch, page, full_dir, reference_only_dir):
    at = run_app(monkeypatch, reference_only_dir, page=page)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]


def test_reference_only_shows_tiers_and_the_refresh_command(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, reference_only_dir)
    assert len(charts(at)) == 1, "the tier history is drawn from the reference rows"
    assert REFRESH in texts(at)
    assert at.metric[0].value == "Tier 3 since 2017"
    mentions = run_app(monkeypatch, reference_only_dir, page="mentions")
    assert REFRESH in texts(mentions)


def test_reference_only_marks_claims_needs_data(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, reference_only_dir, page="essay")
    assert_clean(at)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges and all(b.endswith("needs data]") for b in badges)


def test_query_params_restore_the_mentions_view(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions", groups=["north_korean", "tibetan"],
                 measure="per_1000_words", years=["2013", "2021"], phrase="brides")
    assert_clean(at)
    assert at.multiselect(key="groups").value == ["north_korean", "tibetan"]
    assert at.radio(key="measure").value == "per_1000_words"
    assert at.slider(key="years").value == (2013, 2021)
    assert at.text_input(key="phrase").value == "brides"
    assert len(charts(at)) >= 5, "the phrase chart is drawn too"


def test_read_year_and_groups_come_from_the_url(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2013", groups="north_korean,uyghur_xinjiang")
    assert_clean(at)
    assert at.selectbox(key="year").value == 2013
    assert at.multiselect(key="groups").value == ["north_korean", "uyghur_xinjiang"]


def test_changing_a_widget_writes_slugs_to_the_url(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions")
    at.radio(key="measure").set_value("share_of_sentences").run()
    at.multiselect(key="groups").set_value(["north_korean", "uyghur_xinjiang"]).run()
    assert_clean(at)
    assert at.query_params.get("measure") == "share_of_sentences"
    assert at.query_params.get("groups") == ["north_korean", "uyghur_xinjiang"]


def test_bad_regex_gives_a_message_not_a_traceback(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions", phrase="(unclosed", regex="true")
    assert_clean(at)
    assert at.checkbox(key="regex").value is True
    assert any("regular expression" in e.value for e in at.error), [e.value for e in at.error]


def test_literal_phrase_counts_every_year(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions", phrase="North Korean women")
    assert_clean(at)
    assert not at.error
    assert any("hits in" in c.value and "of 4 report years" in c.value for c in at.caption)


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """The full fixture's set with mentions.csv corrupt, kwic.csv missing and tiers.csv not CSV at all."""
    target = publish_fixture("full", tmp_path / "data")
    replace_table_bytes(target, "mentions", b"country,year,group\nchina,20x1,north_korean\n")
    replace_table_bytes(target, "kwic", None)
    replace_table_bytes(target, "tiers", b"\xff\xfe\x00garbage\x00")
    return target


@pytest.mark.parametrize("page", PAGES)
def test_missing_or_corrupt_csv_gives_a_message_on_every_page(monkeypatch, damaged, page):
    at = run_app(monkeypatch, damaged, page=page)
    assert_clean(at)


def test_corrupt_and_missing_files_are_named(monkeypatch, damaged):
    at = run_app(monkeypatch, damaged)
    body = texts(at)
    assert "tiers.csv could not be used: the file is not UTF-8 text" in body
    assert "Showing the reference tier table instead." in body
    assert len(charts(at)) == 1, "tier history still drawn from the reference table"
    assert "mentions.csv could not be used" in body
    data_page = run_app(monkeypatch, damaged, page="data")
    assert "kwic.csv is not in" in texts(data_page)
    assert "columns missing" in texts(data_page)


def test_downloads_do_not_rerun_the_page(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="data")
    buttons = at.get("download_button")
    assert buttons
    for b in buttons:
        assert b.proto.deferred_file_id or b.proto.url, "download has its data"
        assert b.proto.ignore_rerun, f"{b.proto.label} reruns the page"


def test_a_newly_published_set_shows_up_on_the_next_rerun(monkeypatch, tmp_path):
    from scrapers.store.tableset import current, publish

    target = publish_fixture("full", tmp_path / "data")
    at = run_app(monkeypatch, target)
    before = {m.label: m.value for m in at.metric}["North Korean sentences, latest year"]
    ts = current(target)
    frames = {name: ts.read(name) for name in ts.manifest.tables}
    m = frames["mentions"]
    m.loc[(m["year"] == "2021") & (m["group"] == "north_korean"), "sentences"] = "99"
    publish(target, frames, inputs_key="changed", synthetic=True)
    at.run()
    after = {m.label: m.value for m in at.metric}["North Korean sentences, latest year"]
    assert before != after == "99 in 2021"


def test_synthetic_corpus_built_by_the_real_pipeline_runs_on_every_page(monkeypatch, tmp_path):
    """scripts/make_synthetic_corpus.py: pages -> raw cache -> `scrapers parse`: every page renders,
    says the data is synthetic, and the essay's verdicts are the real rules' (claims.csv has a rule)."""
    from scripts.make_synthetic_corpus import write_corpus
    from scrapers.store.tableset import current

    target = write_corpus(tmp_path / "data", [2019, 2020, 2021], scale=0.5)
    ts = current(target)
    assert ts is not None and ts.manifest.synthetic
    claims = ts.read("claims")
    assert set(claims["verdict"]) - {"needs data"}, "verdicts computed from the synthetic text"
    assert (claims["rule"] != "").all(), "every verdict comes with the rule that decided it"
    for page in PAGES:
        at = run_app(monkeypatch, target, page=page)
        assert_clean(at)
        assert not at.error, (page, [e.value for e in at.error])
        assert any("synthetic" in w.value.lower() for w in at.warning), (page, "synthetic banner")


def test_read_diff_compares_any_two_years_and_a_moved_sentence_is_unchanged(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2021")
    assert_clean(at)
    assert at.selectbox(key="vs").value == 2020, "default: the year before"
    summary = next(m.value for m in at.markdown if "unchanged (present in both years" in m.value)
    assert "in 2021" in summary and "in 2020" in summary
    at.selectbox(key="vs").set_value(2004).run()
    assert_clean(at)
    assert at.query_params.get("vs") == "2004"
    summary = next(m.value for m in at.markdown if "unchanged (present in both years" in m.value)
    assert "in 2004" in summary and "between them not in the data" in summary
    at.selectbox(key="year").set_value(2013).run()
    assert at.selectbox(key="vs").value == 2004, "a new year compares with its year before again"


def test_linked_paragraph_gets_an_anchor_and_a_scroll(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="read", year="2021", para="17")
    assert_clean(at)
    html = [h.proto.body for h in at.get("html")]
    assert any('id="para-17"' in h for h in html)
    assert any("scrollIntoView" in h and "para-17" in h for h in html)


def test_every_year_axis_keeps_years_without_text(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions", years=["2004", "2021"])
    assert_clean(at)
    import json
    specs = {c.proto.id: json.loads(c.proto.spec) for c in charts(at)}
    kinds = next(s for s in specs.values() if "North Koreans (count)" in json.dumps(s["layout"].get("yaxis", {})))
    cats = kinds["layout"]["xaxis"]["categoryarray"]
    assert cats == [str(y) for y in range(2004, 2022)], "every report year 2004-2021 on the axis"
    ticks = dict(zip(kinds["layout"]["xaxis"]["tickvals"], kinds["layout"]["xaxis"]["ticktext"]))
    assert "#b5b5b5" in ticks["2005"] and ticks["2013"] == "2013", "years without text drawn in grey"
    trend = next(s for s in specs.values() if s["data"] and s["data"][0].get("mode") == "lines+markers")
    ys = trend["data"][0]["y"]
    xs = trend["data"][0]["x"]
    assert xs == list(range(2004, 2022))
    assert ys[xs.index(2005)] is None and ys[xs.index(2013)] is not None, "a gap, not a line through"
    assert trend["data"][0].get("connectgaps") is False


def test_synthetic_fixture_shows_a_banner_on_every_page(monkeypatch, full_dir, reference_only_dir):
    for page in PAGES:
        at = run_app(monkeypatch, full_dir, page=page)
        assert any("Synthetic data, not report text" in w.value for w in at.warning), page
    at = run_app(monkeypatch, reference_only_dir)
    assert not any("Synthetic data" in w.value for w in at.warning)


def test_first_screen_status_line(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, reference_only_dir)
    assert at.caption[0].value == ("Tier history from the reference table; report text not fetched yet: "
                                   "0 of 25 years.")
    at = run_app(monkeypatch, full_dir)
    line = at.caption[0].value
    assert line.startswith("Report text for 4 of 25 years (2004, 2013, 2020-2021)")
    assert "data as of 2021-07-01 12:00 UTC" in line


def test_kwic_download_has_kwic_columns_and_integer_indices(monkeypatch, full_dir, reference_only_dir):
    import io

    import pandas as pd

    at = run_app(monkeypatch, full_dir, page="mentions")
    assert_clean(at)
    from dashboard.derived import KWIC_COLUMNS, filter_kwic, kwic_csv_frame
    from scrapers.store.tableset import current

    kwic = current(full_dir).read("kwic")
    for c in ("year", "paragraph_index", "sentence_index"):
        kwic[c] = kwic[c].astype(int)
    out = kwic_csv_frame(filter_kwic(kwic, ["north_korean"], (2020, 2021), "women"))
    raw = out.to_csv(index=False)
    back = pd.read_csv(io.StringIO(raw), keep_default_na=False)
    assert tuple(back.columns) == KWIC_COLUMNS and back.columns[0] == "country"
    assert ".0" not in raw.splitlines()[1].split(",")[6], "paragraph_index written as an integer"
    assert set(back["year"]) <= {2020, 2021} and back["sentence"].str.contains("women", case=False).all()


@pytest.fixture
def site():
    from tests.site_server import SiteServer

    with SiteServer() as server:
        yield server


def test_fetch_button_runs_the_refresh_over_the_local_site(monkeypatch, tmp_path, site):
    target = tmp_path / "data"
    target.mkdir()
    monkeypatch.setenv("TIPDASH_MIRROR", site.base_url)
    monkeypatch.setenv("TIPDASH_FETCH_DELAY", "0")
    at = run_app(monkeypatch, target)
    assert_clean(at)
    assert "report text not fetched yet: 0 of 25 years" in at.caption[0].value
    at.button(key="fetch-now").click().run(timeout=120)
    assert_clean(at)
    assert site.total > 0, "the refresh made requests to the local server"
    assert at.caption[0].value.startswith("Report text for "), at.caption[0].value
    assert any(s.value.startswith("Report text for ") for s in [*at.success, *at.warning])
    mentions = run_app(monkeypatch, target, page="mentions")
    assert_clean(mentions)
    assert len(charts(mentions)) >= 4, "the pages are populated"


def test_fetch_while_another_run_holds_the_lock_says_so(monkeypatch, tmp_path, site):
    from scrapers.store.lock import run_lock

    target = tmp_path / "data"
    target.mkdir()
    monkeypatch.setenv("TIPDASH_MIRROR", site.base_url)
    monkeypatch.setenv("TIPDASH_FETCH_DELAY", "0")
    at = run_app(monkeypatch, target)
    with run_lock(target, command="test"):
        at.button(key="fetch-now").click().run(timeout=60)
    assert_clean(at)
    assert any("Another refresh is already running" in e.value for e in at.error)
    assert site.total == 0


def test_hosted_app_hides_the_fetch_button_unless_allowed(monkeypatch, tmp_path):
    target = tmp_path / "data"
    target.mkdir()
    monkeypatch.setenv("TIPDASH_ALLOW_FETCH", "0")
    at = run_app(monkeypatch, target)
    assert not [b for b in at.button if b.key == "fetch-now"]
    assert "switched off" in texts(at)


def test_charts_carry_their_title_and_source_for_png_export(monkeypatch, full_dir, reference_only_dir):
    import json

    at = run_app(monkeypatch, full_dir, page="mentions")
    assert_clean(at)
    for chart in charts(at):
        layout = json.loads(chart.proto.spec)["layout"]
        assert layout.get("title", {}).get("text"), "a title inside the figure"
        assert any(a.get("text", "").startswith("Source: ") for a in layout.get("annotations", []))


def test_url_wins_only_when_it_was_not_written_by_this_session(monkeypatch, full_dir, reference_only_dir):
    at = run_app(monkeypatch, full_dir, page="mentions")
    at.text_input(key="phrase").input("women").run()
    at.text_input(key="phrase").input("brides").run()
    assert at.query_params.get("phrase") == "brides"
    at.query_params["phrase"] = "women"  # a late echo of an older URL this session wrote itself
    at.run()
    assert at.text_input(key="phrase").value == "brides", "an old URL of our own never overrides the screen"
    at.query_params["phrase"] = "forced marriage"  # a permalink opened in the same session
    at.run()
    assert at.text_input(key="phrase").value == "forced marriage"
    assert_clean(at)


def test_the_modules_are_frozen_once_and_no_table_with_them(monkeypatch, full_dir):
    """dashboard.process.freeze_imports: the first run freezes the imported modules' objects (so
    Streamlit's collection after every run skips them); later runs, which load tables and build
    figures, freeze nothing more (a frozen object is never freed as cyclic garbage)."""
    import gc

    from dashboard.process import freeze_imports

    run_app(monkeypatch, full_dir, page="overview")
    assert gc.get_freeze_count() > 50_000, "the app's run froze plotly's, pandas' and streamlit's objects"
    frozen = freeze_imports()
    assert gc.get_freeze_count() <= frozen  # (a frozen object freed by its reference count leaves the count)
    for page in ("mentions", "world"):
        assert_clean(run_app(monkeypatch, full_dir, page=page))
    assert freeze_imports() == frozen and gc.get_freeze_count() <= frozen, "nothing a run made is frozen"
