"""Keyword-in-context table: one row per matched sentence x group, with kinds and quantifiers."""
from __future__ import annotations

import pandas as pd

from analysis.corpus import CorpusScan
from analysis.lexicon import Lexicon
from analysis.schema import JOIN, KWIC_TABLE

KWIC_COLUMNS = list(KWIC_TABLE.columns)


def kwic_table(scan: CorpusScan, lexicon: Lexicon) -> pd.DataFrame:
    """Rows sorted by country, year, paragraph_index, sentence_index, lexicon group order.

    kinds (north_korean rows only), quantifiers and term are ';'-joined; term lists each distinct
    matched phrase as printed, sentence is the sentence with whitespace collapsed."""
    order = {slug: i for i, slug in enumerate(lexicon.groups)}
    hits = sorted(scan.hits, key=lambda h: (h.country, h.year, h.paragraph_index, h.sentence_index, order.get(h.group, len(order))))
    urls = {key: yf.source_url for key, yf in scan.years.items()}
    columns = {
        "country": [h.country for h in hits], "year": [h.year for h in hits], "group": [h.group for h in hits],
        "kinds": [JOIN.join(h.kinds) for h in hits], "quantifiers": [JOIN.join(h.quantifiers) for h in hits],
        "section": [h.section for h in hits], "paragraph_index": [h.paragraph_index for h in hits],
        "sentence_index": [h.sentence_index for h in hits], "term": [JOIN.join(h.terms) for h in hits],
        "sentence": [h.sentence for h in hits], "source_url": [urls[(h.country, h.year)] for h in hits],
    }
    df = pd.DataFrame({name: columns[name] for name in KWIC_COLUMNS})
    return df.astype({"year": "int64", "paragraph_index": "int64", "sentence_index": "int64"})
