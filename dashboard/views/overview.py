"""Overview: what the data holds (one status line), fetching the report text, headline figures,
China's tier history, North Korean mentions beside the other groups, how to cite."""
from __future__ import annotations

import streamlit as st

from dashboard import cached, charts, data, derived, ui
from dashboard.colors import MAIN_GROUPS, order_groups
from dashboard.country import CHINA, for_country
from dashboard.fetch_panel import fetch_panel
from dashboard.status import status_line
from dashboard.summaries import headline, tier_spells

st.title("China in the Trafficking in Persons Report")
status = ui.current_status()
st.caption(status_line(status))
ui.page_banner()
st.markdown(
    "How much does the U.S. State Department's annual *Trafficking in Persons (TIP) Report* say about "
    "**North Korean victims** in China, year by year, compared with other groups, and does an essay's "
    "claim that it under-weights them hold up?"
)

tiers, tier_notes = data.load_tiers()
mentions = for_country(data.load_table("mentions"), CHINA)  # this page is about China's narrative
narratives = for_country(data.load_table("narratives"), CHINA)
labels = data.group_labels()
corpus = derived.corpus_years(narratives.df if narratives.ok else None, mentions.df if mentions.ok else None)
fetch_panel(has_text=bool(status.text_years))

h = headline(tiers, mentions.df if mentions.has_rows else None)
c1, c2, c3 = st.columns(3)
c1.metric("Latest tier", h.latest_tier, help=h.latest_help, border=True)
c2.metric("Years on Tier 3", h.years_tier3, help=h.tier3_help, border=True)
nk_series = None
if mentions.has_rows and corpus:
    nk = mentions.df[mentions.df["group"] == "north_korean"].groupby("year")["sentences"].sum()
    every = range(corpus[0], corpus[-1] + 1)  # a year not in the corpus is a gap, not a bar of 0
    nk_series = [float("nan") if y not in set(corpus) else float(nk.get(y, 0)) for y in every]
c3.metric("North Korean sentences, latest year", h.nk_latest, delta=h.nk_delta, delta_color="off",
          delta_arrow="off", help=h.nk_help + " The bars run over every report year from the first to the "
          "last with text; a missing bar is a year without text.", border=True,
          chart_data=nk_series or None, chart_type="bar")

st.subheader("China's tier, report by report")
for note in tier_notes:
    st.warning(note)
if tiers is not None and len(tiers):
    ui.show_chart(
        cached.figure("tiers", (data.data_key(), data.input_key("reference_tiers")), (), lambda: charts.tier_chart(
            tiers, source=ui.REPORT_SOURCE + " (scraped years); reference table for the others")),
        "the tier sentence of each scraped report (filled diamonds); the reference table "
        "`data/reference/china_tiers.csv` with a public secondary source per year (open circles). "
        "Hover a point for the sentence and its source.",
        key="overview-tiers", title="China's tier in the TIP report, by report year",
    )
    spells = tier_spells(tiers)
    if spells:
        st.caption("Tier spells: " + "; ".join(spells) + ".")

st.subheader("North Korean mentions per year beside the other groups")
if mentions.has_rows:
    groups = order_groups(mentions.df["group"].unique())
    ui.show_chart(
        cached.figure("overview-trend", mentions.key, (tuple(sorted(labels.items())), tuple(corpus)),
                      lambda: charts.mentions_trend(
                          mentions.df, groups, "sentences", labels=labels, corpus_years=corpus,
                          visible=[g for g in MAIN_GROUPS if g in groups], legend_side=True,
                          source=ui.REPORT_SOURCE + "; counts by tip-china-dashboard")),
        f"{ui.REPORT_SOURCE}; sentences counted with the lexicon `data/lexicon.toml` (mentions.csv). "
        "Click a legend entry to show or hide a group; foreign nationalities start hidden. "
        + (charts.MISSING_NOTE.capitalize() + "." if len(corpus) < (corpus[-1] - corpus[0] + 1 if corpus else 0) else ""),
        key="overview-mentions", title="Sentences naming each group in the China narrative, per report year",
    )
    st.page_link("views/mentions.py", label="Choose groups, measures and years on the Mentions page", icon=":material/arrow_forward:")
elif mentions.status == "corrupt":
    ui.show_problem(mentions)
else:
    ui.refresh_hint("mention counts")

ui.how_to_cite()
