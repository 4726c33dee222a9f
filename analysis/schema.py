"""The data contract in code: every table's name, columns, number columns and meaning (the data
dictionary), the shared vocabularies (tiers, sections, statuses, verdicts, measures, kinds), and the
one rule that decides a year's tier.

This is the bottom layer: scrapers, analysis and dashboard all take table columns, descriptions and
vocabularies from here; docs/data.md, the Data & sources page and the zip's README.txt are rendered
from it (analysis.docs). Each column's description names the function that computes it, so a reader
goes from a figure to its rule in two steps. It imports nothing of ours and does no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# -- vocabularies -------------------------------------------------------------------------------
TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")  # best to worst, then the special case
TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3, SPECIAL_CASE = TIERS
INTRODUCTION, RECOMMENDATIONS, PROSECUTION, PROTECTION, PREVENTION, PROFILE, OTHER_SECTION = SECTION_NAMES = (
    "INTRODUCTION",
    "PRIORITIZED RECOMMENDATIONS",
    "PROSECUTION",
    "PROTECTION",
    "PREVENTION",
    "TRAFFICKING PROFILE",
    "OTHER",
)
ORIGIN_SCRAPED, ORIGIN_REFERENCE = "scraped", "reference"
TIER_NOTES = ("waiver", "automatic_downgrade", "downgraded", "upgraded", "remained", "unread_on_page")

PARSED, NO_PAGE, FETCH_FAILED, PARSE_FAILED, CACHE_CORRUPT, NOT_LISTED = (
    "parsed", "no_page", "fetch_failed", "parse_failed", "cache_corrupt", "not_listed")
COVERAGE_STATUSES = (PARSED, NO_PAGE, FETCH_FAILED, PARSE_FAILED, CACHE_CORRUPT, NOT_LISTED)
STATUS_MEANINGS: dict[str, str] = {
    PARSED: "the page was fetched or cached, and its narrative parsed",
    NO_PAGE: "the server answered 404: no report page that year",
    FETCH_FAILED: "the page could not be fetched: network error, 403, 5xx, too large or too slow",
    PARSE_FAILED: "the page was fetched but holds no narrative of the country",
    CACHE_CORRUPT: "the cached page is missing or damaged; the year's rows are kept from the previous table set",
    NOT_LISTED: "the year's table of contents lists other narratives but none for this country; not a failure",
}

SUPPORTED, PARTLY, NOT_SUPPORTED, NEEDS_DATA = "supported", "partly supported", "not supported", "needs data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, NEEDS_DATA)

# what the mentions charts can show: columns of mentions.csv
MEASURES = ("sentences", "per_1000_words", "share_of_sentences")

KINDS = ("sex_trafficking", "forced_marriage", "cybersex", "forced_labour", "forced_return", "other")
JOIN = ";"  # multi-valued cells
SUBJECT_GROUP = "north_korean"  # the lexicon group the essay and the dashboard are about: North Korean people


def _one_of(values) -> str:
    return ", ".join(values)


# -- tables -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSchema:
    """One table: file name, columns in file order, number columns, sort key, and its dictionary.

    `about` gives each column's meaning and the function that computes it; `optional` lists columns
    a file written by older code may lack (readers must not require them); `path` is an input's
    file relative to the data directory (empty for a table of the set: `file` inside it)."""

    name: str
    columns: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    sort: tuple[str, ...] = ("country", "year")
    one_row_per: str = ""
    title: str = ""
    description: str = ""
    about: Mapping[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    path: str = ""
    written_by: str = "python -m scrapers parse (also run by refresh)"

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a reader may rely on: all but the optional ones."""
        return tuple(c for c in self.columns if c not in self.optional)


def _table(name: str, columns: list[tuple[str, str]], **kw) -> TableSchema:
    """A TableSchema from (column, meaning) pairs in file order."""
    return TableSchema(name, tuple(c for c, _ in columns), about=dict(columns), **kw)


_COUNTRY = ("country", "the country's registry slug, lowercase (china) (scrapers.countries)")
_YEAR = ("year", "report year: the year the report was published (scrapers.web.discover)")
_TIER_RULE = ("the year's tier by analysis.schema.decide_tier: read from the page when it was read, "
              "else the reference tier (China's table, else Kelley's panel), marked origin=reference")

