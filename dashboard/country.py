"""One country's rows of the multi-country tables, for the pages that read one narrative at a time.

The tables hold every country read (`country` = registry slug). Read and Mentions show one country,
chosen with `country_selector` (shown only when the data holds more than one; `?country=slug` in the
URL, China by default); Overview and Essay are about China. `for_country` gives a page the same
`Loaded` record with only that country's rows: filtered once per data version and country (kept with
st.cache_resource, never copied per rerun), its key extended by the country so that every cache
keyed on it tells countries apart. A table that holds only that country is returned unchanged.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.data import Loaded
from dashboard.world import CHINA, country_info
from dashboard.world_data import seed_single, write_url

DEFAULT = CHINA
STATE_KEY = "country"
URL_KEY = "country"


@st.cache_resource(show_spinner=False, max_entries=64)
def _countries(name: str, key: tuple, _df: pd.DataFrame) -> tuple[str, ...]:
    """The countries a table version holds (China first, then by display name)."""
    slugs = set(_df["country"].astype(str).unique().tolist()) if "country" in _df.columns else set()
    return tuple(sorted(slugs, key=lambda s: (s != DEFAULT, country_info(s).name)))


@st.cache_resource(show_spinner=False, max_entries=128)
def _rows_of(name: str, key: tuple, country: str, _df: pd.DataFrame) -> pd.DataFrame:
    """One country's rows of a table version (shared between reruns: read-only)."""
    return _df[_df["country"] == country].reset_index(drop=True)


def countries(*tables: Loaded) -> list[str]:
    """Countries with rows in any of the tables, China first, then by display name."""
    found: set[str] = set()
    for t in tables:
        if t.ok and "country" in t.df.columns:
            found.update(_countries(t.name, t.key, t.df))
    return sorted(found, key=lambda s: (s != DEFAULT, country_info(s).name))


def for_country(t: Loaded, country: str) -> Loaded:
    """`t` with only `country`'s rows (same record, key extended); `t` itself when there is
    nothing to filter (not loaded, no country column, or only that country)."""
    if not t.ok or "country" not in t.df.columns:
        return t
    present = _countries(t.name, t.key, t.df)
    if present == (country,) or not present:
        return t
    return replace(t, df=_rows_of(t.name, t.key, country, t.df), key=(*t.key, ("country", country)))


def country_selector(*tables: Loaded, label: str = "Country") -> str:
    """The country the page shows: a selectbox (with `?country=` in the URL) when the tables hold
    more than one, else the one they hold (China when they hold none)."""
    options = countries(*tables)
    if len(options) <= 1:
        return options[0] if options else DEFAULT
    default = DEFAULT if DEFAULT in options else options[0]
    seed_single(STATE_KEY, URL_KEY, options, default)
    value = st.selectbox(label, options, key=STATE_KEY, format_func=lambda s: country_info(s).name,
                         help="Every country whose narrative has been read; China by default.")
    write_url(URL_KEY, value, default)
    return value


def name(slug: str) -> str:
    """A country's display name."""
    return country_info(slug).name
