"""What the Recommendations page and Compare show of recommendations.csv: pure frames and figures
(no Streamlit). Every number is a count of the table's rows as analysis.recommendations wrote them
(items, their rank, their groups, their thread); nothing here reads report text anew.

A report year in `corpus_years` (a narrative was parsed) whose narrative printed no recommendations
counts 0; a year outside it has no value at all (a gap and a grey band, never a zero or a line).
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.schema import SUBJECT_GROUP
from dashboard.charts import FONT, empty_figure, hover_text, shade_missing
from dashboard.colors import group_color
from dashboard.world import read_link

NK = SUBJECT_GROUP
JOIN = "|"  # analysis.schema.RECOMMENDATIONS_JOIN
ALL_COLOR = "#9e9e9e"


def _layout(fig: go.Figure, *, height: int, source: str) -> go.Figure:
    """Height, font, legend on top and the source line under the plot (kept in an exported PNG)."""
    note = dict(text=f"Source: {html.escape(source)}", showarrow=False, xref="paper", yref="paper", x=0, y=0,
                xanchor="left", yanchor="top", yshift=-60, font=dict(size=10, color="#6b6b6b"))
    fig.update_layout(height=height, font=FONT, margin=dict(l=10, r=10, t=40, b=90), hoverlabel=dict(align="left"),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
                      annotations=[*fig.layout.annotations, note])
    return fig


def _values(series: pd.Series) -> list:
    """Plot values: None (a gap) for a missing value."""
    return [None if pd.isna(v) else float(v) for v in series]


def names_group(groups: pd.Series, group: str = NK) -> pd.Series:
    """Whether each row's groups cell ('|'-joined slugs) holds `group`."""
    return groups.fillna("").astype(str).map(lambda cell: group in cell.split(JOIN)).astype(bool)


def per_year(recs: pd.DataFrame, corpus_years, group: str = NK) -> pd.DataFrame:
    """One row per corpus year: recommendations (count), naming (count of those naming the group),
    first_rank (rank of the first of them, NA when none), ranks ('2, 5'), share (naming / all, NA
    when the year prints none)."""
    years = sorted({int(y) for y in corpus_years})
    rows = []
    for year in years:
        own = recs[recs["year"] == year].sort_values("rank")
        marked = own.loc[names_group(own["groups"], group), "rank"].astype(int).tolist()
        rows.append({"year": year, "recommendations": len(own), "naming": len(marked),
                     "first_rank": marked[0] if marked else pd.NA, "ranks": ", ".join(map(str, marked)),
                     "share": len(marked) / len(own) if len(own) else pd.NA})
    frame = pd.DataFrame(rows, columns=["year", "recommendations", "naming", "first_rank", "ranks", "share"])
    return frame.astype({"year": "int64", "recommendations": "int64", "naming": "int64", "first_rank": "Int64",
                         "share": "Float64"})


def year_list(recs: pd.DataFrame, year: int, group: str = NK) -> pd.DataFrame:
    """A year's recommendations in printed order: rank, text, names (bool), groups, read (link to
    the paragraph on Read)."""
    own = recs[recs["year"] == int(year)].sort_values("rank")
    return pd.DataFrame({
        "rank": own["rank"].astype(int).tolist(), "text": own["text"].astype(str).tolist(),
        "names": names_group(own["groups"], group).tolist(), "groups": own["groups"].fillna("").astype(str).tolist(),
        "read": [read_link(c, y, p) for c, y, p in zip(own["country"], own["year"], own["paragraph_index"])],
    })


def thread_rows(recs: pd.DataFrame, group: str = NK) -> pd.DataFrame:
    """Every item of the threads in which some item names the group, by thread and year, with
    changed (the wording differs from the thread's previous year) and read (link)."""
    threads = set(recs.loc[names_group(recs["groups"], group), "thread"])
    rows = recs[recs["thread"].isin(threads)].sort_values(["first_year", "thread", "year"])
    previous = rows.groupby("thread")["text"].shift()
    return rows.assign(
        names=names_group(rows["groups"], group).tolist(),
        changed=[bool(isinstance(p, str) and p != t) for p, t in zip(previous, rows["text"])],
        read=[read_link(c, y, p) for c, y, p in zip(rows["country"], rows["year"], rows["paragraph_index"])],
    ).reset_index(drop=True)


