"""The essay's claims checked against the tables: claims.csv, one row per claim with everything the
Essay page shows (verdict and its badge wording, what was tested, what the verdict means, evidence,
every evidence link, the rule in plain words).

Each row of data/essay/claims.csv names a `check` (a rule of CHECKS, defined with its rule text in
analysis.claim_checks) and a `check_arg`. The subject group is always SUBJECT_GROUP (north_korean);
years are report years. Pure: no I/O.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from analysis.claim_checks import (
    check_focus, check_last_paragraph, check_ngo_figure, check_quantifier, check_tier, check_underweight,
    comparison_groups, plain_words,
)
from analysis.claims_recommendations import check_recommendations
from analysis.claim_context import SUBJECT_GROUP, Claim, ClaimContext, ClaimResult, ClaimsError, build_context, listing
from analysis.frames import InputTableError, as_optional_int, as_text
from analysis.lexicon import Lexicon
from analysis.schema import CLAIMS_TABLE, ESSAY_CLAIMS_TABLE, JOIN, KWIC_TABLE, MENTIONS_TABLE, PARAGRAPHS_TABLE

NGO_FIGURE = "ngo_figure"  # the check of the claims that quote an NGO estimate (the Essay page's chart)
CHECKS: dict[str, Callable[[Claim, ClaimContext], ClaimResult]] = {
    "tier": check_tier,
    "last_paragraph": check_last_paragraph,
    "quantifier": check_quantifier,
    "focus": check_focus,
    NGO_FIGURE: check_ngo_figure,
    "underweight": check_underweight,
    "recommendations": check_recommendations,
}
SHOWN_LINKS = 12  # the Essay card links the first SHOWN_LINKS paragraphs and says how many it leaves out

CLAIMS_INPUT_COLUMNS = list(ESSAY_CLAIMS_TABLE.required)
CLAIMS_COLUMNS = list(CLAIMS_TABLE.columns)


def _report_year(value, claim_id: str) -> int | None:
    try:
        return as_optional_int(value, f"claim {claim_id}", "report_year")
    except InputTableError as exc:
        raise ClaimsError(str(exc)) from None


def read_claims(essay_claims: pd.DataFrame) -> list[Claim]:
    """The claims table as Claim records; raise ClaimsError on a missing column or bad row."""
    if not isinstance(essay_claims, pd.DataFrame):
        raise ClaimsError(f"essay claims: expected a pandas DataFrame, got {type(essay_claims).__name__}")
    if essay_claims.empty:
        return []
    missing = [c for c in CLAIMS_INPUT_COLUMNS if c not in essay_claims.columns]
    if missing:
        raise ClaimsError(f"essay claims: missing column(s) {missing}; has {list(essay_claims.columns)}")
    claims: list[Claim] = []
    seen: set[str] = set()
    for rec in essay_claims.to_dict("records"):
        cid = as_text(rec["claim_id"]).strip()
        if not cid:
            raise ClaimsError("essay claims: a row has an empty claim_id")
        if cid in seen:
            raise ClaimsError(f"essay claims: claim_id {cid!r} appears twice")
        seen.add(cid)
        check = as_text(rec["check"]).strip()
        if check not in CHECKS:
            raise ClaimsError(f"claim {cid}: unknown check {check!r} (known: {list(CHECKS)})")
        claims.append(Claim(
            cid, as_text(rec["claim"]), as_text(rec["quote"]), as_text(rec["citation"]),
            as_text(rec["figure"]), as_text(rec["denominator"]),
            _report_year(rec["report_year"], cid),
            check, as_text(rec["check_arg"]).strip(),
        ))
    return claims


def rule_text(claim: Claim, lexicon: Lexicon) -> str:
    """The claim's rule in plain words: its check's rule template (the check's docstring when it has
    none) with the claim's year, tier, wording and group labels filled in."""
    check = CHECKS[claim.check]
    template = getattr(check, "rule", None) or " ".join((check.__doc__ or "").split())
    year = claim.report_year
    group = claim.check_arg if claim.check_arg in lexicon.groups else SUBJECT_GROUP
    if claim.check == "underweight":
        labels = [lexicon.label(g) for g in comparison_groups(claim, lexicon)]
        groups = ("one comparison group (" + listing(labels) + ")") if len(labels) > 1 else listing(labels)
    else:
        groups = ""
    fields = {
        "year": year if year is not None else "each", "year_before": year - 1 if year is not None else "the year before",
        "tier": claim.check_arg or claim.figure, "wording": claim.check_arg, "figure": claim.figure.strip().lower(),
        "subject": lexicon.label(SUBJECT_GROUP), "group": lexicon.label(group), "words": plain_words(claim.check_arg) or "any word",
        "span": f"the {year} narrative" if year is not None else "any narrative in the data", "groups": groups,
    }
    return template.format_map(fields)


def verdict_label(check: str, verdict: str) -> str:
    """What the Essay card's badge says: the verdict, or the check's own wording for it (an NGO
    figure's badge says what the report gives, never a rating of the NGO's figure)."""
    return getattr(CHECKS[check], "verdict_labels", {}).get(verdict, verdict)


def evaluate_claims(essay_claims: pd.DataFrame, mentions: pd.DataFrame, kwic: pd.DataFrame, tiers: pd.DataFrame | None, paragraphs: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The claims table (CLAIMS_TABLE's columns): every link the evidence rests on in `links`
    (';'-joined year:paragraph_index), the first SHOWN_LINKS of them in `links_shown`, and how many
    that leaves out in `links_not_shown`."""
    claims = read_claims(essay_claims)
    ctx = build_context(mentions, kwic, tiers, paragraphs, lexicon)
    rows = []
    for c in claims:
        result = CHECKS[c.check](c, ctx)
        links = [f"{y}:{p}" for y, p in result.links]
        rows.append((
            c.claim_id, c.claim, c.quote, c.citation, c.report_year, c.figure, c.denominator,
            result.verdict, verdict_label(c.check, result.verdict), result.tested, result.meaning, result.evidence,
            JOIN.join(links), JOIN.join(links[:SHOWN_LINKS]), max(0, len(links) - SHOWN_LINKS), c.check, rule_text(c, lexicon),
        ))
    return pd.DataFrame(rows, columns=CLAIMS_COLUMNS).astype({"report_year": "Int64", "links_not_shown": "int64"})


def evaluate_without_corpus(essay_claims: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The claims table before any narrative is analysed: every claim 'needs data', with what would
    be tested and its rule (what the Essay page shows when claims.csv is not there yet)."""
    def empty(schema) -> pd.DataFrame:
        return pd.DataFrame(columns=list(schema.columns))
    return evaluate_claims(essay_claims, empty(MENTIONS_TABLE), empty(KWIC_TABLE), None, empty(PARAGRAPHS_TABLE), lexicon)
