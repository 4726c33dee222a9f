"""Plotly figures of the China pages: pure functions from tables to figures (no Streamlit here).
The four Mentions charts, redrawn for every new year range, return plain figure specs (dicts,
dashboard.figures.spec_figure makes a figure of one without plotly's validation); the others return
graph-object figures. ui.show_chart draws either.

Every figure has axis titles with units, group colours from dashboard.colors, and a source line
inside the figure (dashboard.figures.base_layout) so that a PNG exported from the toolbar still says
where the numbers come from. Scraped text in hover labels is HTML-escaped (plotly renders a subset
of HTML in labels).
"""
from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.schema import (
    KINDS, MEASURES as MEASURE_NAMES, ORIGIN_REFERENCE, ORIGIN_SCRAPED, SECTION_NAMES, SENTENCES, SHARE_OF_SENTENCES,
    SUBJECT_GROUP, TIER_RANKS, TIER_SHORT,
)
from dashboard.colors import REFERENCE_MARKER, SCRAPED_MARKER, group_color, group_label, order_groups
from dashboard.figures import (
    FONT, MISSING_FILL, MISSING_NOTE, base_layout, empty_figure, empty_spec, hover_text, merged, missing_bands, shade_missing,
    spec_layout, tint, year_category_x, year_span, year_ticks,
)
from dashboard.ngo_estimates import Estimate

SECTION_ORDER = SECTION_NAMES
TIER_Y = TIER_RANKS
# measure -> (label of the choice, y-axis title)
MEASURES = dict(zip(MEASURE_NAMES, (
    ("Sentences", "Sentences naming the group (count)"),
    ("Per 1,000 words", "Sentences naming the group per 1,000 words"),
    ("Share of sentences", "Share of the narrative's sentences (%)"),
)))
KIND_COLORS = dict(zip(KINDS, ("#d62728", "#e377c2", "#9467bd", "#8c564b", "#1f77b4", "#7f7f7f")))
def tier_chart(tiers: pd.DataFrame, *, source: str) -> go.Figure:
    """Step chart of the tier by report year: Tier 1 on top, Tier 3 at the bottom, changes annotated.

    Reference rows are open circles, scraped rows filled diamonds; a scraped year whose reference
    tier differs gets a cross at the reference tier. Hover: tier, sentence, origin, source.
    """
    df = tiers[tiers["tier"].isin(TIER_Y)].sort_values("year").copy()
    fig = go.Figure()
    if df.empty:
        return empty_figure("No tier could be read for any year.", source=source)
    df["y"] = df["tier"].map(TIER_Y)
    every = pd.Series(range(int(df["year"].min()), int(df["year"].max()) + 1), name="year")
    line = every.to_frame().merge(df[["year", "y"]], on="year", how="left")  # no tier: a gap, not a line
    fig.add_trace(go.Scatter(
        x=line["year"], y=line["y"], mode="lines", line=dict(shape="hv", color="#9a9a9a", width=2),
        hoverinfo="skip", showlegend=False, connectgaps=False,
    ))

    def _hover(row) -> str:
        parts = [f"<b>{int(row['year'])}: {html.escape(str(row['tier']))}</b>"]
        sentence = str(row.get("tier_sentence", "") or "")
        if sentence:
            parts.append(hover_text(sentence))
        note = str(row.get("source_note", "") or "") if row["origin"] == ORIGIN_REFERENCE else ""
        if note:
            parts.append(hover_text(note))
        flags = str(row.get("tier_note", "") or "")
        if flags:
            parts.append("Notes: " + html.escape(flags.replace(";", ", ")))
        parts.append("Origin: " + ("scraped from the report" if row["origin"] == ORIGIN_SCRAPED else "reference table"))
        parts.append("Source: " + html.escape(str(row.get("source_url", "") or "")))
        return "<br>".join(parts)

    df["hover"] = df.apply(_hover, axis=1)
    for origin, name, symbol, size in (
        (ORIGIN_REFERENCE, "Reference table (secondary source)", REFERENCE_MARKER, 10),
        (ORIGIN_SCRAPED, "Scraped from the report", SCRAPED_MARKER, 11),
    ):
        part = df[df["origin"] == origin]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["y"], mode="markers", name=name,
            marker=dict(symbol=symbol, size=size, color="#1f3b73", line=dict(width=2, color="#1f3b73")),
            hovertext=part["hover"], hoverinfo="text",
            customdata=part[["source_url"]].to_numpy(),
        ))
    if "agrees" in df.columns and "reference_tier" in df.columns:
        dis = df[(df["origin"] == ORIGIN_SCRAPED) & (df["agrees"].astype(str).str.lower() == "false")
                 & df["reference_tier"].isin(TIER_Y)]
        if not dis.empty:
            fig.add_trace(go.Scatter(
                x=dis["year"], y=dis["reference_tier"].map(TIER_Y), mode="markers",
                name="Reference tier where it disagrees",
                marker=dict(symbol="x", size=11, color="#d62728"),
                hovertext=[f"{int(y)}: reference table says {html.escape(t)}, the report page says "
                           f"{html.escape(s)}" for y, t, s in zip(dis["year"], dis["reference_tier"], dis["tier"])],
                hoverinfo="text",
            ))
    prev = None
    for _, row in df.iterrows():
        if prev is not None and row["y"] != prev:
            up = row["y"] > prev
            fig.add_annotation(  # upgrades labelled above the new tier, downgrades below it
                x=row["year"], y=row["y"], text=f"{'▲' if up else '▼'} {TIER_SHORT[row['tier']]} ({int(row['year'])})",
                showarrow=True, arrowhead=0, arrowcolor="#9a9a9a", ax=0, ay=-26 if up else 26,
                font=dict(size=11, color="#333333"), bgcolor="rgba(255,255,255,0.9)",
            )
        prev = row["y"]
    used = sorted(set(df["y"]) | {1, 2, 3, 4})
    inverse = {v: k for k, v in TIER_Y.items()}
    fig.update_yaxes(tickvals=used, ticktext=[TIER_SHORT[inverse[v]] for v in used],
                     range=[min(used) - 0.6, max(used) + 0.6], fixedrange=True)
    fig.update_xaxes(dtick=2, range=[df["year"].min() - 0.7, df["year"].max() + 0.7])
    return base_layout(fig, height=380, source=source, x_title="Report year",
                        y_title="Tier (Tier 1 best)")


