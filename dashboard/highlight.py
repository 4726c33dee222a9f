"""Which stretches of a paragraph name which group: analysis.matching with the lexicon, else (no
usable lexicon) the matched terms kwic.csv lists."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import load_lexicon, load_table, lexicon_path
from analysis.matching import find_matches
from dashboard.textsafe import find_literal_spans


@st.cache_data(show_spinner=False, max_entries=64)
def year_spans(year: int, para_sig: tuple, kwic_sig: tuple, lex_sig: tuple,
               country: str = "") -> tuple[dict[int, list[tuple[int, int, str]]], str]:
    """{paragraph_index: [(start, end, group), ...]} for one year (of one country when given), and a
    note on the method used."""
    paragraphs = load_table("paragraphs")
    if not paragraphs.ok:
        return {}, paragraphs.message
    rows = paragraphs.df[paragraphs.df["year"] == year]
    if country:
        rows = rows[rows["country"] == country]
    out: dict[int, list[tuple[int, int, str]]] = {}
    lexicon, lex_note = load_lexicon()
    if lexicon is not None:
        try:
            for idx, text in zip(rows["paragraph_index"].astype(int), rows["text"]):
                spans = []
                for m in find_matches(str(text), lexicon):
                    start, end, group = int(getattr(m, "start")), int(getattr(m, "end")), str(getattr(m, "group"))
                    spans.append((start, end, group))
                out[idx] = spans
            return out, ""
        except Exception as exc:  # noqa: BLE001 - fall back to kwic terms rather than fail the page
            lex_note = f"analysis.matching failed ({type(exc).__name__}: {exc})"
            out = {}
    kwic = load_table("kwic")
    if not kwic.has_rows:
        return {}, (lex_note or "no lexicon") + "; no kwic.csv to fall back on"
    k = kwic.df[kwic.df["year"] == year]
    if country:
        k = k[k["country"] == country]
    texts = dict(zip(rows["paragraph_index"].astype(int), rows["text"].astype(str)))
    for (idx, group), part in k.groupby([k["paragraph_index"].astype(int), "group"]):
        text = texts.get(int(idx))
        if text is None:
            continue
        terms = [(term, group) for term in part["term"].astype(str).unique()]
        out.setdefault(int(idx), []).extend((s.start, s.end, s.family) for s in find_literal_spans(text, terms))
    note = (lex_note or "no lexicon") + "; highlighting the matched terms listed in kwic.csv instead"
    return out, note


def spans_for_year(year: int, country: str = "") -> tuple[dict[int, list[tuple[int, int, str]]], str]:
    """Cached spans for one year (of one country when given), keyed on the files' signatures so a
    refresh invalidates them."""
    para_sig = load_table("paragraphs").signature
    kwic_sig = load_table("kwic").signature
    path = lexicon_path()
    lex_sig = (str(path), path.stat().st_mtime_ns if path.exists() else -1)
    return year_spans(int(year), para_sig, kwic_sig, lex_sig, country)


def nk_sentences(kwic: pd.DataFrame, year: int) -> list[str]:
    """Sentences naming North Korean people in one year, in printed order."""
    k = kwic[(kwic["group"] == "north_korean") & (kwic["year"] == year)]
    k = k.sort_values(["paragraph_index", "sentence_index"])
    return list(dict.fromkeys(k["sentence"].astype(str)))
