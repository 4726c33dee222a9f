"""Read: one year's narrative by section with mentions highlighted by group, and the North Korean
sentences of that year against the year before (changes only)."""
from __future__ import annotations

import streamlit as st

from dashboard import data, permalink, ui
from dashboard.colors import MAIN_GROUPS, group_family, group_label, order_groups
from dashboard.highlight import nk_sentences, spans_for_year
from dashboard.sentence_diff import diff_sentences, word_diff_markdown
from dashboard.textsafe import Span, escape_markdown, highlight_markdown, markdown_link

st.title("Read a year's narrative")

paragraphs = data.load_table("paragraphs")
if not ui.require(paragraphs, what="the narratives"):
    st.stop()
narratives = data.load_table("narratives")
kwic = data.load_table("kwic")
mentions = data.load_table("mentions")
labels = data.group_labels()

p = paragraphs.df
years = sorted(int(y) for y in p["year"].unique())
known_groups = set(labels) | (set(mentions.df["group"]) if mentions.has_rows else set()) \
    | (set(kwic.df["group"]) if kwic.has_rows else set())
all_groups = order_groups(known_groups or MAIN_GROUPS)

c1, c2 = st.columns([1, 3])
with c1:
    year = st.selectbox("Report year", years, index=len(years) - 1, key="year", bind="query-params")
with c2:
    default_groups = [g for g in MAIN_GROUPS if g in all_groups]
    permalink.seed_multi("groups", all_groups, default_groups)
    groups = st.multiselect("Highlight groups", all_groups, format_func=lambda s: group_label(s, labels),
                            key="groups", wrap=True)
    permalink.write_url("groups", groups, default_groups)

st.markdown("Highlights: " + " ".join(
    f":{group_family(g)}-background[{escape_markdown(group_label(g, labels))}]" for g in groups
) if groups else "No group highlighted.")

linked = st.query_params.get("para")
linked_index = int(linked) if linked is not None and linked.isdigit() else None

spans, note = spans_for_year(int(year))
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

tab_text, tab_diff = st.tabs(["Narrative", f"North Korean sentences: {year} vs the year before"])
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
        marks = [Span(s, e, group_family(g)) for s, e, g in spans.get(idx, []) if g in selected]
        md = f":gray[¶ {idx + 1}] " + highlight_markdown(text, marks)
        if idx == linked_index:
            with st.container(border=True):
                st.markdown(md)
        else:
            st.markdown(md)
with tab_diff:
    if not kwic.has_rows:
        ui.require(kwic, what="the North Korean sentences")
    else:
        earlier = [y for y in years if y < year]
        if not earlier:
            st.info(f"No earlier report year than {year} in the data to compare with.")
        else:
            prev = earlier[-1]
            old, new = nk_sentences(kwic.df, prev), nk_sentences(kwic.df, int(year))
            changes = diff_sentences(old, new)
            gap = "" if prev == year - 1 else f" (the nearest earlier year in the data; {year - 1} is missing)"
            st.markdown(f"Comparing {len(new)} sentences naming North Korean people in **{year}** with "
                        f"{len(old)} in **{prev}**{gap}: {len(new) - sum(c.kind != 'removed' for c in changes)} "
                        f"unchanged, {sum(c.kind == 'added' for c in changes)} new, "
                        f"{sum(c.kind == 'removed' for c in changes)} dropped, "
                        f"{sum(c.kind == 'changed' for c in changes)} reworded.")
            if not changes:
                st.success("No change in these sentences.")
            for c in changes:
                if c.kind == "added":
                    st.markdown(f":green-background[**New in {year}**] {escape_markdown(c.new)}")
                elif c.kind == "removed":
                    st.markdown(f":red-background[**Dropped after {prev}**] ~~{escape_markdown(c.old)}~~")
                else:
                    st.markdown(f":orange-background[**Reworded**] {word_diff_markdown(c.old, c.new)}")
            st.caption(f"Source: {ui.REPORT_SOURCE} (kwic.csv). Unchanged sentences are not shown.")