def mentions_trend(mentions: pd.DataFrame, groups: list[str], measure: str, *, source: str,
                   labels: dict[str, str] | None = None, visible: list[str] | None = None,
                   years: tuple[int, int] | None = None, corpus_years=None,
                   legend_side: bool = False) -> dict:
    """Line chart of one measure per report year for each group; groups not in `visible` start hidden.

    Every report year of the range is on the axis; a year not in the corpus (`corpus_years`,
    default: the years of `mentions`) is a gap in each line and a grey band, never a line drawn through."""
    col = measure if measure in MEASURES else SENTENCES
    corpus = sorted({int(y) for y in (corpus_years if corpus_years is not None else mentions["year"].unique())})
    span = year_span(years, corpus)
    df = mentions[mentions["group"].isin(groups)]
    if years:
        df = df[(df["year"] >= years[0]) & (df["year"] <= years[1])]
    if df.empty:
        return empty_spec("No mentions for this selection.", source=source)
    scale = 100 if col == SHARE_OF_SENTENCES else 1
    unit = "%" if col == SHARE_OF_SENTENCES else ""
    traces = []
    for slug in order_groups(groups):
        part = df[df["group"] == slug]
        if part.empty:
            continue
        series = part.groupby("year")[col].sum().reindex(span) * scale  # NaN: year not in the corpus
        label = group_label(slug, labels)
        traces.append(dict(
            type="scatter", x=span, y=series.tolist(), mode="lines+markers",
            name=label, connectgaps=False,
            line=dict(color=group_color(slug), width=3 if slug == SUBJECT_GROUP else 2),
            marker=dict(size=6), visible=True if visible is None or slug in visible else "legendonly",
            hovertemplate=f"<b>{html.escape(label)}</b><br>%{{x}}: %{{y:.3~f}}{unit}<extra></extra>",
        ))
    xaxis = dict(dtick=1 if len(span) <= 12 else 2)
    if span:
        xaxis["range"] = [span[0] - 0.6, span[-1] + 0.6]
    layout = dict(xaxis=xaxis, yaxis=dict(rangemode="tozero"))
    bands = missing_bands(span, corpus)
    if bands:
        layout["shapes"] = bands
    layout = spec_layout(layout, height=400, source=source, x_title="Report year", y_title=MEASURES[col][1])
    if legend_side:
        layout = merged(layout, dict(legend=dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.02,
                                                 font=dict(size=11)), margin=dict(r=10)))
    return {"data": traces, "layout": layout}


