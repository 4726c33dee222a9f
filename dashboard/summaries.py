"""Headline figures and short summaries computed from the loaded tables (pure pandas, no Streamlit)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.schema import NEEDS_DATA, SENTENCES, TIER_3, TIER_RANKS, SUBJECT_GROUP
from dashboard.status import year_ranges

NK_GROUP = SUBJECT_GROUP

TIER_Y = TIER_RANKS


@dataclass(frozen=True)
class Headline:
    """The Overview's three metrics, as display strings with their explanations."""

    latest_tier: str
    latest_help: str
    years_tier3: str
    tier3_help: str
    nk_latest: str
    nk_delta: str | None
    nk_help: str


def tier_spells(tiers: pd.DataFrame | None) -> list[str]:
    """Runs of the same tier in year order, e.g. ['Tier 2 2001-2004', 'Tier 2 Watch List 2005-2012']."""
    if tiers is None or tiers.empty:
        return []
    df = tiers[tiers["tier"].isin(TIER_Y)].sort_values("year")
    spells: list[list] = []
    for year, tier in zip(df["year"], df["tier"]):
        if spells and spells[-1][0] == tier and spells[-1][2] == year - 1:
            spells[-1][2] = int(year)
        else:
            spells.append([tier, int(year), int(year)])
    return [f"{t} {a}" if a == b else f"{t} {a}-{b}" for t, a, b in spells]


def headline(tiers: pd.DataFrame | None, mentions: pd.DataFrame | None) -> Headline:
    """Latest tier and since when; years on Tier 3; North Korean sentences in the latest year vs the average."""
    latest, latest_help, t3, t3_help = NEEDS_DATA, "No tier table could be loaded.", NEEDS_DATA, ""
    if tiers is not None and not tiers.empty:
        df = tiers[tiers["tier"].isin(TIER_Y)].sort_values("year")
        if not df.empty:
            last = df.iloc[-1]
            since = int(last["year"])
            for year, tier in zip(reversed(df["year"].tolist()), reversed(df["tier"].tolist())):
                if tier != last["tier"] or year != since and year != since - 1:
                    break
                since = int(year)
            n = int(last["year"]) - since + 1
            latest = f"{last['tier']} since {since}"
            latest_help = (f"{last['tier']} in the {int(last['year'])} report and in every report since {since} "
                           f"({n} in a row). Origin of the latest row: {last['origin']}.")
            years3 = [int(y) for y in df.loc[df["tier"] == TIER_3, "year"]]
            t3 = f"{len(years3)} of {df['year'].nunique()}"
            t3_help = f"Reports placing China on Tier 3: {year_ranges(years3) or 'none'}."
    nk, delta, nk_help = NEEDS_DATA, None, "Run the refresh to count mentions."
    if mentions is not None and not mentions.empty:
        nk_rows = mentions[mentions["group"] == NK_GROUP].sort_values("year")
        if not nk_rows.empty:
            last = nk_rows.iloc[-1]
            avg = float(nk_rows[SENTENCES].mean())
            nk = f"{int(last[SENTENCES])} in {int(last['year'])}"
            delta = f"average {avg:.1f} per year over {len(nk_rows)} reports"
            nk_help = ("Sentences of the China narrative naming North Korean people (not the North Korean "
                       "state), in the latest report in the data, against the average over all reports in the data.")
    return Headline(latest, latest_help, t3, t3_help, nk, delta, nk_help)
