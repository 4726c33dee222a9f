"""The words the coverage table and the command line share about a country-year: why a parsed page
has no tier, and the command that fetches a year again."""
from __future__ import annotations

from scrapers.countries import DEFAULT_COUNTRY
from scrapers.models import Narrative

TIER_UNREAD_DETAIL = "tier could not be read from the page"


def fix_command(year: int, country: str = DEFAULT_COUNTRY) -> str:
    """The command that fetches one country-year again."""
    which = "" if country == DEFAULT_COUNTRY else f" --countries {country}"
    return f"python -m scrapers refresh --force --years {year}{which}"


def tier_unread_detail(narrative: Narrative) -> str:
    """Why a parsed page has no tier: the parser's own reason when it gave one."""
    reason = narrative.tier.sentence
    return f"{TIER_UNREAD_DETAIL} ({reason})" if reason else TIER_UNREAD_DETAIL