@dataclass(frozen=True)
class ConcordanceData:
    """kwic rows with their position in the narrative and a ready hover text (built once per data version)."""

    rows: pd.DataFrame  # year, group, pos, hover


def concordance_data(kwic: pd.DataFrame, narratives: pd.DataFrame | None,
                     labels: dict[str, str] | None = None) -> ConcordanceData:
    """Position (paragraph_index / (paragraph_count - 1)) and hover text of every matched sentence."""
    if kwic is None or kwic.empty or narratives is None or narratives.empty:
        return ConcordanceData(pd.DataFrame(columns=["year", "group", "pos", "hover"]))
    counts = narratives.drop_duplicates("year").set_index("year")["paragraph_count"]
    df = kwic.assign(n=kwic["year"].map(counts))
    df = df[df["n"].notna()]
    pos = (df["paragraph_index"] / (df["n"] - 1).where(df["n"] > 1, 1)).clip(0, 1)
    hover = [
        f"<b>{int(y)}</b> · {html.escape(group_label(g, labels))} · {html.escape(str(sec))}<br>"
        f"paragraph {int(p) + 1} of {int(n)}<br>{hover_text(s)}"
        for y, g, sec, p, n, s in zip(df["year"], df["group"], df["section"], df["paragraph_index"], df["n"], df["sentence"])
    ]
    out = pd.DataFrame({"year": df["year"].astype(int).to_numpy(), "group": df["group"].to_numpy(),
                        "pos": pos.to_numpy(), "hover": hover})
    return ConcordanceData(out)


def concordance(data: ConcordanceData, groups: list[str], *, source: str,
                labels: dict[str, str] | None = None, years: tuple[int, int] | None = None,
                corpus_years=None) -> dict:
    """Where in each year's narrative the matched sentences fall (0 = first paragraph, 1 = last).

    Every report year of the range is a row; a row without ticks is a year with no matched sentence,
    and a year not in the corpus is labelled '(no text)'."""
    df = data.rows
    df = df[df["group"].isin(groups)]
    corpus = sorted({int(y) for y in (corpus_years if corpus_years is not None else data.rows["year"].unique())})
    span = year_span(years, corpus)
    if years:
        df = df[(df["year"] >= years[0]) & (df["year"] <= years[1])]
    if not span:
        return empty_spec("No report years to show.", source=source)
    traces = []
    for slug in order_groups(groups):
        part = df[df["group"] == slug]
        if part.empty:
            continue
        traces.append(dict(
            type="scatter", x=part["pos"].to_numpy(), y=part["year"].astype(str).tolist(), mode="markers",
            name=group_label(slug, labels),
            marker=dict(symbol="line-ns-open", size=14, line=dict(width=2, color=group_color(slug)),
                        color=group_color(slug)),
            hovertext=part["hover"].tolist(), hoverinfo="text",
        ))
    values, ticks = year_ticks(span, corpus)
    # every year of the range on the axis, also those with no tick
    traces.append(dict(type="scatter", x=[None] * len(values), y=values, mode="markers", showlegend=False,
                       hoverinfo="skip"))
    layout = dict(xaxis=dict(range=[-0.02, 1.02], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1]),
                  yaxis=dict(type="category", categoryorder="array", categoryarray=values, tickvals=values,
                             ticktext=ticks, autorange="reversed"))
    return {"data": traces, "layout": spec_layout(
        layout, height=max(300, 120 + 18 * len(values)), source=source,
        x_title="Position in the narrative (0% = first paragraph, 100% = last)", y_title="Report year")}


