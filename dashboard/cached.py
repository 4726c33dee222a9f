"""Derived data built once per data version (keyed by the tables' keys), not on every rerun.

`st.cache_resource` hands back the same object on every hit (no copy, no unpickling), so a widget
change reruns in milliseconds; callers must treat what they get as read-only.
"""
from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.data import Loaded

_LOADED_KEY = {Loaded: lambda t: (t.name, t.status, t.key)}


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=_LOADED_KEY)
def concordance_data(kwic: Loaded, narratives: Loaded, labels: tuple[tuple[str, str], ...]) -> charts.ConcordanceData:
    """Every matched sentence's position in its narrative and its hover text."""
    return charts.concordance_data(kwic.df if kwic.ok else None, narratives.df if narratives.ok else None,
                                   dict(labels))
