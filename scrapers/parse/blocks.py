"""A page's HTML as blocks: its paragraphs, headings and list items in document order, with page
furniture (navigation, footers, 'back to top', footnote marks) left out and what the narrative
finder needs to know about each (heading level, bold lead, linked, inside entry-content)."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from scrapers.parse.furniture import BACK_TO_TOP, CONTENT_ROOT, INLINE_TAGS, Cleaner, is_entry, survives
from scrapers.parse.text import normalise_text

# libxml2 stops at this nesting depth (with its "huge" option on); the rest of the page is lost.
MAX_PARSE_DEPTH = 2048
_HEADING_LEVELS = {f"h{i}": i for i in range(1, 7)}
# Elements whose text is one paragraph (unless they hold nested blocks, then we descend).
_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "pre", "dt", "dd", "td", "th", "caption", "figcaption", "address",
                         *_HEADING_LEVELS})
_BOLD_TAGS = frozenset({"b", "strong"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)
_SCOPE_TAGS = frozenset({"main", "article"})


@dataclass(slots=True)
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
def _tokens_scope(classes: str, ident: str) -> bool:
    return any(t and CONTENT_ROOT.search(t) for t in (*classes.split(), ident))


def _is_bold(el) -> bool:
    if el.tag in _BOLD_TAGS:
        return True
    style = el.get("style")
    return bool(style) and bool(_BOLD_STYLE.search(style))


Piece = tuple[str | None, bool]  # (text, is_bold); text None marks a <br>


def _inline_pieces(el, bold: bool, cleaner: Cleaner, in_entry: bool) -> tuple[list[Piece], int, str | None]:
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
    in_entry = in_entry or is_entry(el)  # as cleaner.has_block judged the subtree
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

    def __init__(self, cleaner: Cleaner):
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
                if text and not BACK_TO_TOP.match(text):
                    self.blocks.append(Block(level, text, text if bold else "", bold, linked, in_entry, scopes,
                                             own_scope))
                continue
            text = normalise_text("".join(t for t, _ in group if t))
            if not text or BACK_TO_TOP.match(text):
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
        in_entry = is_entry(body)
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
                    if text and not BACK_TO_TOP.match(text):
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
            if tag == "br" or (tag in INLINE_TAGS and not cleaner.has_block(child, in_entry)):
                pieces, _, _ = _inline_pieces(child, bold, cleaner, in_entry)
                buffer.extend(pieces)
                if child.tail and (buffer or not child.tail.isspace()):
                    buffer.append((child.tail, bold))
                continue
            self.emit(buffer, 0, False, in_entry, scopes, own)
            frame[5] = buffer = []
            child_entry = in_entry or is_entry(child)
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
    cleaner = Cleaner(body)
    blocks = _Walker(cleaner).walk(body)
    # an entry-content on an inline element is not walked into
    has_entry = cleaner.has_entry or any(is_entry(el) and survives(el, body, False) for el in cleaner.may_mark())
    return blocks, has_entry
