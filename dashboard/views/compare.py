"""Compare: China beside chosen countries: tier histories as small multiples (read from the report or
from a reference table), any measure for any group as small multiples, and the tier panel of every
country and year as a download."""
from __future__ import annotations

import streamlit as st

from analysis.schema import MEASURES, ORIGIN_REFERENCE, ORIGIN_SCRAPED, SENTENCES
from dashboard import data, ui
from dashboard import recommendations as R
from dashboard import world as W
from dashboard import world_charts as WC
from dashboard.cached import figure, load_world, once
from dashboard.colors import group_label, order_groups
from dashboard.permalink import seed_multi, seed_single, write_url

TIER_SOURCE = ("U.S. Department of State, Trafficking in Persons Report, country narratives; reference tables: "
               "china_tiers.csv and Kelley's tier panel (1999-2015)")
COUNT_SOURCE = "U.S. Department of State, Trafficking in Persons Report, country narratives; counts by tip-china-dashboard"
MEASURE_LABELS = dict(zip(MEASURES, ("Sentences", "Per 1,000 words", "Share of sentences")))

st.title("China beside other countries")
ui.page_banner(world=True)
loaded = load_world()
world = loaded.world
for problem in loaded.problems:
    ui.show_problem(problem)
st.markdown(
    "China's tier and its North Korean mentions beside the countries the essay's argument needs as a "
    "baseline: North Korea itself, Russia and Mongolia (overseas workers, escape routes), and other "
    "countries on Tier 3."
)

all_options, default = once("compare-options", loaded.key, (),
                              lambda: (tuple(W.compare_options(world)), tuple(W.default_compare(world))))
options = [c for c in all_options if c != W.CHINA]
default = list(default)
if not all_options:
    st.info(f"No tier and no narrative in the data yet. Fetch them with `{W.REFRESH_ALL}`.", icon=":material/info:")
    st.stop()
seed_multi("compare_countries", options, default, url="countries")
chosen = st.multiselect("Compare China with", options, key="compare_countries",
                        format_func=lambda s: W.country_info(s).name, max_selections=11,
                        help="Default: North Korea, Russia, Mongolia and the Tier 3 countries of the latest year "
                             "that name North Korean people most.")
write_url("countries", chosen, default)
countries = [W.CHINA, *chosen] if W.CHINA in all_options else list(chosen)
names = {c: W.country_info(c).name for c in countries}
not_read = [names[c] for c in countries if c not in world.read_set]
if not_read:
    st.caption("No narrative read yet for " + ", ".join(not_read) + f": their tiers come from reference tables only "
               f"and they have no counts. Read them with `python -m scrapers refresh --countries "
               f"{','.join(c for c in countries)}`.")

st.subheader("Tier histories", anchor=False)
panel_years = once("panel-years", loaded.key, (), lambda: (int(world.panel["year"].min()), int(world.panel["year"].max()))
                     if len(world.panel) else None)
ui.show_chart(
    figure("compare-tiers", loaded.key, (tuple(countries), panel_years),
           lambda: WC.tier_multiples(W.tier_histories(world, countries), countries, names, source=TIER_SOURCE,
                                     years=panel_years)),
    "tiers.csv (filled diamonds: read from the country's narrative; open circles: a reference table, China's "
    "`data/reference/china_tiers.csv` or Kelley's panel `data/reference/kelley_tiers.csv` for 1999-2015). "
    "A break in the line is a year without a known tier.", key="compare-tiers", synthetic=loaded.synthetic)

st.subheader("Mentions, country by country", anchor=False)
labels = data.group_labels()
groups = order_groups(world.groups) if world.groups else [W.NK]
c1, c2 = st.columns([2, 3])
with c1:
    seed_single("compare_group", groups, W.NK if W.NK in groups else groups[0], url="group")
    group = st.selectbox("Group", groups, key="compare_group", format_func=lambda s: group_label(s, labels))
with c2:
    seed_single("compare_measure", list(MEASURE_LABELS), SENTENCES, url="measure")
    measure = st.radio("Measure", list(MEASURE_LABELS), format_func=MEASURE_LABELS.get, horizontal=True,
                       key="compare_measure")
write_url("group", group, W.NK if W.NK in groups else groups[0])
write_url("measure", measure, SENTENCES)
if world.report_years:
    ui.show_chart(
        figure("compare-measures", loaded.key, (tuple(countries), group, measure, group_label(group, labels)),
               lambda: WC.measure_multiples(W.measure_panel(world, countries, group, measure), countries, names,
                                            measure, group, group_label(group, labels), source=COUNT_SOURCE)),
        "mentions.csv, counted with the lexicon `data/lexicon.toml` in every narrative alike. A grey band is "
        "a report year whose narrative was not read (no bar, not a zero).", key="compare-measures",
        synthetic=loaded.synthetic)
else:
    st.info(f"No narrative has been read yet, so there are no counts to compare. Run `{W.REFRESH_ALL}`.",
            icon=":material/info:")

st.subheader("The tier panel: every country, every year", anchor=False)
full = world.panel
if len(full):
    origins, n_countries = once("panel-counts", loaded.key, (), lambda: (W.origin_counts(full), full["country"].nunique()))
    st.caption(
        f"{n_countries} countries, report years {panel_years[0]}-{panel_years[1]}: "
        f"{origins[ORIGIN_SCRAPED]} tiers read from the narratives, {origins[ORIGIN_REFERENCE]} from reference tables "
        "(Kelley's panel covers 1999-2015; later years need the narratives). tier_code follows Kelley's coding "
        "(1 = Tier 1, 2 = Tier 2, 3 = Tier 2 Watch List, 4 = Tier 3; empty for Special Case).")
    wide = once("panel-wide", loaded.key, (), lambda: W.panel_wide(full))
    years_shown = [c for c in wide.columns if c.isdigit()]
    st.dataframe(wide.drop(columns=["country"]), hide_index=True, width="stretch", height=360,
                 column_config={"name": st.column_config.TextColumn("Country", pinned=True),
                                "iso3": st.column_config.TextColumn("ISO3", width="small"),
                                **{y: st.column_config.TextColumn(y, width="medium") for y in years_shown}})
    d1, d2 = st.columns(2)
    with d1:
        st.download_button("Download the tier panel (CSV, one row per country and year)",
                           data=lambda: ui.csv_bytes(full),
                           file_name="tier_panel.csv", mime="text/csv", key="compare-panel-long", on_click="ignore",
                           icon=":material/download:")
    with d2:
        st.download_button("Download the tier panel (CSV, one column per year)",
                           data=lambda: ui.csv_bytes(wide),
                           file_name="tier_panel_wide.csv", mime="text/csv", key="compare-panel-wide",
                           on_click="ignore", icon=":material/download:")
else:
    st.info("No tier in the data yet.")

st.subheader("What the report asks: recommendations naming North Korean people", anchor=False)
recommendations = data.load_table("recommendations")
if recommendations.has_rows:
    st.dataframe(R.compare_shares(recommendations.df, countries, names), hide_index=True, width="stretch")
    st.caption(R.COMPARE_CAPTION)
else:
    ui.show_problem(recommendations) if recommendations.status != "ok" else st.caption("No recommendations read yet.")
