"""The Essay page shows each claim exactly as claims.csv holds it (one test per claim, on the synthetic
fixture), and the Data & sources page renders the schema's dictionary, says when the dashboard
fetches, names files relative to the data directory and builds downloads only on request."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.schema import COVERAGE_STATUSES, INPUT_TABLES, STATUS_MEANINGS, TABLES
from dashboard.textsafe import escape_markdown

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
FIXTURE_CLAIMS = pd.read_csv(ROOT / "tests/fixtures/dashboard_data/full/claims.csv", dtype=str, keep_default_na=False)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
VERDICT_COLOR = {"supported": "green", "partly supported": "orange", "not supported": "red", "needs data": "gray"}


def _run(data_dir: Path, page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["page"] = page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def essay(full_dir) -> AppTest:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIPDASH_DATA_DIR", str(full_dir))
        yield _run(full_dir, "essay")


def _elements(block) -> list:
    out = []
    for child in getattr(block, "children", {}).values():
        out.append(child)
        out.extend(_elements(child))
    return out


def _cards(at: AppTest) -> list[list]:
    """Each claim card's elements, in page order (a card is a bordered block opened by a badge)."""
    cards = []
    for block in at.main.children.values():
        kids = list(getattr(block, "children", {}).values())
        if kids and getattr(kids[0], "type", "") == "markdown" and "-badge[" in str(kids[0].value):
            cards.append(_elements(block))
    return cards


def _text(elements) -> str:
    return "\n".join(str(e.value) for e in elements if getattr(e, "type", "") in ("markdown", "caption"))


def _plain(text: str) -> str:
    return text.replace("\\", "")


@pytest.mark.parametrize("index, claim_id", list(enumerate(FIXTURE_CLAIMS["claim_id"])))
def test_the_claim_card_shows_what_claims_csv_holds_and_no_other_figure(essay, index, claim_id):
    row = FIXTURE_CLAIMS.iloc[index].to_dict()
    card = _cards(essay)[index]
    text = _text(card)
    badge = str(card[0].value)
    assert badge.startswith(f":{VERDICT_COLOR[row['verdict']]}-badge[") and badge.endswith(f" {row['verdict_label']}]")
    for column in ("claim", "tested", "meaning", "evidence", "rule"):
        assert escape_markdown(row[column]) in text, column
    shown = [tuple(map(int, link.split(":"))) for link in row["links_shown"].split(";") if link]
    links = [e for e in card if getattr(e, "type", "") == "page_link"]
    assert [e.proto.label for e in links] == [f"{y}, ¶{p + 1}" for y, p in shown]
    assert [e.proto.query_string for e in links] == [f"year={y}&para={p + 1}" for y, p in shown]
    more = int(row["links_not_shown"])
    assert (f"and {more} more paragraphs" in text) == (more > 0)
    allowed = set(NUMBER.findall(" ".join(row.values()))) | {str(p + 1) for _, p in shown}
    shown_numbers = set(NUMBER.findall(_plain(re.sub(r"\(https?://[^)]*\)", "", text))))
    assert shown_numbers <= allowed, f"figures on the card that claims.csv does not hold: {shown_numbers - allowed}"
    assert "\\_" not in text and "|" not in _plain(text), "no escaped slug, no raw pattern"


def test_an_ngo_figure_badge_says_what_the_report_gives_not_a_rating(essay):
    rows = FIXTURE_CLAIMS[FIXTURE_CLAIMS["check"] == "ngo_figure"]
    assert len(rows) == 5
    for index in rows.index:
        badge = str(_cards(essay)[index][0].value)
        assert "report gives" in badge and "supported" not in badge, badge


def test_claim_4s_links_open_with_the_paragraphs_it_is_about(essay, full_dir):
    """The focus claim is about Uyghurs: its first links are paragraphs naming them, all links are kept."""
    row = FIXTURE_CLAIMS[FIXTURE_CLAIMS["check"] == "focus"].iloc[0]
    kwic = pd.read_csv(ROOT / "tests/fixtures/dashboard_data/full/kwic.csv", dtype=str, keep_default_na=False)
    uy = set(kwic[(kwic["year"] == "2021") & (kwic["group"] == "uyghur_xinjiang")]["paragraph_index"])
    nk = set(kwic[(kwic["year"] == "2021") & (kwic["group"] == "north_korean")]["paragraph_index"])
    links = [link.split(":")[1] for link in row["links"].split(";")]
    assert set(links) == uy | nk and len(links) == len(uy | nk)
    assert set(links[: len(uy)]) == uy