def section_heatmap(sections: pd.DataFrame, group: str, *, source: str,
                    labels: dict[str, str] | None = None, years: tuple[int, int] | None = None,
                    corpus_years=None) -> dict:
    """Heat map of sentences naming `group` by section (rows) and report year (columns). Every cell
    prints its count: a '0' cell is a section that names nobody of the group; a blank cell a section
    the year's narrative does not have; a grey band a report year without text in the data."""
    corpus = sorted({int(y) for y in (corpus_years if corpus_years is not None else sections["year"].unique())})
    span = year_span(years, corpus)
    df = sections[sections["group"] == group]
    if years:
        df = df[(df["year"] >= years[0]) & (df["year"] <= years[1])]
    if df.empty:
        return empty_spec("No section counts for this selection.", source=source)
    pivot = df.pivot_table(index="section", columns="year", values=SENTENCES, aggfunc="sum")
    pivot = pivot.reindex(columns=span)
    order = [s for s in SECTION_ORDER if s in pivot.index] + sorted(s for s in pivot.index if s not in SECTION_ORDER)
    pivot = pivot.reindex(order)
    label = group_label(group, labels)
    values, ticks = year_ticks(span, corpus, compact=True)
    color = group_color(group)
    heat = dict(
        type="heatmap", z=pivot.to_numpy(), x=values,
        y=[s.title() for s in pivot.index],
        colorscale=[[0, "#ffffff"], [1e-9, tint(color, 0.18)], [1, color]], zmin=0,
        texttemplate="%{z:d}", textfont=dict(size=10), hoverongaps=False,
        colorbar=dict(title=dict(text=SENTENCES, side="right")), xgap=2, ygap=2,
        hovertemplate=f"%{{y}}, %{{x}}: %{{z}} sentences naming {html.escape(label)}<extra></extra>",
    )
    layout = dict(yaxis=dict(autorange="reversed"), plot_bgcolor="rgba(0,0,0,0)")
    bands = missing_bands(span, corpus, categorical=True)
    if bands:
        layout["shapes"] = bands
    layout = spec_layout(layout, height=360, source=source,
                         x_title="Report year (0: the section names nobody; blank: no such section that year; "
                                 "grey band: no text in the data)", y_title="Section")
    return {"data": [heat], "layout": year_category_x(layout, values, ticks)}


@dataclass(frozen=True)
class KindCounts:
    """Sentences naming North Korean people per report year and kind (built once per kwic version)."""

    counts: pd.DataFrame  # year, kind, n (a sentence naming several kinds counts under each)
    years: frozenset[int]  # the years with such a sentence
    kwic_years: frozenset[int]  # the years of every kwic row


def kind_counts(kwic: pd.DataFrame) -> KindCounts:
    """The per-year, per-kind counts `kinds_chart` draws, over every year of `kwic`."""
    df = kwic[kwic["group"] == SUBJECT_GROUP]
    kinds = df.assign(kind=df["kinds"].astype(str).replace("", KINDS[-1]).str.split(";")).explode("kind")  # KINDS[-1]: the fallback kind
    kinds = kinds[kinds["kind"] != ""]
    counts = kinds.groupby(["year", "kind"]).size().rename("n").reset_index()
    return KindCounts(counts, frozenset(int(y) for y in df["year"].unique()),
                      frozenset(int(y) for y in kwic["year"].unique()))


def kinds_chart(kind: KindCounts, *, source: str, kind_labels: dict[str, str], years: tuple[int, int] | None = None,
                corpus_years=None) -> dict:
    """Stacked bars: sentences naming North Korean people per year, by kind (a sentence may count under several).

    Every report year of the range is on the axis: a corpus year without such a sentence shows '0',
    a year not in the corpus is a grey band marked '(no text)'."""
    corpus = sorted({int(y) for y in (corpus_years if corpus_years is not None else kind.kwic_years)})
    span = year_span(years, corpus)
    if not span:
        return empty_spec("No report years to show.", source=source)
    counts, with_rows = kind.counts, kind.years
    if years:
        counts = counts[(counts["year"] >= years[0]) & (counts["year"] <= years[1])]
        with_rows = {y for y in with_rows if years[0] <= y <= years[1]}
    values, ticks = year_ticks(span, corpus, compact=True)
    traces = []
    for kind in KINDS:
        part = counts[counts["kind"] == kind]
        if part.empty:
            continue
        traces.append(dict(
            type="bar", x=part["year"].astype(int).astype(str).tolist(), y=part["n"].to_numpy(),
            name=kind_labels.get(kind, kind), marker=dict(color=KIND_COLORS[kind]),
            hovertemplate=f"{html.escape(kind_labels.get(kind, kind))}<br>%{{x}}: %{{y}} sentences<extra></extra>",
        ))
    zeros = [str(y) for y in span if y in set(corpus) and y not in with_rows]
    traces.append(dict(  # every year on the axis; '0' where the corpus year names no North Korean
        type="scatter", x=values, y=[0] * len(values), mode="text", text=["0" if v in zeros else "" for v in values],
        textposition="top center", showlegend=False, hoverinfo="skip", textfont=dict(color="#6b6b6b"),
    ))
    layout = dict(barmode="stack", legend=dict(title=dict(text="Kind")), yaxis=dict(rangemode="tozero"))
    bands = missing_bands(span, corpus, categorical=True)
    if bands:
        layout["shapes"] = bands
    layout = spec_layout(layout, height=400, source=source, x_title="Report year (grey band: no text in the data)",
                         y_title="Sentences naming North Koreans (count)")
    return {"data": traces, "layout": year_category_x(layout, values, ticks)}


