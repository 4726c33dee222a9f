"""Free phrase search over the paragraphs table, counted per report year (for the dashboard)."""
from __future__ import annotations

import re
import time
from bisect import bisect_right

import pandas as pd
import regex as regex_engine  # the `regex` package: like re, plus a time limit per search

from analysis.frames import as_int, as_text, require_columns
from analysis.sentences import split_sentences
from analysis.text import fold

SEARCH_COLUMNS = ["year", "hits", "sentences", "paragraphs"]
MAX_PATTERN_LENGTH = 500


class PatternError(ValueError):
    """The search pattern cannot be used; the message says why."""


def compile_phrase(pattern: str, regex: bool = False) -> regex_engine.Pattern:
    """Compile a search: literal (whitespace runs match any whitespace) or a regex; case-insensitive."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError("the search pattern is empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"the search pattern is longer than {MAX_PATTERN_LENGTH} characters")
    source = fold(pattern).strip()
    if regex:
        body = source
    else:
        body = r"\s+".join(re.escape(part) for part in source.split())
    try:
        rx = regex_engine.compile(body, regex_engine.IGNORECASE)
    except regex_engine.error as exc:
        raise PatternError(f"not a valid regular expression: {exc} (pattern {pattern!r})") from None
    if rx.search("") is not None:
        raise PatternError(f"the pattern {pattern!r} matches empty text; make it match at least one character")
    return rx


def count_phrase(paragraphs: pd.DataFrame, pattern: str, regex: bool = False,
                 timeout: float | None = None) -> pd.DataFrame:
    """Per report year: hits, sentences with a hit, paragraphs with a hit.

    Literal and case-insensitive by default (typographic quotes folded); regex=True takes a Python
    regular expression. One row for every year present in paragraphs, zeros kept, sorted by year.
    timeout (seconds, for the whole search) stops a runaway pattern, e.g. one a visitor typed.
    Raises PatternError on an empty or bad pattern, or when the search runs out of time."""
    rx = compile_phrase(pattern, regex)
    require_columns(paragraphs, ["year", "text"], "paragraphs")
    deadline = None if timeout is None else time.monotonic() + timeout
    counts: dict[int, list[int]] = {}
    for y, t in zip(paragraphs["year"].tolist(), paragraphs["text"].tolist()):
        year = as_int(y, "paragraphs", "year")
        c = counts.setdefault(year, [0, 0, 0])
        text = as_text(t)
        left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        try:
            found = [m.start() for m in rx.finditer(fold(text), timeout=left)]
        except TimeoutError:
            raise PatternError(f"the search took longer than {timeout:g} s and was stopped; the pattern "
                               f"{pattern!r} backtracks too much, simplify it") from None
        if not found:
            continue
        starts = [s.start for s in split_sentences(text)] or [0]
        c[0] += len(found)
        c[1] += len({max(bisect_right(starts, f) - 1, 0) for f in found})
        c[2] += 1
    rows = [(y, *counts[y]) for y in sorted(counts)]
    return pd.DataFrame(rows, columns=SEARCH_COLUMNS).astype("int64")
