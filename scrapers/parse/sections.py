"""Section names: printed headings of every era mapped to the normalised names of the contract."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.schema import INTRODUCTION, PREVENTION, PROFILE, PROSECUTION, PROTECTION, RECOMMENDATIONS
from scrapers.parse.text import normalise_text

_PUNCT = " \t:;.,-\u2013\u2014*"

# Printed heading (case-insensitive, trailing punctuation stripped) -> normalised section name.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), name)
    for p, name in (
        (r"(?:prioritized\s+|priority\s+|key\s+)?recommendations?(?:\s+for\s+.{1,60})?", RECOMMENDATIONS),
        (r"prosecutions?(?:\s+efforts)?", PROSECUTION),
        (r"(?:victim\s+)?protections?(?:\s+efforts)?", PROTECTION),
        (r"prevention(?:\s+efforts)?", PREVENTION),
        (r"(?:trafficking\s+profile|scope\s+and\s+magnitude|country\s+profile)", PROFILE),
        (r"(?:introduction|overview|summary)", INTRODUCTION),
    )
)


def clean_title(title: str) -> str:
    """The heading as printed, normalised, without trailing colons/periods/dashes."""
    return normalise_text(title).strip(_PUNCT)


@lru_cache(maxsize=8192)  # the same headings recur on every page
def normalise_section(title: str) -> str | None:
    """Normalised section name for a printed heading, or None when it is not a known section."""
    key = clean_title(title)
    for pattern, name in _PATTERNS:
        if pattern.fullmatch(key):
            return name
    return None


@dataclass(frozen=True)
class RunIn:
    """A paragraph that opens with its section title ("Prosecution: The government ...")."""

    name: str
    title_printed: str
    rest: str


# Run-in titles that are safe to recognise without bold type: only when followed by a colon or dash.
_PLAIN_RUN_IN = re.compile(
    r"^(?P<title>(?:prioritized\s+)?recommendations\s+for\s+[^:.]{1,60}?|prioritized\s+recommendations"
    r"|prosecution|protection|prevention|trafficking\s+profile)\s*[:\u2013\u2014]\s*(?P<rest>.*)$",
    re.IGNORECASE,
)


def split_run_in(text: str, bold_lead: str = "") -> RunIn | None:
    """Split a paragraph opening with a section title (bold, or followed by ':') into title and rest."""
    text = normalise_text(text)
    lead = normalise_text(bold_lead)
    if lead and text.startswith(lead):
        name = normalise_section(lead)
        if name is not None:
            return RunIn(name, clean_title(lead), text[len(lead):].lstrip(_PUNCT))
    match = _PLAIN_RUN_IN.match(text)
    if match:
        title = match.group("title")
        name = normalise_section(title)
        if name is not None:
            return RunIn(name, clean_title(title), match.group("rest").strip())
    return None
