"""Small Streamlit building blocks shared by the pages: charts with a source line, messages, downloads."""
from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data
from dashboard.data import PARSE_COMMAND, REFRESH_COMMAND, Loaded
from dashboard.figures import merged, spec_figure, stamp_synthetic
from dashboard.status import citation, data_status, year_ranges
from dashboard.tables import BY_NAME
from dashboard.textsafe import safe_url

REPORT_SOURCE = "U.S. Department of State, Trafficking in Persons Report, China narratives"
WRAP_ROW_HEIGHT = 72  # table rows tall enough for three lines of wrapped text
SYNTHETIC_BANNER = (
    "**Synthetic data, not report text.** The data directory holds synthetic test pages (marked as such, "
    "e.g. the demo corpus of `scripts/make_synthetic_corpus.py`): invented narratives in the style of the "
    "report, run through the real parser and counting rules. No figure on this page describes the real "
    "TIP report."
)
ESSAY_SOURCE = "Hynes (2022), E-International Relations, and the NGO reports it cites"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def titled(spec: dict, title: str) -> dict:
    """A figure spec with the chart's title inside the figure (so an exported PNG carries it, with the
    source line already there): a new spec; idempotent."""
    text = f"<b>{html.escape(title)}</b>"
    layout = spec.get("layout", {})
    if layout.get("title", {}).get("text") == text:
        return spec
    top = layout.get("margin", {}).get("t")
    return {**spec, "layout": merged(layout, {
        "title": dict(text=text, x=0, xanchor="left", xref="paper", y=0.995, yanchor="top", yref="container",
                      font=dict(size=14, color="#333333")),
        "margin": dict(t=(top if top is not None else 40) + 34)})}


def shown_figure(fig: go.Figure | dict, title: str | None, synthetic: bool) -> go.Figure:
    """The figure `show_chart` draws: `fig` (a Figure or a spec, never changed: it may be a cached
    one) with its title inside and, for synthetic data, the SYNTHETIC stamp; made from the spec
    without plotly's validation (dashboard.figures.spec_figure: `fig` was valid, and title and stamp
    are plain values)."""
    spec = fig if isinstance(fig, dict) else fig.to_dict()
    if title:
        spec = titled(spec, title)
    if synthetic:
        spec = stamp_synthetic(spec)
    return spec_figure(spec)


def show_chart(fig: go.Figure | dict, caption: str, *, key: str, title: str | None = None,
               synthetic: bool | None = None) -> None:
    """Draw a plotly figure (or a figure spec) and a data note; with `title`, the title is drawn inside
    the figure, so a PNG exported from the toolbar carries the chart's title and its source line. A
    figure of synthetic data (`synthetic`, default: this render's set says so) says so inside the
    picture."""
    st.plotly_chart(
        shown_figure(fig, title, is_synthetic() if synthetic is None else synthetic), key=key, width="stretch",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": f"tip-china-{_slug(key)}", "scale": 2},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        },
    )
    st.caption(f"Data: {caption}")


def is_synthetic(world: bool = False) -> bool:
    """True when this render's set says it was built from synthetic pages (its manifest, or a
    `synthetic` column in narratives.csv that is true for some year)."""
    if data.manifest_synthetic(world):
        return True
    narratives = data.load_table("narratives", columns=["synthetic"], world=world)
    return bool(narratives.ok and narratives.df["synthetic"].astype(str).str.strip().str.lower().isin(("true", "1")).any())


def current_status():
    """The DataStatus of the data directory (dashboard.status) from this render's tables and set."""
    ts = data.table_set()
    tiers, _ = data.load_tiers()
    narratives = data.load_table("narratives", columns=["year", "fetched_at"], country="china")
    return data_status(tiers, narratives.df if narratives.ok else None,
                       generation=ts.generation if ts is not None else None,
                       created_at=ts.manifest.created_at if ts is not None else "", synthetic=is_synthetic())


def data_version_text() -> str:
    """The data version in words (for the zip's README and the citation)."""
    return current_status().version


def how_to_cite() -> None:
    """A 'How to cite' box: the dashboard, the data version, the report years used."""
    with st.expander("How to cite", icon=":material/format_quote:"):
        st.code(citation(current_status()), language=None, wrap_lines=True)
        st.caption("Cite the report itself as: U.S. Department of State, Trafficking in Persons Report (YEAR), China.")


def page_banner(world: bool = False) -> None:
    """The banner every page shows under its title when the data is synthetic."""
    if is_synthetic(world):
        st.warning(SYNTHETIC_BANNER, icon=":material/science:")


def refresh_hint(what: str = "the narratives") -> None:
    """Tell the user the one command that fetches the missing data."""
    st.info(
        f"No scraped report text yet, so {what} cannot be shown. Fetch the narratives with "
        f"`{REFRESH_COMMAND}` (needs internet, about one request per second), then reload this page.",
        icon=":material/download:",
    )


def show_problem(loaded: Loaded) -> None:
    """A clear on-page message for a missing or corrupt table (never a traceback)."""
    if loaded.status == "missing":
        st.warning(f"{loaded.message}. Create it with `{REFRESH_COMMAND}`.", icon=":material/info:")
    elif loaded.status == "corrupt":
        st.error(
            f"{loaded.message}. Rebuild it with `{PARSE_COMMAND}` (offline, from the raw "
            f"cache) or `{REFRESH_COMMAND}`.", icon=":material/error:",
        )


def require(*tables: Loaded, what: str) -> bool:
    """True when every table is loaded with rows; otherwise show why (and how to fix) and return False."""
    bad = [t for t in tables if not t.has_rows]
    if not bad:
        return True
    if all(t.status == "missing" or (t.ok and not t.has_rows) for t in bad):
        refresh_hint(what)
        with st.expander("Which files are missing"):
            for t in bad:
                where = BY_NAME[t.name].location if t.name in BY_NAME else t.path.name
                st.write(f"- `{where}`: " + ("the file is there but empty (no rows yet)" if t.ok else t.message))
        return False
    for t in bad:
        show_problem(t) if t.status != "ok" else st.warning(f"{t.path.name} has no rows.")
    return False


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV bytes (no index)."""
    return df.to_csv(index=False).encode("utf-8")


def download_csv(df: pd.DataFrame, filename: str, *, key: str, label: str | None = None) -> None:
    """A CSV download button that does not rerun the page; the CSV is written only when clicked."""
    st.download_button(
        label or f"Download {filename}", data=lambda: csv_bytes(df), file_name=filename, mime="text/csv",
        key=key, on_click="ignore", icon=":material/download:",
    )


def http_links(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """A copy of df whose link columns keep only plain http(s) URLs (others blanked) for LinkColumn."""
    out = df.copy()
    for col in cols:
        if col in out.columns:
            out[col] = out[col].map(lambda u: safe_url(u) or "")
    return out
