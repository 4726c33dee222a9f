"""Entry point: `streamlit run dashboard/app.py`. Sets up the page and the navigation between the views.

Streamlit puts only dashboard/ on sys.path, so the repository root is added first; the views import
`dashboard.*` (and optionally `analysis.*`) from there. Nothing here scrapes or computes at import.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

import analysis.claims  # noqa: E402,F401 - the views' modules, imported before freeze_imports below
from dashboard import (  # noqa: E402,F401
    bundle, cached, charts, country, derived, fetch_panel, highlight, permalink, recommendations, search,
    sentence_diff, status, summaries, tables, textsafe, ui, world_charts,
)
from dashboard.data import ENV_VAR, REFRESH_COMMAND, begin_render, data_dir, is_default_data_dir  # noqa: E402
from dashboard.ngo_estimates import ESSAY_URL  # noqa: E402
from dashboard.process import freeze_imports  # noqa: E402

freeze_imports()  # once per server, before any table is read: the collection after each run skips the modules

VIEWS = ROOT / "dashboard" / "views"

st.set_page_config(
    page_title="TIP report on China: North Korean victims",
    page_icon=str(ROOT / "dashboard" / "assets" / "favicon.png"),  # a local file: works offline
    layout="wide",
)

PAGES = [
    st.Page(VIEWS / "overview.py", title="Overview", icon=":material/insights:", url_path="overview", default=True),
    st.Page(VIEWS / "mentions.py", title="Mentions", icon=":material/stacked_line_chart:", url_path="mentions"),
    st.Page(VIEWS / "essay.py", title="Essay vs report", icon=":material/fact_check:", url_path="essay"),
    st.Page(VIEWS / "read.py", title="Read", icon=":material/menu_book:", url_path="read"),
    st.Page(VIEWS / "recommendations.py", title="Recommendations", icon=":material/checklist:", url_path="recommendations"),
    st.Page(VIEWS / "world.py", title="World", icon=":material/public:", url_path="world"),
    st.Page(VIEWS / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page(VIEWS / "sources.py", title="Data & sources", icon=":material/database:", url_path="data"),
]
begin_render()  # the table sets of this run, resolved once: every page reads one generation
# Our own CSS (no data in it): text highlights sit tight against the punctuation that follows them;
# a linked paragraph scrolls to below Streamlit's top bar, not under it.
st.html("<style>span.stMarkdownColoredBackground{padding:0 .12em !important;margin:0 !important;border-radius:.2em}"
        "div.tipdash-anchor{scroll-margin-top:5rem}</style>")

current = st.navigation(PAGES)

# ?page=<url_path> is a permalink form that works wherever the URL path is lost: go there once.
wanted = st.query_params.get("page")
if wanted is not None:
    by_path = {p.url_path: p for p in PAGES}
    by_path["overview"] = PAGES[0]
    target = by_path.get(wanted)
    if target is not None and target.url_path != current.url_path:
        rest = {k: st.query_params.get_all(k) for k in st.query_params if k != "page"}
        st.switch_page(target, query_params=rest)
    del st.query_params["page"]

with st.sidebar:
    if not is_default_data_dir():  # the default (the repository's data/) is not worth a line
        st.caption(f"Data directory: `{data_dir()}` (from `{ENV_VAR}`).")
    st.caption(f"Update the data with `{REFRESH_COMMAND}`, or from the Overview's fetch button on your own machine.")
    st.caption(f"Essay: [Hynes 2022, E-International Relations]({ESSAY_URL})")

current.run()
