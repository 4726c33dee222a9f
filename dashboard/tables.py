"""What each data file is: name, location, columns with their meaning (the data dictionary).

Pure data, no Streamlit: the loader validates against it and the Data & sources page prints it.
Columns follow docs/contract.md; a file may carry more columns than listed here.
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.recommendations import THREAD_RULE


@dataclass(frozen=True)
class TableSpec:
    """One CSV table of the data directory and its data dictionary."""

    name: str                      # short key used in code ("tiers")
    relpath: str                   # path relative to the data directory
    title: str
    one_row_per: str
    description: str
    columns: dict[str, str]        # column -> meaning, in file order
    numeric: tuple[str, ...] = ()  # columns parsed as numbers (empty cell = unknown)
    written_by: str = "python -m scrapers refresh (or parse)"
    optional: dict[str, str] | None = None  # described columns a file written by older code may lack

    @property
    def required(self) -> tuple[str, ...]:
        """Columns that must be present for the file to be usable."""
        return tuple(self.columns)

    @property
    def described(self) -> dict[str, str]:
        """Every column with its meaning: the required ones, then the optional ones."""
        return {**self.columns, **(self.optional or {})}


TIERS = TableSpec(
    name="tiers",
    relpath="tiers.csv",
    title="China's tier by report year",
    one_row_per="country-year",
    description="The tier of each report year: read from the report page where scraped, else taken "
    "from the reference table, with the reference tier alongside for cross-checking.",
    columns={
        "country": "country slug (china)",
        "year": "report year (the year the report was published)",
        "tier": "Tier 1, Tier 2, Tier 2 Watch List, Tier 3 or Special Case; empty if unread",
        "tier_sentence": "the sentence or heading the tier was read from (scraped years)",
        "source_url": "original state.gov page (scraped) or the reference source",
        "origin": "scraped (read from the report) or reference (from data/reference/)",
        "tier_note": "flags read from the tier sentence: waiver, automatic_downgrade, downgraded, upgraded, remained",
        "reference_tier": "the tier in the reference table for that year",
        "reference_source_url": "source of the reference tier",
        "agrees": "true/false where both a scraped and a reference tier exist, else empty",
    },
    optional={
        "kelley_tier": "the tier in Kelley's panel (report years 2001-2015), the second reference",
        "kelley_agrees": "true/false where both a scraped tier and Kelley's exist, else empty",
    },
    numeric=("year",),
)

NARRATIVES = TableSpec(
    name="narratives",
    relpath="narratives.csv",
    title="Provenance of each year's narrative",
    one_row_per="country-year with a parsed page",
    description="Where each year's China narrative came from, when it was fetched, its checksum and size.",
    columns={
        "country": "country slug",
        "year": "report year",
        "source_url": "original state.gov URL",
        "fetched_url": "URL actually fetched (differs when a mirror was used)",
        "fetched_at": "UTC time of the fetch",
        "sha256": "SHA-256 of the fetched page as cached",
        "word_count": "words in the narrative",
        "paragraph_count": "paragraphs in the narrative",
        "section_count": "sections in the narrative",
    },
    optional={"synthetic": "true when the page carries the test fixtures' synthetic marker (not report text)"},
    numeric=("year", "word_count", "paragraph_count", "section_count"),
)

PARAGRAPHS = TableSpec(
    name="paragraphs",
    relpath="paragraphs.csv",
    title="Narrative text, paragraph by paragraph",
    one_row_per="paragraph",
    description="The text of each narrative in printed order, with its section.",
    columns={
        "country": "country slug",
        "year": "report year",
        "paragraph_index": "position in the narrative, from 0, in printed order",
        "section": "normalised section: INTRODUCTION, PRIORITIZED RECOMMENDATIONS, PROSECUTION, "
        "PROTECTION, PREVENTION, TRAFFICKING PROFILE, OTHER",
        "section_title_printed": "the heading as printed (empty when none)",
        "text": "paragraph text",
    },
    numeric=("year", "paragraph_index"),
)

COVERAGE = TableSpec(
    name="coverage",
    relpath="coverage.csv",
    title="Which years were asked for, and what happened",
    one_row_per="country-year asked for",
    description="The outcome of the last refresh for each year: parsed, no_page, fetch_failed or parse_failed.",
    columns={
        "country": "country slug",
        "year": "report year",
        "status": "parsed, no_page (not published), fetch_failed, parse_failed",
        "detail": "what went wrong, or a note (e.g. tier could not be read)",
        "source_url": "original state.gov URL",
    },
    numeric=("year",),
)

MENTIONS = TableSpec(
    name="mentions",
    relpath="mentions.csv",
    title="Mentions of each group per year",
    one_row_per="country-year-group (zeros included)",
    description="How many sentences of each year's narrative name each group, and where the first mention falls.",
    columns={
        "country": "country slug",
        "year": "report year",
        "group": "group slug (north_korean, north_korea_state, uyghur_xinjiang, tibetan, nationalities ...)",
        "term_hits": "matched terms (a sentence may hold several)",
        "sentences": "sentences naming the group",
        "paragraphs": "paragraphs naming the group",
        "per_1000_words": "sentences per 1,000 words of the narrative",
        "share_of_sentences": "sentences naming the group / all sentences (0-1)",
        "first_paragraph_index": "paragraph of the first mention (from 0); empty when none",
        "first_position": "first mention's paragraph / (paragraphs - 1): 0 = first, 1 = last",
        "total_sentences": "sentences in the narrative",
        "word_count": "words in the narrative",
    },
    numeric=("year", "term_hits", "sentences", "paragraphs", "per_1000_words", "share_of_sentences",
             "first_paragraph_index", "first_position", "total_sentences", "word_count"),
)

MENTION_SECTIONS = TableSpec(
    name="mention_sections",
    relpath="mention_sections.csv",
    title="Mentions per section",
    one_row_per="country-year-group-section",
    description="The mention counts split by the section of the narrative they fall in.",
    columns={
        "country": "country slug",
        "year": "report year",
        "group": "group slug",
        "section": "normalised section name",
        "term_hits": "matched terms in the section",
        "sentences": "sentences of the section naming the group",
        "paragraphs": "paragraphs of the section naming the group",
        "section_sentences": "sentences in the section",
    },
    numeric=("year", "term_hits", "sentences", "paragraphs", "section_sentences"),
)

KWIC = TableSpec(
    name="kwic",
    relpath="kwic.csv",
    title="Every matched sentence (keyword in context)",
    one_row_per="matched sentence x group",
    description="Each sentence that names a group, with the matched term, kinds of exploitation and quantifier words.",
    columns={
        "country": "country slug",
        "year": "report year",
        "group": "group slug",
        "kinds": "north_korean rows: sex_trafficking, forced_marriage, cybersex, forced_labour, forced_return, other",
        "quantifiers": "quantifier words as printed, lowercased (some, many, thousands, 60 percent ...)",
        "section": "normalised section name",
        "paragraph_index": "paragraph of the sentence (from 0)",
        "sentence_index": "sentence within the paragraph (from 0)",
        "term": "the matched term",
        "sentence": "the sentence",
        "source_url": "original state.gov page",
    },
    numeric=("year", "paragraph_index", "sentence_index"),
)

CLAIMS = TableSpec(
    name="claims",
    relpath="claims.csv",
    title="The essay's claims with computed verdicts",
    one_row_per="essay claim",
    description="Each claim of the essay (Hynes 2022) checked against the corpus, with the evidence and links.",
    columns={
        "claim_id": "claim identifier",
        "claim": "the claim in one sentence",
        "quote": "short quote from the essay",
        "citation": "the essay's source for the quote",
        "report_year": "report year the claim speaks of (empty: all years)",
        "figure": "the figure quoted, if any",
        "denominator": "what the figure is a share of",
        "verdict": "supported, partly supported, not supported, needs data",
        "evidence": "one line with the figures behind the verdict",
        "links": "year:paragraph_index of the paragraphs cited, ;-joined",
    },
    optional={
        "check": "the rule applied (tier, last_paragraph, quantifier, focus, ngo_figure, underweight, recommendations)",
        "rule": "the rule in words",
    },
)

RECOMMENDATIONS = TableSpec(
    name="recommendations",
    relpath="recommendations.csv",
    title="Every recommendation of every narrative, in printed order",
    one_row_per="recommendation",
    description="The report's recommendations to each government, one row per item as printed (list items; "
    "the semicolon-separated clauses of one paragraph in older narratives), with the groups it names and "
    "its thread across years (analysis/recommendations.py).",
    columns={
        "country": "country slug",
        "year": "report year",
        "rank": "printed order, 1 = first",
        "text": "the recommendation as printed (the list's 'and' before the last clause dropped)",
        "groups": "lexicon groups the item names, |-joined (the sentences' matcher)",
        "kinds": "kinds of exploitation the item names, |-joined (other when none)",
        "thread": f"one id for the same recommendation across years (country:first year:rank): {THREAD_RULE}",
        "first_year": "first report year of the thread",
        "source_url": "original state.gov page",
        "paragraph_index": "paragraph holding the item (from 0), as on the Read page",
    },
    numeric=("year", "rank", "first_year", "paragraph_index"),
)

REFERENCE_TIERS = TableSpec(
    name="reference_tiers",
    relpath="reference/china_tiers.csv",
    title="Reference tier table (kept in the repository)",
    one_row_per="country-year",
    description="China's tier for every report year from public secondary sources, used before any "
    "scrape and to cross-check scraped tiers.",
    columns={
        "country": "country slug",
        "year": "report year",
        "tier": "tier as given by the source",
        "source_url": "public source of the row",
        "source_note": "what the source says",
    },
    numeric=("year",),
    written_by="maintained by hand in the repository",
)

ESSAY_CLAIMS = TableSpec(
    name="essay_claims",
    relpath="essay/claims.csv",
    title="The essay's claims (input, kept in the repository)",
    one_row_per="essay claim",
    description="The claims extracted from the essay, before they are checked against the corpus.",
    columns={
        "claim_id": "claim identifier",
        "claim": "the claim in one sentence",
        "quote": "short quote from the essay",
        "citation": "the essay's source",
        "figure": "the figure quoted, if any",
        "denominator": "what the figure is a share of",
        "report_year": "report year the claim speaks of",
        "check": "the rule that checks the claim (analysis/claims.py)",
        "check_arg": "the rule's argument",
        "label": "short name of an NGO estimate, for charts",
    },
    written_by="maintained by hand in the repository",
)

CORPUS_TABLES: tuple[TableSpec, ...] = (TIERS, NARRATIVES, PARAGRAPHS, COVERAGE)
ANALYSIS_TABLES: tuple[TableSpec, ...] = (MENTIONS, MENTION_SECTIONS, KWIC, CLAIMS, RECOMMENDATIONS)
INPUT_TABLES: tuple[TableSpec, ...] = (REFERENCE_TIERS, ESSAY_CLAIMS)
ALL_TABLES: tuple[TableSpec, ...] = CORPUS_TABLES + ANALYSIS_TABLES + INPUT_TABLES
BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in ALL_TABLES}

# Files that live in the repository and are used when the data directory has no copy of them.
REPO_FALLBACK = {"reference_tiers", "essay_claims"}
# Files read from their own path, not from the table set.
INPUT_NAMES = frozenset(spec.name for spec in INPUT_TABLES)
