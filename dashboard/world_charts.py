"""Plotly figures for the World and Compare pages: pure functions from dashboard.world's small frames.

Every figure carries its source line inside (so an exported PNG says where the numbers come from),
axis titles with units, and hover text escaped (scraped text is never HTML). A report year without
a narrative is never drawn as zero: bars are absent and the year is shaded grey; step lines break.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.schema import (
    MEASURES, ORIGIN_REFERENCE, ORIGIN_SCRAPED, SENTENCES, SHARE_OF_SENTENCES, SUBJECT_GROUP, TIER_RANKS, TIER_SHORT,
)
from dashboard.figures import FONT, MISSING_FILL, empty_figure, hover_text
from dashboard.colors import REFERENCE_MARKER, SCRAPED_MARKER, group_color

TIER_Y = TIER_RANKS
TIER_LABEL = {rank: TIER_SHORT[tier] for tier, rank in TIER_RANKS.items()}
MEASURE_TITLES = dict(zip(MEASURES, ("Sentences (count)", "Sentences per 1,000 words",
                                     "Share of the narrative's sentences (%)")))
# Plotly.js fetches its own base map (cdn.plot.ly/un/world_110m.json) for any geo plot, even one whose
# base layers are all hidden and whose shapes come with the figure; an empty topology registered under
# that name before the map draws stops the request (the map's countries are the shipped GeoJSON).
NO_CDN_SCRIPT = ("<script>(function(){var w=window;w.PlotlyGeoAssets=w.PlotlyGeoAssets||{topojson:{}};"
                 "w.PlotlyGeoAssets.topojson=w.PlotlyGeoAssets.topojson||{};"
                 "if(!w.PlotlyGeoAssets.topojson['world_110m']){w.PlotlyGeoAssets.topojson['world_110m']="
                 "{type:'Topology',objects:{},arcs:[]};}})();</script>")
NOT_READ_COLOR = "#eeeeee"
ZERO_COLOR = "#cfdceb"
MAP_SCALE = "Reds"


def _source(fig: go.Figure, source: str, *, yshift: int = -50) -> None:
    fig.add_annotation(text=f"Source: {html.escape(source)}", showarrow=False, xref="paper", yref="paper",
                       x=0, y=0, xanchor="left", yanchor="top", yshift=yshift,
                       font=dict(size=10, color="#6b6b6b"), align="left")


def world_map(rows: pd.DataFrame, year: int, measure: str, *, source: str, shapes: dict,
              shapes_url: str | None = None) -> go.Figure:
    """Choropleth of one report year on the shipped country shapes (`shapes`: a GeoJSON
    FeatureCollection keyed by ISO3, so the map needs no network): narratives naming North Korean
    people shaded by `measure`, narratives read that name none in a pale blue, every other country
    in light grey. rows: the year's dashboard.world.year_rows (only drawable codes are drawn).
    With `shapes_url` (the same shapes served by the dashboard itself, data.shapes_url) the traces
    name that address instead of carrying the shapes: the browser fetches them once, and the figure
    Streamlit copies and serialises on every rerun stays small."""
    drawn = rows[rows["drawable"].astype(bool) & (rows["iso3"] != "")]
    every = [f["id"] for f in shapes.get("features", [])]
    fig = go.Figure()
    geo = dict(geojson=shapes_url or shapes, featureidkey="id")
    fig.add_trace(go.Choropleth(
        locations=every, z=np.zeros(len(every)), colorscale=[[0, NOT_READ_COLOR], [1, NOT_READ_COLOR]],
        showscale=False, hoverinfo="skip", marker_line_color="#c8c8c8", marker_line_width=0.4,
        name="Narrative not read", **geo))
    naming = drawn[drawn[SENTENCES] > 0]
    zero = drawn[drawn[SENTENCES] <= 0]

    def hover(df: pd.DataFrame) -> list[str]:
        out = []
        for r in df.itertuples(index=False):
            tier = f"{r.tier} ({'read from the report' if r.tier_origin == ORIGIN_SCRAPED else 'reference table'})" \
                if r.tier else "tier not known"
            lines = [f"<b>{html.escape(r.name)}</b>, {int(year)} report", html.escape(tier),
                     f"North Korean people named in {int(r.sentences)} sentence{'s' if r.sentences != 1 else ''}",
                     f"{r.per_1000_words:.2f} per 1,000 words"]
            if r.kinds:
                lines.append("Kinds: " + html.escape(r.kinds))
            out.append("<br>".join(lines))
        return out

    if len(zero):
        fig.add_trace(go.Choropleth(
            locations=zero["iso3"], z=np.zeros(len(zero)), **geo,
            colorscale=[[0, ZERO_COLOR], [1, ZERO_COLOR]], showscale=False, hovertext=hover(zero),
            hoverinfo="text", marker_line_color="#9aa7b5", marker_line_width=0.5,
            name="Narrative read, no North Korean people named"))
    if len(naming):
        z = naming[measure].astype(float) * (100 if measure == SHARE_OF_SENTENCES else 1)
        fig.add_trace(go.Choropleth(
            locations=naming["iso3"], z=z, **geo, colorscale=MAP_SCALE, zmin=0,
            hovertext=hover(naming), hoverinfo="text", marker_line_color="#5a5a5a", marker_line_width=0.6,
            colorbar=dict(title=dict(text=MEASURE_TITLES[measure].replace(" (", "<br>("), side="right"),
                          thickness=12, len=0.8,
                          **(dict(tickformat="d", dtick=max(1, round(float(z.max()) / 5))) if measure == SENTENCES else {})),
            name="Narrative names North Korean people"))
    # no base layers: they would come from Plotly's CDN; the shapes above draw every country
    fig.update_geos(visible=False, projection_type="natural earth", lataxis_range=[-58, 85], lonaxis_range=[-180, 180])
    fig.update_layout(height=430, font=FONT, margin=dict(l=0, r=0, t=10, b=60),
                      geo=dict(bgcolor="rgba(0,0,0,0)"))
    _source(fig, source, yshift=-30)
    return fig


def _shade_missing(fig: go.Figure, years: list[int], present: set[int], **where) -> None:
    for y in years:
        if y not in present:
            fig.add_vrect(x0=y - 0.5, x1=y + 0.5, fillcolor=MISSING_FILL, line_width=0, layer="below", **where)


def naming_chart(counts: pd.DataFrame, *, source: str) -> go.Figure:
    """Bars: narratives naming North Korean people per report year, every year from the first to the
    last on the axis; a year with no narrative read has no bar and a grey band (never a zero).
    counts: dashboard.world.naming_by_year."""
    if not len(counts):
        return empty_figure("No narrative has been read yet.", source=source)
    fig = go.Figure()
    read = counts[counts["read"] > 0]
    hover = [f"<b>{int(y)}</b>: {int(n)} of {int(r)} narrative{'s' if r != 1 else ''} read name North Korean people"
             + (f"<br>{hover_text(c, 80, 600)}" if c else "")
             for y, n, r, c in zip(read["year"], read["naming"], read["read"], read["countries"])]
    fig.add_trace(go.Bar(x=read["year"], y=read["naming"], marker_color=group_color(SUBJECT_GROUP),
                         name="Narratives naming North Korean people", hovertext=hover, hoverinfo="text"))
    fig.add_trace(go.Scatter(x=read["year"], y=read["read"], mode="markers", name="Narratives read",
                             marker=dict(symbol="line-ew-open", size=16, color="#444", line=dict(width=2)),
                             hovertemplate="%{x}: %{y} narratives read<extra></extra>"))
    years = [int(y) for y in counts["year"]]
    _shade_missing(fig, years, {int(y) for y in read["year"]})
    fig.update_xaxes(title_text="Report year", tickmode="linear", dtick=1 if len(years) <= 12 else 2,
                     range=[years[0] - 0.6, years[-1] + 0.6])
    fig.update_yaxes(title_text="Narratives (count)", rangemode="tozero")
    fig.update_layout(height=340, font=FONT, margin=dict(l=10, r=10, t=40, b=95), bargap=0.25,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0))
    _source(fig, source, yshift=-62)
    return fig


def _grid(n: int, cols: int = 3) -> tuple[int, int]:
    cols = max(1, min(cols, n))
    return math.ceil(n / cols), cols


def _axis(i: int) -> str:
    """Suffix of the i-th subplot's axes (0 -> '', 1 -> '2', ...)."""
    return "" if i == 0 else str(i + 1)


