"""Read: one year's narrative by section with mentions highlighted by group, and the North Korean
sentences of that year against the year before (changes only)."""
from __future__ import annotations

import streamlit as st

from dashboard import data, permalink, ui
from dashboard.country import country_selector, for_country
from dashboard.colors import MAIN_GROUPS, group_label, group_mark, order_groups
from dashboard.highlight import nk_sentences, spans_for_year
from dashboard.sentence_diff import compare_sentences, word_diff_markdown
from dashboard.textsafe import Span, escape_markdown, highlight_markdown, markdown_link, mark

PARA_ANCHOR = "para-"
st.title("Read a year's narrative")
ui.page_banner()

paragraphs = data.load_table("paragraphs")
if not ui.require(paragraphs, what="the narratives"):
    st.stop()
country = country_selector(paragraphs)  # shown only when more than one country's narratives are read
paragraphs, narratives, kwic, mentions = (for_country(t, country) for t in (
    paragraphs, data.load_table("narratives"), data.load_table("kwic"), data.load_table("mentions")))
labels = data.group_labels()

p = paragraphs.df
years = sorted(int(y) for y in p["year"].unique())
known_groups = set(labels) | (set(mentions.df["group"]) if mentions.has_rows else set()) \
    | (set(kwic.df["group"]) if kwic.has_rows else set())
all_groups = order_groups(known_groups or MAIN_GROUPS)

c1, c2 = st.columns([1, 3])
with c1:
    permalink.seed_int("year", years, years[-1])
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

linked = st.query_params.get("para")
linked_index = int(linked) if linked is not None and linked.isdigit() else None

spans, note = spans_for_year(int(year), country)
if note:
    st.caption(f"Highlighting: {note}.")

rows = p[p["year"] == year].sort_values("paragraph_index")
n = len(rows)
meta = narratives.df[narratives.df["year"] == year] if narratives.has_rows else None
if meta is not None and len(meta):
    m = meta.iloc[0]
    st.caption(f"Source: {markdown_link(str(m['source_url']), m['source_url'])} · fetched "
               f"{escape_markdown(m.get('fetched_at', ''))} · "
               f"{n} paragraphs, {int(m['word_count']) if m['word_count'] == m['word_count'] else '?'} words · "
               f"sha256 {escape_markdown(str(m.get('sha256', ''))[:12])}…")
if linked_index is not None:
    hit = rows[rows["paragraph_index"] == linked_index]
    if len(hit):
        st.info(f"Linked paragraph {linked_index + 1} of {n} ({hit.iloc[0]['section'].title()}) is marked below "
                "with a border.", icon=":material/link:")

tab_text, tab_diff = st.tabs(["Narrative", f"North Korean sentences: {year} vs another year"])
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
        if idx == linked_index:
            st.html(f'<div id="{PARA_ANCHOR}{idx}"></div>')  # our own markup only: the anchor to scroll to
            with st.container(border=True):
                st.markdown(md)
        else:
            st.markdown(md)
if linked_index is not None and len(rows[rows["paragraph_index"] == linked_index]):
    # Scroll the linked paragraph into view once it is drawn (the page's own script; no scraped text).
    st.html(
        "<script>(function(){var n=0,t=setInterval(function(){var e=document.getElementById("
        f"'{PARA_ANCHOR}{int(linked_index)}');"
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
                permalink.seed_int("vs", others, default_other)
            st.session_state["vs_for"] = year
        elif st.session_state.get("vs") not in others:
            st.session_state["vs"] = default_other
        other = st.selectbox(
            f"Compare {year} with", others, key="vs",
            help="Any other report year in the data; by default the year before.",
        )
        permalink.write_url("vs", str(other), str(default_other))
        prev, cur = (other, int(year)) if other < year else (int(year), other)
        old, new = nk_sentences(kwic.df, prev), nk_sentences(kwic.df, cur)
        diff = compare_sentences(old, new)
        gap = ""
        if cur - prev > 1:
            missing = [y for y in range(prev + 1, cur) if y not in years]
            if missing:
                gap = f" ({len(missing)} report year{'s' if len(missing) > 1 else ''} between them not in the data)"
        st.markdown(
            f"Sentences naming North Korean people: **{len(new)} in {cur}**, **{len(old)} in {prev}**{gap}. "
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
        st.caption(f"Source: {ui.REPORT_SOURCE} (kwic.csv). Unchanged sentences are not listed; a sentence "
                   "counts as reworded when at least 60% of its words match a sentence of the other year.")
