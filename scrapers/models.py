"""Typed records shared by the scraper modules: what a fetched page and a parsed narrative hold."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """One section of a narrative: normalised name, heading as printed, paragraphs in printed order."""

    name: str
    title_printed: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class TierReading:
    """China's tier as read from a heading or placement sentence; tier is None when unreadable."""

    tier: str | None
    sentence: str = ""
    notes: tuple[str, ...] = ()  # waiver, automatic_downgrade, downgraded, upgraded, remained


@dataclass(frozen=True)
class Narrative:
    """The PRC narrative of one report year, parsed from one cached page."""

    country: str
    year: int
    source_url: str
    tier: TierReading
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def paragraphs(self) -> list[tuple[int, Section, str]]:
        """All paragraphs in printed order as (paragraph_index, section, text)."""
        out: list[tuple[int, Section, str]] = []
        for section in self.sections:
            for text in section.paragraphs:
                out.append((len(out), section, text))
        return out
