"""Page furniture: which elements of a page's tree are navigation, menus, share widgets, page
headers and footers, 'back to top' links and footnote marks (the rules of the original bs4 cleaner),
and whether a kept element holds block-level content. Used by parse.blocks while it walks the tree."""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

INLINE_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var", "wbr", "nobr", "img",
})
_INLINE_OR_BR = INLINE_TAGS | {"br"}
_JUNK_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "select", "option", "input", "button", "textarea",
    "iframe", "svg", "object", "embed", "aside", "link", "meta", "map", "canvas", "video", "audio",
})
_NEVER_JUNK = frozenset({"html", "body", "main", "article"})
# class/id tokens of page furniture: share widgets, breadcrumbs, footnotes, menus, sidebars...
_JUNK_TOKEN = re.compile(
    r"(?:^|[-_])(?:share|sharing|social|addthis|sharethis|breadcrumbs?|footnotes?|skip-?link|skip-?to-?content"
    r"|back-?to-?top|to-?top|related|sidebar|cookies?|subscribe|newsletter|site-?header|footer"
    r"|menu|navbar|navigation|(?:left|right|top|sub|global|site|report)-?nav|pagination|pager|print-?button"
    r"|disclaimer|external-?link-?notice)(?:$|[-_])",
    re.IGNORECASE,
)
CONTENT_ROOT = re.compile(
    r"centerblock|center-block|center_block|centercontent|maincontent|main-content|main_content|^content$"
    r"|content-main|article-body|body-text|bodytext|entry-content",
    re.IGNORECASE,
)
ENTRY = "entry-content"
BACK_TO_TOP = re.compile(r"^\W*(?:(?:back|return|go)\s+to\s+(?:the\s+)?top(?:\s+of\s+(?:the\s+)?page)?|top\s+of\s+page|top)\W*$", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^\s*[\[(]?(?:\d{1,3}|[*\u2020\u2021])[\])]?\s*$")
_FOOTNOTE_HREF = re.compile(r"#_?(?:ftn|fn|footnote)", re.IGNORECASE)
_SHORT_LINK_TEXT = 80  # a 'back to top' link text is short; longer link texts are never read in full
# The attributes of the descendants that may mark content (an id, an entry-content class), each
# giving its element (getparent): an attribute-axis scan is several times faster in libxml2 than
# testing each element (".//*[@id or contains(@class, 'entry-content')]"), with the same elements.
_MAY_MARK = etree.XPath(".//*/@id | .//*/@class[contains(., 'entry-content')]")


@lru_cache(maxsize=4096)
def _tokens_junk(classes: str, ident: str, role: str) -> bool:
    return any(t and _JUNK_TOKEN.search(t) for t in (*classes.split(), ident, role))


def is_entry(el) -> bool:
    """Whether `el` is a WordPress entry-content block (its class names it)."""
    classes = el.get("class")
    return bool(classes) and ENTRY in classes.split()


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


def survives(node, top, in_entry: bool) -> bool:
    """Whether `node`, a descendant of the kept element `top`, survives the tag rules (no junk tag,
    no page header/footer outside the entry content on the way down from `top`)."""
    chain = []
    while node is not None and node is not top:
        chain.append(node)
        node = node.getparent()
    for node in reversed(chain):
        if node.tag in _JUNK_TAGS:
            return False
        if (node.tag == "header" or node.tag == "footer") and not in_entry and not is_entry(node):
            return False
        in_entry = in_entry or is_entry(node)
    return True


class Cleaner:
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
                            if is_entry(d) or bool(d.get("id") and CONTENT_ROOT.search(d.get("id")))]
        return self.markers

    def _holds_content(self, el, in_entry: bool) -> bool:
        held = self.holds.get(el)
        if held is None:
            inside = in_entry or is_entry(el)
            held = any(_below(d, el) and survives(d, el, inside) for d in self._content_markers())
            self.holds[el] = held
        return held

    def dropped(self, el, in_entry: bool) -> bool:
        tag = el.tag
        if not isinstance(tag, str) or tag in _JUNK_TAGS:
            return True
        if (tag == "header" or tag == "footer") and not in_entry and not is_entry(el):
            return True
        if tag not in _NEVER_JUNK:
            classes, ident, role = el.get("class"), el.get("id"), el.get("role")
            if (classes or ident or role) and _tokens_junk(classes or "", ident or "", role or "") \
                    and not (is_entry(el) or (ident and CONTENT_ROOT.search(ident))) \
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
            if text is not None and BACK_TO_TOP.match(text):
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
        stack = [(el, in_entry or is_entry(el), iter(el))]
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