TIERS_TABLE = _table(
    "tiers",
    [_COUNTRY, _YEAR,
     ("tier", f"one of {_one_of(TIERS)}: {_TIER_RULE}; empty only when no source has a tier (scrapers.tier_table.tier_rows)"),
     ("tier_sentence", "the heading or sentence the tier was read from; empty when origin=reference (scrapers.parse.tiers.read_tier)"),
     ("source_url", "the state.gov page the tier was read from, or the reference row's source (scrapers.tier_table.tier_rows)"),
     ("origin", f"{ORIGIN_SCRAPED} (read from the page) or {ORIGIN_REFERENCE} (from data/reference/) (analysis.schema.decide_tier)"),
     ("tier_note", f"{JOIN}-joined flags: {_one_of(TIER_NOTES)} (scrapers.parse.tiers.read_tier; unread_on_page: scrapers.tier_table.tier_rows)"),
     ("reference_tier", "the tier in data/reference/china_tiers.csv for that year (scrapers.inputs)"),
     ("reference_source_url", "the source of the reference tier (scrapers.inputs)"),
     ("agrees", "true/false where a scraped and a reference tier both exist, else empty (scrapers.tier_table.tier_rows)"),
     ("kelley_tier", "the tier in Kelley's panel (report years 1999-2015), the second reference (scrapers.inputs)"),
     ("kelley_agrees", "true/false where a scraped tier and Kelley's both exist, else empty (scrapers.tier_table.tier_rows)")],
    numeric=("year",), one_row_per="country-year (every year of a reference table, plus any scraped year)",
    title="Each year's tier",
    description="The tier of each report year, where it comes from, and the reference tiers it is checked against.",
    optional=("kelley_tier", "kelley_agrees"))
NARRATIVES_TABLE = _table(
    "narratives",
    [_COUNTRY, _YEAR,
     ("source_url", "the original state.gov URL of the narrative (scrapers.web.discover)"),
     ("fetched_url", "the URL actually fetched; differs under --mirror (scrapers.store.cache)"),
     ("fetched_at", "UTC time of the fetch (scrapers.store.cache)"),
     ("sha256", "SHA-256 of the cached page (scrapers.store.cache)"),
     ("word_count", "words in the narrative's paragraphs (scrapers.build.corpus_tables)"),
     ("paragraph_count", "paragraphs in the narrative (scrapers.build.corpus_tables)"),
     ("section_count", "sections in the narrative (scrapers.parse.page.parse_narrative)"),
     ("synthetic", "true when the page carries the test fixtures' synthetic marker: not report text (scrapers.build.corpus_tables)")],
    numeric=("year", "word_count", "paragraph_count", "section_count"), one_row_per="country-year with a parsed page",
    title="Provenance of each narrative",
    description="Where each year's narrative came from, when it was fetched, its checksum and size.",
    optional=("synthetic",))
PARAGRAPHS_TABLE = _table(
    "paragraphs",
    [_COUNTRY, _YEAR,
     ("paragraph_index", "position in the narrative, from 0, in printed order; the screen and URLs show it plus 1 (scrapers.parse.page.parse_narrative)"),
     ("section", f"the normalised section, one of {_one_of(SECTION_NAMES)} (scrapers.parse.sections.normalise_section)"),
     ("section_title_printed", "the section's heading as printed; empty when none (scrapers.parse.page.parse_narrative)"),
     ("text", "the paragraph's text (scrapers.parse.page.parse_narrative)")],
    numeric=("year", "paragraph_index"), sort=("country", "year", "paragraph_index"), one_row_per="paragraph",
    title="Narrative text, paragraph by paragraph",
    description="The text of each narrative in printed order, with its section.")
COVERAGE_TABLE = _table(
    "coverage",
    [_COUNTRY, _YEAR,
     ("status", "one of: " + "; ".join(f"{s} ({m})" for s, m in STATUS_MEANINGS.items()) + " (scrapers.build.corpus_tables)"),
     ("detail", "why a year failed, or a note: the tier could not be read, how many invalid UTF-8 bytes were replaced (scrapers.build.corpus_tables)"),
     ("source_url", "the original state.gov URL asked for (scrapers.web.discover)")],
    numeric=("year",), one_row_per="country-year asked or cached",
    title="Which years were asked for, and what happened",
    description="The outcome of the last refresh or parse for each country-year.")

