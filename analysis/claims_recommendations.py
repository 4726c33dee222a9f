"""The essay's claim on the policy side: whether a report year's recommendations to China ask for
North Korean victims at all, and how high in the ranking (the `recommendations` check of
analysis.claims; its verdicts are analysis.schema.VERDICTS).

The items are those of recommendations.csv (analysis.recommendations.ranked_items: split per era,
groups found by the sentences' matcher); an item asks for the group when its groups hold it.
"""
from __future__ import annotations

from analysis.claim_checks import need_group, rule
from analysis.claim_context import SUBJECT_GROUP, Claim, ClaimContext, ClaimResult, ClaimsError, missing_year
from analysis.schema import NEEDS_DATA, NOT_SUPPORTED, PARTLY, SUPPORTED

# A first asking item ranked beyond this share of the list (rank > share x items) is "low".
LOW_RANK_SHARE = 0.5


@rule("Reads the recommendations of the {year} narrative in printed order (recommendations.csv: list "
      "items, or the semicolon clauses of one paragraph) and finds those naming {group} with the "
      "sentences' matcher. Supported: none of them names {group}. "
      f"Partly supported: some do, but the first of them is ranked low (after the first {LOW_RANK_SHARE:.0%} "
      f"of the list). Not supported: one in the first {LOW_RANK_SHARE:.0%} of the list names {{group}}. "
      "Needs data: the {year} narrative is not in the data, or it prints no recommendations.")
def check_recommendations(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    if claim.report_year is None:
        raise ClaimsError(f"claim {claim.claim_id}: check {claim.check!r} needs a report_year")
    year = claim.report_year
    group = need_group(ctx.lexicon, claim, claim.check_arg or SUBJECT_GROUP)
    label = ctx.label(group)
    tested = (f"Whether the {year} report's recommendations to China name {label}, and at which rank "
              f"(the claim holds when none does, in part when the first comes after the first "
              f"{LOW_RANK_SHARE:.0%} of the list).")
    if year not in ctx.paragraph_count:
        return missing_year(year, tested)
    items = ctx.recommendations.get(year) or []
    if not items:
        return ClaimResult(NEEDS_DATA, f"{year}: the narrative prints no recommendations.", (), tested,
                           f"The {year} narrative prints no recommendations section: nothing to rank.")
    count = len(items)
    asking = [item for item in items if group in item.groups]
    if not asking:
        return ClaimResult(SUPPORTED, f"{year}: none of the {count} recommendations names {label}.",
                           ((year, items[0].paragraph_index),), tested,
                           f"None of the {count} recommendations names {label}: the claim holds.")
    first = asking[0].rank
    high = first <= LOW_RANK_SHARE * count
    ranks = ", ".join(str(item.rank) for item in asking)
    evidence = (f"{year}: {len(asking)} of {count} recommendations name {label} (rank {ranks} of {count}); "
                f"the first at rank {first}, {'in' if high else 'after'} the first {LOW_RANK_SHARE:.0%} of the list.")
    links = tuple(dict.fromkeys((year, item.paragraph_index) for item in asking))
    if high:
        return ClaimResult(NOT_SUPPORTED, evidence, links, tested,
                           f"The report asks for {label} at rank {first} of {count}, high in its list: the claim does not hold.")
    return ClaimResult(PARTLY, evidence, links, tested,
                       f"The report asks for {label}, but first at rank {first} of {count}, low in its list: "
                       "the claim holds only in part.")
