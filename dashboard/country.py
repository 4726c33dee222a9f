"""One country at a time, for the pages that read one narrative at a time.

The tables hold every country read (`country` = registry slug). Read and Mentions show one country,
chosen with `country_selector` (shown only when the data holds more than one; `?country=slug` in the
URL, China by default); Overview and Essay are about China. A page asks the loader for that country's
rows only (`data.load_table(name, country=...)`: read once per data version and country, server-wide).
"""
from __future__ import annotations

import streamlit as st

from dashboard import cached, data, permalink
from dashboard.world import CHINA, country_info

DEFAULT = CHINA
STATE_KEY = "country"
URL_KEY = "country"


def _by_name(slugs) -> list[str]:
    return sorted(set(slugs), key=lambda s: (s != DEFAULT, country_info(s).name))


def countries(*tables: str | data.Loaded) -> list[str]:
    """Countries with rows in any of the tables (names, or tables as loaded), China first, then by
    display name."""
    found: set[str] = set()
    for name in (t.name if isinstance(t, data.Loaded) else t for t in tables):
        t = data.load_table(name, columns=["country"])
        if t.ok:
            found.update(cached.once("countries", t.key, (), lambda: tuple(t.df["country"].astype(str).unique())))
    return _by_name(found)


def for_country(t: str | data.Loaded, country: str) -> data.Loaded:
    """Table `t` (a name, or a table as loaded) with only `country`'s rows, read so by the loader:
    never the whole table first (kwic holds a million rows on the whole report). A missing or
    damaged table comes back with the loader's message."""
    return data.load_table(t if isinstance(t, str) else t.name, country=country)


def country_selector(*tables: str | data.Loaded, label: str = "Country") -> str:
    """The country the page shows: a selectbox (with `?country=` in the URL) when the tables hold
    more than one, else the one they hold (China when they hold none)."""
    options = countries(*tables)
    if len(options) <= 1:
        return options[0] if options else DEFAULT
    default = DEFAULT if DEFAULT in options else options[0]
    permalink.seed_single(STATE_KEY, options, default, url=URL_KEY)
    value = st.selectbox(label, options, key=STATE_KEY, format_func=lambda s: country_info(s).name,
                         help="Every country whose narrative has been read; China by default.")
    permalink.write_url(URL_KEY, value, default)
    return value


def name(slug: str) -> str:
    """A country's display name."""
    return country_info(slug).name
