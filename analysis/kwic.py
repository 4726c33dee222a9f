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
    rows = [
        (
            h.country, h.year, h.group, JOIN.join(h.kinds), JOIN.join(h.quantifiers), h.section,
            h.paragraph_index, h.sentence_index, JOIN.join(h.terms), h.sentence,
            scan.years[(h.country, h.year)].source_url,
        )
        for h in hits
    ]
    df = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return df.astype({"year": "int64", "paragraph_index": "int64", "sentence_index": "int64"})