def thread_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per thread of thread_rows: first_year, years (printed), ranks ('2016: 2, 2017: 2'),
    wordings (distinct wordings), latest (the latest wording) and read (its paragraph on Read)."""
    out = []
    for thread, part in rows.groupby("thread", sort=False):
        part = part.sort_values("year")
        out.append({
            "thread": thread, "first_year": int(part["first_year"].iloc[0]),
            "years": ", ".join(str(int(y)) for y in part["year"]),
            "ranks": ", ".join(f"{int(y)}: {int(r)}" for y, r in zip(part["year"], part["rank"])),
            "wordings": int(part["text"].nunique()), "latest": str(part["text"].iloc[-1]),
            "read": str(part["read"].iloc[-1]),
        })
    return pd.DataFrame(out, columns=["thread", "first_year", "years", "ranks", "wordings", "latest", "read"])


def counts_figure(yearly: pd.DataFrame, span: list[int], corpus_years, *, group_label: str, source: str) -> go.Figure:
    """Top: bars of all recommendations and of those naming the group, per report year. Bottom: the
    rank of each recommendation naming the group (1 at the top) under the list's length. Years not
    in the corpus get no bar and no point, only a grey band."""
    if not span:
        return empty_figure("No report year to show.", source=source)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.5, 0.5])
    by_year = yearly.set_index("year").reindex(span)
    color = group_color(NK)
    fig.add_trace(go.Bar(x=span, y=_values(by_year["recommendations"]), name="All recommendations",
                         marker_color=ALL_COLOR, hovertemplate="%{x}: %{y} recommendations<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(x=span, y=_values(by_year["naming"]), name=f"Naming {group_label}",
                         marker_color=color, hovertemplate=f"%{{x}}: %{{y}} naming {html.escape(group_label)}<extra></extra>"),
                  row=1, col=1)
    lengths = by_year["recommendations"].astype("Float64")
    fig.add_trace(go.Scatter(x=span, y=_values(lengths.where(lengths > 0)), mode="markers",
                             name="Length of the list (last rank)", marker=dict(symbol="line-ew-open", size=16, color=ALL_COLOR),
                             hovertemplate="%{x}: the list has %{y} items<extra></extra>"), row=2, col=1)
    xs, ys = [], []
    for year, ranks in zip(yearly["year"], yearly["ranks"]):
        for rank in filter(None, str(ranks).split(", ")):
            xs.append(int(year))
            ys.append(int(rank))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=f"Rank of a recommendation naming {group_label}",
                             marker=dict(size=10, color=color),
                             hovertemplate="%{x}: rank %{y}<extra></extra>"), row=2, col=1)
    fig.update_layout(barmode="group")
    shade_missing(fig, span, corpus_years)
    fig = _layout(fig, height=540, source=source)
    fig.update_xaxes(dtick=1 if len(span) <= 12 else 2, range=[span[0] - 0.6, span[-1] + 0.6])
    fig.update_xaxes(title_text="Report year", row=2, col=1)
    fig.update_yaxes(title_text="Recommendations (count)", rangemode="tozero", row=1, col=1)
    longest = int(lengths.max()) if lengths.notna().any() and lengths.max() > 0 else 1
    fig.update_yaxes(title_text="Rank (1 = first)", range=[longest + 0.7, 0.3], row=2, col=1)
    return fig


def threads_figure(rows: pd.DataFrame, span: list[int], corpus_years, *, source: str) -> go.Figure:
    """The threads as a timeline: one line of the y axis per thread (its first wording, cut), a
    point for each year it is printed (filled when that year's item names the group, a ring where
    the wording changed), the wording in the hover. Points only: nothing is drawn through a year."""
    if rows.empty or not span:
        return empty_figure("No recommendation names this group in any year.", source=source)
    labels = {t: f"{int(part['first_year'].iloc[0])}: {str(part['text'].iloc[0])[:48]}…"
              for t, part in rows.groupby("thread", sort=False)}
    fig = go.Figure()
    color = group_color(NK)
    for changed, name, symbol in ((False, "Same wording as the year before (or first year)", "circle"),
                                  (True, "Wording changed", "circle-open-dot")):
        part = rows[rows["changed"] == changed]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["year"].astype(int).tolist(), y=[labels[t] for t in part["thread"]], mode="markers", name=name,
            marker=dict(size=12, symbol=symbol, color=[color if n else ALL_COLOR for n in part["names"]],
                        line=dict(width=2, color=color)),
            hovertext=[f"<b>{int(y)}, rank {int(r)}</b><br>{hover_text(t)}"
                       for y, r, t in zip(part["year"], part["rank"], part["text"])],
            hovertemplate="%{hovertext}<extra></extra>"))
    shade_missing(fig, span, corpus_years)
    fig = _layout(fig, height=max(280, 110 + 38 * len(labels)), source=source)
    fig.update_xaxes(title_text="Report year", dtick=1 if len(span) <= 12 else 2, range=[span[0] - 0.6, span[-1] + 0.6])
    fig.update_yaxes(categoryorder="array", categoryarray=list(labels.values())[::-1])
    return fig


COMPARE_CAPTION = ("recommendations.csv: years = narratives read that print recommendations; share = items naming "
                   "North Korean people / all items (%), over all those years and in the latest of them. A country "
                   "whose narratives were not read shows 0 years and no share.")


def compare_shares(recs: pd.DataFrame, countries: list[str], names: dict[str, str], group: str = NK) -> pd.DataFrame:
    """For each country: narratives printing recommendations, recommendations, naming (those naming
    the group), share (%, NA when none), and the same for the country's latest such year."""
    rows = []
    for country in countries:
        own = recs[recs["country"] == country]
        marked = names_group(own["groups"], group) if len(own) else pd.Series(dtype=bool)
        latest = int(own["year"].max()) if len(own) else None
        last = own[own["year"] == latest] if latest is not None else own
        last_marked = int(names_group(last["groups"], group).sum()) if len(last) else 0
        rows.append({
            "country": names.get(country, country), "years": int(own["year"].nunique()),
            "recommendations": len(own), "naming": int(marked.sum()),
            "share": round(100 * marked.sum() / len(own), 1) if len(own) else pd.NA,
            "latest_year": latest if latest is not None else pd.NA,
            "latest_share": round(100 * last_marked / len(last), 1) if len(last) else pd.NA,
        })
    frame = pd.DataFrame(rows, columns=["country", "years", "recommendations", "naming", "share", "latest_year",
                                        "latest_share"])
    return frame.astype({"share": "Float64", "latest_year": "Int64", "latest_share": "Float64"})