def _grid_layout(titles: list[str], cols: int = 3, *, vgap: float | None = None, hgap: float = 0.035,
                 x_props: dict | None = None, y_props: dict | None = None) -> dict:
    """Layout entries for small multiples (row-major, shared x and y axes), titles above each panel.

    Written out directly instead of plotly.subplots.make_subplots, which costs ~70 ms a figure:
    the pages redraw these on every widget change."""
    n = len(titles)
    rows, cols = _grid(n, cols)
    vgap = vgap if vgap is not None else (0.22 / rows if rows > 1 else 0.0)
    w = (1 - hgap * (cols - 1)) / cols
    h = (1 - vgap * (rows - 1)) / rows
    layout: dict = {"annotations": []}
    for i, title in enumerate(titles):
        r, c = divmod(i, cols)
        s = _axis(i)
        x0, y1 = c * (w + hgap), 1 - r * (h + vgap)
        bottom = i + cols >= n
        layout["xaxis" + s] = dict(domain=[max(0.0, x0), min(1.0, x0 + w)], anchor="y" + s,
                                   matches=None if i == 0 else "x", showticklabels=bottom, **(x_props or {}))
        layout["yaxis" + s] = dict(domain=[max(0.0, y1 - h), min(1.0, y1)], anchor="x" + s,
                                   matches=None if i == 0 else "y", showticklabels=c == 0, **(y_props or {}))
        layout["annotations"].append(dict(text=f"<b>{html.escape(title)}</b>", x=x0 + w / 2, y=y1, xref="paper",
                                          yref="paper", xanchor="center", yanchor="bottom", showarrow=False,
                                          font=dict(size=13)))
    return layout


