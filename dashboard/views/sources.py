"""Data & sources: every table with its data dictionary, row count and download; the zip of all;
provenance of each year; reference-vs-scraped tier disagreements; how to refresh."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.bundle import build_zip
from dashboard.tables import ALL_TABLES, BY_NAME

st.title("Data & sources")
ui.page_banner()
where = "`data/`" if data.is_default_data_dir() else f"`{data.data_dir()}`"
st.markdown(
    f"All figures come from plain CSV files in {where} (the current table set under `tables/`). Every "
    "table can be downloaded as it is, one row per fact; the zip holds all of them with a README (what "
    "each file is, sources, how to cite, licence). The report is a U.S. government work, in the public domain."
)
ui.how_to_cite()

# Only each file's row count and status (from the Parquet footer: no row is read); the provenance
# and tier sections below load the three small tables they show.
loaded = {spec.name: data.table_rows(spec.name) for spec in ALL_TABLES}


def _zip(present: list[tuple[str, object]], version: str) -> Callable[[], bytes]:
    """The zip of every loaded table with its README, built when the user clicks."""
    def build() -> bytes:
        files = [(BY_NAME[name], t.path, t.rows) for name, t in present]
        return build_zip(version, files, [p for p in (data.lexicon_path(),) if p.exists()])
    return build


present = [(n, t) for n, t in loaded.items() if t.status == "ok"]
if present:
    st.download_button(
        "Download all tables (zip with README)", data=_zip(present, ui.data_version_text()),
        file_name="tip-china-dashboard-data.zip", mime="application/zip", key="dl-zip",
        on_click="ignore", type="primary", icon=":material/folder_zip:",
    )
else:
    st.warning("No table could be loaded, so there is nothing to download yet.")

st.header("Tables")
st.markdown("What each file holds, column by column, and the function that computes each column "
            "(the data dictionary of `analysis/schema.py`, also in `docs/data.md`).")
for spec in ALL_TABLES:
    t = loaded[spec.name]
    status = (f"{t.rows} rows" if t.status == "ok" else ("missing" if t.status == "missing" else "unreadable"))
    file = Path(spec.relpath).name
    with st.expander(f"**{spec.relpath}** · {spec.schema.title} · {status}", expanded=False):
        about = spec.schema
        st.markdown(f"{about.description} One row per {about.one_row_per}. Written by: {about.written_by}.")
        st.caption(f"File: `{spec.location}` in the data directory")
        if t.status == "ok":
            st.download_button(f"Download {file} ({t.rows} rows)", data=data.file_bytes(t), file_name=file,
                               mime="text/csv", key=f"dl-{spec.name}", on_click="ignore", icon=":material/download:")
        elif t.status == "corrupt":
            ui.show_problem(t)
        else:
            st.caption(f"Not present yet: {t.message}.")
        st.dataframe(pd.DataFrame({"column": list(spec.described), "meaning": list(spec.described.values())}),
                     hide_index=True, width="stretch")

st.header("Provenance of each year")
narr, cov = data.load_table("narratives"), data.load_table("coverage")
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
tiers = data.load_table("tiers")
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
st.markdown("The dashboard fetches report pages only when its operator allows it: run on your own machine, the "
            "Overview offers **Fetch the report text now** (the same refresh as the command line); a hosted app "
            "offers it only when the operator sets `TIPDASH_ALLOW_FETCH=1` (docs/deploy.md). Otherwise whoever "
            "runs it updates the tables from the command line:")
st.code(f"{data.REFRESH_COMMAND}          # fetch every report year (internet), then rebuild all tables\n"
        "python -m scrapers parse            # rebuild the tables offline from the raw page cache\n"
        "python -m scrapers status           # which years are present, missing, and why", language="bash")
st.caption("A refresh publishes a new table set; the page shows it on the next interaction, with no restart.")
