"""The data contract in code: every table's name, columns and number columns, the shared
vocabularies (tiers, sections, statuses, verdicts, kinds), and the one rule that decides a year's tier.

This is the bottom layer: scrapers, analysis and dashboard all take table columns and vocabularies
from here (docs/contract.md says the same in words). It imports nothing of ours and does no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass

# -- vocabularies -------------------------------------------------------------------------------
TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
SECTION_NAMES = (
    "INTRODUCTION",
    "PRIORITIZED RECOMMENDATIONS",
    "PROSECUTION",
    "PROTECTION",
    "PREVENTION",
    "TRAFFICKING PROFILE",
    "OTHER",
)
ORIGIN_SCRAPED, ORIGIN_REFERENCE = "scraped", "reference"
ORIGINS = (ORIGIN_SCRAPED, ORIGIN_REFERENCE)
TIER_NOTES = ("waiver", "automatic_downgrade", "downgraded", "upgraded", "remained")

# coverage.status: parsed | no_page (404: not published) | fetch_failed | parse_failed |
# cache_corrupt (the cached page is missing or damaged; the year's rows are kept from the last set) |
# not_listed (the year's table of contents lists other narratives but none for this country: the
# report had no narrative for it that year; not a failure)
PARSED, NO_PAGE, FETCH_FAILED, PARSE_FAILED, CACHE_CORRUPT, NOT_LISTED = (
    "parsed", "no_page", "fetch_failed", "parse_failed", "cache_corrupt", "not_listed")
COVERAGE_STATUSES = (PARSED, NO_PAGE, FETCH_FAILED, PARSE_FAILED, CACHE_CORRUPT, NOT_LISTED)

SUPPORTED, PARTLY, NOT_SUPPORTED, NEEDS_DATA = "supported", "partly supported", "not supported", "needs data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, NEEDS_DATA)

KINDS = ("sex_trafficking", "forced_marriage", "cybersex", "forced_labour", "forced_return", "other")
JOIN = ";"  # multi-valued cells


# -- tables -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSchema:
    """One table of the set: file name, columns in file order, number columns, sort key."""

    name: str
    columns: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    sort: tuple[str, ...] = ("country", "year")
    one_row_per: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


TIERS_TABLE = TableSchema(
    "tiers",
    ("country", "year", "tier", "tier_sentence", "source_url", "origin", "tier_note",
     "reference_tier", "reference_source_url", "agrees", "kelley_tier", "kelley_agrees"),
    numeric=("year",), one_row_per="country-year")
NARRATIVES_TABLE = TableSchema(
    "narratives",
    ("country", "year", "source_url", "fetched_url", "fetched_at", "sha256", "word_count",
     "paragraph_count", "section_count", "synthetic"),
    numeric=("year", "word_count", "paragraph_count", "section_count"), one_row_per="country-year with a parsed page")
PARAGRAPHS_TABLE = TableSchema(
    "paragraphs", ("country", "year", "paragraph_index", "section", "section_title_printed", "text"),
    numeric=("year", "paragraph_index"), sort=("country", "year", "paragraph_index"), one_row_per="paragraph")
COVERAGE_TABLE = TableSchema(
    "coverage", ("country", "year", "status", "detail", "source_url"),
    numeric=("year",), one_row_per="country-year asked or cached")
MENTIONS_TABLE = TableSchema(
    "mentions",
    ("country", "year", "group", "term_hits", "sentences", "paragraphs", "per_1000_words",
     "share_of_sentences", "first_paragraph_index", "first_position", "total_sentences", "word_count"),
    numeric=("year", "term_hits", "sentences", "paragraphs", "per_1000_words", "share_of_sentences",
             "first_paragraph_index", "first_position", "total_sentences", "word_count"),
    sort=("country", "year", "group"), one_row_per="country-year-group")
MENTION_SECTIONS_TABLE = TableSchema(
    "mention_sections",
    ("country", "year", "group", "section", "term_hits", "sentences", "paragraphs", "section_sentences"),
    numeric=("year", "term_hits", "sentences", "paragraphs", "section_sentences"),
    sort=("country", "year", "group", "section"), one_row_per="country-year-group-section")
KWIC_TABLE = TableSchema(
    "kwic",
    ("country", "year", "group", "kinds", "quantifiers", "section", "paragraph_index",
     "sentence_index", "term", "sentence", "source_url"),
    numeric=("year", "paragraph_index", "sentence_index"),
    sort=("country", "year", "paragraph_index", "sentence_index"), one_row_per="matched sentence x group")
CLAIMS_TABLE = TableSchema(
    "claims",
    ("claim_id", "claim", "quote", "citation", "report_year", "figure", "denominator", "verdict",
     "evidence", "links", "check", "rule"),
    numeric=("report_year",), sort=("claim_id",), one_row_per="essay claim")

CORPUS_TABLES = (TIERS_TABLE, NARRATIVES_TABLE, PARAGRAPHS_TABLE, COVERAGE_TABLE)
ANALYSIS_TABLES = (MENTIONS_TABLE, MENTION_SECTIONS_TABLE, KWIC_TABLE, CLAIMS_TABLE)
TABLES: dict[str, TableSchema] = {t.name: t for t in (*CORPUS_TABLES, *ANALYSIS_TABLES)}

# inputs kept in the repository
REFERENCE_TIERS_COLUMNS = ("country", "year", "tier", "source_url", "source_note")
KELLEY_TIERS_COLUMNS = ("countryname", "iso", "year", "ccode", "tier", "source_url")
KELLEY_TIER_CODES = {"1": "Tier 1", "2": "Tier 2", "3": "Tier 2 Watch List", "4": "Tier 3"}
ESSAY_CLAIMS_COLUMNS = ("claim_id", "claim", "quote", "citation", "figure", "denominator", "report_year",
                        "check", "check_arg")


# -- which tier a year has ----------------------------------------------------------------------
@dataclass(frozen=True)
class TierChoice:
    """The tier shown for a year and where it comes from; tier is '' when neither source has one."""

    tier: str
    origin: str  # scraped | reference | '' (no tier at all)


def decide_tier(scraped: str | None, reference: str | None) -> TierChoice:
    """THE precedence rule: the tier read from the page when it was read; the reference tier only
    when it was not (unread tier, or the year not scraped), marked origin=reference."""
    if scraped:
        return TierChoice(scraped, ORIGIN_SCRAPED)
    if reference:
        return TierChoice(reference, ORIGIN_REFERENCE)
    return TierChoice("", "")


# -- dashboard vocabularies (h13b) --
# The names the dashboard shows and compares, kept with the rest of the vocabularies.
TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3, SPECIAL_CASE = TIERS
# Height of each tier on the dashboard's tier charts: Tier 1 on top, Special Case (no rank) at 0.
TIER_RANKS = {TIER_1: 4, TIER_2: 3, TIER_2_WATCH_LIST: 2, TIER_3: 1, SPECIAL_CASE: 0}
TIER_SHORT = {TIER_1: "Tier 1", TIER_2: "Tier 2", TIER_2_WATCH_LIST: "Watch List", TIER_3: "Tier 3",
              SPECIAL_CASE: "Special Case"}  # tier names short enough for an axis
# mentions.csv's three measures of how much a narrative says about a group, in the order offered
MEASURES = ("sentences", "per_1000_words", "share_of_sentences")
SENTENCES, PER_1000_WORDS, SHARE_OF_SENTENCES = MEASURES
