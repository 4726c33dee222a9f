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


@st.cache_resource(show_spinner=False, max_entries=4)
def _quantifier_finder(lexicon_key: tuple):
    from functools import lru_cache

    from dashboard.data import load_lexicon

    lexicon, _ = load_lexicon()
    if lexicon is None:
        return None
    try:
        from analysis.claims import attached_quantifiers
    except ImportError:
        return None

    @lru_cache(maxsize=20_000)
    def words(sentence: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.text for q in attached_quantifiers(sentence, lexicon)))

    return words


def quantifier_finder():
    """sentence -> the quantifier words attached to its North Korean phrase (the rule the NGO-figure
    verdicts use, analysis.claims.attached_quantifiers), memoised; None without a lexicon."""
    from dashboard.data import _signature, lexicon_path

    finder = _quantifier_finder(_signature(lexicon_path()))
    return (lambda s: list(finder(s))) if finder is not None else None


@st.cache_resource(show_spinner=False, max_entries=256)
def figure(kind: str, data_key: tuple, params: tuple, _build):
    """A chart built once per (kind, data version, parameters): `_build()` runs on a miss only.
    The figure is shared between reruns: never modify it after it is returned."""
    return _build()
