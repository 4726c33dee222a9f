"""Parsing one report page (any of the three eras of markup) into the country's Narrative.

The hot path parses with lxml (libxml2, the parser beautifulsoup4 itself recommends) and walks the
tree with explicit stacks, never recursion, so page depth cannot raise RecursionError and time
grows linearly with the page. Page furniture is skipped while walking instead of being removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.schema import INTRODUCTION, OTHER_SECTION, PREVENTION, PROFILE, PROSECUTION, PROTECTION, RECOMMENDATIONS
from scrapers.countries import Country, resolve
from scrapers.errors import NarrativeNotFound
from scrapers.models import Narrative, Section
from scrapers.parse.blocks import Block, Unparseable, blocks_of
from scrapers.parse.decode import looks_complete
from scrapers.parse.names import split_heading
from scrapers.parse.sections import clean_title, normalise_section, split_run_in
from scrapers.parse.text import normalise_text
from scrapers.parse.tier_text import canonical_tier, parse_tier_heading
from scrapers.parse.tiers import has_placement, heading_tier, read_tier

# Bump whenever the Narrative that parse_narrative returns for some page can change: the parse
# cache of the pipeline is keyed on it.
PARSER_VERSION = "3"

# A narrative that names the country only in a tier-less heading ("China", "2021 Trafficking in
# Persons Report: China") must have at least this many words, or printed report sections; else the
# page is not a narrative (a "This page has moved." notice, a site menu page...).
MIN_NARRATIVE_WORDS = 150

_ASSESSMENT = re.compile(
    r"\b(?:does\s+not\s+fully\s+(?:comply|meet)|fully\s+(?:complies|comply|meets|meet)\s+with\s+the\s+minimum"
    r"|minimum\s+standards\s+for\s+the\s+elimination\s+of\s+trafficking"
    r"|(?:placed|remained|remains|downgraded|upgraded)\s+(?:on|to)\s+(?:the\s+)?tier)",
    re.IGNORECASE,
)
_ASSESSMENT_LOW = re.compile(_ASSESSMENT.pattern)  # the same on lowercased ASCII text
_MAX_HEADING_WORDS = 14
_HEAD_CHARS = 400
# Sections that only a real narrative prints (INTRODUCTION and OTHER are what any page would give).
_REPORT_SECTIONS = frozenset({RECOMMENDATIONS, PROSECUTION, PROTECTION, PREVENTION, PROFILE})


# ---------------------------------------------------------------------------------------------
# Parsing and classifying elements


# ---------------------------------------------------------------------------------------------
# Flattening the page into blocks


# ---------------------------------------------------------------------------------------------
# Finding the country's heading and the extent of its narrative


@dataclass
class _Start:
    index: int  # index of the heading block
    heading: str  # text given to read_tier ("CHINA: Tier 3")
    level: int  # heading level (0 for a bold paragraph)
    skip: int = 0  # blocks after the heading that belong to it (a bare "Tier 3" line)
    name_only: bool = False  # the heading names the country without a tier ("China")


_NAME_SPLIT = re.compile(r"\s*[:\u2013\u2014]\s*")
_REPORT_WORD = re.compile(r"report|narrative", re.IGNORECASE)
_TIER_LINE = re.compile(r"[\w\s():-]+")


def _heading_candidates(blocks: list[Block], country: Country, tier_only: bool = False) -> list[_Start]:
    starts: list[_Start] = []
    for i, block in enumerate(blocks):
        if block.linked or _over_heading_words(block.text):
            continue
        if heading_tier(block.text, country):
            starts.append(_Start(i, block.text, block.level))
    if starts or tier_only:
        return starts
    for i, block in enumerate(blocks):  # a heading with the name only ("China"), maybe a tier line next
        if block.linked or not (block.level or block.all_bold) or _over_heading_words(block.text):
            continue
        name = _NAME_SPLIT.split(block.text)[-1]
        if country.matches_name(block.text) or (country.matches_name(name) and _REPORT_WORD.search(block.text)):
            following = blocks[i + 1].text if i + 1 < len(blocks) else ""
            if len(following.split()) <= 5 and canonical_tier(following) and _TIER_LINE.fullmatch(following):
                starts.append(_Start(i, f"{country.name} ({canonical_tier(following)})", block.level, 1, True))
            else:
                starts.append(_Start(i, block.text, block.level, 0, True))
    return starts


def _narrative_blocks(blocks: list[Block], start: _Start, has_entry: bool,
                      stopped: list[Block] | None = None) -> list[Block]:
    """The blocks of the narrative under `start`; the heading it stopped at goes into `stopped`."""
    heading = blocks[start.index]
    if has_entry:
        def inside(block: Block) -> bool:
            return block.in_entry
    else:
        own = heading.scopes[:-1] if heading.own_scope else heading.scopes
        root = own[-1] if own else None

        def inside(block: Block) -> bool:
            return root is None or root in block.scopes
    out: list[Block] = []
    for block in blocks[start.index + 1 + start.skip:]:
        if not inside(block):
            continue
        if not block.linked and len(block.text) <= 120 and parse_tier_heading(block.text):
            if stopped is not None:
                stopped.append(block)
            break  # the next country's heading ("HONG KONG (TIER 1)", "CHINA (MACAU) (Tier 2)")
        if start.level and block.level and block.level < start.level and normalise_section(block.text) is None:
            break  # a higher-ranked heading that is no section of ours: a new region or part of the report
        if start.name_only and _next_name_heading(block, start):
            break  # headings without tiers: the next country's heading has the same shape
        out.append(block)
    return out


def _next_name_heading(block: Block, start: _Start) -> bool:
    """Whether `block` is a heading of the same rank as a tier-less country heading (the next country)."""
    if normalise_section(block.text) is not None or split_run_in(block.text, block.bold_lead):
        return False
    if start.level:
        return bool(block.level) and block.level <= start.level
    words = block.text.split()
    return block.all_bold and not block.level and len(words) <= 6 and not block.text.endswith((".", ":", "?", "!"))


# ---------------------------------------------------------------------------------------------
# Sections


def _is_heading_like(block: Block) -> bool:
    if block.level:
        return True
    return (block.all_bold and not _over_heading_words(block.text)
            and not block.text.rstrip().endswith((".", "?", "!", '."')))


def _is_assessment(paragraph: str) -> bool:
    """Whether a paragraph assesses the government against the minimum standards (or places it)."""
    low = paragraph.lower()
    if not ("fully" in low or "minimum" in low or "tier" in low):
        return False
    if not paragraph.isascii():
        return bool(_ASSESSMENT.search(paragraph))
    # ASCII text: matching it case-insensitively is matching its lowercase (same positions), and the
    # tier alternative needs one of its verbs besides "tier"
    return ("fully" in low or "minimum" in low or "placed" in low or "remain" in low or "graded" in low) \
        and bool(_ASSESSMENT_LOW.search(low))


def _over_heading_words(text: str) -> bool:
    """Whether normalised text (single spaces, stripped) has more than _MAX_HEADING_WORDS words. The
    spaces of its first _HEAD_CHARS characters are counted first: a paragraph has enough there, and
    its whole length is never scanned (this runs for every block, once per country looked for)."""
    spaces = text.count(" ", 0, _HEAD_CHARS)
    if spaces < _MAX_HEADING_WORDS and len(text) > _HEAD_CHARS:
        spaces = text.count(" ")
    return spaces >= _MAX_HEADING_WORDS


def _sections(blocks: list[Block]) -> list[Section]:
    leading: list[str] = []
    built: list[tuple[str, str, list[str]]] = []
    level_of_current = 0

    def start(name: str, title: str, level: int) -> None:
        nonlocal level_of_current
        built.append((name, title, []))
        level_of_current = level

    def add(text: str) -> None:
        (built[-1][2] if built else leading).append(text)

    for block in blocks:
        if _is_heading_like(block):
            name = normalise_section(block.text)
            if name:
                start(name, clean_title(block.text), block.level)
                continue
            if block.level:
                if built and level_of_current and block.level > level_of_current:
                    continue  # an unknown sub-heading inside a known section: not a paragraph
                start(OTHER_SECTION, clean_title(block.text), block.level)
                continue
        head = block.text[:120]
        run_in = split_run_in(block.text, block.bold_lead) \
            if block.bold_lead or ":" in head or "\u2013" in head or "\u2014" in head else None
        if run_in:
            start(run_in.name, run_in.title_printed, 0)
            if run_in.rest:
                add(run_in.rest)
            continue
        add(block.text)

    sections: list[Section] = []
    if leading:
        first_assessment = next((i for i, p in enumerate(leading) if _is_assessment(p)), None)
        if first_assessment:  # profile first (2001-2016 style), then the assessment paragraph(s)
            sections.append(Section(PROFILE, "", tuple(leading[:first_assessment])))
            sections.append(Section(INTRODUCTION, "", tuple(leading[first_assessment:])))
        else:
            sections.append(Section(INTRODUCTION, "", tuple(leading)))
    sections += [Section(name, title, tuple(paras)) for name, title, paras in built if paras]
    return sections


# ---------------------------------------------------------------------------------------------


def _not_found(country: Country, source_url: str, detail: str, hint: bool = True) -> NarrativeNotFound:
    message = f"no {country.name} narrative found in {source_url}: {detail}"
    if hint:
        names = ", ".join(repr(n) for n in country.names[:3])
        message += (
            f" (looked for a heading such as '{country.name.upper()}: Tier 3' or '{country.name} (Tier 2 Watch "
            f"List)' naming one of {names}, followed by narrative paragraphs; the page's markup may have "
            f"changed, or this is the wrong page)"
        )
    return NarrativeNotFound(message)


def _not_a_narrative(start: _Start, sections: list[Section], country: Country) -> str | None:
    """Why the text under a heading is not a narrative, or None when it looks like one.

    A heading that prints the country's tier, or a placement sentence naming the country, is enough;
    under a heading with the name only, the text needs MIN_NARRATIVE_WORDS words or report sections."""
    if not start.name_only or start.skip:
        return None
    words = sum(len(p.split()) for s in sections for p in s.paragraphs)
    printed = [s.name for s in sections if s.name in _REPORT_SECTIONS and s.title_printed]
    if words >= MIN_NARRATIVE_WORDS or printed or has_placement([p for s in sections for p in s.paragraphs], country):
        return None
    return (f"the text under the heading '{start.heading}' does not look like a narrative: {words} words "
            f"(a narrative has at least {MIN_NARRATIVE_WORDS}), no tier statement and no report sections "
            f"(Prosecution, Protection, Prevention...); a 'page moved' notice or a menu page?")


def _names_another(start: _Start, narrative: list[Block], country: Country) -> str | None:
    """Why the text under `start` is another country's narrative, or None: a heading that opens it
    (before its first paragraph or report section) names a separate narrative of the country (Hong
    Kong for China) or another country of the registry, whatever the page's <h1> or <title> says."""
    for block in narrative:
        if not _is_heading_like(block) or normalise_section(block.text) is not None:
            first = normalise_text(block.text).split(". ")[0]
            if not _is_heading_like(block) and country.mentions_excluded(first) and not re.search(
                    rf"\b{country.name_regex}\b", first, re.IGNORECASE):
                return (f"the narrative under the heading '{start.heading}' opens with a sentence about "
                        f"another narrative, not {country.name}: '{first[:160]}'")
            return None
        name = split_heading(block.text)[0]
        other = resolve(name)
        if country.mentions_excluded(name) or (other is not None and other.slug != country.slug):
            whose = other.name if other is not None else name
            return (f"the narrative under the heading '{start.heading}' opens with the heading '{block.text}', "
                    f"which names {whose}, not {country.name}: another narrative, refused")
    return None


