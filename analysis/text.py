"""Character folding used before matching: same length in, same length out, so offsets stay valid."""
from __future__ import annotations

import re

# Typographic characters folded to their ASCII forms (one character to one character).
_FOLD = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",   # ’ ‘ ʼ ′
    "\u201c": '"', "\u201d": '"',                                 # “ ”
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
}
_WHITESPACE_RE = re.compile(r"\s+")


_ASCII_WHITESPACE_RE = re.compile(r"[\t\n\r\f\v\x1c-\x1f]")


def _build_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _FOLD.items()}
    # Every whitespace character (newline, tab, no-break space, thin space ...) becomes " ".
    for code in range(0x3000 + 1):
        ch = chr(code)
        if ch.isspace() and ch != " ":
            table[code] = " "
    return table


_TABLE = _build_table()


def fold(text: str) -> str:
    """Return text with typographic quotes/dashes folded to ASCII and every whitespace char made " ".

    The result has exactly the same length as the input, so match offsets apply to the original.
    """
    if text.isascii():  # the common case, without a per-character table lookup
        # printable ASCII holds no control character, so no whitespace but " ": nothing to fold
        return text if text.isprintable() else _ASCII_WHITESPACE_RE.sub(" ", text)
    return text.translate(_TABLE)


def collapse_whitespace(text: str) -> str:
    """Return text with every run of whitespace replaced by one space, stripped at both ends."""
    if "  " not in text and text.isascii() and text.isprintable():  # its only whitespace: single spaces
        return text.strip(" ")
    return _WHITESPACE_RE.sub(" ", text).strip()