def _band(i: int, year: int) -> dict:
    """A grey band over `year` in subplot i (a report year without a narrative)."""
    s = _axis(i)
    return dict(type="rect", xref="x" + s, yref=f"y{s} domain", x0=year - 0.5, x1=year + 0.5, y0=0, y1=1,
                fillcolor=MISSING_FILL, line_width=0, layer="below")


def tier_multiples(hist: pd.DataFrame, countries: list[str], names: dict[str, str], *, source: str,
                   years: tuple[int, int] | None = None) -> go.Figure:
    """Small multiples, one per country: the tier by report year as a step line (Tier 1 on top, a
    break where no tier is known), filled diamonds where it was read from the country's narrative,
    open circles where it comes from a reference table (the China table or Kelley's panel)."""
    if not countries:
        return empty_figure("Choose at least one country.", source=source)
    rows, _ = _grid(len(countries))
    h = hist[hist["tier"].isin(TIER_Y)]
    lo, hi = years if years else ((int(h["year"].min()), int(h["year"].max())) if len(h) else (2001, 2025))
    layout = _grid_layout([names.get(c, c) for c in countries],
                          x_props=dict(range=[lo - 0.7, hi + 0.7], dtick=4),
                          y_props=dict(tickvals=[1, 2, 3, 4], ticktext=[TIER_LABEL[v] for v in (1, 2, 3, 4)],
                                       range=[0.5, 4.5], fixedrange=True))
    every = list(range(lo, hi + 1))
    traces: list = []
    legend_done: set[str] = set()
    by_country = {c: part for c, part in h.groupby("country", sort=False)}
    for i, country in enumerate(countries):
        ax = dict(xaxis="x" + _axis(i), yaxis="y" + _axis(i))
        part = by_country.get(country, h.iloc[0:0])
        y_by_year = dict(zip(part["year"].astype(int), part["tier"].map(TIER_Y)))
        traces.append(go.Scatter(x=every, y=[y_by_year.get(y) for y in every], mode="lines",
                                 line=dict(shape="hv", color="#9a9a9a", width=2), connectgaps=False,
                                 hoverinfo="skip", showlegend=False, **ax))
        for origin, label, symbol in ((ORIGIN_SCRAPED, "Read from the country's narrative", SCRAPED_MARKER),
                                      (ORIGIN_REFERENCE, "Reference table (China table or Kelley's panel)", REFERENCE_MARKER)):
            pts = part[part["origin"] == origin]
            if not len(pts):
                continue
            name = html.escape(names.get(country, country))
            hover = [f"<b>{name}, {int(y)}</b>: {html.escape(t)}<br>"
                     + ("read from the report" if origin == ORIGIN_SCRAPED else html.escape(s or "reference table"))
                     for y, t, s in zip(pts["year"], pts["tier"], pts["tier_sentence"])]
            traces.append(go.Scatter(
                x=pts["year"].astype(int).tolist(), y=pts["tier"].map(TIER_Y).tolist(), mode="markers", name=label,
                legendgroup=origin, showlegend=origin not in legend_done,
                marker=dict(symbol=symbol, size=8, color="#1f3b73", line=dict(width=1.5, color="#1f3b73")),
                hovertext=hover, hoverinfo="text", **ax))
            legend_done.add(origin)
        if not len(part):
            layout["annotations"].append(dict(text="no tier in the data", showarrow=False, x=(lo + hi) / 2, y=2.5,
                                              xref="x" + _axis(i), yref="y" + _axis(i),
                                              font=dict(size=11, color="#888")))
    height = 110 + 200 * rows
    layout.update(height=height, font=FONT, margin=dict(l=10, r=10, t=70, b=80),
                  legend=dict(orientation="h", yanchor="bottom", y=1.0 + 40 / height, xanchor="left", x=0))
    fig = go.Figure(data=traces, layout=layout)
    _source(fig, source, yshift=-40)
    return fig


