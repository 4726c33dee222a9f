"""A readable diff of two lists of sentences: added, removed, and reworded sentences with word changes."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from dashboard.textsafe import escape_markdown

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One change between the old and new sentence lists; `old`/`new` empty where not applicable."""

    kind: Kind
    old: str
    new: str


def _norm(sentence: str) -> str:
    return " ".join(str(sentence).split())


def diff_sentences(old: list[str], new: list[str], reworded_ratio: float = 0.6) -> list[Change]:
    """Changes only (unchanged sentences dropped); a replaced sentence similar enough counts as 'changed'."""
    old_n = [_norm(s) for s in old]
    new_n = [_norm(s) for s in new]
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old_n, b=new_n, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old_n[i1:i2], new_n[j1:j2]
        used: set[int] = set()
        for o in olds:
            best, best_ratio = None, reworded_ratio
            for k, n in enumerate(news):
                if k in used:
                    continue
                ratio = difflib.SequenceMatcher(a=o.split(), b=n.split(), autojunk=False).ratio()
                if ratio >= best_ratio:
                    best, best_ratio = k, ratio
            if best is None:
                changes.append(Change("removed", o, ""))
            else:
                used.add(best)
                changes.append(Change("changed", o, news[best]))
        changes.extend(Change("added", "", n) for k, n in enumerate(news) if k not in used)
    return changes


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
