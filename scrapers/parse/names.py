"""Printed country names compared the registry's way: folded keys, URL-segment forms, tier text removed."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from scrapers.parse.text import normalise_text
from scrapers.parse.tier_text import parse_tier_heading

_ARTICLE = re.compile(r"^the\s+")
_SAINT = re.compile(r"\bst\b")


def ascii_form(text: str) -> str:
    """`text` without accents: "Côte" -> "Cote", "Türkiye" -> "Turkiye"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Folded comparison form of a printed name: no accents, quotes, case, punctuation or leading 'the'."""
    text = ascii_form(normalise_text(text)).casefold().replace("&", " and ")
    text = re.sub(r"['`]", "", text)  # "d'Ivoire" -> "divoire", "People's" -> "peoples"
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    text = _SAINT.sub("saint", _ARTICLE.sub("", text))
    return text


def contains_key(outer_key: str, inner_key: str) -> bool:
    """True when the folded name `inner_key` appears as whole words in the folded name `outer_key`."""
    return f" {inner_key} " in f" {outer_key} "


def slugify(text: str) -> str:
    """URL-segment form of a name: "Cote d'Ivoire" -> "cote-divoire", "Korea, North" -> "korea-north"."""
    text = ascii_form(normalise_text(text)).lower().replace("&", " and ")
    text = re.sub(r"['`.]", "", text)
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-")


def split_heading(text: str) -> tuple[str, str | None]:
    """("CHINA", "Tier 2") from "CHINA (TIER 2)" / "China: Tier 3"; (text, None) when no tier is printed.

    The tier is canonical ("Tier 2 Watch List", "Special Case"); the name is as printed, trimmed.
    """
    parts = parse_tier_heading(text)
    if parts is not None:
        return parts.name, parts.tier
    return normalise_text(text).strip(" *:.,;"), None