_SENTENCES = ("sentences naming the group: a sentence counts once for each time the report prints it "
              "(analysis.corpus.scan_corpus, counted by analysis.mentions.mentions_table)")
MENTIONS_TABLE = _table(
    "mentions",
    [_COUNTRY, _YEAR,
     ("group", "the lexicon group's slug (data/lexicon.toml; labels there) (analysis.lexicon.parse_lexicon)"),
     ("term_hits", "matched terms, a sentence may hold several (analysis.mentions.mentions_table)"),
     ("sentences", _SENTENCES),
     ("paragraphs", "paragraphs with at least one sentence naming the group (analysis.mentions.mentions_table)"),
     ("per_1000_words", "sentences / word_count x 1000 (analysis.mentions.mentions_table)"),
     ("share_of_sentences", "sentences / total_sentences, 0-1 (analysis.mentions.mentions_table)"),
     ("first_paragraph_index", "paragraph_index of the first sentence naming the group; empty when none (analysis.mentions.mentions_table)"),
     ("first_position", "first_paragraph_index / (paragraph_count - 1): 0 the first paragraph, 1 the last; empty when none (analysis.mentions.first_position)"),
     ("total_sentences", "sentences in the narrative (analysis.sentences.split_sentences, counted by analysis.corpus.scan_corpus)"),
     ("word_count", "words in the narrative (narratives.csv's word_count) (analysis.corpus.scan_corpus)")],
    numeric=("year", "term_hits", "sentences", "paragraphs", "per_1000_words", "share_of_sentences",
             "first_paragraph_index", "first_position", "total_sentences", "word_count"),
    sort=("country", "year", "group"), one_row_per="country-year-group (zeros included)",
    title="Sentences naming each group, per year",
    description="How many sentences of each narrative name each group, and where the first one falls.")
MENTION_SECTIONS_TABLE = _table(
    "mention_sections",
    [_COUNTRY, _YEAR,
     ("group", "the lexicon group's slug (analysis.lexicon.parse_lexicon)"),
     ("section", "the normalised section (paragraphs.csv's section)"),
     ("term_hits", "matched terms in the section (analysis.mentions.mention_sections_table)"),
     ("sentences", "sentences of the section naming the group, each printing counted (analysis.mentions.mention_sections_table)"),
     ("paragraphs", "paragraphs of the section naming the group (analysis.mentions.mention_sections_table)"),
     ("section_sentences", "sentences in the section (analysis.corpus.scan_corpus)")],
    numeric=("year", "term_hits", "sentences", "paragraphs", "section_sentences"),
    sort=("country", "year", "group", "section"), one_row_per="country-year-group-section (sections present that year)",
    title="Sentences naming each group, per section",
    description="The counts of mentions.csv split by the section they fall in.")
KWIC_TABLE = _table(
    "kwic",
    [_COUNTRY, _YEAR,
     ("group", "the lexicon group's slug (analysis.matching.scan_paragraph)"),
     ("kinds", f"north_korean rows only: {JOIN}-joined kinds of exploitation, of {_one_of(KINDS)} (labels in the lexicon) (analysis.matching.classify_kinds)"),
     ("quantifiers", f"{JOIN}-joined quantifier words as printed, lowercased: some, many, thousands, 60 percent ... (analysis.matching.find_quantifiers)"),
     ("section", "the normalised section of the paragraph (paragraphs.csv's section)"),
     ("paragraph_index", "the sentence's paragraph, from 0 (paragraphs.csv's paragraph_index)"),
     ("sentence_index", "the sentence within its paragraph, from 0 (analysis.sentences.split_sentences)"),
     ("term", f"{JOIN}-joined distinct matched terms as printed (analysis.matching.scan_paragraph)"),
     ("sentence", "the sentence, whitespace collapsed (analysis.kwic.kwic_table)"),
     ("source_url", "the narrative's state.gov page (narratives.csv's source_url)")],
    numeric=("year", "paragraph_index", "sentence_index"),
    sort=("country", "year", "paragraph_index", "sentence_index"), one_row_per="matched sentence x group (each printing of a sentence)",
    title="Every sentence naming a group (keyword in context)",
    description="Each sentence that names a group, with the matched terms, kinds of exploitation and quantifier words.")
