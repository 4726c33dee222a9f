"""Mentions: groups x measure x years trend, where the mentions fall, North Korean victims by kind,
the keyword-in-context table, and a free phrase search over all years."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, permalink, ui
from dashboard.colors import MAIN_GROUPS, group_label, order_groups
from dashboard.search import PHRASE_HELP, run_phrase_search

st.title("Mentions of each group, year by year")

mentions = data.load_table("mentions")
if not ui.require(mentions, what="mention counts"):
    st.stop()
sections = data.load_table("mention_sections")
kwic = data.load_table("kwic")
narratives = data.load_table("narratives")
paragraphs = data.load_table("paragraphs")
labels = data.group_labels()

m = mentions.df
all_groups = order_groups(m["group"].unique())
years_all = sorted(int(y) for y in m["year"].unique())
lo, hi = years_all[0], years_all[-1]

default_groups = [g for g in MAIN_GROUPS if g in all_groups]
permalink.seed_multi("groups", all_groups, default_groups)
permalink.seed_single("measure", list(charts.MEASURES), "sentences")
c1, c2 = st.columns([3, 2])
with c1:
    groups = st.multiselect(
        "Groups", all_groups, format_func=lambda s: group_label(s, labels), key="groups", wrap=True,
        help="North Korean people and the North Korean state are counted apart (see the lexicon).",
    )
with c2:
    measure = st.radio(
        "Measure", list(charts.MEASURES), format_func=lambda k: charts.MEASURES[k][0], horizontal=True,
        key="measure",
        help="Sentences naming the group; the same per 1,000 words of the narrative; or as a share of "
        "all its sentences (the narratives grew longer over the years).",
    )
permalink.write_url("groups", groups, default_groups)
permalink.write_url("measure", measure, "sentences")
if lo < hi:
    years = st.slider("Report years", lo, hi, (lo, hi), key="years", bind="query-params")
else:
    years = (lo, hi)
    st.caption(f"One report year in the data: {lo}.")

if not groups:
    st.info("Choose at least one group.")
    st.stop()

source = f"{ui.REPORT_SOURCE}; counted by tip-china-dashboard (mentions.csv)"
ui.show_chart(
    charts.mentions_trend(m, groups, measure, labels=labels, years=years, source=source),
    f"{ui.REPORT_SOURCE}; sentences matched with the lexicon `data/lexicon.toml` (file mentions.csv).",
    key="mentions-trend",
)

st.subheader("Where in the narrative the mentions fall")
st.markdown(
    "Each tick is one sentence naming a group, placed by its paragraph's position in that year's "
    "narrative. The layout changed: the 2009-2016 narratives open with the trafficking profile, later "
    "ones end with it, so a move to the end is partly a change of layout."
)
if kwic.has_rows and narratives.has_rows:
    k = kwic.df[(kwic.df["year"] >= years[0]) & (kwic.df["year"] <= years[1])]
    ui.show_chart(
        charts.concordance(k, narratives.df, groups, labels=labels, source=source.replace("mentions", "kwic")),
        f"{ui.REPORT_SOURCE}; positions from kwic.csv and narratives.csv (paragraph index / (paragraphs - 1)).",
        key="mentions-concordance",
    )
else:
    for t in (kwic, narratives):
        if t.status == "corrupt":
            ui.show_problem(t)
    st.caption("Needs kwic.csv and narratives.csv.")
if sections.has_rows:
    heat_group = st.selectbox("Group for the section heat map", groups, format_func=lambda s: group_label(s, labels),
                              key="heat_group")
    ui.show_chart(
        charts.section_heatmap(sections.df, heat_group, labels=labels, years=years,
                               source=source.replace("mentions.csv", "mention_sections.csv")),
        f"{ui.REPORT_SOURCE}; sentences per section (mention_sections.csv).",
        key="mentions-sections",
    )
elif sections.status == "corrupt":
    ui.show_problem(sections)

st.subheader("North Korean victims by kind")
if kwic.has_rows:
    ui.show_chart(
        charts.kinds_chart(kwic.df, years=years, source=source.replace("mentions.csv", "kwic.csv")),
        f"{ui.REPORT_SOURCE}; kinds read from each sentence naming North Korean people (kwic.csv). "
        "A sentence naming several kinds counts under each.",
        key="mentions-kinds",
    )

st.subheader("Every matched sentence (keyword in context)")
if kwic.has_rows:
    cols = ["year", "group", "section", "paragraph_index", "term", "sentence", "kinds", "quantifiers", "source_url"]
    k = kwic.df
    k = k[k["group"].isin(groups) & (k["year"] >= years[0]) & (k["year"] <= years[1])]
    needle = st.text_input("Filter sentences", key="kwic_filter", placeholder="e.g. women, returned, brides")
    if needle.strip():
        k = k[k["sentence"].str.contains(needle.strip(), case=False, regex=False, na=False)]
    shown = k[cols].assign(group=k["group"].map(lambda s: group_label(s, labels)),
                           paragraph=k["paragraph_index"].astype("Int64") + 1).drop(columns="paragraph_index")
    shown = shown[["year", "group", "section", "paragraph", "term", "sentence", "kinds", "quantifiers", "source_url"]]
    st.dataframe(
        ui.http_links(shown, "source_url"), hide_index=True, width="stretch", height=360,
        column_config={
            "year": st.column_config.NumberColumn("Year", format="%d"),
            "paragraph": st.column_config.NumberColumn("¶", help="paragraph number in the narrative (from 1)"),
            "sentence": st.column_config.TextColumn("Sentence", width="large"),
            "source_url": st.column_config.LinkColumn("Source", display_text="open page"),
        },
    )
    st.caption(f"{len(shown)} sentences. Sort by clicking a column header. Source: {ui.REPORT_SOURCE} (kwic.csv).")
    ui.download_csv(k[cols + ["sentence_index"]], "kwic_filtered.csv", key="dl-kwic",
                    label="Download these sentences (CSV)")
elif kwic.status == "corrupt":
    ui.show_problem(kwic)

st.subheader("Count any phrase across all years")
pc1, pc2 = st.columns([4, 1])
with pc1:
    phrase = st.text_input("Phrase", key="phrase", bind="query-params", help=PHRASE_HELP,
                           placeholder="e.g. forced marriage, brides, repatriat")
with pc2:
    regex = st.checkbox("Regular expression", key="regex", bind="query-params")
if phrase.strip():
    if not paragraphs.has_rows:
        ui.require(paragraphs, what="the phrase search")
    else:
        result = run_phrase_search(paragraphs, phrase, regex)
        if result.error:
            st.error(result.error, icon=":material/error:")
        else:
            counts: pd.DataFrame = result.counts
            ui.show_chart(
                charts.phrase_chart(counts, phrase, source=ui.REPORT_SOURCE + " (paragraphs.csv)"),
                f"{ui.REPORT_SOURCE}; every paragraph of every year searched "
                f"({'regular expression' if regex else 'literal, case-insensitive'}).",
                key="mentions-phrase",
            )
            st.caption(f"{int(counts['hits'].sum())} hits in {int(counts['sentences'].sum())} sentences over "
                       f"{int((counts['hits'] > 0).sum())} of {len(counts)} report years.")
            ui.download_csv(counts, "phrase_counts.csv", key="dl-phrase", label="Download the counts (CSV)")