def test_without_claims_csv_the_cards_still_say_what_would_be_tested(monkeypatch, reference_only_dir):
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(reference_only_dir))
    at = _run(reference_only_dir, "essay")
    cards = _cards(at)
    assert len(cards) == len(FIXTURE_CLAIMS)
    for card in cards:
        assert str(card[0].value).endswith("needs data]")
        text = _plain(_text(card))
        assert "What was tested:** –" not in text and "Needs data:" in text, "what would be tested, and the rule"


# -- Data & sources ---------------------------------------------------------------------------------

def test_the_data_page_renders_the_schemas_dictionary(monkeypatch, full_dir):
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(full_dir))
    at = _run(full_dir, "data")
    frames = [d.value for d in at.dataframe if list(d.value.columns) == ["column", "meaning"]]
    expected = [*TABLES.values(), *INPUT_TABLES]
    assert [list(f["column"]) for f in frames] == [list(t.columns) for t in expected]
    assert [list(f["meaning"]) for f in frames] == [[t.about[c] for c in t.columns] for t in expected]
    coverage = dict(zip(frames[list(TABLES).index("coverage")]["column"], frames[list(TABLES).index("coverage")]["meaning"]))
    assert all(f"{s} ({STATUS_MEANINGS[s]})" in coverage["status"] for s in COVERAGE_STATUSES), "all six statuses"
    tier = dict(zip(frames[0]["column"], frames[0]["meaning"]))["tier"]
    assert "empty if unread" not in tier and "origin=reference" in tier
    body = "\n".join(str(m.value) for m in at.markdown)
    assert "never scrapes" not in body and "only when its operator allows it" in body


def test_the_data_page_serialises_no_table_until_a_download_is_asked_for(monkeypatch, full_dir):
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(full_dir))

    def refuse(*args, **kwargs):
        raise AssertionError("a table was serialised while drawing the page")

    monkeypatch.setattr(pd.DataFrame, "to_csv", refuse)
    at = _run(full_dir, "data")
    buttons = at.get("download_button")
    assert len(buttons) == 1 + len(TABLES) + len(INPUT_TABLES)
    assert all(b.proto.deferred_file_id for b in buttons), "every download is built when clicked"


def test_the_data_page_reads_no_row_for_its_downloads_and_builds_none_on_a_rerun(monkeypatch, tmp_path):
    """Row counts come from the Parquet footers: the only tables read are the three the page shows
    (narratives, coverage, tiers); a rerun reads, serialises and zips nothing."""
    import streamlit as st

    from dashboard import bundle, reader
    from tests.dashboard.conftest import publish_fixture

    target = publish_fixture("full", tmp_path / "data")
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(target))
    st.cache_resource.clear()  # a fresh server: every read below is this page's
    reads: list[str] = []
    real_read = reader.read_table
    monkeypatch.setattr(reader, "read_table", lambda ts, name, **kw: reads.append(name) or real_read(ts, name, **kw))
    built: list[str] = []
    real_zip = bundle.build_zip
    monkeypatch.setattr(bundle, "build_zip", lambda *a, **kw: built.append("zip") or real_zip(*a, **kw))
    monkeypatch.setattr(pd.DataFrame, "to_csv", lambda *a, **kw: built.append("csv") or b"")
    at = _run(target, "data")
    assert sorted(set(reads)) == ["coverage", "narratives", "tiers"], reads
    labels = [b.proto.label for b in at.get("download_button")]
    ts = reader.resolve_sets(target).main
    for name in ("kwic", "mentions", "paragraphs"):
        assert f"Download {name}.csv ({ts.manifest.tables[name].rows} rows)" in labels, labels
    reads.clear()
    at.run()
    assert not at.exception
    assert reads == [] and built == [], (reads, built)


def test_which_files_are_missing_names_an_empty_file_relative_to_the_data_dir(monkeypatch):
    """The shipped data/ has a table set with no narrative yet: paragraphs.csv is there but empty."""
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(ROOT / "data"))
    at = _run(ROOT / "data", "read")
    lines = [str(m.value) for m in at.markdown if "paragraphs.csv" in str(m.value)]
    assert lines == ["- `tables/paragraphs.csv`: the file is there but empty (no rows yet)"]
    assert str(ROOT) not in "\n".join(str(m.value) for m in at.markdown)
