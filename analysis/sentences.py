"""Sentence splitter for report prose: offsets into the original text, no text lost or duplicated.

A sentence ends at ".", "!" or "?" (plus any closing quotes or brackets) followed by whitespace and
then a capital letter, a digit or an opening quote/bracket, or by the end of the text; and at a
blank line. A "." does not end a sentence after a known abbreviation ("No.", "Dr.", "Jan.",
"approx."), after a single capital (initials: "J. Smith"), after dotted forms ("U.S.", "e.g.",
"i.e.", "P.R.C."), or inside a number ("3.5"). A lowercase word after "etc." continues the sentence.
"""
from __future__ import annotations

import re
from typing import NamedTuple

# Abbreviations after which "." never ends a sentence (matched case-insensitively, as whole
# words). These are rules of English punctuation, not a victim lexicon.
ABBREVIATIONS = tuple(
    """
    no nos dr mr mrs ms messrs prof st sr jr gen col lt capt sgt gov rep sen pres amb
    jan feb mar apr jun jul aug sep sept oct nov dec
    approx est ca cf vs al fig figs para paras art arts sec secs ch vol p pp op dept univ
    """.split()
)
_CLOSERS = "\"'\u201d\u2019)\\]"
_STARTERS = "A-Z0-9\"'\u201c\u2018(\\[{\u00c0-\u00de"


def _abbreviation_lookbehinds() -> str:
    """Look-behinds, each ending with the dot itself, that fail after an abbreviation or initial."""
    by_length: dict[int, list[str]] = {}
    for abbr in ABBREVIATIONS:
        by_length.setdefault(len(abbr), []).append(re.escape(abbr))
    lookbehinds = "".join(
        rf"(?<!\b(?i:{'|'.join(sorted(words))})\.)" for _, words in sorted(by_length.items())
    )
    lookbehinds += r"(?<!\b[A-Z]\.)"  # initials, and the last letter of U.S. / P.R.C.
    lookbehinds += r"(?<!\b[A-Za-z]\.[A-Za-z]\.)"  # e.g. / i.e.
    return lookbehinds


_END_MARKS = frozenset(".!?" + _CLOSERS)  # what a sentence-end match is made of (and a backslash)
_END_FOLLOWS = rf"[{_CLOSERS}]*(?=\s+[{_STARTERS}]|\s*$)"


def _build_end_regex() -> re.Pattern:
    r"""The rule is (?:\.[.!?]+|[!?][.!?]*|\.LOOKBEHINDS) then _END_FOLLOWS. It is written with one
    character class first, [.!?], so the engine skips to the next candidate at C speed; each branch
    then checks the character it took, in the rule's order: the same matches (tests compare them)."""
    return re.compile(rf"[.!?](?:(?<=\.)[.!?]+|(?<=[!?])[.!?]*|(?<=\.){_abbreviation_lookbehinds()}){_END_FOLLOWS}")


_END_RE = _build_end_regex()
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n")


class Sentence(NamedTuple):
    """One sentence: text == original[start:end], never empty, no surrounding whitespace. (A named
    tuple: immutable, and made several times faster than a frozen dataclass.)"""

    start: int
    end: int
    text: str


def _cuts(text: str) -> list[int]:
    """The offsets where sentences may end (ascending, distinct), the end of the text last."""
    cuts = [m.end() for m in _END_RE.finditer(text)]
    if "\n" in text:
        cuts = sorted(set(cuts + [m.start() for m in _BLANK_LINE_RE.finditer(text)]))
    cuts.append(len(text))
    return cuts


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences in order; whitespace between sentences belongs to none of them."""
    if not isinstance(text, str):
        raise TypeError(f"split_sentences expects a str, got {type(text).__name__}")
    out: list[Sentence] = []
    start = 0
    cuts = _cuts(text)
    if "\n" not in text:
        # every cut but the last ends a sentence-end match, so the piece before it holds that match and
        # ends with it (not whitespace): only its start needs stripping
        for cut in cuts[:-1]:
            rest = text[start:cut].lstrip()
            out.append(Sentence(cut - len(rest), cut, rest))
            start = cut
        cuts = cuts[-1:]
    for cut in cuts:
        chunk = text[start:cut]
        stripped = chunk.strip()
        if stripped:
            s = start + (len(chunk) - len(chunk.lstrip()))
            out.append(Sentence(s, s + len(stripped), stripped))
        start = cut
    return out


def count_sentences(text: str) -> int:
    """len(split_sentences(text)), without making the sentences.

    Without a line break the cuts are the ends of sentence-end matches and the end of the text.
    Each match begins with ".", "!" or "?" at or after the previous cut, so the text up to its end
    is never blank: there are as many sentences as matches, plus one when text is left after the
    last, i.e. unless a match ends the text (found by one search over the end marks that end it).
    With line breaks (blank-line cuts can leave blank pieces) the pieces are tested."""
    if not isinstance(text, str):
        raise TypeError(f"count_sentences expects a str, got {type(text).__name__}")
    if "\n" not in text:
        count = len(_END_RE.findall(text))  # counted in C
        end = len(text.rstrip())
        run = end  # the run of end marks and closers that ends the text
        while run and text[run - 1] in _END_MARKS:
            run -= 1
        # a match is made of end marks and closers and followed by whitespace or the end, so a match
        # that ends the text starts inside that run (and search from its start meets what finditer does)
        closed = run < end and _END_RE.search(text, run) is not None
        return count + (1 if end and not closed else 0)
    cuts = _cuts(text)
    return sum(1 for start, cut in zip([0] + cuts, cuts) if text[start:cut].strip())
