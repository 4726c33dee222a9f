"""What every dashboard figure shares (pure, no Streamlit): the font, the source line inside the
figure, blank figures with a message, the year axis with its grey bands for years without text,
hover text made safe, the small per-year sparkline, and the SYNTHETIC stamp an exported picture of
synthetic data carries.

Two ways to build a figure: plotly's graph objects (`go.Figure`, `add_trace`, `update_layout`),
which validate every property as it is set (20-30 ms for one of the Mentions charts), or a plain
spec (`{"data": [trace dicts], "layout": {...}}`, JSON-ready lists and numbers) made into a figure by
`spec_figure` without that validation (about 1 ms): the charts redrawn for every new year range are
built the second way, and tests/dashboard/test_figure_specs.py validates each of them against
plotly's schema (it must equal the validated figure). `st.plotly_chart` re-validates a dict but not
a Figure (plotly.tools.return_figure_from_figure_or_data), so a spec is shown as a Figure."""
from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go

FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13)


def hover_text(text: str, width: int = 70, max_chars: int = 400) -> str:
    """Scraped text made safe and readable for a plotly hover label (escaped, wrapped, cut)."""
    text = " ".join(str(text).split())
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width)) or "–"


def spec_figure(spec: dict) -> go.Figure:
    """A figure of a plain spec ({"data": [...], "layout": {...}}), its properties taken as they are
    (plotly's private `_validate=False`, plotly.py PR #2403): the spec must be valid, which the tests
    check for every spec-built chart. The spec is copied: it can be a cached, shared one."""
    return go.Figure(spec, _validate=False)


def merged(base: dict, update: dict) -> dict:
    """`base` updated with `update` as plotly's update_layout does it for plain values: nested dicts
    merged key by key, anything else (lists, numbers, text) replaced. A new dict; neither is changed."""
    out = dict(base)
    for k, v in update.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _source_note(source: str) -> dict:
    return dict(text=f"Source: {html.escape(source)}", showarrow=False, xref="paper", yref="paper",
                x=0, y=0, xanchor="left", yanchor="top", yshift=-62, font=dict(size=10, color="#6b6b6b"),
                align="left")


def _base(height: int) -> dict:
    return dict(height=height, font=FONT, margin=dict(l=10, r=10, t=40, b=95),
                legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
                hoverlabel=dict(align="left"))


def spec_layout(layout: dict, *, height: int, source: str, x_title: str, y_title: str) -> dict:
    """`base_layout` for a spec's layout: a new layout dict with the height, font, margins, legend,
    axis titles and the source line."""
    out = merged(layout, _base(height))
    out["annotations"] = [*layout.get("annotations", ()), _source_note(source)]
    return merged(out, {"xaxis": {"title": {"text": x_title}}, "yaxis": {"title": {"text": y_title}}})


def base_layout(fig: go.Figure, *, height: int, source: str, x_title: str, y_title: str) -> go.Figure:
    """Height, font, margins, legend, axis titles and the source line, in one layout update (each
    plotly update costs validation time, and charts are rebuilt when the view changes)."""
    layout = dict(**_base(height), annotations=[*fig.layout.annotations, _source_note(source)])
    if getattr(fig, "_grid_ref", None):  # subplots: every axis gets the titles
        fig.update_layout(**layout)
        fig.update_xaxes(title_text=x_title)
        fig.update_yaxes(title_text=y_title)
    else:
        fig.update_layout(**layout, xaxis_title_text=x_title, yaxis_title_text=y_title)
    return fig


