"""Countries the scraper knows: the names each is printed under, and the narratives kept apart."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from scrapers.parse.text import fold, normalise_text


@dataclass(frozen=True)
class Country:
    """A country whose TIP narrative we scrape, with every name it is printed under."""

    slug: str  # our key and the CSV `country` value: "china"
    name: str  # display name: "China"
    names: tuple[str, ...]  # forms used in headings, link text and placement sentences
    url_slug: str  # last path segment of the recent-era page: ".../{YEAR}-trafficking-in-persons-report/china/"
    excluded: tuple[str, ...] = ()  # separate narratives that are never part of this one
    iso3: str = ""  # ISO 3166-1 alpha-3 (scrapers.registry); keys Kelley's tier panel
    initials: frozenset[str] = frozenset()  # letters an alphabetical index may list it under ("k", "n")

    def matches_name(self, text: str) -> bool:
        """True when `text` (a heading or link text) is exactly one of the country's names."""
        key = _strip_article(fold(text)).strip(" .:,;-*")
        return key in self._name_keys

    @cached_property
    def _name_keys(self) -> frozenset[str]:
        return frozenset(_strip_article(fold(n)) for n in self.names)

    def mentions_excluded(self, text: str) -> bool:
        """True when `text` names a separate narrative (Hong Kong, Macau, Taiwan for China)."""
        folded = fold(text)
        return any(re.search(rf"\b{re.escape(fold(x))}\b", folded) for x in self.excluded)

    @cached_property
    def name_regex(self) -> str:
        """Regex alternation (no groups) matching any of the names, optionally after 'the'."""
        forms = sorted({_strip_article(normalise_text(n)) for n in self.names}, key=len, reverse=True)
        return r"(?:the\s+)?(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + r")"

    @cached_property
    def excluded_slugs(self) -> tuple[str, ...]:
        """URL-path forms of the excluded narratives ("hong-kong", "hongkong", "taiwan" ...)."""
        out: list[str] = []
        for x in self.excluded:
            low = x.lower()
            out += [low.replace(" ", "-"), low.replace(" ", "_"), low.replace(" ", "")]
        return tuple(dict.fromkeys(out))


def _strip_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


_CHINA = Country(
    slug="china",
    name="China",
    names=(
        "China",
        "People's Republic of China",
        "People's Republic of China (PRC)",
        "China (PRC)",
        "China, People's Republic of",
        "PRC",
    ),
    url_slug="china",
    excluded=("Hong Kong", "Macau", "Macao", "Taiwan"),
    iso3="CHN",
    initials=frozenset({"c", "p"}),
)

DEFAULT_COUNTRY = "china"


def get_country(slug: str) -> Country:
    """The Country for a registry slug ("china", "north-korea"); ValueError naming the nearest
    slugs otherwise. China keeps its hand-written names (the default lens, tested most)."""
    from scrapers import registry

    key = (slug or "").strip().lower()
    if key == _CHINA.slug:
        return _CHINA
    try:
        return registry.as_country(registry.get(key))
    except registry.UnknownCountry as exc:
        raise ValueError(str(exc)) from None
