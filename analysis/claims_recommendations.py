"""The essay's claim on the policy side: whether a report year's recommendations to China ask for
North Korean victims at all, and how high in the ranking (the `recommendations` check of
analysis/claims.py; its verdicts are analysis.schema.VERDICTS).

The items are those of recommendations.csv (analysis.recommendations: split per era, groups found by
the sentences' matcher); an item asks for the group when its groups hold it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.lexicon import Lexicon
from analysis.recommendations import item_groups, narrative_items
from analysis.schema import NEEDS_DATA, NOT_SUPPORTED, PARTLY, SUPPORTED

# A first asking item ranked beyond this share of the list (rank > share x items) is "low".
LOW_RANK_SHARE = 0.5

RECOMMENDATIONS_RULE = (
    "Reads the recommendations of the claim's report year in printed order (recommendations.csv: list "
    "items, or the semicolon clauses of one paragraph) and finds those naming the group in check_arg "
    "(north_korean when empty) with the sentences' matcher. "
    "Supported: none of them names the group. "
    f"Partly supported: some do, but the first of them is ranked low (after the first {LOW_RANK_SHARE:.0%} "
    "of the list). "
    f"Not supported: one in the first {LOW_RANK_SHARE:.0%} of the list names the group. "
    "Needs data: the year is not in the corpus, or its narrative prints no recommendations."
)


@dataclass(frozen=True)
class RankedItem:
    """One recommendation of a year: rank (1 = first), its paragraph, the groups it names."""

    rank: int
    paragraph_index: int
    groups: tuple[str, ...]


def ranked_items(paragraphs: pd.DataFrame, lexicon: Lexicon) -> dict[int, list[RankedItem]]:
    """{year: items in printed order} of one country's paragraphs table (country column ignored).
    A table without a section column (a corpus without sections) gives {}."""
    if "section" not in paragraphs.columns:
        return {}
    frame = paragraphs.assign(country="")
    return {year: [RankedItem(i.rank, i.paragraph_index, tuple(item_groups(i.text, lexicon))) for i in items]
            for (_, year), items in narrative_items(frame).items()}


def recommendations_verdict(year: int, group: str, lexicon: Lexicon, items: list[RankedItem] | None,
                            in_corpus: bool) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(verdict, evidence in plain words (the group's lexicon label), links (year, paragraph_index))
    of RECOMMENDATIONS_RULE for one year."""
    if not in_corpus:
        return NEEDS_DATA, f"{year}: report year not in the corpus (no parsed narrative)", ()
    if not items:
        return NEEDS_DATA, f"{year}: the narrative prints no recommendations", ()
    count = len(items)
    label = lexicon.groups[group].label if group in lexicon.groups else group
    asking = [item for item in items if group in item.groups]
    if not asking:
        return (SUPPORTED, f"{year}: none of the {count} recommendations names {label}",
                ((year, items[0].paragraph_index),))
    first = asking[0].rank
    high = first <= LOW_RANK_SHARE * count
    ranks = ", ".join(str(item.rank) for item in asking)
    evidence = (f"{year}: {len(asking)} of {count} recommendations name {label} (rank {ranks} of {count}); "
                f"the first at rank {first}, {'in' if high else 'after'} the first {LOW_RANK_SHARE:.0%} of the list")
    links = tuple(dict.fromkeys((year, item.paragraph_index) for item in asking))
    return (NOT_SUPPORTED if high else PARTLY), evidence, links
