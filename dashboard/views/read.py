"""Read: one year's narrative by section with mentions highlighted by group, and the North Korean
sentences of that year against another year (changes only).

Paragraphs are numbered from 1 on screen and in the URL alike (`?para=17` is the paragraph shown as
¶ 17, paragraph_index 16 in the tables). A country or year the URL asks for that the data does not
hold is said, never swapped for another."""
from __future__ import annotations

import re

import streamlit as st

from analysis.schema import SENTENCES
from dashboard import data, permalink, ui
from dashboard.colors import MAIN_GROUPS, group_label, group_mark, order_groups
from dashboard.country import countries, country_selector, name
from dashboard.derived import NK_GROUP
from dashboard.highlight import nk_sentences, spans_for_year
from dashboard.sentence_diff import compare_sentences, word_diff_markdown
from dashboard.textsafe import Span, escape_markdown, highlight_markdown, markdown_link, mark

PARA_ANCHOR = "para-"
DIFF_TAB = "North Korean sentences: {year} vs another year"
st.title("Read a year's narrative")
ui.page_banner()

paragraphs = data.load_table("paragraphs", columns=["country"])
if not ui.require(paragraphs, what="the narratives"):
    st.stop()
asked_country = st.query_params.get("country")
read = countries("paragraphs")
if asked_country and asked_country not in read:
    st.warning(f"No narrative of **{escape_markdown(name(asked_country))}** is in the data: the tables hold "
               f"{escape_markdown(', '.join(name(c) for c in read))}. Read it with "
               f"`{data.REFRESH_COMMAND} --countries {re.sub(r'[^a-z0-9-]', '', asked_country.lower())}`.",
               icon=":material/info:")
    st.stop()
country = country_selector("paragraphs")  # shown only when more than one country's narratives are read
paragraphs, narratives, kwic, mentions = (data.load_table(n, country=country) for n in (
    "paragraphs", "narratives", "kwic", "mentions"))
labels = data.group_labels()

p = paragraphs.df
years = sorted(int(y) for y in p["year"].unique())
known_groups = set(labels) | (set(mentions.df["group"]) if mentions.has_rows else set()) \
    | (set(kwic.df["group"]) if kwic.has_rows else set())
all_groups = order_groups(known_groups or MAIN_GROUPS)

asked_year = st.query_params.get("year")
if asked_year and asked_year.strip() not in {str(y) for y in years} and "year" not in st.session_state:
    st.warning(f"{escape_markdown(name(country))} has no narrative text for {escape_markdown(asked_year)} in the "
               f"data (years with text: {ui.year_ranges(years)}); showing {years[-1]}. Choose another year below.",
               icon=":material/info:")

c1, c2 = st.columns([1, 3])
with c1:
    permalink.seed_single("year", years, years[-1])
    year = st.selectbox("Report year", years, key="year")
with c2:
    default_groups = [g for g in MAIN_GROUPS if g in all_groups]
    permalink.seed_multi("groups", all_groups, default_groups)
    groups = st.multiselect("Highlight groups", all_groups, format_func=lambda s: group_label(s, labels),
                            key="groups", wrap=True)
    permalink.write_url("groups", groups, default_groups)
permalink.write_url("year", str(year), str(years[-1]))

st.markdown("Highlights: " + " ".join(
    mark(escape_markdown(group_label(g, labels)), group_mark(g)) for g in groups
) if groups else "No group highlighted.")

linked = (st.query_params.get("para") or "").strip()
linked_number = int(linked) if linked.isdigit() else None  # as on screen: from 1

spans, note = spans_for_year(int(year), country)
if note:
    st.caption(f"Highlighting: {note}.")

rows = p[p["year"] == year].sort_values("paragraph_index")
n = len(rows)
meta = narratives.df[narratives.df["year"] == year] if narratives.has_rows else None
if meta is not None and len(meta):
    m = meta.iloc[0]
    words = m["word_count"]
    st.caption(f"Source: {markdown_link(str(m['source_url']), m['source_url'])} · fetched "
               f"{escape_markdown(m.get('fetched_at', ''))} · "
               f"{n} paragraphs, {int(words) if words == words else '?'} words · "
               f"sha256 {escape_markdown(str(m.get('sha256', ''))[:12])}…")
linked_row = rows[rows["paragraph_index"] == linked_number - 1] if linked_number else rows.iloc[0:0]
if linked_number is not None:
    if len(linked_row):
        st.info(f"Linked paragraph {linked_number} of {n} ({linked_row.iloc[0]['section'].title()}) is marked "
                "below with a border.", icon=":material/link:")
    else:
        st.warning(f"The link asks for paragraph {linked_number}, but the {year} narrative has {n} paragraphs "
                   f"(¶ 1-{n}).", icon=":material/link_off:")

