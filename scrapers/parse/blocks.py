"""A page's HTML as blocks: its paragraphs, headings and list items in document order, with page
furniture (navigation, footers, 'back to top', footnote marks) left out and what the narrative
finder needs to know about each (heading level, bold lead, linked, inside entry-content)."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from scrapers.parse.text import normalise_text

# libxml2 stops at this nesting depth (with its "huge" option on); the rest of the page is lost.
MAX_PARSE_DEPTH = 2048
_HEADING_LEVELS = {f"h{i}": i for i in range(1, 7)}
# Elements whose text is one paragraph (unless they hold nested blocks, then we descend).
_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "pre", "dt", "dd", "td", "th", "caption", "figcaption", "address",
                         *_HEADING_LEVELS})
_INLINE_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var", "wbr", "nobr", "img",
})
_INLINE_OR_BR = _INLINE_TAGS | {"br"}
_BOLD_TAGS = frozenset({"b", "strong"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)
_JUNK_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "select", "option", "input", "button", "textarea",
    "iframe", "svg", "object", "embed", "aside", "link", "meta", "map", "canvas", "video", "audio",
})
_NEVER_JUNK = frozenset({"html", "body", "main", "article"})
_SCOPE_TAGS = frozenset({"main", "article"})
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
_ENTRY = "entry-content"
_ENTRY_BYTES = _ENTRY.encode()
_BACK_TO_TOP = re.compile(r"^\W*(?:(?:back|return|go)\s+to\s+(?:the\s+)?top(?:\s+of\s+(?:the\s+)?page)?|top\s+of\s+page|top)\W*$", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^\s*[\[(]?(?:\d{1,3}|[*\u2020\u2021])[\])]?\s*$")
_FOOTNOTE_HREF = re.compile(r"#_?(?:ftn|fn|footnote)", re.IGNORECASE)
_SHORT_LINK_TEXT = 80  # a 'back to top' link text is short; longer link texts are never read in full
# The attributes of the descendants that may mark content (an id, an entry-content class), each
# giving its element (getparent): an attribute-axis scan is several times faster in libxml2 than
# testing each element (".//*[@id or contains(@class, 'entry-content')]"), with the same elements.
_MAY_MARK = etree.XPath(".//*/@id | .//*/@class[contains(., 'entry-content')]")


@dataclass
class Block:
    """One paragraph-like piece of the page in document order."""

    level: int  # 1-6 for <h1>-<h6>, 0 for anything else
    text: str
    bold_lead: str  # the bold text the block opens with ("Prosecution"), "" if none
    all_bold: bool
    linked: bool  # the whole text is one hyperlink (a table-of-contents entry, not a heading)
    in_entry: bool  # inside a WordPress <section class="entry-content">
    scopes: tuple[int, ...]  # serials of the content blocks (main, article, #centerblock...) around it
    own_scope: bool  # the block's own element is the last of `scopes` (loose text of a content block)
_local = threading.local()


def _parser() -> etree.HTMLParser:
    """One lxml parser per thread (lxml parsers must not be shared between threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        # plain etree elements: lxml.html's element classes cost a Python lookup per element
        parser = _local.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True,
            collect_ids=False)  # no id table: nothing looks elements up by id
    return parser


class Unparseable(Exception):
    """The page could not be turned into a tree; str() says why."""


def _utf8(html: str | bytes) -> bytes:
    """What libxml2 parses: the page's UTF-8 bytes, NUL characters left out."""
    if isinstance(html, bytes):
        return html.replace(b"\x00", b"") if b"\x00" in html else html
    return html.replace("\x00", "").encode("utf-8", "replace")


def _document(data: bytes):
    """The lxml tree of a page's UTF-8 bytes (_utf8); Unparseable when libxml2 gives up (empty page,
    nesting too deep)."""
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise Unparseable(f"the HTML parser found no document ({exc})") from None
    if root is None:
        raise Unparseable("the HTML parser found no document")
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT" or "xcessive depth" in error.message:
            raise Unparseable(f"the page nests its elements more than {MAX_PARSE_DEPTH} levels deep, beyond what "
                               f"the HTML parser reads (the rest of the page would be lost)")
    return root


@lru_cache(maxsize=4096)
def _tokens_junk(classes: str, ident: str, role: str) -> bool:
    return any(t and _JUNK_TOKEN.search(t) for t in (*classes.split(), ident, role))


