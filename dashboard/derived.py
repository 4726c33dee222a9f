"""Pure table logic the pages lay out (no Streamlit): which years the corpus holds, the filtered
keyword-in-context rows and their CSV, and the quantifier tally of sentences about North Koreans.

Pages call these and only arrange the results, so every rule here is unit-tested on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.schema import KWIC_TABLE, SENTENCES, SUBJECT_GROUP

KWIC_COLUMNS: tuple[str, ...] = KWIC_TABLE.columns  # kwic.csv's columns, in its order
KWIC_INT_COLUMNS = ("year", "paragraph_index", "sentence_index")
NK_GROUP = SUBJECT_GROUP
WOMEN_PATTERN = r"\b(?:women|woman|girls?|females?|brides?|wives)\b"


def corpus_years(*frames: pd.DataFrame | None) -> list[int]:
    """Report years with parsed narrative text: the years of the first non-empty frame given
    (narratives, then paragraphs, then mentions, in the order the caller passes them)."""
    for df in frames:
        if df is not None and len(df) and "year" in df.columns:
            return sorted({int(y) for y in df["year"].unique()})
    return []


def filter_kwic(kwic: pd.DataFrame, groups: list[str] | None = None, years: tuple[int, int] | None = None,
                needle: str = "") -> pd.DataFrame:
    """The matched sentences of the chosen groups and report years whose sentence contains `needle`
    (literal, case-insensitive; blank = all), in kwic.csv's order."""
    out = kwic
    if groups is not None:
        out = out[out["group"].isin(groups)]
    if years is not None:
        out = out[(out["year"] >= years[0]) & (out["year"] <= years[1])]
    needle = (needle or "").strip()
    if needle:
        out = out[out["sentence"].astype(str).str.contains(needle, case=False, regex=False, na=False)]
    return out


def kwic_csv_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of kwic.csv ready for download: exactly kwic.csv's columns in its order (country
    included), year/paragraph_index/sentence_index as integers, paragraph_index counting from 0
    as in kwic.csv (the screen's ¶ column is paragraph_index + 1)."""
    out = rows.reindex(columns=list(KWIC_COLUMNS)).copy()
    for col in KWIC_INT_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return out.fillna({c: "" for c in KWIC_COLUMNS if c not in KWIC_INT_COLUMNS}).reset_index(drop=True)


@dataclass(frozen=True)
class QuantifierTally:
    """Sentences naming North Korean people (optionally only about women and girls), and how many
    of them carry each quantifier word (a sentence counts once per distinct word)."""

    sentences: pd.DataFrame      # the kwic rows considered
    tally: pd.DataFrame          # columns: quantifier, sentences (most first, then alphabetical)

    @property
    def words(self) -> list[str]:
        return self.tally["quantifier"].tolist()


def quantifier_tally(kwic: pd.DataFrame, *, women_only: bool = True,
                     years: tuple[int, int] | None = None) -> QuantifierTally:
    """The report's quantifier words in sentences naming North Korean people (kwic.csv's
    `quantifiers` column); with women_only, only sentences about women, girls, brides or wives."""
    nk = kwic[kwic["group"] == NK_GROUP]
    if years is not None:
        nk = nk[(nk["year"] >= years[0]) & (nk["year"] <= years[1])]
    if women_only:
        nk = nk[nk["sentence"].astype(str).str.contains(WOMEN_PATTERN, case=False, regex=True, na=False)]
    words = nk.assign(quantifier=nk["quantifiers"].astype(str).str.split(";")).explode("quantifier")
    words["quantifier"] = words["quantifier"].astype(str).str.strip()
    words = words[words["quantifier"] != ""]
    words = words.drop_duplicates(["year", "paragraph_index", "sentence_index", "quantifier"])
    counts = words.groupby("quantifier").size().rename(SENTENCES).reset_index()
    counts = counts.sort_values([SENTENCES, "quantifier"], ascending=[False, True]).reset_index(drop=True)
    return QuantifierTally(nk, counts)


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    """'1 sentence', '2 sentences'."""
    return f"{n} {word if n == 1 else (plural_word or word + 's')}"
