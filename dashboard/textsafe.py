"""Showing scraped text safely as Markdown: escape everything, add only our own highlight markup.

Scraped text never goes through unsafe_allow_html. Every ASCII punctuation character is
backslash-escaped (CommonMark allows that for all of them), so `<script>` renders as characters,
`*`/`_`/`[`/`:`/`$` cannot start emphasis, links, directives or LaTeX. An unbroken run of more than
MAX_RUN characters (no word is that long; a 100,000-character one would stall the browser's layout)
is cut there, with a marker saying how much was left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_SPACE = re.compile(r"\s+")
_SAFE_URL = re.compile(r"^https?://[^\s()<>\[\]`]+$", re.IGNORECASE)
MAX_RUN = 200  # longest unbroken run of characters shown; longer ones are cut with a marker
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of a text: [start, end) and the group's markdown colour family."""

    start: int
    end: int
    family: str


def cut_long_runs(text: str, limit: int = MAX_RUN) -> str:
    """Text whose unbroken runs longer than `limit` characters are cut to `limit`, followed by
    '… [N more characters]'."""
    return _LONG_RUN.sub(lambda m: f"{m.group(0)[:limit]}… [{len(m.group(0)) - limit:,} more characters]",
                         text) if len(text) > limit else text


def escape_markdown(text: str) -> str:
    """Text with all Markdown/HTML meaning removed (every ASCII punctuation mark backslash-escaped)
    and over-long unbroken runs cut (cut_long_runs)."""
    return _PUNCT.sub(r"\\\1", cut_long_runs(_SPACE.sub(" ", str(text))))


_CSS_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def mark(escaped: str, family: str) -> str:
    """Already-escaped markdown wrapped in a highlight: a palette colour ('red' -> :red-background[...])
    or 'css:#FG:#BG' (-> :color[...]{foreground=... background=...}, hex colours only)."""
    if family.startswith("css:"):
        _, fg, bg = family.split(":", 2)
        if _CSS_COLOR.match(fg) and _CSS_COLOR.match(bg):
            return f':color[{escaped}]{{foreground="{fg}" background="{bg}"}}'
        family = "gray"
    return f":{family}-background[{escaped}]"


def highlight_markdown(text: str, spans: Iterable[Span]) -> str:
    """Escaped text with each span wrapped in `:FAMILY-background[...]`; overlaps keep the first."""
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start < pos or span.end <= span.start or span.end > len(text):
            continue
        out.append(escape_markdown(text[pos:span.start]))
        out.append(mark(escape_markdown(text[span.start:span.end]), span.family))
        pos = span.end
    out.append(escape_markdown(text[pos:]))
    return "".join(out)


def find_literal_spans(text: str, terms: Iterable[tuple[str, str]]) -> list[Span]:
    """Spans of each (term, family) found case-insensitively in text (fallback highlighting)."""
    spans: list[Span] = []
    lower = text.lower()
    for term, family in terms:
        term = term.strip().lower()
        if not term:
            continue
        start = lower.find(term)
        while start >= 0:
            spans.append(Span(start, start + len(term), family))
            start = lower.find(term, start + len(term))
    return spans


def safe_url(url: object) -> str | None:
    """The URL if it is a plain http(s) URL that cannot break out of a Markdown link, else None."""
    text = str(url or "").strip()
    return text if _SAFE_URL.match(text) else None


def markdown_link(label: str, url: object) -> str:
    """A Markdown link with an escaped label, or just the escaped label (and URL) when the URL is not safe."""
    good = safe_url(url)
    if good:
        return f"[{escape_markdown(label)}]({good})"
    return escape_markdown(f"{label} ({url})" if str(url or "").strip() else label)
