"""Each essay claim in plain words: what was tested, what the verdict means for that claim, and the
evidence as a reader would say it (group names, not slugs; no regular expressions).

The verdict itself always comes from claims.csv (analysis.claims decided it); this module only
explains it, with figures read back from the same tables. Pure functions, no Streamlit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from dashboard.colors import group_label
from dashboard.derived import plural

SUPPORTED, PARTLY, NOT_SUPPORTED, NEEDS_DATA = "supported", "partly supported", "not supported", "needs data"
NK = "north_korean"
FOCUS_RATIO = 2.0           # analysis.claims.FOCUS_SUPPORTED_RATIO (read from there when available)
UNDERWEIGHT_SHARES = (2 / 3, 1 / 3)
try:  # the thresholds the verdicts used
    from analysis import claims as _rules

    FOCUS_RATIO = float(_rules.FOCUS_SUPPORTED_RATIO)
    UNDERWEIGHT_SHARES = (float(_rules.UNDERWEIGHT_SUPPORTED_SHARE), float(_rules.UNDERWEIGHT_PARTLY_SHARE))
except (ImportError, AttributeError):  # pragma: no cover - the analysis package is part of the repo
    pass


@dataclass(frozen=True)
class ClaimText:
    """A claim explained: `tested` (what the rule looked at), `meaning` (what this verdict says about
    the claim), `evidence` (the figures, in plain words)."""

    tested: str
    meaning: str
    evidence: str


@dataclass
class Tables:
    """The loaded tables the explanations read (any may be None), group labels and the quantifier
    finder (sentence -> quantifier words attached to its North Korean phrase)."""

    kwic: pd.DataFrame | None = None
    mentions: pd.DataFrame | None = None
    tiers: pd.DataFrame | None = None
    narratives: pd.DataFrame | None = None
    labels: dict[str, str] | None = None
    quantifiers: Callable[[str], list[str]] | None = None
    comparison_groups: list[str] | None = None  # people groups compared with North Koreans

    def label(self, slug: str) -> str:
        return group_label(slug, self.labels)

    def corpus_years(self) -> list[int]:
        if self.narratives is not None and len(self.narratives):
            return sorted({int(y) for y in self.narratives["year"]})
        return []

    def nk_rows(self, years: list[int]) -> pd.DataFrame:
        if self.kwic is None or self.kwic.empty:
            return pd.DataFrame(columns=["year", "paragraph_index", "sentence_index", "sentence", "quantifiers"])
        k = self.kwic[(self.kwic["group"] == NK) & self.kwic["year"].isin(years)]
        return k.sort_values(["year", "paragraph_index", "sentence_index"])

    def words_in(self, sentence: str, kwic_cell: str) -> list[str]:
        if self.quantifiers is not None:
            return self.quantifiers(sentence)
        return [w for w in str(kwic_cell or "").split(";") if w.strip()]


def _year(row: dict) -> int | None:
    text = str(row.get("report_year", "") or "").strip()
    return int(float(text)) if re.fullmatch(r"\d+(\.0)?", text) else None


def _quoted(words: dict[str, int]) -> str:
    return ", ".join(f"'{w}'" + (f" ({n} sentences)" if n > 1 else "") for w, n in words.items())


def _tally(rows: pd.DataFrame, t: Tables) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sentence, cell in zip(rows["sentence"], rows["quantifiers"]):
        for w in dict.fromkeys(t.words_in(str(sentence), cell)):
            counts[w] = counts.get(w, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _needs(year: int | None, t: Tables) -> str:
    return (f"The {year} report's text is not in the data yet." if year else "No report text is in the data yet.")


# -- one explainer per check -------------------------------------------------------------------
def _tier(row: dict, verdict: str, t: Tables) -> ClaimText:
    year = _year(row) or 0
    target = str(row.get("figure", "") or "Tier 3")
    tested = f"Which tier the {year} report placed China on, and the tier of the year before ({year - 1})."

    def tier_of(y: int) -> str:
        if t.tiers is None:
            return "unknown"
        r = t.tiers[t.tiers["year"] == y]
        if r.empty or not str(r.iloc[0]["tier"]):
            return "unknown"
        where = "read from the report page" if r.iloc[0].get("origin") == "scraped" else "from the reference table"
        return f"{r.iloc[0]['tier']} ({where})"

    evidence = f"{year}: {tier_of(year)}; {year - 1}: {tier_of(year - 1)}."
    meaning = {
        SUPPORTED: f"China was on {target} in {year} and in {year - 1}: “once again” holds.",
        PARTLY: f"China was on {target} in {year}, but not in {year - 1}: “once again” does not hold.",
        NOT_SUPPORTED: f"China was not on {target} in {year}: the claim does not hold.",
    }.get(verdict, f"No tier for {year} is known yet.")
    return ClaimText(tested, meaning, evidence)


def _last_paragraph(row: dict, verdict: str, t: Tables) -> ClaimText:
    year = _year(row) or 0
    who = t.label(NK)
    tested = f"Where the {year} narrative first names {who}: only in its last paragraph, or earlier?"
    if verdict == NEEDS_DATA or year not in t.corpus_years():
        return ClaimText(tested, _needs(year, t), "–")
    rows = t.nk_rows([year])
    n_par = t.narratives.loc[t.narratives["year"] == year, "paragraph_count"]
    count = int(n_par.iloc[0]) if len(n_par) else 0
    if rows.empty:
        evidence = f"No sentence of the {year} narrative ({plural(count, 'paragraph')}) names {who}."
    else:
        first = int(rows["paragraph_index"].min()) + 1
        in_last = int((rows["paragraph_index"] == count - 1).sum())
        evidence = (f"{plural(len(rows), 'sentence')} of the {year} narrative name {who}; the first is in "
                    f"paragraph {first} of {count}; {in_last} {'is' if in_last == 1 else 'are'} in the last paragraph.")
    meaning = {
        SUPPORTED: f"{who} first appear in the last paragraph: the claim holds.",
        PARTLY: f"{who} are named before the last paragraph, but the last paragraph names them most often: "
                "the claim holds only in part.",
        NOT_SUPPORTED: f"{who} are named well before the last paragraph: the claim does not hold.",
    }.get(verdict, _needs(year, t))
    return ClaimText(tested, meaning, evidence)


def _quantifier(row: dict, verdict: str, t: Tables) -> ClaimText:
    year = _year(row) or 0
    word = str(row.get("figure", "") or "").strip()
    tested = (f"Whether the {year} narrative contains the quoted wording, or at least says “{word}” "
              f"of {t.label(NK)}.")
    if verdict == NEEDS_DATA or year not in t.corpus_years():
        return ClaimText(tested, _needs(year, t), "–")
    rows = t.nk_rows([year])
    words = _tally(rows, t)
    evidence = (f"{plural(len(rows), 'sentence')} of the {year} narrative name {t.label(NK)}"
                + (f"; quantifier words in them: {_quoted(words)}." if words else "; none carries a quantifier word."))
    meaning = {
        SUPPORTED: "The quoted wording is in the report: the essay quotes it accurately.",
        PARTLY: f"The exact wording is not in the {year} text, but the report does say “{word}” of North Koreans.",
        NOT_SUPPORTED: f"Neither the wording nor “{word}” said of North Koreans is in the {year} text.",
    }.get(verdict, _needs(year, t))
    return ClaimText(tested, meaning, evidence)


def _focus(row: dict, verdict: str, t: Tables, other: str) -> ClaimText:
    year = _year(row) or 0
    who, them = t.label(NK), t.label(other)
    tested = (f"How many sentences of the {year} narrative name {them}, against {who} "
              f"(the claim holds from {FOCUS_RATIO:g} times as many).")
    if verdict == NEEDS_DATA or t.mentions is None or year not in t.corpus_years():
        return ClaimText(tested, _needs(year, t), "–")
    m = t.mentions[t.mentions["year"] == year]
    n = lambda g: int(m.loc[m["group"] == g, "sentences"].sum())  # noqa: E731
    a, b = n(other), n(NK)
    total = int(m["total_sentences"].max()) if "total_sentences" in m.columns and len(m) else 0
    ratio = f"{a / b:.1f} times as many" if b else "none name North Koreans"
    evidence = f"{year}: {a} of {total} sentences name {them}, {b} name {who} ({ratio})."
    meaning = {
        SUPPORTED: f"{them} are named at least {FOCUS_RATIO:g} times as often as {who}: the claim holds.",
        PARTLY: f"{them} are named more often than {who}, but less than {FOCUS_RATIO:g} times as often: "
                "the claim holds only in part.",
        NOT_SUPPORTED: f"{who} are named as often as {them} or more: the claim does not hold.",
    }.get(verdict, _needs(year, t))
    return ClaimText(tested, meaning, evidence)


def _ngo_figure(row: dict, verdict: str, t: Tables, about: str) -> ClaimText:
    year = _year(row)
    figure = str(row.get("figure", "") or "")
    span = f"the {year} report" if year else "any report year"
    tested = (f"The NGO figure ({figure}) cannot be checked against the report. Tested instead: does "
              f"{span} give its own figure for North Korean women and girls — a share, or a number?")
    years = [year] if year else t.corpus_years()
    if verdict == NEEDS_DATA or not years or (year and year not in t.corpus_years()):
        return ClaimText(tested, _needs(year, t), "–")
    rows = t.nk_rows(years)
    if about:
        try:
            pattern = re.compile(rf"(?<!\w)(?:{about})(?!\w)", re.IGNORECASE)
            keep = [bool(pattern.search(str(s))) for s in rows["sentence"]]
            rows = rows.loc[pd.Series(keep, index=rows.index, dtype=bool)]
        except re.error:
            pass
    words = _tally(rows, t)
    where = f"in {year}" if year else f"over {plural(len(years), 'report year')}"
    evidence = (f"{plural(len(rows), 'sentence')} about North Korean women or girls {where}"
                + (f"; quantifier {'word' if len(words) == 1 else 'words'} {_quoted(words)}." if words
                   else "; no quantifier word."))
    meaning = {
        SUPPORTED: "The report gives no share or number for North Korean women: the essay's contrast holds. "
                   "(This does not confirm the NGO figure itself.)",
        PARTLY: "The report gives a sense of scale (“many”, “thousands”) but no share: the essay's contrast "
                "holds only in part.",
        NOT_SUPPORTED: "The report gives a share itself (“most”, “a majority”, a percentage): the essay's "
                       "contrast does not hold.",
    }.get(verdict, _needs(year, t))
    return ClaimText(tested, meaning, evidence)


def _underweight(row: dict, verdict: str, t: Tables) -> ClaimText:
    who = t.label(NK)
    hi, lo = UNDERWEIGHT_SHARES
    tested = (f"In how many report years {who} are named in fewer sentences than the most-named comparison "
              f"group (the claim holds from {hi:.0%} of the years, partly from {lo:.0%}).")
    years = t.corpus_years()
    if verdict == NEEDS_DATA or t.mentions is None or not years:
        return ClaimText(tested, "Too few report years are in the data to judge.", "–")
    m = t.mentions
    groups = t.comparison_groups or [g for g in m["group"].unique() if g not in (NK, "north_korea_state")]
    per = m[m["group"].isin(groups + [NK])].pivot_table(index="year", columns="group", values="sentences", aggfunc="sum").fillna(0)
    trails, leaders = 0, {}
    for y, r in per.iterrows():
        others = r.drop(labels=[NK], errors="ignore")
        if len(others) and others.max() > r.get(NK, 0):
            trails += 1
            top = str(others.idxmax())
            leaders[top] = leaders.get(top, 0) + 1
    lead = ", ".join(f"{t.label(g)} ({n})" for g, n in sorted(leaders.items(), key=lambda kv: -kv[1])[:3])
    evidence = (f"{who} trail in {trails} of {len(per)} report years" + (f", most often behind {lead}." if lead else "."))
    meaning = {
        SUPPORTED: f"{who} trail in most years: the claim holds (comparison groups count every naming, "
                   "so they lean towards this verdict).",
        PARTLY: f"{who} trail in some years but not most: the claim holds only in part.",
        NOT_SUPPORTED: f"{who} trail in few years: the claim does not hold.",
    }.get(verdict, "Too few report years are in the data to judge.")
    return ClaimText(tested, meaning, evidence)


def explain(row: dict, t: Tables, check_arg: str = "") -> ClaimText:
    """The plain-language explanation of one claims.csv row (its `check` picks the wording)."""
    check = str(row.get("check", "") or "")
    verdict = str(row.get("verdict", "") or NEEDS_DATA)
    if check == "tier":
        return _tier(row, verdict, t)
    if check == "last_paragraph":
        return _last_paragraph(row, verdict, t)
    if check == "quantifier":
        return _quantifier(row, verdict, t)
    if check == "focus":
        return _focus(row, verdict, t, check_arg or "uyghur_xinjiang")
    if check == "ngo_figure":
        return _ngo_figure(row, verdict, t, check_arg)
    if check == "underweight":
        return _underweight(row, verdict, t)
    return ClaimText("The rule for this claim is shown below.", f"Verdict: {verdict}.", str(row.get("evidence", "") or "–"))