def empty_spec(message: str, *, source: str, height: int = 260) -> dict:
    """The spec of a blank figure with a message in the middle (when a selection leaves nothing to draw)."""
    note = dict(text=html.escape(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                font=dict(size=14, color="#6b6b6b"))
    layout = dict(annotations=[note], xaxis=dict(visible=False), yaxis=dict(visible=False))
    return {"data": [], "layout": spec_layout(layout, height=height, source=source, x_title="", y_title="")}


def empty_figure(message: str, *, source: str, height: int = 260) -> go.Figure:
    """A blank figure with a message in the middle (used when a selection leaves nothing to draw)."""
    return spec_figure(empty_spec(message, source=source, height=height))


MISSING_FILL = "rgba(150,150,150,0.13)"
MISSING_NOTE = "grey band: report year not in the data (no text parsed)"


def year_span(years: tuple[int, int] | None, corpus_years) -> list[int]:
    """Every report year from the range's start to its end (or over the corpus years when no range)."""
    corpus = sorted(int(y) for y in corpus_years)
    if years:
        lo, hi = int(years[0]), int(years[1])
    elif corpus:
        lo, hi = corpus[0], corpus[-1]
    else:
        return []
    return list(range(lo, hi + 1))


def missing_bands(span: list[int], corpus_years, *, categorical: bool = False) -> list[dict]:
    """The grey bands (layout shapes) over the years of `span` that are not in the corpus."""
    corpus = {int(y) for y in corpus_years}
    return [dict(type="rect", xref="x", yref="paper", x0=(span.index(y) if categorical else y) - 0.5,
                 x1=(span.index(y) if categorical else y) + 0.5, y0=0, y1=1, fillcolor=MISSING_FILL,
                 line=dict(width=0), layer="below") for y in span if y not in corpus]


def shade_missing(fig: go.Figure, span: list[int], corpus_years, *, categorical: bool = False) -> list[int]:
    """Grey bands over the years of `span` that are not in the corpus; returns those years."""
    corpus = {int(y) for y in corpus_years}
    shapes = missing_bands(span, corpus, categorical=categorical)
    if shapes:  # one layout update for all bands (add_vrect per band is slow)
        fig.update_layout(shapes=list(fig.layout.shapes) + shapes)
    return [y for y in span if y not in corpus]


def year_ticks(span: list[int], corpus_years, *, compact: bool = False) -> tuple[list[str], list[str]]:
    """Category values and tick labels for a year axis; years not in the corpus are marked
    '(no text)', or (compact, for a horizontal axis) drawn in grey."""
    corpus = {int(y) for y in corpus_years}
    values = [str(y) for y in span]
    missing = (lambda v: f"<span style='color:#b5b5b5'>{v}</span>") if compact else (lambda v: f"{v} (no text)")
    return values, [v if int(v) in corpus else missing(v) for v in values]


def year_category_x(layout: dict, values: list[str], ticks: list[str]) -> dict:
    """A spec's layout with a categorical year x axis with every year; long axes get angled labels
    and room below them so that the axis title and the source line never overlap."""
    axis = dict(type="category", categoryorder="array", categoryarray=values, tickvals=values,
                ticktext=ticks, tickangle=-45 if len(values) > 14 else 0)
    out = merged(layout, {"xaxis": axis})
    if len(values) > 14:
        out = merged(out, {"margin": {"b": 120}})
        out["annotations"] = [*out["annotations"][:-1], {**out["annotations"][-1], "yshift": -92}]  # the source line below the angled labels
    return out


def tint(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sparkline(counts: dict[int, float], corpus_years, *, color: str) -> go.Figure:
    """A small bar chart of one count per report year, every year from the first to the last of the
    corpus: a bar where the count is above zero, a '0' where the year's text names nobody, and a grey
    band (no bar, no '0') for a year without text in the data."""
    span = year_span(None, corpus_years)
    corpus = {int(y) for y in corpus_years}
    fig = go.Figure()
    got = [y for y in span if y in corpus]
    fig.add_trace(go.Bar(x=got, y=[counts.get(y, 0) for y in got], marker_color=color, hoverinfo="x+y",
                         text=["0" if not counts.get(y, 0) else "" for y in got], textposition="outside",
                         textfont=dict(size=9, color="#6b6b6b"), cliponaxis=False, showlegend=False))
    shade_missing(fig, span, corpus)
    fig.update_xaxes(visible=False, range=[span[0] - 0.6, span[-1] + 0.6] if span else None)
    fig.update_yaxes(visible=False, rangemode="tozero")
    fig.update_layout(height=70, margin=dict(l=0, r=0, t=4, b=0), bargap=0.15, plot_bgcolor="rgba(0,0,0,0)")
    return fig


SYNTHETIC_STAMP = "SYNTHETIC DATA"


def stamp_synthetic(spec: dict) -> dict:
    """A figure spec that says inside the picture that it is drawn from synthetic pages: a watermark
    across the plot and the source line prefixed (a new spec; idempotent)."""
    layout = spec.get("layout", {})
    notes = list(layout.get("annotations", ()))
    if any(a.get("name") == "synthetic-stamp" for a in notes):
        return spec
    notes = [{**a, "text": "Source: SYNTHETIC test pages in the style of " + a["text"][8:]}
             if isinstance(a.get("text"), str) and a["text"].startswith("Source: ") else a for a in notes]
    notes.append(dict(text=f"<b>{SYNTHETIC_STAMP}</b><br>invented test pages, not the report",
                      name="synthetic-stamp", showarrow=False, xref="paper", yref="paper",
                      x=0.5, y=0.5, xanchor="center", yanchor="middle", textangle=-14,
                      font=dict(size=24, color="rgba(183,28,28,0.22)")))
    return {**spec, "layout": {**layout, "annotations": notes}}