@lru_cache(maxsize=4096)
def _tokens_scope(classes: str, ident: str) -> bool:
    return any(t and _CONTENT_ROOT.search(t) for t in (*classes.split(), ident))


def _is_entry(el) -> bool:
    classes = el.get("class")
    return bool(classes) and _ENTRY in classes.split()


def _is_bold(el) -> bool:
    if el.tag in _BOLD_TAGS:
        return True
    style = el.get("style")
    return bool(style) and bool(_BOLD_STYLE.search(style))


def _short_text(el, limit: int = _SHORT_LINK_TEXT) -> str | None:
    """The text of `el`, or None when it is longer than `limit` characters."""
    out: list[str] = []
    size = 0
    for text in el.itertext():
        out.append(text)
        size += len(text)
        if size > limit:
            return None
    return "".join(out)


def _below(node, top) -> bool:
    """Whether `node` is a descendant of `top`."""
    node = node.getparent()
    while node is not None:
        if node is top:
            return True
        node = node.getparent()
    return False


def _survives(node, top, in_entry: bool) -> bool:
    """Whether `node`, a descendant of the kept element `top`, survives the tag rules (no junk tag,
    no page header/footer outside the entry content on the way down from `top`)."""
    chain = []
    while node is not None and node is not top:
        chain.append(node)
        node = node.getparent()
    for node in reversed(chain):
        if node.tag in _JUNK_TAGS:
            return False
        if (node.tag == "header" or node.tag == "footer") and not in_entry and not _is_entry(node):
            return False
        in_entry = in_entry or _is_entry(node)
    return True


class _Cleaner:
    """Decides which elements are page furniture (the rules of the original bs4 cleaner) and which
    kept elements hold block-level content; results are memoised per element."""

    def __init__(self, body):
        self.body = body
        self.holds: dict = {}  # furniture-looking element -> holds the content (entry-content, #centerblock)
        self.blocky: dict = {}  # element -> some kept descendant is block-level
        self.has_entry = False  # some entry-content block survives cleaning
        self.candidates: list | None = None  # the body's elements with an id or an entry-content class
        self.markers: list | None = None  # those that mark content (_content_markers)

    def may_mark(self) -> list:
        """The descendants of the body with an id or a class holding 'entry-content' (found once)."""
        if self.candidates is None:
            self.candidates = [value.getparent() for value in _MAY_MARK(self.body)]
        return self.candidates

    def _content_markers(self) -> list:
        """The elements of the body that mark content: entry-content, an id such as #centerblock."""
        if self.markers is None:
            self.markers = [d for d in self.may_mark()
                            if _is_entry(d) or bool(d.get("id") and _CONTENT_ROOT.search(d.get("id")))]
        return self.markers

    def _holds_content(self, el, in_entry: bool) -> bool:
        held = self.holds.get(el)
        if held is None:
            inside = in_entry or _is_entry(el)
            held = any(_below(d, el) and _survives(d, el, inside) for d in self._content_markers())
            self.holds[el] = held
        return held

    def dropped(self, el, in_entry: bool) -> bool:
        tag = el.tag
        if not isinstance(tag, str) or tag in _JUNK_TAGS:
            return True
        if (tag == "header" or tag == "footer") and not in_entry and not _is_entry(el):
            return True
        if tag not in _NEVER_JUNK:
            classes, ident, role = el.get("class"), el.get("id"), el.get("role")
            if (classes or ident or role) and _tokens_junk(classes or "", ident or "", role or "") \
                    and not (_is_entry(el) or (ident and _CONTENT_ROOT.search(ident))) \
                    and not self._holds_content(el, in_entry):
                return True
        if tag == "sup":
            text = _short_text(el, 12)
            if text is not None and _FOOTNOTE_MARK.match(text):
                return True
        elif tag == "a":
            href = el.get("href")
            if href and _FOOTNOTE_HREF.match(href):
                return True
            text = _short_text(el)
            if text is not None and _BACK_TO_TOP.match(text):
                return True
        return False

    def has_block(self, el, in_entry: bool) -> bool:
        """Whether some kept descendant of the kept element `el` is block-level (not inline, not <br>).

        Iterative; memoised so that nested inline elements are scanned once (linear time)."""
        if not len(el):
            return False
        blocky = self.blocky
        known = blocky.get(el)
        if known is not None:
            return known
        stack = [(el, in_entry or _is_entry(el), iter(el))]
        while stack:
            node, inside, children = stack[-1]
            child = next(children, None)
            if child is None:
                blocky[node] = False
                stack.pop()
                continue
            if self.dropped(child, inside):
                continue
            if child.tag not in _INLINE_OR_BR or blocky.get(child):
                for node, _, _ in stack:
                    blocky[node] = True
                return True
            if len(child) and blocky.get(child) is None:
                stack.append((child, inside, iter(child)))
        return False
