"""The free phrase search: analysis.search.count_phrase over paragraphs.csv, cached, errors as messages."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analysis.search import PatternError, count_phrase
from dashboard.data import Loaded

MAX_PATTERN = 200
SEARCH_TIMEOUT_S = 2.0  # a visitor's runaway regular expression is stopped, not left to hang a thread
PHRASE_HELP = (
    "Counts hits, sentences and paragraphs per report year. Literal and case-insensitive by default; "
    "tick 'Regular expression' for a Python regular expression."
)


@dataclass(frozen=True)
class PhraseResult:
    """Counts per year (columns year, hits, sentences, paragraphs), or an error message for the user."""

    counts: pd.DataFrame | None
    error: str = ""


@st.cache_resource(show_spinner="Searching every year…", max_entries=64)
def _search_cached(key: tuple, pattern: str, regex: bool, _rows: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    try:
        counts = count_phrase(_rows, pattern, regex=regex, timeout=SEARCH_TIMEOUT_S)
    except PatternError as exc:
        hint = " Untick 'Regular expression' to search for the text literally." if regex else ""
        return None, f"The search could not run: {exc}.{hint}"
    return counts.sort_values("year").reset_index(drop=True), ""


def run_phrase_search(paragraphs: Loaded, pattern: str, regex: bool) -> PhraseResult:
    """Count `pattern` in every year's paragraphs (the rows `paragraphs` holds: one country's, as the
    page loaded them); never raises for a bad pattern."""
    pattern = pattern.strip()
    if len(pattern) > MAX_PATTERN:
        return PhraseResult(None, f"The phrase is too long ({len(pattern)} characters; at most {MAX_PATTERN}).")
    if not paragraphs.ok:
        return PhraseResult(None, paragraphs.message)
    counts, error = _search_cached(paragraphs.key, pattern, bool(regex), paragraphs.df)
    return PhraseResult(counts, error)