CLAIMS_TABLE = _table(
    "claims",
    [("claim_id", "the claim's identifier (data/essay/claims.csv)"),
     ("claim", "the claim in one sentence (data/essay/claims.csv)"),
     ("quote", "a short quote from the essay, at most 25 words (data/essay/claims.csv)"),
     ("citation", "the essay's source for the quote (data/essay/claims.csv)"),
     ("report_year", "the report year the claim speaks of; empty: all years (data/essay/claims.csv)"),
     ("figure", "the figure the essay quotes, if any (data/essay/claims.csv)"),
     ("denominator", "what the figure is a share of (data/essay/claims.csv)"),
     ("verdict", f"one of {_one_of(VERDICTS)}, decided by the claim's rule (analysis.claims.CHECKS)"),
     ("verdict_label", "the verdict as the Essay card's badge says it: the verdict itself, except for an NGO figure, "
                       "whose badge says what the report gives, never a rating of the NGO's figure (analysis.claims.verdict_label)"),
     ("tested", "what was tested, in plain words (analysis.claims.CHECKS)"),
     ("meaning", "what the verdict means for this claim, in plain words with the figures (analysis.claims.CHECKS)"),
     ("evidence", "the figures the verdict rests on, in plain words (analysis.claims.CHECKS)"),
     ("links", f"every paragraph the evidence rests on, {JOIN}-joined year:paragraph_index, the claim's own group first (analysis.claims.CHECKS)"),
     ("links_shown", "the first links, the ones the Essay card shows (analysis.claims.SHOWN_LINKS)"),
     ("links_not_shown", "how many links the card leaves out: they are all in links (analysis.claims.evaluate_claims)"),
     ("check", "the name of the claim's rule (analysis.claims.CHECKS)"),
     ("rule", "the rule in plain words for this claim, thresholds and tie rule included (analysis.claims.rule_text)")],
    numeric=("report_year", "links_not_shown"), sort=("claim_id",), one_row_per="essay claim",
    title="The essay's claims, checked",
    description="Each claim of the essay (Hynes 2022) checked against the China narratives: verdict, "
                "what was tested, what the verdict means, the evidence and every paragraph it rests on.")

RECOMMENDATIONS_JOIN = "|"  # groups and kinds of one recommendation
RECOMMENDATIONS_TABLE = _table(
    "recommendations",
    [_COUNTRY, _YEAR,
     ("rank", "printed order within the narrative's recommendations, 1 = first (analysis.recommendations.split_items)"),
     ("text", "the recommendation as printed; the list's 'and' before the last clause dropped (analysis.recommendations.split_clauses)"),
     ("groups", f"{RECOMMENDATIONS_JOIN}-joined lexicon groups the item names, found by the sentences' matcher (analysis.recommendations.item_groups)"),
     ("kinds", f"{RECOMMENDATIONS_JOIN}-joined kinds of exploitation the item names, of {_one_of(KINDS)} (analysis.matching.classify_kinds)"),
     ("thread", "one id (country:first_year:rank) for the same recommendation across years, matched by wording "
                "(analysis.recommendations.thread_items; the rule: analysis.recommendations.THREAD_RULE)"),
     ("first_year", "the first report year of the item's thread (analysis.recommendations.thread_items)"),
     ("source_url", "the narrative's state.gov page (narratives.csv's source_url)"),
     ("paragraph_index", "the paragraph the item is printed in, from 0 (paragraphs.csv's paragraph_index)")],
    numeric=("year", "rank", "first_year", "paragraph_index"), sort=("country", "year", "rank"),
    one_row_per="recommendation (item of a narrative's recommendations, in printed order)",
    title="Every recommendation of every narrative, in printed order",
    description="The report's recommendations to each government, one row per item as printed (list items; the "
                "semicolon-separated clauses of one paragraph in older narratives), with the groups it names and its "
                "thread across years.")