Piece = tuple[str | None, bool]  # (text, is_bold); text None marks a <br>


def _inline_pieces(el, bold: bool, cleaner: _Cleaner, in_entry: bool) -> tuple[list[Piece], int, str | None]:
    """(pieces, number of <a href> links, text of the first link) of `el`'s content, without its tail.

    `el` holds no kept block-level element (cleaner.has_block is False)."""
    tag = el.tag
    if tag == "br":
        return [(None, bold)], 0, None
    if not len(el):  # the common case: <p>text</p>, <a href>text</a>
        inner = bold or _is_bold(el)
        pieces = [(el.text, inner)] if el.text else []
        if tag == "a" and el.get("href") is not None:
            return pieces, 1, el.text or ""
        return pieces, 0, None
    in_entry = in_entry or _is_entry(el)  # as cleaner.has_block judged the subtree
    out: list[Piece] = []
    links = 0
    first_link: str | None = None
    stack: list = [(0, el, bold)]
    while stack:
        kind, node, b = stack.pop()
        if kind == 1:  # text
            out.append((node, b))
            continue
        if kind == 2:  # end of the first link: node is where its pieces start
            first_link = "".join(t for t, _ in out[node:] if t)
            continue
        if node.tag == "br":
            out.append((None, b))
            continue
        inner = b or _is_bold(node)
        if node.text:
            out.append((node.text, inner))
        if node.tag == "a" and node.get("href") is not None:
            links += 1
            if links == 1:
                stack.append((2, len(out) - (1 if node.text else 0), inner))
        for child in reversed(node):
            if child.tail:
                stack.append((1, child.tail, inner))
            if not cleaner.dropped(child, in_entry):
                stack.append((0, child, inner))
    return out, links, first_link


def _all_bold(pieces: list[Piece]) -> bool:
    words = [(t, b) for t, b in pieces if t and t.strip()]
    return bool(words) and all(b for _, b in words)


def _split_at_breaks(pieces: list[Piece]) -> list[list[Piece]]:
    """Split at <br><br>, and at a single <br> after an all-bold run (a heading on its own line)."""
    if all(t is not None for t, _ in pieces):
        return [pieces]
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


