"""Tier text that needs no country: a tier phrase as printed, and a NAME (TIER) heading split in two."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.schema import SPECIAL_CASE
from scrapers.parse.text import normalise_text

# A tier as printed: "Tier 2 Watch List", "TIER 2WATCH LIST", "Tier Two", "Special Case".
TIER_PATTERN = (
    r"(?:tier\s*(?:1|2|3|one|two|three|iii|ii|i)(?!\w)(?:\s*[-\u2013]?\s*watch\s*-?\s*list)?"
    r"|special\s+case)"
)
_TIER_RE = re.compile(TIER_PATTERN, re.IGNORECASE)
_NUMBERS = {"1": "1", "one": "1", "i": "1", "2": "2", "two": "2", "ii": "2", "3": "3", "three": "3", "iii": "3"}

# A footnote mark printed after a tier: "Tier 2 Watch List*", "Tier 3\u2020", "(Tier 2)\u00b9", "Tier 3 [1]".
_MARK = r"(?:\s*(?:\*+|[\u2020\u2021]+|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|\[\d{1,3}\]))?"
# "CHINA (TIER 2)", "China (Tier 2 Watch List)", "CHINA: Tier 3", "PRC: TIER 3", "CHINA (HONG KONG) (Tier 1)",
# each with an optional footnote mark after the tier (inside or after the parentheses).
_HEADING_RE = re.compile(
    rf"^(?P<name>[^\s:()].{{0,80}}?)\s*(?:\(\s*(?P<t1>{TIER_PATTERN}){_MARK}\s*\){_MARK}"
    rf"|[:\u2013\u2014-]\s*(?P<t2>{TIER_PATTERN}){_MARK})\s*$",
    re.IGNORECASE,
)
# The category before the name: "SPECIAL CASE: YEMEN" (2016, 2021), "Special Case (Yemen)".
_CATEGORY_FIRST_RE = re.compile(
    r"^(?P<tier>special\s+case)\s*(?:[:\u2013\u2014-]\s*(?P<n1>[^\s:()][^:()]{0,80}?)|\(\s*(?P<n2>[^()]{1,80}?)\s*\))\s*$",
    re.IGNORECASE,
)


# What every match of TIER_PATTERN starts with (a fast search before the heading patterns).
_MAY_NAME_TIER = re.compile(r"tier|special\s+case", re.IGNORECASE)


def _may_name_tier(text: str) -> bool:
    """False when `text` holds no tier phrase (both heading patterns need one). ASCII text is
    lowercased and searched for the two words (case-insensitive matching of ASCII text is exactly
    that, and several times faster than the regex); other text goes to the regex."""
    if text.isascii():
        low = text.lower()
        return "tier" in low or "special" in low
    return bool(_MAY_NAME_TIER.search(text))


@dataclass(frozen=True)
class HeadingParts:
    """A heading of the form NAME (TIER) / NAME: TIER, split into name and canonical tier."""

    name: str
    tier: str


def canonical_tier(text: str) -> str | None:
    """Canonical tier ("Tier 2 Watch List", "Special Case", ...) of the first tier phrase in `text`."""
    match = _TIER_RE.search(normalise_text(text))
    if not match:
        return None
    phrase = match.group(0).lower()
    if phrase.startswith("special"):
        return SPECIAL_CASE
    number = _NUMBERS[re.match(r"tier\s*(one|two|three|iii|ii|i|1|2|3)", phrase).group(1)]
    return f"Tier {number}" + (" Watch List" if "watch" in phrase else "")


@lru_cache(maxsize=8192)  # a site's menus and section titles recur on every page, once per country looked for
def parse_tier_heading(text: str) -> HeadingParts | None:
    """Split 'CHINA (TIER 2)' / 'PRC: Tier 3' / 'SPECIAL CASE: YEMEN' into name and tier (a footnote
    mark after the tier ignored); None if `text` is not such a heading."""
    text = normalise_text(text)
    if not _may_name_tier(text):
        return None
    match = _HEADING_RE.match(text)
    if match:
        name, tier = match.group("name"), match.group("t1") or match.group("t2")
    else:
        match = _CATEGORY_FIRST_RE.match(text)
        if not match:
            return None
        name, tier = match.group("n1") or match.group("n2"), match.group("tier")
    name = name.strip(" *")
    if not name or len(name.split()) > 10 or re.search(r"[.;!?]$", name) or canonical_tier(name):
        return None
    return HeadingParts(name, canonical_tier(tier))
