"""Reading a country's tier from its narrative heading or placement sentence, never from other text."""
from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.sentences import split_sentences
from scrapers.countries import Country
from scrapers.models import TierReading
from scrapers.parse.text import normalise_text
from scrapers.parse.tier_text import TIER_PATTERN, canonical_tier, parse_tier_heading

FLAG_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (flag, re.compile(p, re.IGNORECASE))
    for flag, p in (
        ("waiver", r"\bwaive[rd]s?\b"),
        ("automatic_downgrade", r"\bautomatic(?:ally)?\s+downgraded?\b|\bdeemed\s+not\s+to\s+be\s+making\s+significant\s+efforts"
                                r"|\b(?:no\s+longer\s+eligible|not\s+eligible|ineligible)\s+for\s+(?:a|another|any)\s+(?:further\s+)?waiver"
                                r"|\bafter\s+[^.;]{0,40}?consecutive\s+years?\s+on\s+(?:the\s+)?tier\s*2\s*watch\s*list"),
        ("downgraded", r"\bdowngraded\b|\bmoved\s+down\b|\blowered\s+to\b|\bdropped\s+to\b"),
        ("upgraded", r"\bupgraded\b|\bmoved\s+up\b|\braised\s+to\b|\belevated\s+to\b"),
        ("remained", r"\bremain(?:ed|s)?\b|\bconsecutive\s+year\b"),
    )
)

# "no longer eligible for a waiver", "was not granted a waiver", "without a waiver": a waiver named as
# NOT given (the automatic downgrade), never the waiver flag.
_NO_WAIVER = re.compile(
    r"\b(?:(?:no\s+longer\s+|not\s+)?eligible|ineligible|not\s+(?:been\s+)?granted|without|no)\s+(?:for\s+)?"
    r"(?:a\s+|another\s+|any\s+)?(?:further\s+)?waiver", re.IGNORECASE)
# A sentence that recalls an earlier report's placement (a year, "last year's", "previous"...): when
# placement sentences disagree, those recalling the past give way to the one stating this year's.
# A year that names a law ("the 2008 Trafficking Victims Protection Reauthorization Act") recalls no report.
_RECALLS_EARLIER = re.compile(
    r"\b(?:19|20)\d\d\b(?!\s+(?:[\w-]+\s+){0,5}?(?:act|protocol|convention)\b)"
    r"|\b(?:last|previous|prior)\s+(?:year|report)|\bpreviously\b|\bformerly\b|\bearlier\b",
    re.IGNORECASE)
_CONDITIONAL = re.compile(r"^\W*(?:if|unless|whether|should|were|once|when)\b", re.IGNORECASE)
_HISTORICAL_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:in\s+(?:19|20)\d\d|last\s+year|the\s+previous|previously|in\s+the\s+past|for\s+the\s+(?:past|last)"
    r"|until)\b",
    re.IGNORECASE,
)
_STRONG = re.compile(r"\b(?:therefore|thus|accordingly|consequently|hereby|waiver|deemed)\b|\bis\s+placed\b", re.IGNORECASE)
# "placed on Tier 2 Watch List or Tier 3": the sentence names alternatives, not one placement.
_ALTERNATIVE_AFTER = re.compile(rf"^\s*,?\s*(?:or|and/or|nor)\s+(?:(?:on|to|in)\s+)?(?:the\s+)?(?P<tier>{TIER_PATTERN})",
                                re.IGNORECASE)


def heading_tier(text: str, country: Country) -> str | None:
    """The tier printed in `text` when it is this country's own heading (never Hong Kong/Macau/Taiwan)."""
    parts = parse_tier_heading(text)
    if parts is None or country.mentions_excluded(parts.name) or not country.matches_name(parts.name):
        return None
    return parts.tier


@lru_cache(maxsize=1024)  # every country of a world build (16 made the regional pages recompile them)
def _placement_patterns(country: Country) -> list[re.Pattern[str]]:
    subj = country.name_regex
    adv = r"(?:(?:therefore|thus|hereby|accordingly|consequently|again|now)\s*,?\s+)"
    aux = r"(?:(?:is|was|has\s+been|had\s+been|remains|remained)\s+)"
    verb = (
        r"(?:placed|ranked|listed|designated|downgraded|upgraded|moved(?:\s+(?:up|down))?|raised|lowered"
        r"|elevated|dropped|returned|remains|remained|kept)"
    )
    prep = r"(?:on|to|as|in|at)\s+(?:the\s+)?"
    tier = rf"(?P<tier>{TIER_PATTERN})"
    return [
        re.compile(rf"\b{subj}\s+{adv}?{aux}?{adv}?{verb}\s+{prep}{tier}", re.IGNORECASE),
        re.compile(rf"\b{subj}\s+(?:is|was)\s+deemed\s+not\s+to\s+be\s+making\s+significant\s+efforts[^.;]*?"
                   rf"\s+and\s+(?:is|was)\s+{adv}?(?:placed|downgraded)\s+{prep}{tier}", re.IGNORECASE),
        re.compile(rf"\b{subj}\s+(?:is|was|has\s+been)\s+[^.;]{{0,250}}?\band\s+(?:(?:is|was|has\s+been)\s+)?"
                   rf"(?:therefore|thus)\s+(?:placed|remained|remains|downgraded|upgraded)\s+{prep}{tier}", re.IGNORECASE),
        re.compile(rf"\b{subj}\s+(?:is|was|remains|remained)\s+(?:(?:classified|designated|listed)\s+as\s+)?(?:a\s+)?"
                   rf"(?P<tier>special\s+case)\b", re.IGNORECASE),
    ]