class _Walker:
    """Flattens the kept tree into Blocks in document order (iterative depth-first walk)."""

    def __init__(self, cleaner: _Cleaner):
        self.cleaner = cleaner
        self.blocks: list[Block] = []
        self.serial = 0

    def emit(self, pieces: list[Piece], level: int, linked: bool, in_entry: bool, scopes: tuple[int, ...],
             own_scope: bool) -> None:
        if not pieces:
            return
        groups = _split_at_breaks(pieces) if not level else [[(t or " ", b) for t, b in pieces]]
        for group in groups:
            if len(group) == 1:  # the common case: one run of text, bold or not
                piece, bold = group[0]
                text = normalise_text(piece or "")
                if text and not _BACK_TO_TOP.match(text):
                    self.blocks.append(Block(level, text, text if bold else "", bold, linked, in_entry, scopes,
                                             own_scope))
                continue
            text = normalise_text("".join(t for t, _ in group if t))
            if not text or _BACK_TO_TOP.match(text):
                continue
            lead: list[str] = []
            all_bold = True
            for piece, bold in group:
                if not piece or not piece.strip():
                    if lead and piece:
                        lead.append(piece)
                    continue
                if bold and all_bold:
                    lead.append(piece)
                else:
                    all_bold = False
            self.blocks.append(Block(level, text, normalise_text("".join(lead)), all_bold, linked, in_entry,
                                     scopes, own_scope))

    def _scope_of(self, el, scopes: tuple[int, ...]) -> tuple[tuple[int, ...], bool]:
        self.serial += 1
        classes, ident = el.get("class"), el.get("id")
        if el.tag in _SCOPE_TAGS or ((classes or ident) and _tokens_scope(classes or "", ident or "")):
            return (*scopes, self.serial), True
        return scopes, False

    def walk(self, body) -> list[Block]:
        cleaner = self.cleaner
        blocks = self.blocks
        scopes, own = self._scope_of(body, ())
        in_entry = _is_entry(body)
        # frame: [container, bold, in_entry, scopes, own_scope, buffer, children iterator]
        stack = [[body, False, in_entry, scopes, own, self._start_buffer(body), iter(body)]]
        while stack:
            frame = stack[-1]
            container, bold, in_entry, scopes, own, buffer, children = frame
            child = next(children, None)
            if child is None:
                self.emit(buffer, 0, False, in_entry, scopes, own)
                stack.pop()
                if stack:  # the tail of the finished container continues its parent's loose text
                    parent = stack[-1]
                    if container.tail and (parent[5] or not container.tail.isspace()):
                        parent[5].append((container.tail, parent[1]))
                continue
            tag = child.tag
            if tag in _BLOCK_TAGS and not len(child) and not child.keys():
                # the common case, <p>text</p> without attributes: never furniture, one run of text
                # (what the general path below makes of it, without its calls)
                if buffer:
                    self.emit(buffer, 0, False, in_entry, scopes, own)
                    frame[5] = buffer = []
                self.serial += 1
                text = child.text
                if text:
                    text = normalise_text(text)
                    if text and not _BACK_TO_TOP.match(text):
                        blocks.append(Block(_HEADING_LEVELS.get(tag, 0), text, text if bold else "", bold, False,
                                            in_entry, scopes, False))
                tail = child.tail
                if tail and not tail.isspace():
                    buffer.append((tail, bold))
                continue
            if cleaner.dropped(child, in_entry):
                if child.tail and (buffer or not child.tail.isspace()):
                    buffer.append((child.tail, bold))
                continue
            if tag == "br" or (tag in _INLINE_TAGS and not cleaner.has_block(child, in_entry)):
                pieces, _, _ = _inline_pieces(child, bold, cleaner, in_entry)
                buffer.extend(pieces)
                if child.tail and (buffer or not child.tail.isspace()):
                    buffer.append((child.tail, bold))
                continue
            self.emit(buffer, 0, False, in_entry, scopes, own)
            frame[5] = buffer = []
            child_entry = in_entry or _is_entry(child)
            if child_entry and not in_entry:
                cleaner.has_entry = True
            child_scopes, child_own = self._scope_of(child, scopes)
            if tag in _BLOCK_TAGS and not cleaner.has_block(child, child_entry):
                pieces, links, link_text = _inline_pieces(child, bold, cleaner, child_entry)
                linked = links == 1 and normalise_text(link_text or "") == normalise_text(
                    "".join(t for t, _ in pieces if t))
                self.emit(pieces, _HEADING_LEVELS.get(tag, 0), linked, child_entry, child_scopes, child_own)
                if child.tail and (buffer or not child.tail.isspace()):
                    buffer.append((child.tail, bold))
                continue
            child_bold = bold or _is_bold(child)
            stack.append([child, child_bold, child_entry, child_scopes, child_own, self._start_buffer(child, child_bold),
                          iter(child)])
        return self.blocks

    @staticmethod
    def _start_buffer(el, bold: bool = False) -> list[Piece]:
        return [(el.text, bold)] if el.text else []


def blocks_of(html: str | bytes) -> tuple[list[Block], bool]:
    """(blocks of the page's body in document order, whether the page has an entry-content block).

    `html` is the page's text, or the same text as UTF-8 bytes (parsed as they are, not decoded)."""
    data = _utf8(html)
    root = _document(data)
    body = root.find("body")
    if body is None:
        body = root
    cleaner = _Cleaner(body)
    blocks = _Walker(cleaner).walk(body)
    # an entry-content on an inline element is not walked into; no element has that class when its
    # name is nowhere in the bytes (nor a character reference that could spell it)
    has_entry = cleaner.has_entry or ((_ENTRY_BYTES in data or b"&#" in data) and any(
        _is_entry(el) and _survives(el, body, False) for el in cleaner.may_mark()))
    return blocks, has_entry