def measure_multiples(panel: pd.DataFrame, countries: list[str], names: dict[str, str], measure: str,
                      group: str, group_label: str, *, source: str) -> go.Figure:
    """Small multiples, one per country: `measure` for `group` by report year (bars); a year whose
    narrative was not read has no bar and a grey band. panel: dashboard.world.measure_panel."""
    if not countries:
        return empty_figure("Choose at least one country.", source=source)
    if not len(panel):
        return empty_figure("No narrative has been read yet.", source=source)
    rows, _ = _grid(len(countries))
    years = sorted(int(y) for y in panel["year"].unique())
    scale = 100.0 if measure == SHARE_OF_SENTENCES else 1.0
    # One y range for every panel, set from the tallest bar: left to Plotly, axes matched over empty
    # panels fall back to 0-4 and cut the tallest bars off.
    top = float(pd.to_numeric(panel["value"], errors="coerce").max() or 0.0) * scale
    y_range = [0, top * 1.08 if top > 0 else 1]
    layout = _grid_layout([names.get(c, c) for c in countries],
                          x_props=dict(range=[years[0] - 0.7, years[-1] + 0.7], dtick=4),
                          y_props=dict(range=y_range, autorange=False))
    color = group_color(group)
    traces: list = []
    shapes: list = []
    by_country = {c: part for c, part in panel.groupby("country", sort=False)}
    for i, country in enumerate(countries):
        part = by_country.get(country, panel.iloc[0:0])
        got = part.dropna(subset=["value"])
        name = html.escape(names.get(country, country))
        traces.append(go.Bar(
            x=got["year"].astype(int).tolist(), y=(got["value"].astype(float) * scale).tolist(), marker_color=color,
            showlegend=False, xaxis="x" + _axis(i), yaxis="y" + _axis(i),
            hovertemplate=f"<b>{name}</b> %{{x}}: %{{y:.3~f}}<extra>{html.escape(group_label)}</extra>"))
        present = set(got["year"].astype(int))
        shapes += [_band(i, y) for y in years if y not in present]
        if len(got) and not (got["value"] > 0).any():
            layout["annotations"].append(dict(text="none in any year read", showarrow=False,
                                              x=(years[0] + years[-1]) / 2, y=0.5, xref="x" + _axis(i),
                                              yref=f"y{_axis(i)} domain", font=dict(size=11, color="#888")))
        if not len(got):
            layout["annotations"].append(dict(text="no narrative read", showarrow=False, x=(years[0] + years[-1]) / 2,
                                              y=0.5, xref="x" + _axis(i), yref=f"y{_axis(i)} domain",
                                              font=dict(size=11, color="#888")))
    layout.update(height=90 + 190 * rows, font=FONT, margin=dict(l=10, r=10, t=40, b=80), bargap=0.2,
                  shapes=shapes)
    layout["yaxis"]["title"] = dict(text=MEASURE_TITLES[measure])
    fig = go.Figure(data=traces, layout=layout)
    _source(fig, source, yshift=-40)
    return fig
