"""The NGO estimates the essay (Hynes 2022) sets against the report's "some", with their denominators.

They are read from the essay's claims (data/essay/claims.csv), the one place the figures are kept.
These are figures quoted in the essay, not report text; each keeps the essay's citation and says
what it is a share of, because 50% and 15% are shares of the *trafficked*, not of all women.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.claims import NGO_FIGURE


@dataclass(frozen=True)
class Estimate:
    """One estimate as quoted in the essay: low-high percent (or an amount), its denominator and source."""

    label: str
    low: float | None            # percent; None for an amount
    high: float | None
    amount: str                  # printed figure ("60%", "70-80%", "$105 million a year")
    denominator: str
    quote: str
    source: str                  # who estimated it, as cited in the essay
    basis: str                   # "all female refugees", "the trafficked", "amount"


NGO_CHECK = NGO_FIGURE  # the `check` of the essay-claims rows that quote an NGO estimate
TRAFFICKED_MARK = "share of the trafficked"  # how those rows' denominators say "not of all women"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[-\u2013]\s*(\d+(?:\.\d+)?))?\s*(?:%|percent)", re.IGNORECASE)


def estimates_from_claims(claims: pd.DataFrame) -> tuple[Estimate, ...]:
    """The NGO estimates among the essay's claims (data/essay/claims.csv rows whose check is
    'ngo_figure'), in file order: the figure's percent range, its denominator and its basis."""
    out: list[Estimate] = []
    for row in claims.astype(object).fillna("").astype(str).to_dict("records"):
        if row.get("check", "") != NGO_CHECK:
            continue
        figure, denominator = row.get("figure", ""), row.get("denominator", "")
        match = _PERCENT.search(figure)
        low = float(match.group(1)) if match else None
        high = float(match.group(2) or match.group(1)) if match else None
        if match is None:
            basis = "amount"
        elif TRAFFICKED_MARK in denominator.lower():
            basis = "the trafficked"
        else:
            basis = "all female refugees"
        out.append(Estimate(
            label=row.get("label", "") or row.get("claim_id", ""), low=low, high=high, amount=figure,
            denominator=denominator, quote=row.get("quote", ""), source=row.get("citation", ""), basis=basis,
        ))
    return tuple(out)


ESSAY_CITATION = (
    "Kristin Hynes, North Korean Female Defectors in China: Human Trafficking and Exploitation, "
    "E-International Relations, 9 August 2022"
)
ESSAY_URL = "https://www.e-ir.info/2022/08/09/north-korean-female-defectors-in-china-human-trafficking-and-exploitation/"
