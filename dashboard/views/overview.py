"""Overview: what the data holds (one status line), fetching the report text, headline figures,
China's tier history, North Korean mentions beside the other groups, how to cite."""
from __future__ import annotations

import streamlit as st

from analysis.schema import SENTENCES
from dashboard import cached, charts, data, derived, figures, ui
from dashboard.colors import MAIN_GROUPS, group_color, order_groups
from dashboard.country import CHINA
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
mentions = data.load_table("mentions", country=CHINA)  # this page is about China's narrative
narratives = data.load_table("narratives", columns=["country", "year"], country=CHINA)
labels = data.group_labels()
corpus = derived.corpus_years(narratives.df if narratives.ok else None, mentions.df if mentions.ok else None)
fetch_panel(has_text=bool(status.text_years))

h = headline(tiers, mentions.df if mentions.has_rows else None)
c1, c2, c3 = st.columns(3)
c1.metric("Latest tier", h.latest_tier, help=h.latest_help, border=True)
c2.metric("Years on Tier 3", h.years_tier3, help=h.tier3_help, border=True)
with c3.container(border=True):
    st.metric("North Korean sentences, latest year", h.nk_latest, delta=h.nk_delta, delta_color="off",
              delta_arrow="off", help=h.nk_help + " The bars below run over every report year from the first "
              "to the last with text: '0' marks a year whose text names nobody, a grey band a year without text.")
    if mentions.has_rows and corpus:
        nk = mentions.df[mentions.df["group"] == derived.NK_GROUP].groupby("year")[SENTENCES].sum()
        st.plotly_chart(
            cached.figure("overview-spark", mentions.key, tuple(corpus), lambda: figures.sparkline(
                {int(y): float(v) for y, v in nk.items()}, corpus, color=group_color(derived.NK_GROUP))),
            key="overview-spark", width="stretch", config={"displayModeBar": False, "staticPlot": True})

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
                          mentions.df, groups, SENTENCES, labels=labels, corpus_years=corpus,
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
