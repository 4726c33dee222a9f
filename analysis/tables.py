"""Builds the analysis tables (mentions, mention_sections, kwic, recommendations, claims) from the corpus tables."""
from __future__ import annotations

import pandas as pd

from analysis.collector import paused_gc
from analysis.claims import CLAIMS_COLUMNS, evaluate_claims
from analysis.corpus import scan_corpus
from analysis.kwic import KWIC_COLUMNS, kwic_table
from analysis.lexicon import Lexicon, LexiconError
from analysis.mentions import MENTION_SECTIONS_COLUMNS, MENTIONS_COLUMNS, mention_sections_table, mentions_table
from analysis.recommendations import RECOMMENDATIONS_COLUMNS, recommendations_table

__all__ = [
    "MENTIONS_COLUMNS", "MENTION_SECTIONS_COLUMNS", "KWIC_COLUMNS", "CLAIMS_COLUMNS", "build_analysis_tables",
    "RECOMMENDATIONS_COLUMNS", "build_count_tables", "build_claims_table", "build_recommendations_table",
]


def build_analysis_tables(paragraphs, narratives, tiers, lexicon, essay_claims) -> dict[str, pd.DataFrame]:
    """Return {'mentions', 'mention_sections', 'kwic', 'recommendations', 'claims'} DataFrames (columns: analysis/schema.py, docs/data.md).

    paragraphs/narratives/tiers are the corpus tables, lexicon a parsed Lexicon, essay_claims the
    DataFrame of data/essay/claims.csv (None gives an empty claims table). Pure: no I/O."""
    counts = build_count_tables(paragraphs, narratives, lexicon)
    return {
        "mentions": counts["mentions"],
        "mention_sections": counts["mention_sections"],
        "kwic": counts["kwic"],
        "recommendations": build_recommendations_table(paragraphs, narratives, lexicon),
        "claims": build_claims_table(essay_claims, counts["mentions"], counts["kwic"], tiers, paragraphs, lexicon),
    }


def build_count_tables(paragraphs, narratives, lexicon) -> dict[str, pd.DataFrame]:
    """{'mentions', 'mention_sections', 'kwic'} of the given paragraphs and narratives. Each country-year
    is counted on its own, so the tables of several disjoint sets of countries, concatenated in
    country order, equal the tables of all of them at once. Pure: no I/O."""
    if not isinstance(lexicon, Lexicon):
        raise LexiconError(f"build_analysis_tables: lexicon must be a parsed Lexicon (analysis.lexicon.parse_lexicon), got {type(lexicon).__name__}")
    with paused_gc():
        scan = scan_corpus(paragraphs, narratives, lexicon)
        return {
            "mentions": mentions_table(scan, lexicon),
            "mention_sections": mention_sections_table(scan, lexicon),
            "kwic": kwic_table(scan, lexicon),
        }


def build_claims_table(essay_claims, mentions, kwic, tiers, paragraphs, lexicon) -> pd.DataFrame:
    """The claims table from the count tables and the corpus tables (empty when essay_claims is None)."""
    if essay_claims is None:
        return pd.DataFrame(columns=CLAIMS_COLUMNS)
    return evaluate_claims(essay_claims, mentions, kwic, tiers, paragraphs, lexicon)


def build_recommendations_table(paragraphs, narratives, lexicon) -> pd.DataFrame:
    """The recommendations table (analysis.recommendations.recommendations_table). Pure: no I/O."""
    if not isinstance(lexicon, Lexicon):
        raise LexiconError(f"build_recommendations_table: lexicon must be a parsed Lexicon, got {type(lexicon).__name__}")
    with paused_gc():
        return recommendations_table(paragraphs, narratives, lexicon)
