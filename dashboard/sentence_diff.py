"""A readable diff of two years' sentences: unchanged, new, dropped and reworded sentences.

A sentence present in both years is *unchanged* wherever it sits (a sentence that only moved is not
a change). Of the rest, an old and a new sentence similar enough (word-level similarity at least
`REWORDED_RATIO`) are paired as *reworded*, best pairs first; what is left is *new* or *dropped*.
"""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from dashboard.textsafe import escape_markdown

Kind = Literal["added", "removed", "changed"]
REWORDED_RATIO = 0.6


@dataclass(frozen=True)
class Change:
    """One change between the old and new sentence lists; `old`/`new` empty where not applicable."""

    kind: Kind
    old: str
    new: str


@dataclass(frozen=True)
class SentenceDiff:
    """The comparison of two years' sentences: counts of each kind and the changes (unchanged omitted)."""

    old_count: int
    new_count: int
    unchanged: int
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: Kind) -> int:
        """How many changes of one kind ('added', 'removed', 'changed')."""
        return sum(c.kind == kind for c in self.changes)


def _norm(sentence: str) -> str:
    return " ".join(str(sentence).split())


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.lower().split(), b=b.lower().split(), autojunk=False).ratio()


def compare_sentences(old: list[str], new: list[str], reworded_ratio: float = REWORDED_RATIO) -> SentenceDiff:
    """Compare two sentence lists regardless of order: unchanged (in both), reworded (paired by
    similarity >= reworded_ratio, best first), added (only new), removed (only old)."""
    old_n = [_norm(s) for s in old if _norm(s)]
    new_n = [_norm(s) for s in new if _norm(s)]
    common = Counter(old_n) & Counter(new_n)
    unchanged = sum(common.values())
    left = common.copy()
    only_old: list[str] = []
    for s in old_n:
        if left[s] > 0:
            left[s] -= 1
        else:
            only_old.append(s)
    left = common.copy()
    only_new: list[str] = []
    for s in new_n:
        if left[s] > 0:
            left[s] -= 1
        else:
            only_new.append(s)
    pairs = sorted(
        ((_similarity(o, n), i, j) for i, o in enumerate(only_old) for j, n in enumerate(only_new)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    paired_old: dict[int, int] = {}
    paired_new: set[int] = set()
    for ratio, i, j in pairs:
        if ratio < reworded_ratio:
            break
        if i in paired_old or j in paired_new:
            continue
        paired_old[i] = j
        paired_new.add(j)
    by_new = {j: i for i, j in paired_old.items()}
    changes: list[Change] = []
    for j, n in enumerate(only_new):  # in the new year's order: reworded and new sentences
        if j in by_new:
            changes.append(Change("changed", only_old[by_new[j]], n))
        else:
            changes.append(Change("added", "", n))
    changes.extend(Change("removed", o, "") for i, o in enumerate(only_old) if i not in paired_old)
    return SentenceDiff(len(old_n), len(new_n), unchanged, changes)


def word_diff_markdown(old: str, new: str) -> str:
    """Escaped markdown of `new` with removed words struck through in red and added words in green."""
    a, b = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape_markdown(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f":red-background[~~{escape_markdown(' '.join(a[i1:i2]))}~~]")
        if j2 > j1:
            parts.append(f":green-background[{escape_markdown(' '.join(b[j1:j2]))}]")
    return " ".join(parts)
