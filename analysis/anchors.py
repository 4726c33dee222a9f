"""The anchor prefilter: which texts the lexicon's group patterns cannot match, found with substring tests.

Every group of the lexicon lists `anchors`, lowercase substrings one of which every match of each
of its patterns contains (data/lexicon.toml; tests/analysis/test_anchors.py proves it pattern by
pattern from the regex syntax and tries it on generated matches). A pattern is matched
case-insensitively on fold(text); the anchors are looked for in anchor_text(text), the same
characters lowercased the way the regex engine compares them. So a text whose anchor_text holds
none of the anchors holds no group hit, and the counting may skip it (it only needs its sentence
count). Groups without anchors are tried on every text: a lexicon with one has no prefilter.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from ahocorasick_rs import AhoCorasick

from analysis.lexicon import Lexicon
from analysis.text import fold

# Characters that re.IGNORECASE matches to an ASCII letter although str.lower() does not give that
# letter (or gives two characters): the dotted and dotless i, the long s, the Kelvin sign. The test
# enumerates every code point to show this list is complete.
IGNORECASE_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_LOWER = {ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} | {ord(k): v for k, v in IGNORECASE_ASCII.items()}
# The characters fold() writes: an anchor holding none of them (nor whitespace) occurs in an ASCII
# text's lower() exactly where it occurs in fold(text).lower().
_FOLD_OUTPUTS = frozenset(" '\"-")


def anchor_text(text: str) -> str:
    """fold(text) with every ASCII letter lowercased and each IGNORECASE_ASCII character replaced by
    its letter; other characters as they are. Same length as text, so offsets apply to it."""
    return lower_folded(fold(text))


def lower_folded(folded: str) -> str:
    """anchor_text of a text already folded (folded == fold(text))."""
    return folded.lower() if folded.isascii() else folded.translate(_LOWER)


@dataclass(frozen=True)
class AnchorFilter:
    """The anchors of a lexicon's groups and whether they can rule a text out.

    may_match(text) is False only when no group pattern can match anywhere in text."""

    anchors: tuple[str, ...]  # every usable anchor of every group, once each
    always: bool  # a group without usable anchors: no prefilter
    plain: bool  # no anchor holds whitespace or a character fold() writes: ASCII texts need no fold
    # slug -> the group's anchors; () for a group tried on every sentence (no anchors, or one that is
    # not lowercase ASCII: anchor_text lowercases ASCII letters only and could miss a case variant)
    group_anchors: dict[str, tuple[str, ...]]
    slugs: tuple[str, ...]  # the groups in lexicon order
    groups_of: dict[str, tuple[int, ...]]  # anchor -> the groups using it (indexes into slugs)
    unanchored: tuple[int, ...]  # the groups tried on every sentence (indexes into slugs)
    # every occurrence of every anchor in one pass over a text (Aho-Corasick), None without anchors
    automaton: AhoCorasick | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, lexicon: Lexicon) -> AnchorFilter:
        """The filter of a parsed lexicon (made once per lexicon)."""
        made = _FILTERS.get(lexicon)
        if made is None:
            made = _FILTERS[lexicon] = cls._make(lexicon)
        return made

    @classmethod
    def _make(cls, lexicon: Lexicon) -> AnchorFilter:
        group_anchors = {
            g.slug: g.anchors if all(a and a.isascii() and a == a.lower() for a in g.anchors) else ()
            for g in lexicon.groups.values()
        }
        anchors = tuple(dict.fromkeys(a for these in group_anchors.values() for a in these))
        plain = not any(ch.isspace() or ch in _FOLD_OUTPUTS for a in anchors for ch in a)
        slugs = tuple(group_anchors)
        groups_of = {a: tuple(i for i, slug in enumerate(slugs) if a in group_anchors[slug]) for a in anchors}
        unanchored = tuple(i for i, slug in enumerate(slugs) if not group_anchors[slug])
        automaton = AhoCorasick(list(anchors)) if anchors else None
        return cls(anchors, bool(unanchored), plain, group_anchors, slugs, groups_of, unanchored, automaton)

    def present(self, text: str) -> list[str]:
        """The anchors occurring in anchor_text(text), in the order of `anchors`."""
        return self.found_in(text.lower() if self.plain and text.isascii() else anchor_text(text))

    def found_in(self, hay: str) -> list[str]:
        """The anchors occurring in hay (an anchor_text), in the order of `anchors`: one pass over hay
        reporting every occurrence, overlapping ones included (so an anchor inside another counts)."""
        if self.automaton is None:
            return []
        found = {index for index, _start, _end in self.automaton.find_matches_as_indexes(hay, overlapping=True)}
        return [self.anchors[index] for index in sorted(found)]

    def may_match(self, text: str) -> bool:
        """True when some group pattern might match in text (one of the anchors occurs in it)."""
        return self.always or bool(self.present(text))


_FILTERS: WeakKeyDictionary[Lexicon, AnchorFilter] = WeakKeyDictionary()
