"""Parsing one report page (any of the three eras of markup) into the country's Narrative."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from scrapers.countries import Country
from scrapers.errors import NarrativeNotFound
from scrapers.models import Narrative, Section
from scrapers.sections import clean_title, normalise_section, split_run_in
from scrapers.text import normalise_text
from scrapers.tiers import canonical_tier, heading_tier, parse_tier_heading, read_tier

_HEADING_LEVELS = {f"h{i}": i for i in range(1, 7)}
# Elements whose text is one paragraph (unless they hold nested blocks, then we descend).
_BLOCK_TAGS = {"p", "li", "blockquote", "pre", "dt", "dd", "td", "th", "caption", "figcaption", "address", *_HEADING_LEVELS}
_INLINE_TAGS = {
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var", "wbr", "nobr", "img",
}
_BOLD_TAGS = {"b", "strong"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)
_JUNK_TAGS = (
    "script", "style", "noscript", "template", "nav", "select", "option", "input", "button", "textarea",
    "iframe", "svg", "object", "embed", "aside", "link", "meta", "map", "canvas", "video", "audio",
)
# class/id tokens of page furniture: share widgets, breadcrumbs, footnotes, menus, sidebars...
_JUNK_TOKEN = re.compile(
    r"(?:^|[-_])(?:share|sharing|social|addthis|sharethis|breadcrumbs?|footnotes?|skip-?link|skip-?to-?content"
    r"|back-?to-?top|to-?top|related|sidebar|cookies?|subscribe|newsletter|site-?header|footer"
    r"|menu|navbar|navigation|(?:left|right|top|sub|global|site|report)-?nav|pagination|pager|print-?button"
    r"|disclaimer|external-?link-?notice)(?:$|[-_])",
    re.IGNORECASE,
)
_CONTENT_ROOT = re.compile(
    r"centerblock|center-block|center_block|centercontent|maincontent|main-content|main_content|^content$"
    r"|content-main|article-body|body-text|bodytext|entry-content",
    re.IGNORECASE,
)
_BACK_TO_TOP = re.compile(r"^\W*(?:(?:back|return|go)\s+to\s+(?:the\s+)?top(?:\s+of\s+(?:the\s+)?page)?|top\s+of\s+page|top)\W*$", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^\s*[\[(]?(?:\d{1,3}|[*\u2020\u2021])[\])]?\s*$")
_ASSESSMENT = re.compile(
    r"\b(?:does\s+not\s+fully\s+(?:comply|meet)|fully\s+(?:complies|comply|meets|meet)\s+with\s+the\s+minimum"
    r"|minimum\s+standards\s+for\s+the\s+elimination\s+of\s+trafficking"
    r"|(?:placed|remained|remains|downgraded|upgraded)\s+(?:on|to)\s+(?:the\s+)?tier)",
    re.IGNORECASE,
)
_MAX_HEADING_WORDS = 14


@dataclass
class Block:
    """One paragraph-like piece of the page in document order."""

    level: int  # 1-6 for <h1>-<h6>, 0 for anything else
    text: str
    bold_lead: str  # the bold text the block opens with ("Prosecution"), "" if none
    all_bold: bool
    linked: bool  # the whole text is one hyperlink (a table-of-contents entry, not a heading)
    element: Tag


# ---------------------------------------------------------------------------------------------
# Cleaning and flattening the page


def _is_inside(tag: Tag, roots: list[Tag]) -> bool:
    ids = {id(root) for root in roots}
    return id(tag) in ids or any(id(parent) in ids for parent in tag.parents)


def _clean(soup: BeautifulSoup) -> None:
    """Remove scripts, navigation, page headers/footers, share widgets, footnotes, 'back to top' links."""
    for tag in soup.find_all(_JUNK_TAGS):
        tag.decompose()
    entry = soup.select(".entry-content")
    for tag in soup.find_all(["header", "footer"]):
        if not tag.decomposed and not _is_inside(tag, entry):
            tag.decompose()
    protected = {id(t) for t in entry} | {id(t) for t in soup.find_all(id=_CONTENT_ROOT)}
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "main", "article") or id(tag) in protected:
            continue
        tokens = [*(tag.get("class") or []), tag.get("id") or "", tag.get("role") or ""]
        if any(t and _JUNK_TOKEN.search(t) for t in tokens):
            if any(id(d) in protected for d in tag.find_all(True)):
                continue
            tag.decompose()
    for sup in soup.find_all("sup"):
        if not sup.decomposed and _FOOTNOTE_MARK.match(sup.get_text()):
            sup.decompose()
    for link in soup.find_all("a"):
        if link.decomposed:
            continue
        href = link.get("href") or ""
        if _BACK_TO_TOP.match(link.get_text()) or re.match(r"#_?(?:ftn|fn|footnote)", href, re.IGNORECASE):
            link.decompose()


def _is_bold(tag: Tag) -> bool:
    return tag.name in _BOLD_TAGS or bool(_BOLD_STYLE.search(tag.get("style") or ""))


def _has_block_child(tag: Tag) -> bool:
    return any(isinstance(d, Tag) and d.name not in _INLINE_TAGS and d.name != "br" for d in tag.descendants)


Piece = tuple[str | None, bool]  # (text, is_bold); text None marks a <br>


def _inline_pieces(node, bold: bool) -> Iterator[Piece]:
    """(text, is_bold) pieces of inline content; a <br> is the piece (None, bold)."""
    if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
        return
    if isinstance(node, NavigableString):
        yield str(node), bold
        return
    if node.name == "br":
        yield None, bold
        return
    inner_bold = bold or _is_bold(node)
    for child in node.children:
        yield from _inline_pieces(child, inner_bold)


def _all_bold(pieces: list[Piece]) -> bool:
    words = [(t, b) for t, b in pieces if t and t.strip()]
    return bool(words) and all(b for _, b in words)


def _split_at_breaks(pieces: list[Piece]) -> list[list[Piece]]:
    """Split at <br><br>, and at a single <br> after an all-bold run (a heading on its own line)."""
    groups: list[list[Piece]] = [[]]
    breaks = 0
    for text, bold in pieces:
        if text is None:
            breaks += 1
            if breaks >= 2 or _all_bold(groups[-1]):
                if any(t and t.strip() for t, _ in groups[-1]):
                    groups.append([])
            else:
                groups[-1].append((" ", bold))
            continue
        if text.strip():
            breaks = 0
        groups[-1].append((text, bold))
    return groups


def _make_block(pieces: list[Piece], level: int, element: Tag, linked: bool) -> Block | None:
    text = normalise_text("".join(t for t, _ in pieces if t))
    if not text or _BACK_TO_TOP.match(text):
        return None
    lead: list[str] = []
    all_bold = True
    for piece, bold in pieces:
        if not piece or not piece.strip():
            if lead and piece:
                lead.append(piece)
            continue
        if bold and all_bold:
            lead.append(piece)
        else:
            all_bold = False
    return Block(level, text, normalise_text("".join(lead)), all_bold, linked, element)


def _whole_link(tag: Tag) -> bool:
    links = tag.find_all("a", href=True)
    return len(links) == 1 and normalise_text(links[0].get_text()) == normalise_text(tag.get_text())


def _blocks(root: Tag) -> list[Block]:
    """Flatten `root` into blocks in document order (text split at <br><br> and after bold lines)."""
    out: list[Block] = []

    def emit(pieces: list[Piece], level: int, element: Tag, linked: bool) -> None:
        for group in _split_at_breaks(pieces) if not level else [[(t or " ", b) for t, b in pieces]]:
            block = _make_block(group, level, element, linked)
            if block:
                out.append(block)

    def walk(container: Tag, bold: bool) -> None:
        buffer: list[Piece] = []
        for child in container.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString) or child.name == "br" or (
                child.name in _INLINE_TAGS and not _has_block_child(child)
            ):
                buffer.extend(_inline_pieces(child, bold))
                continue
            emit(buffer, 0, container, False)
            buffer = []
            if child.name in _BLOCK_TAGS and not _has_block_child(child):
                emit(list(_inline_pieces(child, bold)), _HEADING_LEVELS.get(child.name, 0), child, _whole_link(child))
            else:
                walk(child, bold or _is_bold(child))
        emit(buffer, 0, container, False)

    walk(root, False)
    return out


# ---------------------------------------------------------------------------------------------
# Finding the country's heading and the extent of its narrative


@dataclass
class _Start:
    index: int  # index of the heading block
    heading: str  # text given to read_tier ("CHINA: Tier 3")
    level: int  # heading level (0 for a bold paragraph)
    skip: int = 0  # blocks after the heading that belong to it (a bare "Tier 3" line)
    name_only: bool = False  # the heading names the country without a tier ("China")


def _heading_candidates(blocks: list[Block], country: Country, tier_only: bool = False) -> list[_Start]:
    starts: list[_Start] = []
    for i, block in enumerate(blocks):
        if block.linked or len(block.text.split()) > _MAX_HEADING_WORDS:
            continue
        if heading_tier(block.text, country):
            starts.append(_Start(i, block.text, block.level))
    if starts or tier_only:
        return starts
    for i, block in enumerate(blocks):  # a heading with the name only ("China"), maybe a tier line next
        if block.linked or not (block.level or block.all_bold) or len(block.text.split()) > _MAX_HEADING_WORDS:
            continue
        name = re.split(r"\s*[:\u2013\u2014]\s*", block.text)[-1]
        if country.matches_name(block.text) or (country.matches_name(name) and re.search(r"report|narrative", block.text, re.I)):
            following = blocks[i + 1].text if i + 1 < len(blocks) else ""
            if canonical_tier(following) and len(following.split()) <= 5 and re.fullmatch(r"[\w\s():-]+", following):
                starts.append(_Start(i, f"{country.name} ({canonical_tier(following)})", block.level, 1, True))
            else:
                starts.append(_Start(i, block.text, block.level, 0, True))
    return starts


def _scope_roots(soup: BeautifulSoup, heading: Tag) -> list[Tag]:
    entry = [t for t in soup.select(".entry-content") if not any("entry-content" in (p.get("class") or []) for p in t.parents)]
    if entry:
        return entry
    for parent in heading.parents:
        if not isinstance(parent, Tag):
            continue
        tokens = [*(parent.get("class") or []), parent.get("id") or ""]
        if parent.name in ("main", "article") or any(t and _CONTENT_ROOT.search(t) for t in tokens):
            return [parent]
    return [soup.body or soup]


def _narrative_blocks(soup: BeautifulSoup, blocks: list[Block], start: _Start) -> list[Block]:
    roots = _scope_roots(soup, blocks[start.index].element)
    out: list[Block] = []
    for block in blocks[start.index + 1 + start.skip:]:
        if not _is_inside(block.element, roots):
            continue
        if not block.linked and len(block.text) <= 120 and parse_tier_heading(block.text):
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
    words = len(block.text.split())
    return block.all_bold and words <= _MAX_HEADING_WORDS and not block.text.rstrip().endswith((".", "?", "!", '."'))


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
                start("OTHER", clean_title(block.text), block.level)
                continue
        run_in = split_run_in(block.text, block.bold_lead)
        if run_in:
            start(run_in.name, run_in.title_printed, 0)
            if run_in.rest:
                add(run_in.rest)
            continue
        add(block.text)

    sections: list[Section] = []
    if leading:
        first_assessment = next((i for i, p in enumerate(leading) if _ASSESSMENT.search(p)), None)
        if first_assessment:  # profile first (2001-2016 style), then the assessment paragraph(s)
            sections.append(Section("TRAFFICKING PROFILE", "", tuple(leading[:first_assessment])))
            sections.append(Section("INTRODUCTION", "", tuple(leading[first_assessment:])))
        else:
            sections.append(Section("INTRODUCTION", "", tuple(leading)))
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


def find_country_heading(html: str, country: Country) -> str | None:
    """The country's own heading with its tier in `html` (e.g. 'CHINA (TIER 2)'), or None if there is none."""
    soup = BeautifulSoup(html or "", "lxml")
    _clean(soup)
    starts = _heading_candidates(_blocks(soup.body or soup), country, tier_only=True)
    return starts[0].heading if starts else None


def parse_narrative(html: str, *, country: Country, year: int, source_url: str) -> Narrative:
    """The country's Narrative in one page; NarrativeNotFound (with the reason) when none is there."""
    if not html or not html.strip():
        raise _not_found(country, source_url, "the page is empty", hint=False)
    if not re.search(r"</(?:html|body)\s*>", html[-16384:], re.IGNORECASE):
        raise _not_found(country, source_url, "the page appears truncated (it ends without </body> or </html>)",
                         hint=False)
    soup = BeautifulSoup(html, "lxml")
    _clean(soup)
    blocks = _blocks(soup.body or soup)
    starts = _heading_candidates(blocks, country)
    if not starts:
        raise _not_found(country, source_url, f"no heading for {country.name} in {len(blocks)} text blocks")
    for start in starts:
        sections = _sections(_narrative_blocks(soup, blocks, start))
        if sections:
            paragraphs = [p for s in sections for p in s.paragraphs]
            tier = read_tier(start.heading, paragraphs, country)
            return Narrative(country=country.slug, year=year, source_url=source_url, tier=tier, sections=tuple(sections))
    raise _not_found(country, source_url, f"the heading '{starts[0].heading}' is followed by no paragraphs")