diff_tab = DIFF_TAB.format(year=year)
tab_text, tab_diff = st.tabs(["Narrative", diff_tab], default=diff_tab if "vs" in st.query_params else None)
with tab_text:
    selected = set(groups)
    last_section = None
    for _, row in rows.iterrows():
        idx = int(row["paragraph_index"])
        section = str(row["section"])
        if section != last_section:
            printed = str(row.get("section_title_printed", "") or "")
            st.subheader(escape_markdown(printed.rstrip(":") if printed else section.title()), anchor=False)
            last_section = section
        text = str(row["text"])
        marks = [Span(s, e, group_mark(g)) for s, e, g in spans.get(idx, []) if g in selected]
        md = f":gray[¶ {idx + 1}] " + highlight_markdown(text, marks)
        if linked_number is not None and idx == linked_number - 1:
            st.html(f'<div id="{PARA_ANCHOR}{linked_number}" class="tipdash-anchor"></div>')  # our own markup only
            with st.container(border=True):
                st.markdown(md)
        else:
            st.markdown(md)
if len(linked_row):
    # Scroll the linked paragraph into view once it is drawn (the page's own script; no scraped text).
    st.html(
        "<script>(function(){var n=0,t=setInterval(function(){var e=document.getElementById("
        f"'{PARA_ANCHOR}{int(linked_number)}');"
        "if(e){e.scrollIntoView({block:'start'});clearInterval(t);}"
        "else if(++n>60){clearInterval(t);}},100);})();</script>",
        unsafe_allow_javascript=True,
    )
with tab_diff:
    if not kwic.has_rows:
        ui.require(kwic, what="the North Korean sentences")
    elif len(years) < 2:
        st.info(f"Only one report year ({year}) is in the data: there is nothing to compare it with.")
    else:
        others = [y for y in years if y != year]
        earlier = [y for y in others if y < year]
        default_other = earlier[-1] if earlier else others[0]
        if st.session_state.get("vs_for") != year:  # first visit: the URL's year, else the year before
            if "vs_for" in st.session_state:
                st.session_state["vs"] = default_other  # the reader picked another year: compare with its year before
            else:
                permalink.seed_single("vs", others, default_other)
            st.session_state["vs_for"] = year
        elif st.session_state.get("vs") not in others:
            st.session_state["vs"] = default_other
        other = st.selectbox(
            f"Compare {year} with", others, key="vs",
            help="Any other report year in the data; by default the year before.",
        )
        permalink.write_url("vs", str(other), str(default_other))
        prev, cur = (other, int(year)) if other < year else (int(year), other)
        diff = compare_sentences(nk_sentences(kwic.df, prev), nk_sentences(kwic.df, cur))
        counts = mentions.df[mentions.df["group"] == NK_GROUP].set_index("year")[SENTENCES] if mentions.ok else {}
        n_cur, n_prev = (int(counts.get(y, 0)) for y in (cur, prev))
        gap = ""
        if cur - prev > 1:
            missing = [y for y in range(prev + 1, cur) if y not in years]
            if missing:
                gap = f" ({len(missing)} report year{'s' if len(missing) > 1 else ''} between them not in the data)"
        st.markdown(
            f"Sentences naming North Korean people: **{n_cur} in {cur}**, **{n_prev} in {prev}**{gap} "
            "(mentions.csv: a sentence counts each time the report prints it). "
            f"{diff.unchanged} unchanged (present in both years, wherever they sit), "
            f"{diff.count('added')} new in {cur}, {diff.count('removed')} dropped after {prev}, "
            f"{diff.count('changed')} reworded."
        )
        if not diff.changes:
            st.success("No change in these sentences.")
        for c in diff.changes:
            if c.kind == "added":
                st.markdown(f":green-background[**New in {cur}**] {escape_markdown(c.new)}")
            elif c.kind == "removed":
                st.markdown(f":red-background[**Dropped after {prev}**] ~~{escape_markdown(c.old)}~~")
            else:
                st.markdown(f":orange-background[**Reworded**] {word_diff_markdown(c.old, c.new)}")
        st.caption(f"Source: {ui.REPORT_SOURCE} (kwic.csv, mentions.csv). Unchanged sentences are not listed; a "
                   "sentence counts as reworded when at least 60% of its words match a sentence of the other year.")
