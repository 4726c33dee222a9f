"""What the data directory holds, in one line for the first screen, and how to cite it (pure, no Streamlit)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis.schema import ORIGIN_SCRAPED

DASHBOARD_NAME = "tip-china-dashboard"


def year_ranges(years) -> str:
    """The dashboard's one year-range formatter: [2002, 2003, 2004, 2009] -> '2002-2004, 2009'."""
    out: list[list[int]] = []
    for y in sorted({int(y) for y in years}):
        if out and out[-1][1] == y - 1:
            out[-1][1] = y
        else:
            out.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in out)


@dataclass(frozen=True)
class DataStatus:
    """Report years known (tiers.csv or the reference table), years with parsed text, where the
    tiers come from, the newest fetch time and the table set's generation."""

    report_years: tuple[int, ...]
    text_years: tuple[int, ...]
    scraped_tier_years: tuple[int, ...]
    newest_fetched_at: str = ""
    generation: int | None = None
    created_at: str = ""
    synthetic: bool = False

    @property
    def version(self) -> str:
        """The data version in words: 'table set 3 of 2026-06-30' (or 'no table set yet')."""
        if self.generation is None:
            return "no table set yet (reference tiers only)"
        day = self.created_at[:10] if self.created_at else "unknown date"
        return f"table set {self.generation} of {day}" + (" (synthetic)" if self.synthetic else "")


def data_status(tiers: pd.DataFrame | None, narratives: pd.DataFrame | None, *, generation: int | None = None,
                created_at: str = "", synthetic: bool = False) -> DataStatus:
    """Summarise the loaded tables (tiers with `year`, `tier`, `origin`; narratives with `year`, `fetched_at`)."""
    report: set[int] = set()
    scraped: set[int] = set()
    if tiers is not None and len(tiers):
        report = {int(y) for y in tiers["year"]}
        if "origin" in tiers.columns:
            scraped = {int(y) for y in tiers.loc[tiers["origin"] == ORIGIN_SCRAPED, "year"]}
    text: set[int] = set()
    newest = ""
    if narratives is not None and len(narratives):
        text = {int(y) for y in narratives["year"]}
        if "fetched_at" in narratives.columns:
            stamps = [str(v) for v in narratives["fetched_at"] if str(v).strip()]
            newest = max(stamps) if stamps else ""
    report |= text
    return DataStatus(tuple(sorted(report)), tuple(sorted(text)), tuple(sorted(scraped)), newest,
                      generation, created_at, synthetic)


def _when(stamp: str) -> str:
    """'2026-06-30T12:00:00Z' -> '2026-06-30 12:00 UTC'."""
    s = stamp.strip()
    if len(s) >= 16 and s[10] == "T":
        return f"{s[:10]} {s[11:16]} UTC"
    return s


def status_line(status: DataStatus) -> str:
    """One line for under the title: where the tiers come from and how much report text there is."""
    total = len(status.report_years)
    n_text = len(status.text_years)
    if n_text == 0:
        return (f"Tier history from the reference table; report text not fetched yet: 0 of {total} years.")
    ref_only = total - len(status.scraped_tier_years)
    tiers = ("tiers read from the report" if ref_only == 0 else
             f"tiers read from the report for {len(status.scraped_tier_years)} years, "
             f"from the reference table for {ref_only}")
    line = f"Report text for {n_text} of {total} years ({year_ranges(status.text_years)}); {tiers}"
    if status.newest_fetched_at:
        line += f" · data as of {_when(status.newest_fetched_at)}"
    if status.synthetic:
        line += " · SYNTHETIC test data"
    return line + "."


def citation(status: DataStatus, today: date | None = None) -> str:
    """How to cite the dashboard, the data version and the report years used."""
    today = today or date.today()
    years = year_ranges(status.text_years) or "none (reference tiers only)"
    return (f"{DASHBOARD_NAME}: North Korean victims in the China narratives of the U.S. Department of State "
            f"Trafficking in Persons Report. Data version: {status.version}; report years with text: {years}"
            + (f"; fetched up to {_when(status.newest_fetched_at)}" if status.newest_fetched_at else "")
            + f". Accessed {today.isoformat()}.")
