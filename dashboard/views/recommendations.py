"""Recommendations: what the report asks the government to do, year by year (recommendations.csv):
one year's list in printed order with the items naming North Korean people marked, how many items
each narrative prints and at which rank North Korean people come, the North Korean threads across
years, and the CSV. Everything shown is a column of recommendations.csv (dashboard/recommendations.py
only counts its rows)."""
from __future__ import annotations

import streamlit as st

from dashboard import data, permalink, ui
from dashboard import recommendations as R
from dashboard.charts import year_span
from dashboard.colors import group_label, group_mark
from dashboard.country import country_selector, for_country
from dashboard.derived import corpus_years, plural
from dashboard.textsafe import escape_markdown, mark


def _tables():
    """(recommendations, narratives) of the country the page shows, through the dashboard's loader."""
    country = country_selector("recommendations", "narratives")  # reads their country column only
    return country, for_country("recommendations", country), for_country("narratives", country)


st.title("What the report asks the government to do")
ui.page_banner()
country, recs, narratives = _tables()
if not recs.ok:
    ui.show_problem(recs)
    st.stop()
labels = data.group_labels()
nk_label = group_label(R.NK, labels)
df = recs.df
corpus = corpus_years(narratives.df if narratives.ok else None, df)
if not corpus:
    ui.refresh_hint("the narratives")
    st.stop()
st.markdown(
    "Since 2017 each narrative opens with a ranked list of PRIORITIZED RECOMMENDATIONS; older narratives print "
    "one \"Recommendations for China:\" paragraph whose items are separated by semicolons. Sentence counts show "
    "how much the report *says* about North Korean people; the recommendations show what it *asks*, and in "
    f"which order. An item is marked when it names **{escape_markdown(nk_label)}** (the same lexicon and "
    "matching as the sentence counts).")

yearly = R.per_year(df, corpus)
span = year_span(None, corpus)
missing = [y for y in span if y not in set(corpus)]
none_printed = yearly.loc[yearly["recommendations"] == 0, "year"].tolist()

st.subheader("Over the years", anchor=False)
source = f"{ui.REPORT_SOURCE}; items split and matched by tip-china-dashboard (recommendations.csv)"
ui.show_chart(R.counts_figure(yearly, span, corpus, group_label=nk_label, source=source),
              "recommendations.csv: bars count the items of each year's list; below, the rank of every item naming "
              f"{nk_label} under the length of the list. A grey band is a report year without text in the data "
              "(no bar, not a zero).", key="recommendations-counts",
              title=f"Recommendations per narrative, and where {nk_label} come in the ranking")
notes = []
if missing:
    notes.append(f"Report years without text in the data: {ui.year_ranges(missing)}.")
if none_printed:
    notes.append(f"Narratives read that print no recommendations (0 items, coverage.csv says so): "
                 f"{ui.year_ranges(none_printed)}.")
if notes:
    st.caption(" ".join(notes))

st.subheader("One year's recommendations, in printed order", anchor=False)
printed = [int(y) for y in yearly.loc[yearly["recommendations"] > 0, "year"]]
if not printed:
    st.info("No narrative in the data prints recommendations.", icon=":material/info:")
else:
    permalink.seed_single("year", printed, printed[-1])
    year = st.selectbox("Report year", printed, key="year")
    permalink.write_url("year", str(year), str(printed[-1]))
    items = R.year_list(df, year)
    row = yearly[yearly["year"] == year].iloc[0]
    naming = int(row["naming"])
    st.caption(f"{year}: {plural(int(row['recommendations']), 'recommendation')}; {naming} naming {nk_label}"
               + (f" (rank {row['ranks']})." if row["ranks"] else "."))
    lines = []
    for rank, text, names, link in zip(items["rank"], items["text"], items["names"], items["read"]):
        body = escape_markdown(text)
        if names:
            body = f"{mark(body, group_mark(R.NK))} **({escape_markdown(nk_label)})**"
        lines.append(f"{rank}. {body} [¶]({link})")
    st.markdown("\n".join(lines))

st.subheader(f"The recommendations about {nk_label} across the years", anchor=False)
rows = R.thread_rows(df)
ui.show_chart(R.threads_figure(rows, span, corpus, source=source),
              "One line per thread: the same recommendation across years, matched by the similarity of its wording "
              "(recommendations.csv's thread). A filled point: that year's item names "
              f"{nk_label}; a ring: the wording changed from the thread's previous year.",
              key="recommendations-threads", title=f"Threads of recommendations naming {nk_label}")
if len(rows):
    summary = R.thread_summary(rows)
    st.dataframe(summary, hide_index=True, width="stretch", row_height=ui.WRAP_ROW_HEIGHT, column_config={
        "thread": st.column_config.TextColumn("Thread"),
        "first_year": st.column_config.NumberColumn("First year", format="%d"),
        "years": st.column_config.TextColumn("Years printed"),
        "ranks": st.column_config.TextColumn("Rank by year"),
        "wordings": st.column_config.NumberColumn("Wordings", help="distinct wordings over the years"),
        "latest": st.column_config.TextColumn("Latest wording", width="large"),
        "read": st.column_config.LinkColumn("Read", display_text="paragraph"),
    })
    with st.expander("Every wording, year by year"):
        st.dataframe(rows[["thread", "year", "rank", "text", "changed", "read"]], hide_index=True, width="stretch",
                     row_height=ui.WRAP_ROW_HEIGHT, column_config={
                         "year": st.column_config.NumberColumn("Year", format="%d"),
                         "rank": st.column_config.NumberColumn("Rank", format="%d"),
                         "text": st.column_config.TextColumn("Wording", width="large"),
                         "changed": st.column_config.CheckboxColumn("Changed"),
                         "read": st.column_config.LinkColumn("Read", display_text="paragraph")})

st.subheader("The data", anchor=False)
ui.download_csv(df, "recommendations.csv", key="dl-recommendations",
                label="Download the recommendations (CSV, recommendations.csv's columns)")