# the table set: corpus tables (scrapers.build.corpus_tables), then analysis tables (analysis.tables)
TABLES: dict[str, TableSchema] = {t.name: t for t in (
    TIERS_TABLE, NARRATIVES_TABLE, PARAGRAPHS_TABLE, COVERAGE_TABLE,
    MENTIONS_TABLE, MENTION_SECTIONS_TABLE, KWIC_TABLE, RECOMMENDATIONS_TABLE, CLAIMS_TABLE)}

# -- inputs kept in the repository --------------------------------------------------------------
_BY_HAND = "maintained by hand in the repository"
REFERENCE_TIERS_TABLE = _table(
    "reference_tiers",
    [("country", "the country's registry slug (china)"), ("year", "report year"),
     ("tier", f"one of {_one_of(TIERS)}, as the source gives it"),
     ("source_url", "the public source of the row"),
     ("source_note", "what the source says")],
    numeric=("year",), one_row_per="country-year", path="reference/china_tiers.csv", written_by=_BY_HAND,
    title="China's reference tiers",
    description="China's tier in every report year from public secondary sources: the tier of a year "
                "whose page was not read, and the cross-check of every scraped tier.")
KELLEY_TIERS_TABLE = _table(
    "kelley_tiers",
    [("countryname", "the country's name in the panel"),
     ("iso", "ISO 3166-1 alpha-3 code"),
     ("year", "report year"),
     ("ccode", "Correlates of War country code"),
     ("tier", "tier coded 1-4 (KELLEY_TIER_CODES: 1 Tier 1, 2 Tier 2, 3 Tier 2 Watch List, 4 Tier 3) or NA"),
     ("source_url", "the panel's file")],
    numeric=("year",), one_row_per="country-year", path="reference/kelley_tiers.csv", written_by=_BY_HAND,
    title="Kelley's tier panel (Scorecard Diplomacy; MIT License, see kelley_tiers.LICENSE)",
    description="Judith G. Kelley's tier panel of every country, report years 1999-2015: the second reference.")
KELLEY_TIER_CODES = {"1": TIERS[0], "2": TIERS[1], "3": TIERS[2], "4": TIERS[3]}
ESSAY_CLAIMS_TABLE = _table(
    "essay_claims",
    [("claim_id", "the claim's identifier"),
     ("claim", "the claim in one sentence"),
     ("quote", "a short quote from the essay (at most 25 words, checked against the essay by a test)"),
     ("citation", "the essay's source for the quote"),
     ("figure", "the figure the essay quotes, if any"),
     ("denominator", "what the figure is a share of"),
     ("report_year", "the report year the claim speaks of; empty: all years"),
     ("check", "the rule that checks the claim: a name in analysis.claims.CHECKS"),
     ("check_arg", "the rule's argument (a tier, a group slug, the report's wording, a word pattern)"),
     ("label", "short name of an NGO estimate, for the Essay page's chart")],
    numeric=("report_year",), sort=("claim_id",), one_row_per="essay claim", path="essay/claims.csv",
    written_by=_BY_HAND, optional=("label",),
    title="The essay's claims (input)",
    description="The claims taken from the essay, before they are checked against the narratives.")
ESSAY_CLAIMS_COLUMNS = ESSAY_CLAIMS_TABLE.required
INPUT_TABLES = (REFERENCE_TIERS_TABLE, KELLEY_TIERS_TABLE, ESSAY_CLAIMS_TABLE)


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


# -- dashboard vocabularies ---------------------------------------------------------------------
# Height of each tier on the dashboard's tier charts: Tier 1 on top, Special Case (no rank) at 0.
TIER_RANKS = {TIER_1: 4, TIER_2: 3, TIER_2_WATCH_LIST: 2, TIER_3: 1, SPECIAL_CASE: 0}
TIER_SHORT = {TIER_1: "Tier 1", TIER_2: "Tier 2", TIER_2_WATCH_LIST: "Watch List", TIER_3: "Tier 3",
              SPECIAL_CASE: "Special Case"}  # tier names short enough for an axis
SENTENCES, PER_1000_WORDS, SHARE_OF_SENTENCES = MEASURES  # mentions.csv's measures, in the order offered
