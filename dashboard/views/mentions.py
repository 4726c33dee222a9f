"""Mentions: groups x measure x years trend, where the mentions fall, North Korean victims by kind,
the keyword-in-context table, and a free phrase search over all years."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.schema import SENTENCES
from dashboard import cached, charts, data, derived, permalink, ui
from dashboard import world as W
from dashboard.colors import MAIN_GROUPS, group_label, order_groups
from dashboard.country import country_selector
from dashboard.search import PHRASE_HELP, run_phrase_search
from dashboard.textsafe import escape_markdown

st.title("Mentions of each group, year by year")
ui.page_banner()

mentions = data.load_table("mentions", columns=["country"])
if not ui.require(mentions, what="mention counts"):
    st.stop()
country = country_selector("mentions")  # shown only when more than one country's narratives are read
mentions, sections, kwic, narratives, paragraphs = (data.load_table(n, country=country) for n in (
    "mentions", "mention_sections", "kwic", "narratives", "paragraphs"))
if not ui.require(mentions, what="mention counts"):
    st.stop()
labels = data.group_labels()

m = mentions.df
all_groups = order_groups(m["group"].unique())
corpus = derived.corpus_years(narratives.df if narratives.ok else None, m)
years_all = sorted(int(y) for y in m["year"].unique())
lo, hi = years_all[0], years_all[-1]

default_groups = [g for g in MAIN_GROUPS if g in all_groups]
permalink.seed_multi("groups", all_groups, default_groups)
permalink.seed_single("measure", list(charts.MEASURES), SENTENCES)
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
if lo < hi:
    permalink.seed_range("years", lo, hi)
    years = tuple(st.slider("Report years", lo, hi, key="years"))
else:
    years = (lo, hi)
    st.caption(f"One report year in the data: {lo}.")
permalink.write_url("groups", groups, default_groups)
permalink.write_url("measure", measure, SENTENCES)
permalink.write_url("years", [str(years[0]), str(years[1])], [str(lo), str(hi)])

if not groups:
    st.info("Choose at least one group.")
    st.stop()

missing = [y for y in range(years[0], years[1] + 1) if y not in set(corpus)]
if missing:
    st.caption(f"Report years without text in the data ({len(missing)}): {ui.year_ranges(missing)}; "
               "they show as gaps (grey bands), never as a line drawn through.")

source = f"{ui.REPORT_SOURCE}; counted by tip-china-dashboard (mentions.csv)"
labels_key = tuple(sorted(labels.items()))
view_key = (tuple(groups), years, labels_key, tuple(corpus))
ui.show_chart(
    cached.figure("trend", mentions.key, view_key + (measure,), lambda: charts.mentions_trend(
        m, groups, measure, labels=labels, years=years, corpus_years=corpus, source=source)),
    f"{ui.REPORT_SOURCE}; sentences matched with the lexicon `data/lexicon.toml` (file mentions.csv).",
    key="mentions-trend", title="Sentences naming each group, per report year",
)

st.subheader("Where in the narrative the mentions fall")
st.markdown(
    "Each tick is one sentence naming a group, placed by its paragraph's position in that year's "
    "narrative. The layout changed: the 2009-2016 narratives open with the trafficking profile, later "
    "ones end with it, so a move to the end is partly a change of layout."
)
if kwic.has_rows and narratives.has_rows:
    conc = cached.concordance_data(kwic, narratives, labels_key)
    ui.show_chart(
        cached.figure("concordance", (kwic.key, narratives.key), view_key, lambda: charts.concordance(
            conc, groups, labels=labels, years=years, corpus_years=corpus,
            source=source.replace("mentions.csv", "kwic.csv"))),
        f"{ui.REPORT_SOURCE}; positions from kwic.csv and narratives.csv (paragraph index / (paragraphs - 1)).",
        key="mentions-concordance", title="Where in each narrative the matched sentences fall",
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
        cached.figure("sections", sections.key, (heat_group, years, labels_key, tuple(corpus)),
                      lambda: charts.section_heatmap(sections.df, heat_group, labels=labels, years=years,
                                                     corpus_years=corpus,
                                                     source=source.replace("mentions.csv", "mention_sections.csv"))),
        f"{ui.REPORT_SOURCE}; sentences per section (mention_sections.csv).",
        key="mentions-sections", title="Sentences naming the group, by section and report year",
    )
elif sections.status == "corrupt":
    ui.show_problem(sections)

st.subheader("North Korean victims by kind")
if kwic.ok:
    ui.show_chart(
        cached.figure("kinds", (kwic.key, data.lexicon_key()), (years, tuple(corpus)), lambda: charts.kinds_chart(
            cached.once("kind-counts", kwic.key, (), lambda: charts.kind_counts(kwic.df)), kind_labels=data.kind_labels(), years=years, corpus_years=corpus, source=source.replace("mentions.csv", "kwic.csv"))),
        f"{ui.REPORT_SOURCE}; kinds read from each sentence naming North Korean people (kwic.csv). "
        "A sentence naming several kinds counts under each; '0': the year's text names no North Korean people.",
        key="mentions-kinds", title="Sentences naming North Korean people, by kind of exploitation",
    )

st.subheader("Every matched sentence (keyword in context)")
if kwic.has_rows:
    needle = st.text_input("Filter sentences", key="kwic_filter", placeholder="e.g. women, returned, brides",
                           **permalink.initial_text("kwic_filter"))
    permalink.write_url("kwic_filter", needle.strip(), "")
    k = derived.filter_kwic(kwic.df, groups, years, needle)  # (keeps kwic.df's index)
    links = cached.once("kwic-links", kwic.key, (country,), lambda: pd.DataFrame({  # once per table version
        "read": [W.read_link(country, y, i) for y, i in zip(kwic.df["year"].tolist(), kwic.df["paragraph_index"].tolist())],
        "source_url": ui.http_links(kwic.df[["source_url"]], "source_url")["source_url"]}, index=kwic.df.index)).loc[k.index]
    shown = pd.DataFrame({  # the links first, so that they stay on screen at 1400 px
        "year": k["year"], "paragraph": k["paragraph_index"].astype("Int64") + 1, "read": links["read"],
        "source_url": links["source_url"], "group": k["group"].map({g: group_label(g, labels) for g in k["group"].unique()}),
        "sentence": k["sentence"], "term": k["term"], "section": k["section"], "kinds": k["kinds"],
        "quantifiers": k["quantifiers"],
    })
    st.dataframe(
        shown, hide_index=True, width="stretch", height=400,  # (source_url: http(s) links only, ui.http_links)
        row_height=ui.WRAP_ROW_HEIGHT,
        column_config={
            "year": st.column_config.NumberColumn("Year", format="%d", width=55),
            "paragraph": st.column_config.NumberColumn("¶", format="%d", width=45,
                                                       help="paragraph number in the narrative, from 1 (the CSV's paragraph_index + 1)"),
            "read": st.column_config.LinkColumn("Read", display_text="read", width=55,
                                                help="The paragraph on the Read page, mentions highlighted"),
            "source_url": st.column_config.LinkColumn("Source", display_text="page", width=55,
                                                      help="The report's page on state.gov"),
            "group": st.column_config.TextColumn("Group", width=150),
            "sentence": st.column_config.TextColumn("Sentence", width="large"),
            "term": st.column_config.TextColumn("Term", width="small"),
            "section": st.column_config.TextColumn("Section", width="small"),
        },
    )
    st.caption(f"{len(shown)} sentences. Sort by clicking a column header. ¶ counts paragraphs from 1 as on the "
               "Read page; the CSV keeps kwic.csv's columns, where paragraph_index counts from 0 (¶ − 1). "
               f"Source: {ui.REPORT_SOURCE} (kwic.csv).")
    ui.download_csv(derived.kwic_csv_frame(k), "kwic_filtered.csv", key="dl-kwic",
                    label="Download these sentences (CSV)")
elif kwic.status == "corrupt":
    ui.show_problem(kwic)

st.subheader("Count any phrase across all years")
pc1, pc2 = st.columns([4, 1])
with pc1:
    phrase = st.text_input("Phrase", key="phrase", help=PHRASE_HELP, placeholder="e.g. forced marriage, brides, repatriat",
                           **permalink.initial_text("phrase"))
with pc2:
    regex = st.checkbox("Regular expression", key="regex", **permalink.initial_flag("regex"))
permalink.write_url("phrase", phrase.strip(), "")
permalink.write_url("regex", "true" if regex else "false", "false")
if phrase.strip():
    if not paragraphs.has_rows:
        ui.require(paragraphs, what="the phrase search")
    else:
        result = run_phrase_search(paragraphs, phrase, regex)
        if result.error:
            st.error(result.error, icon=":material/error:")
        else:
            counts: pd.DataFrame = result.counts
            if int(counts["hits"].sum()) == 0:
                st.info(f"No hits for “{escape_markdown(phrase.strip())}” in {len(counts)} report years "
                        f"({'regular expression' if regex else 'literal, case-insensitive'}).")
            else:
                ui.show_chart(
                    charts.phrase_chart(counts, phrase, years=(years_all[0], years_all[-1]),
                                        source=ui.REPORT_SOURCE + " (paragraphs.csv)"),
                    f"{ui.REPORT_SOURCE}; every paragraph of every year searched "
                    f"({'regular expression' if regex else 'literal, case-insensitive'}).",
                    key="mentions-phrase", title="Sentences containing the phrase, per report year",
                )
            st.caption(f"{int(counts['hits'].sum())} hits in {int(counts[SENTENCES].sum())} sentences over "
                       f"{int((counts['hits'] > 0).sum())} of {len(counts)} report years.")
            ui.download_csv(counts, "phrase_counts.csv", key="dl-phrase", label="Download the counts (CSV)")