def _may_place(text: str) -> bool:
    """Cheap test before the sentence patterns: only text naming a tier can state a placement
    (a lowercase substring test is many times faster than a case-insensitive regex search)."""
    low = text.lower()
    return "tier" in low or "special" in low


@dataclass(frozen=True)
class _Placement:
    tier: str
    sentence: str
    paragraph: str
    strong: bool
    alternative: str | None = None  # "Tier 3" in "placed on Tier 2 Watch List or Tier 3"


def _placements(paragraphs: Sequence[str], country: Country) -> list[_Placement]:
    patterns = _placement_patterns(country)
    found: list[_Placement] = []
    for paragraph in paragraphs:
        if not _may_place(paragraph):
            continue
        paragraph = normalise_text(paragraph)
        for sentence in (s.text for s in split_sentences(paragraph)):
            if not _may_place(sentence):
                continue
            for pattern in patterns:
                match = pattern.search(sentence)
                if not match:
                    continue
                before, after = sentence[: match.start()], sentence[match.end():]
                clause = re.split(r"[;:,]", before)[-1]
                if _CONDITIONAL.match(clause) or country.mentions_excluded(before[-25:]):
                    continue
                if _HISTORICAL_AFTER.search(after):
                    continue
                alternative = _ALTERNATIVE_AFTER.match(after)
                found.append(_Placement(canonical_tier(match.group("tier")), sentence, paragraph,
                                        bool(_STRONG.search(sentence)),
                                        canonical_tier(alternative.group("tier")) if alternative else None))
                break
    return found


def _flags(sentence: str, paragraph: str, country: Country) -> tuple[str, ...]:
    flags = [flag for flag, pattern in FLAG_PATTERNS if pattern.search(sentence)
             and not (flag == "waiver" and _NO_WAIVER.search(sentence))]
    if "waiver" not in flags and re.search(
        rf"\b{country.name_regex}\s+(?:has\s+been|was|is)\s+granted\s+a\s+waiver\b", paragraph, re.IGNORECASE
    ):
        flags.insert(0, "waiver")
    return tuple(flags)


def read_tier(heading: str | None, paragraphs: Sequence[str], country: Country) -> TierReading:
    """The country's tier from its heading and/or placement sentence; tier None (with the reason) if unsure."""
    heading_text = normalise_text(heading or "")
    from_heading = heading_tier(heading_text, country) if heading_text else None

    placements = _placements(paragraphs, country)
    for p in placements:
        if p.alternative:
            return TierReading(None, f"tier unreadable: the placement sentence names alternatives ({p.tier} or "
                                     f"{p.alternative}): '{p.sentence}'")
    tiers = list(dict.fromkeys(p.tier for p in placements))
    if len(tiers) > 1:  # sentences recalling an earlier report give way to this year's
        current = [p for p in placements if not _RECALLS_EARLIER.search(p.sentence)]
        if current and len({p.tier for p in current}) == 1:
            placements, tiers = current, [current[0].tier]
    if len(tiers) > 1:
        quoted = " / ".join(f"'{p.sentence}'" for p in placements)
        return TierReading(None, f"tier unreadable: placement sentences disagree ({', '.join(tiers)}): {quoted}")
    strong = [p for p in placements if p.strong]
    placement = (strong or placements or [None])[0]

    if placement and from_heading and placement.tier != from_heading:
        return TierReading(
            None,
            f"tier unreadable: heading '{heading_text}' says {from_heading} but the placement sentence says "
            f"{placement.tier}: '{placement.sentence}'",
        )
    if placement:
        return TierReading(placement.tier, placement.sentence, _flags(placement.sentence, placement.paragraph, country))
    if from_heading:
        return TierReading(from_heading, heading_text, ())
    what = f"heading '{heading_text}' has no tier" if heading_text else "no heading"
    return TierReading(None, f"tier unreadable: {what} and no placement sentence for {country.name} was found")


def has_placement(paragraphs: Sequence[str], country: Country) -> bool:
    """Whether some sentence of `paragraphs` states the country's placement (readable or not)."""
    return bool(_placements(paragraphs, country))
