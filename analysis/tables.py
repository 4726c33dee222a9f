"""Builds the analysis tables (mentions, mention_sections, kwic, claims) from the corpus tables.

PLACEHOLDER written by the lead so the pipeline can call it; the analysis work replaces the body.
"""
from __future__ import annotations

import pandas as pd

MENTIONS_COLUMNS = [
    "country", "year", "group", "term_hits", "sentences", "paragraphs", "per_1000_words",
    "share_of_sentences", "first_paragraph_index", "first_position", "total_sentences", "word_count",
]
MENTION_SECTIONS_COLUMNS = [
    "country", "year", "group", "section", "term_hits", "sentences", "paragraphs", "section_sentences",
]
KWIC_COLUMNS = [
    "country", "year", "group", "kinds", "quantifiers", "section", "paragraph_index",
    "sentence_index", "term", "sentence", "source_url",
]
CLAIMS_COLUMNS = [
    "claim_id", "claim", "quote", "citation", "report_year", "figure", "denominator", "verdict",
    "evidence", "links",
]


def build_analysis_tables(paragraphs, narratives, tiers, lexicon, essay_claims) -> dict[str, pd.DataFrame]:
    """Return {'mentions', 'mention_sections', 'kwic', 'claims'} DataFrames (placeholder: empty)."""
    return {
        "mentions": pd.DataFrame(columns=MENTIONS_COLUMNS),
        "mention_sections": pd.DataFrame(columns=MENTION_SECTIONS_COLUMNS),
        "kwic": pd.DataFrame(columns=KWIC_COLUMNS),
        "claims": pd.DataFrame(columns=CLAIMS_COLUMNS),
    }
