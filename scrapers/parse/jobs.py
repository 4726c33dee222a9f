"""One page to parse for one country-year (PageJob), what it parses to (PageOutcome), and the
parser's key (its version and a digest of its source) that the parse store files outcomes under."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from scrapers.countries import get_country
from scrapers.errors import NarrativeNotFound
from scrapers.models import Narrative
from scrapers.parse.page import PARSER_VERSION, parse_narrative

# The modules whose code decides what a page parses to: their source is part of the store's key,
# so an edited parser never serves stale entries even when PARSER_VERSION was not bumped.
PARSER_MODULES = ("parse/page", "parse/tiers", "parse/tier_text", "parse/names", "parse/sections", "parse/text",
                  "parse/decode", "parse/jobs", "parse/blocks", "parse/furniture", "models", "countries")


@dataclass(frozen=True)
class PageJob:
    """One page to parse: where its bytes are, and for which country-year."""

    path: str
    content_type: str
    country: str
    year: int
    source_url: str
    sha256: str


@dataclass(frozen=True)
class PageOutcome:
    """A parse result: the narrative, or the reason it failed. A parser crash (as opposed to a page
    that holds no narrative) is not kept in the store: the next run tries again."""

    narrative: Narrative | None
    error: str = ""
    replaced_bytes: int = 0
    keep: bool = True
    synthetic: bool = False  # the page says it is synthetic (looks_synthetic of its bytes)


_SYNTHETIC = re.compile(rb"<!--[^>]{0,200}synthetic", re.IGNORECASE)


def looks_synthetic(body: bytes) -> bool:
    """True when the page's first 2 KB hold an HTML comment saying 'synthetic' (the generated test
    and benchmark sites say so; a report page never does)."""
    return bool(_SYNTHETIC.search(body[:2048]))


def parser_key() -> str:
    """PARSER_VERSION plus a digest of the parser's source: the store's directory name."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for name in PARSER_MODULES:
        digest.update((Path(__file__).parents[1] / f"{name}.py").read_bytes())
    return f"v{PARSER_VERSION}-{digest.hexdigest()[:10]}"


def parse_text(text: str, job: PageJob, replaced: int = 0, utf8: bytes | None = None) -> PageOutcome:
    """Parse decoded page text for job's country-year (`utf8`: the same text as UTF-8 bytes, when
    the caller has them, see parse_narrative); never raises for a bad page."""
    try:
        narrative = parse_narrative(text, country=get_country(job.country), year=job.year,
                                    source_url=job.source_url, utf8=utf8)
    except NarrativeNotFound as exc:
        return PageOutcome(None, f"no {get_country(job.country).name} narrative found on the page "
                                 f"(markup changed?): {exc}", replaced)
    except RecursionError:
        return PageOutcome(None, "the page is nested too deeply to parse", replaced)
    except Exception as exc:  # a parser bug on one page must not lose the other years
        return PageOutcome(None, f"parser error {type(exc).__name__}: {exc}", replaced, keep=False)
    return PageOutcome(narrative, "", replaced)