def find_country_heading(html: str, country: Country) -> str | None:
    """The country's own heading with its tier in `html` (e.g. 'CHINA (TIER 2)'), or None if there is none."""
    if not html or html.isspace():  # (not html.strip(), which copies the page)
        return None
    try:
        blocks, _ = blocks_of(html)
    except Unparseable:
        return None
    starts = _heading_candidates(blocks, country, tier_only=True)
    return starts[0].heading if starts else None


def parse_narrative(html: str, *, country: Country, year: int, source_url: str,
                    utf8: bytes | None = None) -> Narrative:
    """The country's Narrative in one page; NarrativeNotFound (with the reason) when none is there.

    `utf8`, when given, is `html` as UTF-8 bytes (decode.decode_page's third value): parsed as they
    are, saving the encoding of the text."""
    if not html or html.isspace():  # (not html.strip(), which copies the page)
        raise _not_found(country, source_url, "the page is empty", hint=False)
    if not looks_complete(html):
        raise _not_found(country, source_url, "the page appears truncated (it ends without </body> or </html>)",
                         hint=False)
    try:
        blocks, has_entry = blocks_of(html if utf8 is None else utf8)
    except Unparseable as exc:
        raise _not_found(country, source_url, str(exc), hint=False) from None
    starts = _heading_candidates(blocks, country)
    if not starts:
        raise _not_found(country, source_url, f"no heading for {country.name} in {len(blocks)} text blocks")
    rejected: list[str] = []
    for start in starts:
        stopped: list[Block] = []
        narrative = _narrative_blocks(blocks, start, has_entry, stopped)
        sections = _sections(narrative)
        # a heading naming the country and its tier opens its own narrative; under a name-only heading
        # (the page's <h1>, "2021 Trafficking in Persons Report: China") the narrative's own opening counts
        foreign = _names_another(start, (narrative if sections else []) + stopped, country) if start.name_only else None
        if not sections and not foreign:
            continue
        if foreign:
            rejected.append(foreign)
            continue
        paragraphs = [p for s in sections for p in s.paragraphs]
        tier = read_tier(start.heading, paragraphs, country)
        reason = _not_a_narrative(start, sections, country)
        if reason:
            rejected.append(reason)
            continue
        return Narrative(country=country.slug, year=year, source_url=source_url, tier=tier, sections=tuple(sections))
    if rejected:
        raise _not_found(country, source_url, rejected[0], hint=False)
    raise _not_found(country, source_url, f"the heading '{starts[0].heading}' is followed by no paragraphs")