def phrase_chart(counts: pd.DataFrame, phrase: str, *, source: str, years: tuple[int, int] | None = None) -> go.Figure:
    """Bars of sentences containing a phrase per report year; 'no hits' instead of an empty axis."""
    if counts.empty:
        return empty_figure("No narratives to search.", source=source)
    if int(counts["hits"].sum()) == 0:
        return empty_figure(f"No hits for “{phrase[:60]}” in {len(counts)} report years.", source=source)
    corpus = sorted(int(y) for y in counts["year"])
    span = year_span(years, corpus)
    fig = go.Figure(go.Bar(
        x=counts["year"], y=counts[SENTENCES], marker_color="#1f3b73",
        customdata=counts[["hits", "paragraphs"]].to_numpy(),
        hovertemplate="%{x}: %{y} sentences, %{customdata[0]} hits, %{customdata[1]} paragraphs<extra></extra>",
    ))
    shade_missing(fig, span, corpus)
    fig.update_xaxes(dtick=1 if len(span) <= 12 else 2, range=[span[0] - 0.6, span[-1] + 0.6])
    fig.update_yaxes(rangemode="tozero")
    return base_layout(fig, height=320, source=source, x_title="Report year",
                        y_title=f"Sentences containing “{html.escape(phrase[:40])}” (count)")


def _is_range(e: Estimate) -> bool:
    """True for an estimate given as a low-high range (e.g. 70-80 percent)."""
    return e.low is not None and e.high is not None and e.high > e.low


def estimates_chart(estimates: tuple[Estimate, ...], report_words: str | None, *, source: str) -> go.Figure:
    """NGO estimates as bars on two panels with their denominators, beside the report's words (no
    figure); with report_words None (no report text in the data) the report's row is not drawn."""
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.2,
        subplot_titles=("Share of ALL female North Korean refugees in China trafficked into the sex trade",
                        "Share of those TRAFFICKED into the sex trade (not of all women)"),
    )
    for row, basis in ((1, "all female refugees"), (2, "the trafficked")):
        items = [e for e in estimates if e.basis == basis]
        names = [e.label for e in items]
        fig.add_trace(go.Bar(
            y=names, x=[e.low for e in items], orientation="h", marker_color="#d62728",
            # a range prints its figure after the range bar below, not inside it
            text=["" if _is_range(e) else e.amount for e in items], textposition="outside", showlegend=False,
            hovertext=[f"{html.escape(e.amount)} of {html.escape(e.denominator)}<br>{html.escape(e.source)}"
                       for e in items], hoverinfo="text",
        ), row=row, col=1)
        spans = [e for e in items if _is_range(e)]
        if spans:
            fig.add_trace(go.Bar(
                y=[e.label for e in spans], x=[e.high - e.low for e in spans], base=[e.low for e in spans],
                orientation="h", marker_color="rgba(214,39,40,0.35)", showlegend=False, hoverinfo="skip",
                text=[e.amount for e in spans], textposition="outside",
            ), row=row, col=1)
        if row == 1 and report_words is not None:
            fig.add_trace(go.Bar(y=["TIP report (NK women)"], x=[0], orientation="h", showlegend=False,
                                 hoverinfo="skip"), row=1, col=1)
            fig.add_annotation(x=2, y="TIP report (NK women)", xref="x", yref="y", showarrow=False,
                               xanchor="left", text=f"the report's words, no percentage: {html.escape(report_words)}",
                               font=dict(color="#1f3b73", size=13))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(range=[0, 101], dtick=20, ticksuffix="%", row=1, col=1)
    fig.update_xaxes(range=[0, 101], dtick=20, ticksuffix="%", row=2, col=1)
    base_layout(fig, height=440, source=source, x_title="Percent of the denominator named in the panel title",
                 y_title="")
    fig.update_xaxes(title_text="", row=1, col=1)
    fig.update_layout(margin=dict(t=60))
    return fig
