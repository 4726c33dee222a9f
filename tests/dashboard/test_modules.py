"""Unit tests of the dashboard's pure helpers: escaping, highlighting, diffs, CSV validation,
headline figures, charts, colours and the zip bundle."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts
from dashboard.bundle import build_zip
from analysis.schema import MENTIONS_TABLE, TIERS_TABLE
from dashboard.colors import group_color, group_mark, order_groups
from dashboard.figures import spec_figure
from dashboard.reader import parse_table
from dashboard.ngo_estimates import estimates_from_claims
from dashboard.sentence_diff import Change, compare_sentences, word_diff_markdown
from dashboard.summaries import headline, tier_spells
from dashboard.tables import BY_NAME
from dashboard.textsafe import Span, escape_markdown, find_literal_spans, highlight_markdown

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "fixtures" / "dashboard_data" / "full"


def test_escape_markdown_neutralises_html_links_emphasis_and_directives():
    out = escape_markdown("<script>alert(1)</script> *a* [x](y) :red[z] $1 `c`")
    assert out == r"\<script\>alert\(1\)\<\/script\> \*a\* \[x\]\(y\) \:red\[z\] \$1 \`c\`"
    assert escape_markdown("a\n\n# b") == r"a \# b"  # no headings or paragraphs from line breaks


def test_highlight_wraps_spans_and_keeps_all_text():
    text = "Some North Korean women and Uyghurs."
    md = highlight_markdown(text, [Span(5, 23, "red"), Span(28, 35, "blue"), Span(10, 12, "green")])
    assert md.startswith("Some :red-background[North Korean women] and :blue-background[Uyghurs]")
    assert "green" not in md  # overlapping span dropped


def test_literal_spans_are_case_insensitive_and_repeated():
    spans = find_literal_spans("Burma and burma", [("Burma", "green")])
    assert [(s.start, s.end) for s in spans] == [(0, 5), (10, 15)]


def test_diff_reports_only_changes():
    old = ["A stays the same.", "Some North Korean women are lured.", "Dropped sentence here."]
    new = ["A stays the same.", "Many North Korean women are lured.", "A brand new sentence appears now."]
    kinds = sorted(c.kind for c in compare_sentences(old, new).changes)
    assert kinds == ["added", "changed", "removed"]
    changed = next(c for c in compare_sentences(old, new).changes if c.kind == "changed")
    md = word_diff_markdown(changed.old, changed.new)
    assert ":red-background[~~Some~~]" in md and ":green-background[Many]" in md
    assert compare_sentences(old, old).changes == []


def test_diff_a_moved_sentence_is_unchanged():
    old = ["A first.", "B second sentence here.", "C third one."]
    new = ["C third one.", "A first.", "B second sentence here.", "D brand new words entirely."]
    d = compare_sentences(old, new)
    assert (d.unchanged, d.count("added"), d.count("removed"), d.count("changed")) == (3, 1, 0, 0)
    assert d.changes == [Change("added", "", "D brand new words entirely.")]


def test_diff_pairs_reworded_sentences_by_similarity_not_position():
    old = ["Some North Korean women are lured by brokers.", "Officials patrol the border every day."]
    new = ["Officials patrol the border every single day.", "Many North Korean women are lured by brokers.",
           "Entirely different words appear in this one."]
    d = compare_sentences(old, new)
    changed = {c.old: c.new for c in d.changes if c.kind == "changed"}
    assert changed == {"Some North Korean women are lured by brokers.": "Many North Korean women are lured by brokers.",
                       "Officials patrol the border every day.": "Officials patrol the border every single day."}
    assert d.count("added") == 1 and d.count("removed") == 0 and d.unchanged == 0


def test_diff_dropped_and_new_when_nothing_is_similar():
    d = compare_sentences(["Alpha beta gamma delta."], ["Completely unrelated text here now."])
    assert [c.kind for c in d.changes] == ["added", "removed"]
    assert compare_sentences([], ["x y"]).count("added") == 1


def test_diff_of_the_synthetic_2020_2021_sentences():
    kwic = pd.read_csv(FULL / "kwic.csv", dtype=str, keep_default_na=False)
    kwic["year"] = kwic["year"].astype(int)
    kwic["paragraph_index"] = kwic["paragraph_index"].astype(int)
    kwic["sentence_index"] = kwic["sentence_index"].astype(int)
    from dashboard.highlight import nk_sentences
    from collections import Counter

    old, new = nk_sentences(kwic, 2020), nk_sentences(kwic, 2021)
    mentions = pd.read_csv(FULL / "mentions.csv")
    nk = mentions[mentions["group"] == "north_korean"].set_index("year")["sentences"]
    assert (len(old), len(new)) == (nk[2020], nk[2021]), "a sentence counts each time it is printed, as in mentions.csv"
    d = compare_sentences(old, new)
    assert d.unchanged == sum((Counter(old) & Counter(new)).values()) > 0
    assert d.count("removed") + d.count("changed") == len(old) - d.unchanged


def test_parse_table_accepts_the_fixture_and_types_numbers():
    df, problem = parse_table((FULL / "mentions.csv").read_bytes(), MENTIONS_TABLE.columns, MENTIONS_TABLE.numeric)
    assert problem == ""
    assert df["year"].dtype == "int64"
    assert df["per_1000_words"].dtype == "float64"


@pytest.mark.parametrize("raw, fragment", [
    (b"", "empty"),
    (b"\xff\xfe\x00\x00", "not UTF-8"),
    (b"country,year\nchina,2001\n", "columns missing: tier"),
    (b'country,year,tier,tier_sentence,source_url,origin,tier_note,reference_tier,reference_source_url,agrees\n'
     b'china,twenty,Tier 3,,u,reference,,,,\n', "non-number ('twenty') on line 2"),
    (b'country,year,tier,tier_sentence,source_url,origin,tier_note,reference_tier,reference_source_url,agrees\n'
     b'china,2001,"unclosed\n', "not valid CSV"),
])
def test_parse_table_explains_what_is_wrong(raw, fragment):
    df, problem = parse_table(raw, TIERS_TABLE.columns[:10], TIERS_TABLE.numeric)
    assert df is None
    assert fragment in problem


def _tiers(rows):
    return pd.DataFrame([{"country": "china", "year": y, "tier": t, "origin": o, "tier_sentence": "",
                          "source_url": "https://example.org", "agrees": a, "reference_tier": r}
                         for y, t, o, a, r in rows])


def test_headline_latest_tier_since_and_tier3_years():
    tiers = _tiers([(2012, "Tier 2 Watch List", "reference", "", ""), (2013, "Tier 3", "reference", "", ""),
                    (2014, "Tier 2 Watch List", "reference", "", ""), (2015, "Tier 3", "scraped", "true", "Tier 3"),
                    (2016, "Tier 3", "reference", "", "")])
    h = headline(tiers, None)
    assert h.latest_tier == "Tier 3 since 2015"
    assert h.years_tier3 == "3 of 5"
    assert "2013, 2015-2016" in h.tier3_help
    assert h.nk_latest == "needs data"
    assert tier_spells(tiers)[0] == "Tier 2 Watch List 2012"


def test_headline_north_korean_sentences_against_average():
    mentions = pd.DataFrame({"group": ["north_korean"] * 3 + ["tibetan"], "year": [2019, 2020, 2021, 2021],
                             "sentences": [2, 4, 6, 50]})
    h = headline(None, mentions)
    assert h.nk_latest == "6 in 2021"
    assert h.nk_delta == "average 4.0 per year over 3 reports"


def test_tier_chart_puts_tier1_on_top_and_marks_origin_and_disagreement():
    tiers = _tiers([(2004, "Tier 2", "reference", "", "Tier 2"), (2005, "Tier 2 Watch List", "scraped", "false", "Tier 2"),
                    (2006, "Tier 3", "scraped", "true", "Tier 3")])
    fig = charts.tier_chart(tiers, source="test")
    ticks = dict(zip(fig.layout.yaxis.ticktext, fig.layout.yaxis.tickvals))
    assert ticks["Tier 1"] > ticks["Tier 2"] > ticks["Watch List"] > ticks["Tier 3"]
    names = {t.name for t in fig.data if t.name}
    assert {"Reference table (secondary source)", "Scraped from the report",
            "Reference tier where it disagrees"} <= names
    symbols = {t.name: t.marker.symbol for t in fig.data if t.name}
    assert symbols["Reference table (secondary source)"] != symbols["Scraped from the report"]
    changes = [a.text for a in fig.layout.annotations if a.text.startswith(("▲", "▼"))]
    assert changes == ["▼ Watch List (2005)", "▼ Tier 3 (2006)"]
    assert any(a.text.startswith("Source: test") for a in fig.layout.annotations)


def test_hover_text_escapes_markup():
    assert "<script>" not in charts.hover_text("x <script>alert(1)</script>")


def test_trend_uses_group_colours_and_percent_for_shares():
    m = pd.DataFrame({"group": ["north_korean", "uyghur_xinjiang"], "year": [2021, 2021],
                      "sentences": [4, 61], "per_1000_words": [1.0, 9.0], "share_of_sentences": [0.01, 0.149]})
    fig = spec_figure(charts.mentions_trend(m, ["uyghur_xinjiang", "north_korean"], "share_of_sentences", source="s"))
    assert [t.line.color for t in fig.data] == [group_color("north_korean"), group_color("uyghur_xinjiang")]
    assert list(fig.data[1].y) == pytest.approx([14.9])
    assert "%" in fig.layout.yaxis.title.text


def test_one_colour_per_group_in_charts_and_highlights():
    for slug in ("north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan", "burmese"):
        assert group_mark(slug).endswith(":" + group_color(slug)), slug  # the highlight is the chart colour
    assert len({group_color(s) for s in ("north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan")}) == 4
    assert order_groups(["vietnamese", "tibetan", "north_korean"]) == ["north_korean", "tibetan", "vietnamese"]


def test_estimates_keep_the_denominators_apart():
    estimates = estimates_from_claims(pd.read_csv(ROOT / "data" / "essay" / "claims.csv", keep_default_na=False))
    by_basis = {e.amount: e.basis for e in estimates}
    assert by_basis["60 percent"] == by_basis["70-80 percent"] == "all female refugees"
    assert by_basis["close to 50 percent"] == by_basis["15 percent"] == "the trafficked"
    assert by_basis["$105 million a year"] == "amount"
    assert {e.amount: (e.low, e.high) for e in estimates}["70-80 percent"] == (70, 80)
    fig = charts.estimates_chart(estimates, "“some”", source="s")
    assert any("some" in (a.text or "") for a in fig.layout.annotations)
    assert not any("TIP report" in str(t.y) for t in charts.estimates_chart(estimates, None, source="s").data)


def test_zip_holds_every_csv_and_a_readme_with_licence(tmp_path):
    files = [(BY_NAME[p.stem], p, 1) for p in sorted(FULL.glob("*.csv"))]
    raw = build_zip("table set 1 of 2026-01-01", files)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = set(zf.namelist())
        readme = zf.read("README.txt").decode("utf-8")
    assert {p.name for p in FULL.glob("*.csv")} | {"README.txt"} == names
    assert "public domain" in readme and "How to cite" in readme
    assert "table set 1 of 2026-01-01" in readme and str(FULL) not in readme and "/tmp" not in readme
    for p in FULL.glob("*.csv"):
        assert p.name in readme


def test_only_plain_http_urls_become_links():
    from dashboard.textsafe import markdown_link, safe_url

    assert safe_url("https://www.state.gov/reports/2021-trafficking-in-persons-report/china/")
    for bad in ("javascript:alert(1)", "https://x.org/a) [y](javascript:z", "data:text/html,x", ""):
        assert safe_url(bad) is None
    assert markdown_link("2021", "javascript:alert(1)") == r"2021 \(javascript\:alert\(1\)\)"


def test_quantifier_tally_counts_sentences_per_word_and_filters_women():
    from dashboard.derived import quantifier_tally

    kwic = pd.DataFrame({
        "group": ["north_korean"] * 4 + ["tibetan"],
        "year": [2020, 2021, 2021, 2021, 2021], "paragraph_index": [1, 2, 3, 4, 5], "sentence_index": [0] * 5,
        "quantifiers": ["some", "some;many", "thousands", "", "most"],
        "sentence": ["Some North Korean women.", "Some and many North Korean girls.", "Thousands of North Korean workers.",
                     "North Korean brides.", "Most Tibetans."],
    })
    t = quantifier_tally(kwic, women_only=True)
    assert len(t.sentences) == 3
    assert list(zip(t.tally["quantifier"], t.tally["sentences"])) == [("some", 2), ("many", 1)]
    everyone = quantifier_tally(kwic, women_only=False, years=(2021, 2021))
    assert set(everyone.words) == {"some", "many", "thousands"}


def test_fetch_permission_by_operator_setting_and_peer_address_never_a_header():
    from dashboard.fetching import fetch_permission, forwarded, plain_reason

    # README's local command on one's own machine: the browser's peer is loopback (st.context.ip_address
    # is None for it) -> the button
    assert fetch_permission(None, peer=None).allowed
    assert fetch_permission(None, peer="127.0.0.1").allowed and fetch_permission(None, peer="::1").allowed
    # a visitor from another machine sending `Host: 127.evil.example` or `Host: localhost`: the Host
    # header is not an input at all; its peer address decides -> no button
    for peer in ("203.0.113.7", "192.168.1.20", "2001:db8::1", "127.evil.example"):
        denied = fetch_permission(None, peer=peer)
        assert not denied.allowed and "TIPDASH_ALLOW_FETCH=1" in denied.reason, peer
    # behind a proxy on this machine that says so: not local (forged forwarding headers only take it away)
    assert forwarded({"X-Forwarded-For": "203.0.113.7"}) and not forwarded({"Host": "localhost"})
    assert not fetch_permission(None, peer=None, via_proxy=True).allowed
    # the operator decides when set
    assert not fetch_permission("0", peer=None).allowed
    assert fetch_permission("1", peer="203.0.113.7").allowed
    assert "no internet" in plain_reason("fetch_failed", "https://x: could not connect (after 3 retries): Name or service not known")
    assert "HTTP 403" in plain_reason("fetch_failed", "https://x: HTTP 403 Forbidden. state.gov refuses")
    assert "HTTP 404" in plain_reason("no_page", "https://x: HTTP 404, no such page")


def test_recording_progress_reports_each_year():
    from dashboard.fetching import RecordingProgress

    class O:
        def __init__(self, year, status, detail=""):
            self.year, self.status, self.detail, self.from_cache = year, status, detail, False

    seen = []
    p = RecordingProgress(on_update=lambda d, t, line: seen.append((d, t, line)))
    p.start([2020, 2021, 2022])
    p.year_done(O(2020, "parsed"))
    p.year_done(O(2021, "fetch_failed", "HTTP 403 Forbidden"))
    p.year_done(O(2022, "no_page"))
    assert [s[0] for s in seen] == [0, 1, 2, 3] and seen[-1][1] == 3
    assert p.summary() == "Report text for 1 of 3 years, 1 without a published page, 1 failed."
    assert "HTTP 403" in p.failures[0]


def test_status_line_and_citation():
    from dashboard.status import citation, data_status, status_line

    tiers = pd.DataFrame({"year": range(2001, 2026), "tier": "Tier 3", "origin": "reference"})
    assert status_line(data_status(tiers, None)) == (
        "Tier history from the reference table; report text not fetched yet: 0 of 25 years.")
    narr = pd.DataFrame({"year": [2020, 2021], "fetched_at": ["2025-01-02T03:04:05Z", "2025-06-30T12:00:00Z"]})
    tiers.loc[tiers["year"].isin([2020, 2021]), "origin"] = "scraped"
    st_ = data_status(tiers, narr, generation=3, created_at="2025-07-01T00:00:00Z")
    assert status_line(st_) == ("Report text for 2 of 25 years (2020-2021); tiers read from the report for 2 years, "
                                "from the reference table for 23 · data as of 2025-06-30 12:00 UTC.")
    cite = citation(st_)
    assert "table set 3 of 2025-07-01" in cite and "2020-2021" in cite


def test_year_axis_helpers():
    assert charts.year_span((2002, 2006), [2002, 2005]) == [2002, 2003, 2004, 2005, 2006]
    values, ticks = charts.year_ticks([2004, 2005], [2004])
    assert values == ["2004", "2005"] and ticks == ["2004", "2005 (no text)"]
    assert "#b5b5b5" in charts.year_ticks([2004, 2005], [2004], compact=True)[1][1]
    counts = pd.DataFrame({"year": [2020, 2021], "hits": [0, 0], "sentences": [0, 0], "paragraphs": [0, 0]})
    fig = charts.phrase_chart(counts, "zzz", source="s")
    assert any("No hits" in (a.text or "") for a in fig.layout.annotations) and not fig.data


def test_north_korean_people_and_state_highlights_are_unmistakable():
    from dashboard.textsafe import mark

    people, state = group_mark("north_korean").split(":")[1:], group_mark("north_korea_state").split(":")[1:]
    assert people[0] != state[0] and people[1] != state[1]
    assert mark("x", group_mark("north_korean")) == ':color[x]{foreground="#ffffff" background="#c62828"}'
    # Uyghur and Tibetan highlights as strong as the North Korean ones: a solid colour, white text
    assert mark("x", group_mark("tibetan")) == ':color[x]{foreground="#ffffff" background="#6a3d9a"}'
    assert mark("x", group_mark("uyghur_xinjiang")) == ':color[x]{foreground="#ffffff" background="#1565c0"}'
    assert mark("x", 'css:#fff" onload="x:#000') == ":gray-background[x]", "only hex colours pass"
    md = highlight_markdown("North Korean women, and", [Span(0, 18, group_mark("north_korean"))])
    assert md.endswith('background="#c62828"}' + "\\, and")


def test_an_unbroken_100000_character_run_is_cut_with_a_marker():
    """A scraped paragraph holding a 100,000-character 'word' must not reach the browser whole
    (it stalled the Read page's layout for 13-26 s): it is cut at MAX_RUN with a marker."""
    from dashboard.textsafe import MAX_RUN, Span, cut_long_runs, highlight_markdown

    text = "Some North Korean women " + "x" * 100_000 + " are exploited."
    shown = highlight_markdown(text, [Span(5, 17, "red")])
    assert len(shown) < 1_000
    assert ":red-background[North Korean]" in shown and "are exploited" in shown
    assert "99,800 more characters" in shown.replace("\\", "")
    assert cut_long_runs("an ordinary sentence stays as it is.") == "an ordinary sentence stays as it is."
    url = "https://www.state.gov/reports/2021-trafficking-in-persons-report/china/"
    assert cut_long_runs(url) == url and len(url) < MAX_RUN
