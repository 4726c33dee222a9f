"""Text normalisation shared by the parsers: typographic characters to ASCII, spaces collapsed."""
from __future__ import annotations

import re

# Typographic quotes/apostrophes to ASCII, exotic spaces to a plain space, invisible characters out.
_TRANSLATION = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
        "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
        "\u3000": " ", "\t": " ", "\r": " ", "\n": " ", "\f": " ", "\v": " ",
        "\u2026": "...",
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
    }
)
# Entities that survive one round of HTML parsing when a page double-escaped them ("&amp;nbsp;").
_LEFTOVER_SPACE_ENTITIES = re.compile(r"&(?:nbsp|#160|#xa0|ensp|emsp|thinsp);", re.IGNORECASE)
# The same table as (character, replacement) pairs: str.replace of the few characters present is
# several times faster than str.translate over the whole text (the parser's hot path).
_REPLACEMENTS = tuple((chr(code), value or "") for code, value in _TRANSLATION.items())


def normalise_text(text: str) -> str:
    """Return `text` with typographic quotes as ASCII, NBSP/`&nbsp;` as spaces, whitespace collapsed."""
    if not text:
        return ""
    if not text.isascii():
        for char, replacement in _REPLACEMENTS:
            if char in text:
                text = text.replace(char, replacement)
    if "&" in text:
        text = _LEFTOVER_SPACE_ENTITIES.sub(" ", text)
    # Every whitespace character of str.split() but the space is unprintable: printable text holds
    # only single spaces between its words when it has no double space, and then needs only its
    # ends trimmed (two fast scans instead of splitting the text into words and joining them).
    if text.isprintable() and "  " not in text:
        return text.strip(" ")
    return " ".join(text.split())


def fold_case(text: str) -> str:
    """Normalised, case-folded text for case-insensitive comparisons (not analysis.text.fold, which
    keeps case and length for match offsets)."""
    return normalise_text(text).casefold()


def word_count(text: str) -> int:
    """Number of whitespace-separated words in `text`."""
    return len(text.split())
