"""Data & sources: every table with its data dictionary, row count and download; the zip of all;
provenance of each year; reference-vs-scraped tier disagreements; how to refresh."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.bundle import build_zip
from dashboard.tables import ALL_TABLES, BY_NAME

st.title("Data & sources")
ui.page_banner()
base = data.data_dir()
ts = data.table_set()
where = "`data/`" if data.is_default_data_dir() else f"`{base}`"
st.markdown(
    f"All figures come from plain CSV files in {where} (the current table set under `tables/`). Every "
    "table can be downloaded as it is, one row per fact; the zip holds all of them with a README (what "
    "each file is, sources, how to cite, licence). The report is a U.S. government work, in the public domain."
)
ui.how_to_cite()

loaded = {spec.name: data.load_table(spec.name) for spec in ALL_TABLES}


def _shown_path(t) -> str:
    """A table's path as the reader should see it: relative to the data directory when inside it."""
    try:
        rel = t.path.relative_to(base)
    except ValueError:
        try:
            rel = Path("tables") / t.path.relative_to(ts.dir) if ts is not None else t.path
        except ValueError:
            rel = Path(t.path.name)
    return str(rel)


@st.cache_data(show_spinner=False, max_entries=8)
def _zip(present: tuple, version: str) -> bytes:
    files = []
    for name, path in present:
        t = data.load_table(name)
        if t.ok:
            files.append((BY_NAME[name], Path(path), len(t.df)))
    extra = [p for p in (data.lexicon_path(),) if p.exists()]
    return build_zip(version, files, extra)


present = tuple((n, str(t.path)) for n, t in loaded.items() if t.ok)
if present:
    version = ui.data_version_text()
    st.download_button(
        "Download all tables (zip with README)", data=_zip(present, version),
        file_name="tip-china-dashboard-data.zip", mime="application/zip", key="dl-zip",
        on_click="ignore", type="primary", icon=":material/folder_zip:",
    )
else:
    st.warning("No table could be loaded, so there is nothing to download yet.")

st.header("Tables")
for spec in ALL_TABLES:
    t = loaded[spec.name]
    status = (f"{len(t.df)} rows" if t.ok else ("missing" if t.status == "missing" else "unreadable"))
    with st.expander(f"**{spec.relpath}** · {spec.title} · {status}", expanded=False):
        st.markdown(f"{spec.description} One row per {spec.one_row_per}. Written by: {spec.written_by}.")
        st.caption(f"File: `{_shown_path(t)}`")
        if t.ok:
            ui.download_csv(t.df, Path(spec.relpath).name, key=f"dl-{spec.name}",
                            label=f"Download {Path(spec.relpath).name} ({len(t.df)} rows)")
        elif t.status == "corrupt":
            ui.show_problem(t)
        else:
            st.caption(f"Not present yet: {t.message}.")
        st.dataframe(pd.DataFrame({"column": list(spec.described), "meaning": list(spec.described.values())}),
                     hide_index=True, width="stretch")

st.header("Provenance of each year")
narr, cov = loaded["narratives"], loaded["coverage"]
if narr.has_rows:
    st.dataframe(
        ui.http_links(narr.df[["year", "source_url", "fetched_url", "fetched_at", "sha256", "word_count",
                               "paragraph_count"]], "source_url", "fetched_url"),
        hide_index=True, width="stretch",
        column_config={"year": st.column_config.NumberColumn("Year", format="%d"),
                       "source_url": st.column_config.LinkColumn("Source (state.gov)"),
                       "fetched_url": st.column_config.LinkColumn("Fetched from")},
    )
else:
    ui.refresh_hint("the provenance of each year")
if cov.has_rows:
    st.markdown("**Coverage of the last refresh**")
    st.dataframe(cov.df, hide_index=True, width="stretch",
                 column_config={"year": st.column_config.NumberColumn("Year", format="%d")})
elif cov.status == "corrupt":
    ui.show_problem(cov)

st.header("Reference vs scraped tiers")
tiers = loaded["tiers"]
if tiers.ok and "agrees" in tiers.df.columns:
    scraped = tiers.df[tiers.df["origin"] == "scraped"]
    dis = scraped[scraped["agrees"].astype(str).str.lower() == "false"]
    if scraped.empty:
        st.markdown("No tier has been scraped yet: every tier shown is from the reference table.")
    elif dis.empty:
        st.success(f"All {len(scraped)} scraped tiers agree with the reference table.")
    else:
        st.warning(f"{len(dis)} of {len(scraped)} scraped tiers disagree with the reference table. Neither is "
                   "preferred silently: the charts show the scraped tier and mark the reference tier.")
        st.dataframe(ui.http_links(dis[["year", "tier", "reference_tier", "tier_sentence", "source_url",
                                        "reference_source_url"]], "source_url", "reference_source_url"),
                     hide_index=True, width="stretch", row_height=ui.WRAP_ROW_HEIGHT,
                     column_config={"year": st.column_config.NumberColumn("Year", format="%d", width="small"),
                                    "tier_sentence": st.column_config.TextColumn("Tier sentence", width="large"),
                                    "source_url": st.column_config.LinkColumn("Report page"),
                                    "reference_source_url": st.column_config.LinkColumn("Reference source")})
elif tiers.status == "corrupt":
    ui.show_problem(tiers)

st.header("How to refresh")
st.markdown("The dashboard never scrapes. Whoever runs it updates the tables from the command line:")
st.code(f"{data.REFRESH_COMMAND}          # fetch every report year (internet), then rebuild all tables\n"
        "python -m scrapers parse            # rebuild the tables offline from the raw page cache\n"
        "python -m scrapers status           # which years are present, missing, and why", language="bash")
st.caption("A refresh publishes a new table set; the page shows it on the next interaction, with no restart.")
