"""The tiers table's rows: each year's tier decided from the scraped one and the reference tables
(analysis.schema.decide_tier), and every disagreement between them said loudly."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.schema import JOIN, ORIGIN_SCRAPED, PARSED, decide_tier
from scrapers.countries import DEFAULT_COUNTRY
from scrapers.inputs import KELLEY_NAME, ReferenceTier
from scrapers.read import YearParse

UNREAD_NOTE = "unread_on_page"  # tier_note of a scraped year whose tier came from the reference


def label(country: str, year: int) -> str:
    """How a country-year is named in messages: '2021' for the default country, 'russia 2021' else."""
    return str(year) if country == DEFAULT_COUNTRY else f"{country} {year}"


@dataclass(frozen=True)
class TierDisagreement:
    """A scraped tier that differs from a reference table's, with both sources."""

    year: int
    scraped_tier: str
    scraped_source: str
    reference_tier: str
    reference_source: str
    reference_name: str = "reference"
    country: str = DEFAULT_COUNTRY

    def message(self) -> str:
        """One loud line for the summary and status."""
        return (f"TIER DISAGREES {label(self.country, self.year)}: scraped '{self.scraped_tier}' "
                f"({self.scraped_source}) vs {self.reference_name} '{self.reference_tier}' ({self.reference_source})")


def _agrees(scraped: str, reference: str) -> str:
    return "" if not (scraped and reference) else ("true" if scraped == reference else "false")


def tier_rows(country: str, years: dict[int, YearParse], reference: dict[int, ReferenceTier],
              kelley: dict[int, ReferenceTier], skip: set[int] = frozenset()) -> tuple[list[dict], list[TierDisagreement]]:
    """tiers.csv rows (one per year with a parsed page or a reference tier; the tier decided by
    analysis.schema.decide_tier) and every disagreement with a reference table."""
    tiers: list[dict] = []
    disagreements: list[TierDisagreement] = []
    parsed = {y: p for y, p in years.items() if p.status == PARSED and p.narrative is not None}
    for year in sorted((set(reference) | set(parsed) | set(kelley)) - set(skip)):
        ref = reference.get(year, ReferenceTier("", ""))
        second = kelley.get(year, ReferenceTier("", ""))
        narrative = parsed[year].narrative if year in parsed else None
        scraped = (narrative.tier.tier or "") if narrative else ""
        choice = decide_tier(scraped, ref.tier or second.tier)
        source = (narrative.source_url or parsed[year].source_url) if narrative else ""
        for other, name in ((ref, "reference"), (second, KELLEY_NAME)):
            if _agrees(scraped, other.tier) == "false":
                disagreements.append(TierDisagreement(year, scraped, source, other.tier, other.source_url, name,
                                                      country))
        notes = list(narrative.tier.notes) if narrative and scraped else []
        if narrative and not scraped:
            notes.append(UNREAD_NOTE)
        if choice.origin == ORIGIN_SCRAPED:
            tier_source, sentence = source, narrative.tier.sentence
        else:
            tier_source = ref.source_url if ref.tier else second.source_url
            sentence = ""
        tiers.append({"country": country, "year": year, "tier": choice.tier, "tier_sentence": sentence,
                      "source_url": tier_source, "origin": choice.origin, "tier_note": JOIN.join(notes),
                      "reference_tier": ref.tier, "reference_source_url": ref.source_url,
                      "agrees": _agrees(scraped, ref.tier), "kelley_tier": second.tier,
                      "kelley_agrees": _agrees(scraped, second.tier)})
    return tiers, disagreements
