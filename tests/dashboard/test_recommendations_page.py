"""The Recommendations page and Compare's share of recommendations naming North Korean people (AppTest
on the SYNTHETIC full fixture, whose recommendations.csv the real pipeline built), and the pure frames
and figures behind them (dashboard/recommendations.py) on small synthetic tables."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard import recommendations as R
from tests.dashboard.conftest import publish_fixture, replace_table_bytes
from tests.dashboard.test_app import assert_clean, charts, run_app, texts

PAGE = "recommendations"


def test_the_page_shows_the_latest_list_the_counts_the_threads_and_the_csv(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page=PAGE)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "What the report asks the government to do"
    assert len(charts(at)) == 2, "counts over the years and the North Korean threads"
    body = texts(at)
    assert "2021: 6 recommendations; 0 naming North Korean people." in body
    listing = next(m.value for m in at.markdown if m.value.startswith("1. "))
    assert [line.split(". ", 1)[0] for line in listing.splitlines()] == ["1", "2", "3", "4", "5", "6"]
    assert "(./read?country=china&year=2021&para=4)" in listing
    assert "Report years without text in the data: 2005-2012, 2014-2019." in body
    assert "print no recommendations (0 items, coverage.csv says so): 2004." in body
    summary = at.dataframe[0].value
    assert summary["thread"].tolist() == ["china:2013:1", "china:2013:3"]
    assert summary["read"].tolist() == ["./read?country=china&year=2013&para=9", "./read?country=china&year=2013&para=11"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Download the recommendations (CSV") for label in labels)


def test_the_year_comes_from_the_url_and_north_korean_items_are_marked(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page=PAGE, year="2013")
    assert_clean(at)
    assert at.selectbox[0].value == 2013
    listing = next(m.value for m in at.markdown if m.value.startswith("1. "))
    lines = listing.splitlines()
    assert len(lines) == 3
    assert "(North Korean people)" in lines[0] and "(North Korean people)" in lines[2]
    assert "(North Korean people)" not in lines[1]
    assert "2013: 3 recommendations; 2 naming North Korean people (rank 1, 3)." in texts(at)


def test_reference_only_data_gives_a_message(monkeypatch, reference_only_dir):
    at = run_app(monkeypatch, reference_only_dir, page=PAGE)
    assert_clean(at)
    assert "recommendations.csv" in texts(at) and not charts(at)


def test_a_corrupt_table_is_named_not_a_traceback(monkeypatch, tmp_path):
    target = publish_fixture("full", tmp_path / "data")
    replace_table_bytes(target, "recommendations", b"country,year\nchina,20x1\n")
    at = run_app(monkeypatch, target, page=PAGE)
    assert_clean(at)
    assert "recommendations.csv could not be used" in texts(at)


def test_compare_shows_the_share_for_each_chosen_country(monkeypatch, full_dir):
    at = run_app(monkeypatch, full_dir, page="compare")
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "latest_share" in d.value.columns)
    china = table[table["country"] == "China"].iloc[0]
    assert (china["years"], china["recommendations"], china["naming"]) == (3, 15, 2)
    assert china["share"] == pytest.approx(13.3) and china["latest_year"] == 2021 and china["latest_share"] == 0.0
    others = table[table["country"] != "China"]
    assert len(others) and (others["recommendations"] == 0).all() and others["share"].isna().all()


# ---------------------------------------------------------------------------------------------
# the pure frames and figures (SYNTHETIC rows)


def _recs(rows):
    """rows: (year, rank, text, groups, thread)."""
    frame = pd.DataFrame(rows, columns=["year", "rank", "text", "groups", "thread"])
    return frame.assign(country="china", kinds="", first_year=frame.groupby("thread")["year"].transform("min"),
                        source_url="https://x.test/", paragraph_index=frame["rank"] + 2)


RECS = _recs([
    (2019, 1, "End forced labor.", "", "t1"),
    (2019, 2, "Cease the return of North Korean refugees.", "north_korean", "t2"),
    (2021, 1, "End forced labor.", "uyghur_xinjiang", "t1"),
    (2021, 2, "Train officials.", "", "t3"),
    (2021, 3, "Cease the forcible return of North Korean refugees.", "north_korean|north_korea_state", "t2"),
])


def test_per_year_counts_zero_for_a_year_without_recommendations_and_nothing_for_unread_years():
    yearly = R.per_year(RECS, [2018, 2019, 2021])
    assert yearly["year"].tolist() == [2018, 2019, 2021]  # 2020 not read: no row
    assert yearly["recommendations"].tolist() == [0, 2, 3]
    assert yearly["naming"].tolist() == [0, 1, 1]
    assert yearly["ranks"].tolist() == ["", "2", "3"]
    assert yearly["first_rank"].isna().tolist() == [True, False, False]
    assert pd.isna(yearly["share"][0]) and yearly["share"][2] == pytest.approx(1 / 3)


def test_year_list_is_in_printed_order_with_links():
    items = R.year_list(RECS.iloc[::-1], 2021)
    assert items["rank"].tolist() == [1, 2, 3]
    assert items["names"].tolist() == [False, False, True]
    assert items["read"].tolist()[2] == "./read?country=china&year=2021&para=6"


def test_threads_keep_only_those_naming_the_group_and_mark_changed_wording():
    rows = R.thread_rows(RECS)
    assert rows["thread"].unique().tolist() == ["t2"]
    assert rows["changed"].tolist() == [False, True]
    summary = R.thread_summary(rows)
    assert summary.iloc[0][["first_year", "years", "ranks", "wordings"]].tolist() == [2019, "2019, 2021",
                                                                                      "2019: 2, 2021: 3", 2]


def test_the_counts_figure_leaves_unread_years_empty_and_shades_them():
    corpus = [2019, 2021]
    fig = R.counts_figure(R.per_year(RECS, corpus), [2019, 2020, 2021], corpus, group_label="NK", source="test")
    bars = fig.data[0]
    assert list(bars.x) == [2019, 2020, 2021] and bars.y[1] is None and list(bars.y[::2]) == [2, 3]
    ranks = fig.data[3]
    assert list(zip(ranks.x, ranks.y)) == [(2019, 2), (2021, 3)]
    assert len([s for s in fig.layout.shapes if s.x0 == 2019.5]) == 1, "one grey band, over 2020"


def test_the_threads_figure_draws_points_only():
    fig = R.threads_figure(R.thread_rows(RECS), [2019, 2020, 2021], [2019, 2021], source="test")
    assert all(trace.mode == "markers" for trace in fig.data)
    assert sorted(x for trace in fig.data for x in trace.x) == [2019, 2021]


def test_compare_shares_per_country():
    table = R.compare_shares(RECS, ["china", "russia"], {"china": "China", "russia": "Russia"})
    assert table.iloc[0][["country", "years", "recommendations", "naming", "latest_year"]].tolist() == [
        "China", 2, 5, 2, 2021]
    assert table.iloc[0]["share"] == 40.0 and table.iloc[0]["latest_share"] == pytest.approx(33.3)
    assert table.iloc[1]["recommendations"] == 0 and pd.isna(table.iloc[1]["share"])
