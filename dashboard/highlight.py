"""Which stretches of a paragraph name which group: analysis.matching with the lexicon, else (no
usable lexicon) the matched terms kwic.csv lists."""
from __future__ import annotations

import pandas as pd

from analysis.matching import find_matches
from dashboard import cached, data
from dashboard.derived import NK_GROUP
from dashboard.textsafe import find_literal_spans

Spans = dict[int, list[tuple[int, int, str]]]


def year_spans(rows: pd.DataFrame, lexicon, kwic: pd.DataFrame | None, lex_note: str = "") -> tuple[Spans, str]:
    """{paragraph_index: [(start, end, group), ...]} for one year's paragraph rows, and a note on the
    method used (empty when the lexicon did it)."""
    out: Spans = {}
    if lexicon is not None:
        try:
            for idx, text in zip(rows["paragraph_index"].astype(int), rows["text"]):
                out[idx] = [(int(m.start), int(m.end), str(m.group)) for m in find_matches(str(text), lexicon)]
            return out, ""
        except Exception as exc:  # noqa: BLE001 - fall back to kwic terms rather than fail the page
            lex_note = f"analysis.matching failed ({type(exc).__name__}: {exc})"
            out = {}
    if kwic is None or not len(kwic):
        return {}, (lex_note or "no lexicon") + "; no kwic.csv to fall back on"
    texts = dict(zip(rows["paragraph_index"].astype(int), rows["text"].astype(str)))
    for (idx, group), part in kwic.groupby([kwic["paragraph_index"].astype(int), "group"]):
        text = texts.get(int(idx))
        if text is None:
            continue
        terms = [(term, group) for term in part["term"].astype(str).unique()]
        out.setdefault(int(idx), []).extend((s.start, s.end, s.family) for s in find_literal_spans(text, terms))
    return out, (lex_note or "no lexicon") + "; highlighting the matched terms listed in kwic.csv instead"


def spans_for_year(year: int, country: str) -> tuple[Spans, str]:
    """The spans of one country's year, built once per data version and lexicon version."""
    paragraphs = data.load_table("paragraphs", country=country)
    if not paragraphs.ok:
        return {}, paragraphs.message
    kwic = data.load_table("kwic", country=country)

    def build():
        lexicon, note = data.load_lexicon()
        rows = paragraphs.df[paragraphs.df["year"] == year]
        k = kwic.df[kwic.df["year"] == year] if kwic.ok else None
        return year_spans(rows, lexicon, k, note)

    return cached.once("spans", (paragraphs.key, kwic.key, data.lexicon_key()), (int(year),), build)


def nk_sentences(kwic: pd.DataFrame, year: int) -> list[str]:
    """Sentences naming North Korean people in one year, in printed order; a sentence the report
    prints twice is listed twice (as mentions.csv counts it)."""
    k = kwic[(kwic["group"] == NK_GROUP) & (kwic["year"] == year)]
    return k.sort_values(["paragraph_index", "sentence_index"])["sentence"].astype(str).tolist()
