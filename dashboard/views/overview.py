"""Overview: headline figures, China's tier history, North Korean mentions beside the other groups."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui
from dashboard.colors import MAIN_GROUPS, order_groups
from dashboard.summaries import headline, tier_spells

st.title("China in the Trafficking in Persons Report")
ui.page_banner()
st.markdown(
    "How much does the U.S. State Department's annual *Trafficking in Persons (TIP) Report* say about "
    "**North Korean victims** in China, year by year, compared with other groups, and does an essay's "
    "claim that it under-weights them hold up?"
)

tiers, tier_notes = data.load_tiers()
mentions = data.load_table("mentions")
labels = data.group_labels()

h = headline(tiers, mentions.df if mentions.has_rows else None)
c1, c2, c3 = st.columns(3)
c1.metric("Latest tier", h.latest_tier, help=h.latest_help, border=True)
c2.metric("Years on Tier 3", h.years_tier3, help=h.tier3_help, border=True)
nk_series = None
if mentions.has_rows:
    nk_series = mentions.df[mentions.df["group"] == "north_korean"].sort_values("year")["sentences"].tolist()
c3.metric("North Korean sentences, latest year", h.nk_latest, delta=h.nk_delta, delta_color="off",
          delta_arrow="off", help=h.nk_help, border=True, chart_data=nk_series or None, chart_type="bar")

st.subheader("China's tier, report by report")
for note in tier_notes:
    st.warning(note)
if tiers is not None and len(tiers):
    ui.show_chart(
        charts.tier_chart(tiers, source=ui.REPORT_SOURCE + " (scraped years); reference table for the others"),
        "the tier sentence of each scraped report (filled diamonds); the reference table "
        "`data/reference/china_tiers.csv` with a public secondary source per year (open circles). "
        "Hover a point for the sentence and its source.",
        key="overview-tiers",
    )
    spells = tier_spells(tiers)
    if spells:
        st.caption("Tier spells: " + "; ".join(spells) + ".")
    if not (tiers["origin"] == "scraped").any():
        ui.refresh_hint("the tier sentences, mention counts and essay checks")

st.subheader("North Korean mentions per year beside the other groups")
if mentions.has_rows:
    groups = order_groups(mentions.df["group"].unique())
    ui.show_chart(
        charts.mentions_trend(mentions.df, groups, "sentences", labels=labels,
                              visible=[g for g in MAIN_GROUPS if g in groups],
                              source=ui.REPORT_SOURCE + "; counts by tip-china-dashboard"),
        f"{ui.REPORT_SOURCE}; sentences counted with the lexicon `data/lexicon.toml` "
        "(mentions.csv). Click a legend entry to show or hide a group; foreign nationalities start hidden.",
        key="overview-mentions",
    )
    st.page_link("views/mentions.py", label="Choose groups, measures and years on the Mentions page",
                 icon=":material/arrow_forward:")
elif mentions.status == "corrupt":
    ui.show_problem(mentions)
else:
    ui.refresh_hint("mention counts")