def _country_named(name: str) -> Country:
    """The Country a printed name stands for: the registry's (all its printed names, its separate
    narratives kept out) when it knows the name, else a country of that one name."""
    known = resolve(name)
    if known is not None:
        return known
    slug = re.sub(r"[^a-z0-9]+", "-", normalise_text(name).lower()).strip("-") or "country"
    return Country(slug=slug, name=name, names=(name,), url_slug=slug)


def parse_all_narratives(html: str, year: int, source_url: str, names,
                         utf8: bytes | None = None) -> list[tuple[str, Narrative]]:
    """Every narrative of a page that holds several countries (the 2001-2008 regional pages), split at
    each country heading ('NAME (TIER)'): (name as given, Narrative) in page order, for each of `names`
    whose heading is on the page. The page is parsed once (its `utf8` bytes when given, as in
    parse_narrative). NarrativeNotFound when none is there."""
    names = list(names)
    if not html or html.isspace():  # (not html.strip(), which copies the page)
        raise NarrativeNotFound(f"no narrative found in {source_url}: the page is empty")
    try:
        blocks, has_entry = blocks_of(html if utf8 is None else utf8)
    except Unparseable as exc:
        raise NarrativeNotFound(f"no narrative found in {source_url}: {exc}") from None
    countries = [(name, _country_named(name)) for name in names]
    found: list[tuple[str, Narrative]] = []
    taken: set[str] = set()
    for index, block in enumerate(blocks):
        if block.linked or _over_heading_words(block.text):
            continue
        parts = parse_tier_heading(block.text)
        if parts is None:
            continue
        match = next(((name, c) for name, c in countries if name not in taken and c.matches_name(parts.name)
                      and not c.mentions_excluded(parts.name)), None)
        if match is None:
            continue
        name, country = match
        sections = _sections(_narrative_blocks(blocks, _Start(index, block.text, block.level), has_entry))
        if not sections:
            continue
        taken.add(name)
        tier = read_tier(block.text, [p for s in sections for p in s.paragraphs], country)
        found.append((name, Narrative(country=country.slug, year=year, source_url=source_url, tier=tier,
                                      sections=tuple(sections))))
    if not found:
        raise NarrativeNotFound(f"no narrative found in {source_url}: no heading 'NAME (Tier N)' for any of "
                                f"{', '.join(repr(n) for n in names[:8])}{' ...' if len(names) > 8 else ''}")
    return found
