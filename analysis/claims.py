"""The essay's claims checked against the tables: one verdict, one evidence line, links per claim.

Each row of data/essay/claims.csv names a `check` (the rule below) and a `check_arg`. The rules
are plain and every threshold is a module constant, so a reader can see and dispute them;
CLAIM_RULES holds the same rules as text for README and the dashboard. Verdicts are one of
VERDICTS. The subject group is always SUBJECT_GROUP (north_korean); years are report years.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from analysis.claims_recommendations import RECOMMENDATIONS_RULE, ranked_items, recommendations_verdict
from analysis.frames import InputTableError, as_int, as_optional_int, as_text, is_blank, require_columns
from analysis.lexicon import Lexicon
from analysis.matching import QuantifierMatch, find_matches, find_quantifiers
from analysis.schema import (
    CLAIMS_TABLE, ESSAY_CLAIMS_COLUMNS, NEEDS_DATA, NOT_SUPPORTED, ORIGIN_REFERENCE, ORIGIN_SCRAPED, PARTLY,
    SUPPORTED,
)
from analysis.text import collapse_whitespace, fold


CLAIM_COUNTRY = "china"
SUBJECT_GROUP = "north_korean"
TIER_SOURCE_NOTE = "scraped tier if the page was read, reference tier otherwise"

# focus: "supported" when the comparison group has at least this many times the subject's sentences.
FOCUS_SUPPORTED_RATIO = 2.0
# ngo_figure: a quantifier counts only when attached to a north_korean phrase: it ends at most
# ATTACH_BEFORE_WORDS words before the phrase ("thousands of North Korean workers") or starts at
# most ATTACH_AFTER_WORDS words after it ("North Korean refugees, many of whom ...").
ATTACH_BEFORE_WORDS = 3
ATTACH_AFTER_WORDS = 8
# ngo_figure: quantifier classes (lexicon [quantifiers.*]) by what they say about scale.
NGO_VAGUE_CLASSES = ("few",)  # "some", "a few", "several": no scale
NGO_SCALE_CLASSES = ("many", "count")  # "many", "thousands", "an estimated 2,000": scale, no share
NGO_SHARE_CLASSES = ("majority", "share")  # "most", "a majority", "60 percent": a share
# underweight: at least this many report years are needed to speak of "all years".
UNDERWEIGHT_MIN_YEARS = 3
UNDERWEIGHT_SUPPORTED_SHARE = 2 / 3  # share of years in which the subject trails
UNDERWEIGHT_PARTLY_SHARE = 1 / 3
# At most this many year:paragraph links per claim (the first ones, in year and paragraph order).
MAX_LINKS = 50

CLAIMS_INPUT_COLUMNS = list(ESSAY_CLAIMS_COLUMNS)
CLAIMS_COLUMNS = list(CLAIMS_TABLE.columns)

CLAIM_RULES: dict[str, str] = {
    "tier": (
        f"Reads China's tier for the claim's report year and the year before ({TIER_SOURCE_NOTE}). "
        "Supported: the year has the tier named in check_arg and so has the year before ('once again'). "
        "Partly supported: the year has that tier but the year before does not (or is unknown). "
        "Not supported: the year has another tier. Needs data: no tier for the year."
    ),
    "last_paragraph": (
        "Looks at the sentences of the group named in check_arg in the claim's report year. "
        "Supported: the first of them is in the narrative's last paragraph. "
        "Partly supported: they start earlier, but the last paragraph holds more of them than any other paragraph. "
        "Not supported: otherwise, including when the group is not named at all. "
        "Needs data: the year is not in the corpus."
    ),
    "quantifier": (
        "Looks for the report wording in check_arg in the claim's report year (case, whitespace and typographic quotes ignored). "
        "Supported: found verbatim. Partly supported: not verbatim, but a north_korean sentence that year carries "
        "the quantifier given as the claim's figure (e.g. 'some') attached to its north_korean phrase (see ngo_figure). "
        "Not supported: neither. "
        "Needs data: the year is not in the corpus."
    ),
    "focus": (
        "Compares, in the claim's report year, the sentences naming the group in check_arg with those naming north_korean. "
        f"Supported: the group has at least {FOCUS_SUPPORTED_RATIO:g} times as many sentences (and at least one). "
        "Partly supported: more, but less than that. Not supported: as many or fewer. "
        "Needs data: the year is not in the corpus."
    ),
    "ngo_figure": (
        "An NGO figure cannot be checked against the report; this rule asks whether the report itself gives North "
        "Korean victims a comparable figure. It takes the north_korean sentences in the claim's report year (all years "
        "when empty) that match check_arg (a regex such as women|girls; all when empty), and the quantifiers attached "
        f"to their north_korean phrase (ending at most {ATTACH_BEFORE_WORDS} words before it or starting at most "
        f"{ATTACH_AFTER_WORDS} words after it: 'some North Korean women', 'thousands of North Korean workers'). "
        f"Supported (the essay's contrast holds): none, or only vague ones ({', '.join(NGO_VAGUE_CLASSES)}: 'some', 'several'). "
        f"Partly supported: the report gives scale but no share ({', '.join(NGO_SCALE_CLASSES)}: 'many', 'thousands'). "
        f"Not supported: the report itself gives a share ({', '.join(NGO_SHARE_CLASSES)}: 'most', '60 percent'). "
        "Needs data: the year (or any year) is not in the corpus."
    ),
    "underweight": (
        "For every report year in the corpus, north_korean 'trails' when some comparison group (check_arg: "
        "';'-joined group slugs, '*' for every people group) is named in more sentences that year. "
        f"Supported: it trails in at least {UNDERWEIGHT_SUPPORTED_SHARE:.0%} of the years. "
        f"Partly supported: in at least {UNDERWEIGHT_PARTLY_SHARE:.0%}. Not supported: fewer. "
        f"Needs data: fewer than {UNDERWEIGHT_MIN_YEARS} years in the corpus. Caveat: comparison groups "
        "count every naming of their country (destination too), so this leans towards 'supported'."
    ),
    "recommendations": RECOMMENDATIONS_RULE,
}


class ClaimsError(ValueError):
    """A claims row cannot be evaluated (unknown check, missing report year, unknown group ...)."""


@dataclass(frozen=True)
class Claim:
    """One row of data/essay/claims.csv."""

    claim_id: str
    claim: str
    quote: str
    citation: str
    figure: str
    denominator: str
    report_year: int | None
    check: str
    check_arg: str


@dataclass(frozen=True)
class ClaimResult:
    """The computed verdict, a one-line evidence string, and links (year, paragraph_index)."""

    verdict: str
    evidence: str
    links: tuple[tuple[int, int], ...] = ()


@dataclass
class ClaimContext:
    """The tables a rule reads, indexed by year (one country: CLAIM_COUNTRY)."""

    lexicon: Lexicon
    corpus_years: list[int]
    sentences: dict[tuple[int, str], int]  # (year, group) -> sentences
    total_sentences: dict[int, int]
    paragraph_count: dict[int, int]
    paragraphs: dict[int, list[tuple[int, str]]]  # year -> [(paragraph_index, text)]
    kwic: dict[tuple[int, str], list[dict]]  # (year, group) -> rows in order
    tiers: dict[int, tuple[str, str, str]]  # year -> (tier, "scraped"|"reference", tier_sentence)
    attached: dict[str, list[QuantifierMatch]] = field(default_factory=dict)  # sentence -> cache
    recommendations: dict = field(default_factory=dict)  # year -> [RankedItem] (analysis.claims_recommendations)

    def attached_quantifiers(self, sentence: str) -> list[QuantifierMatch]:
        """attached_quantifiers(sentence, lexicon), computed once per distinct sentence."""
        if sentence not in self.attached:
            self.attached[sentence] = attached_quantifiers(sentence, self.lexicon)
        return self.attached[sentence]


# --------------------------------------------------------------------------------------------
# helpers


def _pct(num: int, den: int) -> str:
    return f"{num / den:.1%}" if den else "n/a"


def _para(index: int, count: int) -> str:
    return f"paragraph {index + 1} of {count} (index {index})"


def _norm(text: str) -> str:
    return collapse_whitespace(fold(text)).lower()


def _year_in_corpus(ctx: ClaimContext, year: int | None) -> bool:
    return year is not None and year in ctx.paragraph_count


def _need_year(claim: Claim) -> int:
    if claim.report_year is None:
        raise ClaimsError(f"claim {claim.claim_id}: check {claim.check!r} needs a report_year")
    return claim.report_year


def _need_group(ctx: ClaimContext, claim: Claim, slug: str) -> str:
    if slug not in ctx.lexicon.groups:
        raise ClaimsError(f"claim {claim.claim_id}: group {slug!r} is not in the lexicon (groups: {list(ctx.lexicon.groups)})")
    return slug


def _rows(ctx: ClaimContext, year: int, group: str) -> list[dict]:
    return ctx.kwic.get((year, group), [])


def _paragraph_links(year: int, rows: list[dict]) -> tuple[tuple[int, int], ...]:
    return tuple((year, p) for p in dict.fromkeys(r["paragraph_index"] for r in rows))


_WORD_RE = re.compile(r"\w+(?:[-'.,]\w+)*")


def attached_quantifiers(sentence: str, lexicon: Lexicon, group: str = SUBJECT_GROUP) -> list[QuantifierMatch]:
    """Quantifiers of a sentence that are attached to a hit of group: ending at most
    ATTACH_BEFORE_WORDS words before the hit, inside it, or starting at most ATTACH_AFTER_WORDS
    words after it."""
    hits = [m for m in find_matches(sentence, lexicon) if m.group == group]
    out = []
    for q in find_quantifiers(sentence, lexicon):
        for h in hits:
            if q.end <= h.start:
                gap = len(_WORD_RE.findall(sentence[q.end : h.start]))
                ok = gap <= ATTACH_BEFORE_WORDS
            elif q.start >= h.end:
                gap = len(_WORD_RE.findall(sentence[h.end : q.start]))
                ok = gap <= ATTACH_AFTER_WORDS
            else:
                ok = True
            if ok:
                out.append(q)
                break
    return out


def _missing_year(year: int | None) -> ClaimResult:
    return ClaimResult(NEEDS_DATA, f"{year}: report year not in the corpus (no parsed narrative)")


# --------------------------------------------------------------------------------------------
# the rules


def check_tier(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    """Supported: the year and the year before both have the tier in check_arg (default Tier 3).
    Partly supported: the year has it, the year before not (or unknown). Not supported: the
    year has another tier. Needs data: no tier for the year. Scraped tier first, else reference."""
    year = _need_year(claim)
    target = claim.check_arg or claim.figure
    if not target:
        raise ClaimsError(f"claim {claim.claim_id}: check 'tier' needs the tier in check_arg (e.g. Tier 3)")
    now, before = ctx.tiers.get(year), ctx.tiers.get(year - 1)
    if now is None or not now[0]:
        return ClaimResult(NEEDS_DATA, f"{year}: no tier, neither scraped nor in the reference table")

    def show(y: int, t: tuple[str, str, str] | None) -> str:
        return f"{y}: {t[0]} ({t[1]})" if t and t[0] else f"{y}: tier unknown"

    evidence = f"{show(year, now)}; {show(year - 1, before)}"
    links: tuple[tuple[int, int], ...] = ()
    if now[2]:
        needle = _norm(now[2])
        links = tuple((year, i) for i, text in ctx.paragraphs.get(year, []) if needle and needle in _norm(text))[:1]
    if now[0] != target:
        return ClaimResult(NOT_SUPPORTED, evidence, links)
    if before and before[0] == target:
        return ClaimResult(SUPPORTED, evidence, links)
    return ClaimResult(PARTLY, evidence + f" (not '{target}' the year before: 'once again' does not hold)", links)


def check_last_paragraph(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    """Supported: the group's first sentence that year is in the last paragraph. Partly
    supported: it starts earlier but the last paragraph holds more of its sentences than any
    other paragraph. Not supported: otherwise (also when never named). Needs data: year missing."""
    year = _need_year(claim)
    group = _need_group(ctx, claim, claim.check_arg or SUBJECT_GROUP)
    if not _year_in_corpus(ctx, year):
        return _missing_year(year)
    count = ctx.paragraph_count[year]
    last = count - 1
    rows = _rows(ctx, year, group)
    total = ctx.total_sentences.get(year, 0)
    if not rows:
        return ClaimResult(NOT_SUPPORTED, f"{year}: no {group} sentence in {count} paragraphs ({total} sentences)")
    first = min(r["paragraph_index"] for r in rows)
    in_last = sum(1 for r in rows if r["paragraph_index"] == last)
    evidence = (
        f"{year}: first {group} mention in {_para(first, count)}; {len(rows)} of {total} sentences "
        f"({_pct(len(rows), total)}), {in_last} of them in the last paragraph"
    )
    links = _paragraph_links(year, rows)
    if first == last:
        return ClaimResult(SUPPORTED, evidence, links)
    earlier = sorted({k for r in rows if r["paragraph_index"] != last for k in (r["kinds"] or "").split(";") if k})
    if earlier:
        evidence += f"; earlier mentions are of kind {', '.join(earlier)}"
    per_paragraph = Counter(r["paragraph_index"] for r in rows)
    if all(in_last > n for p, n in per_paragraph.items() if p != last):
        return ClaimResult(PARTLY, evidence + "; the last paragraph holds the most", links)
    return ClaimResult(NOT_SUPPORTED, evidence, links)


def check_quantifier(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    """Supported: the report wording in check_arg is in the year's narrative verbatim (case,
    whitespace, typographic quotes ignored). Partly supported: not verbatim, but a north_korean
    sentence carries the quantifier in figure, attached to its north_korean phrase. Not
    supported: neither. Needs data: year missing."""
    year = _need_year(claim)
    if not claim.check_arg:
        raise ClaimsError(f"claim {claim.claim_id}: check 'quantifier' needs the report wording in check_arg")
    if not _year_in_corpus(ctx, year):
        return _missing_year(year)
    needle = _norm(claim.check_arg)
    found = [i for i, text in ctx.paragraphs.get(year, []) if needle in _norm(text)]
    rows = _rows(ctx, year, SUBJECT_GROUP)
    counts = Counter(q.text for r in rows for q in ctx.attached_quantifiers(r["sentence"]))
    shown = ", ".join(f"'{q}' x{n}" for q, n in counts.most_common()) or "none"
    tail = f"quantifiers attached to north_korean phrases that year: {shown} in {len(rows)} sentences"
    if found:
        return ClaimResult(SUPPORTED, f"{year}: wording found in {_para(found[0], ctx.paragraph_count[year])}; {tail}", tuple((year, i) for i in found))
    word = claim.figure.strip().lower()
    with_word = [r for r in rows if word and word in {q.text for q in ctx.attached_quantifiers(r["sentence"])}]
    if with_word:
        return ClaimResult(PARTLY, f"{year}: wording not found verbatim; '{word}' is used of North Koreans; {tail}", _paragraph_links(year, with_word))
    return ClaimResult(NOT_SUPPORTED, f"{year}: wording not found and '{word}' not used of North Koreans; {tail}", _paragraph_links(year, rows))


def check_focus(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    """Supported: the group in check_arg has >= FOCUS_SUPPORTED_RATIO times north_korean's
    sentences in the year (and at least one). Partly supported: more but below the ratio. Not
    supported: as many or fewer. Needs data: year missing."""
    year = _need_year(claim)
    if not claim.check_arg:
        raise ClaimsError(f"claim {claim.claim_id}: check 'focus' needs the comparison group in check_arg (e.g. uyghur_xinjiang)")
    group = _need_group(ctx, claim, claim.check_arg)
    if not _year_in_corpus(ctx, year):
        return _missing_year(year)
    total = ctx.total_sentences.get(year, 0)
    other, subject = ctx.sentences.get((year, group), 0), ctx.sentences.get((year, SUBJECT_GROUP), 0)
    ratio = f"{other / subject:.1f}x" if subject else ("n/a" if not other else "no north_korean sentence")
    evidence = (
        f"{year}: {group} {other} of {total} sentences ({_pct(other, total)}) vs {SUBJECT_GROUP} {subject} "
        f"({_pct(subject, total)}); ratio {ratio} (supported from {FOCUS_SUPPORTED_RATIO:g}x)"
    )
    links = _paragraph_links(year, _rows(ctx, year, SUBJECT_GROUP)) + _paragraph_links(year, _rows(ctx, year, group)[:1])
    if other > 0 and other >= FOCUS_SUPPORTED_RATIO * subject:
        return ClaimResult(SUPPORTED, evidence, links)
    if other > subject:
        return ClaimResult(PARTLY, evidence, links)
    return ClaimResult(NOT_SUPPORTED, evidence, links)


def check_ngo_figure(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    """The strongest quantifier class in the year's north_korean sentences that match the
    check_arg regex (e.g. women|girls) decides: none or NGO_VAGUE_CLASSES -> supported;
    NGO_SCALE_CLASSES -> partly supported; NGO_SHARE_CLASSES -> not supported. Needs data: the
    year (or, with no report_year, every year) is missing from the corpus."""
    classes = set(ctx.lexicon.quantifiers)
    missing = [c for c in NGO_VAGUE_CLASSES + NGO_SCALE_CLASSES + NGO_SHARE_CLASSES if c not in classes]
    if missing:
        raise ClaimsError(f"claim {claim.claim_id}: the lexicon has no quantifier class(es) {missing} used by the ngo_figure rule")
    try:
        about = re.compile(rf"(?<!\w)(?:{claim.check_arg})(?!\w)", re.IGNORECASE) if claim.check_arg else None
    except re.error as exc:
        raise ClaimsError(f"claim {claim.claim_id}: check_arg {claim.check_arg!r} is not a valid regular expression: {exc}") from None
    if claim.report_year is not None:
        if not _year_in_corpus(ctx, claim.report_year):
            return _missing_year(claim.report_year)
        years, span = [claim.report_year], str(claim.report_year)
    else:
        if not ctx.corpus_years:
            return ClaimResult(NEEDS_DATA, "no report year in the corpus")
        years, span = ctx.corpus_years, f"{ctx.corpus_years[0]}-{ctx.corpus_years[-1]} ({len(ctx.corpus_years)} years)"
    rows = [(y, r) for y in years for r in _rows(ctx, y, SUBJECT_GROUP) if about is None or about.search(fold(r["sentence"]))]
    found: Counter = Counter()
    for _, r in rows:
        for q in ctx.attached_quantifiers(r["sentence"]):
            found[(q.text, q.cls)] += 1
    present = {cls for _, cls in found}
    strongest = next(
        (name for cls_set, name in ((NGO_SHARE_CLASSES, "share"), (NGO_SCALE_CLASSES, "scale"), (NGO_VAGUE_CLASSES, "vague")) if present & set(cls_set)),
        "",
    )
    quants = ", ".join(f"'{t}' x{n} ({c})" for (t, c), n in found.most_common()) or "none"
    figure = f"NGO figure {claim.figure}" + (f" ({claim.denominator})" if claim.denominator else "")
    subset = f" matching '{claim.check_arg}'" if claim.check_arg else ""
    evidence = f"{figure}: not checkable against the report; {span}: {len(rows)} north_korean sentences{subset}, quantifiers {quants}"
    links = tuple(dict.fromkeys((y, r["paragraph_index"]) for y, r in rows))
    if strongest == "share":
        return ClaimResult(NOT_SUPPORTED, evidence + "; the report gives a share itself", links)
    if strongest == "scale":
        return ClaimResult(PARTLY, evidence + "; the report gives scale but no share", links)
    return ClaimResult(SUPPORTED, evidence + "; the report gives no figure of scale or share", links)


def check_underweight(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    """north_korean trails in a year when a comparison group has more sentences. Supported: it
    trails in >= UNDERWEIGHT_SUPPORTED_SHARE of corpus years; partly: >= UNDERWEIGHT_PARTLY_SHARE;
    else not supported. Needs data: fewer than UNDERWEIGHT_MIN_YEARS years."""
    arg = claim.check_arg.strip() or "*"
    if arg == "*":
        groups = [g.slug for g in ctx.lexicon.groups.values() if g.role == "people" and g.slug != SUBJECT_GROUP]
    else:
        groups = [_need_group(ctx, claim, g) for g in arg.split(";") if g]
    years = ctx.corpus_years
    if len(years) < UNDERWEIGHT_MIN_YEARS:
        return ClaimResult(NEEDS_DATA, f"{len(years)} report year(s) in the corpus; the rule needs {UNDERWEIGHT_MIN_YEARS}")
    trails, leaders = 0, Counter()
    for y in years:
        subject = ctx.sentences.get((y, SUBJECT_GROUP), 0)
        best = max(groups, key=lambda g: ctx.sentences.get((y, g), 0)) if groups else None
        if best is not None and ctx.sentences.get((y, best), 0) > subject:
            trails += 1
            leaders[best] += 1
    total = sum(ctx.total_sentences.get(y, 0) for y in years)
    nk = sum(ctx.sentences.get((y, SUBJECT_GROUP), 0) for y in years)
    top = max(groups, key=lambda g: sum(ctx.sentences.get((y, g), 0) for y in years)) if groups else None
    top_n = sum(ctx.sentences.get((y, top), 0) for y in years) if top else 0
    led = ", ".join(f"{g} {n}" for g, n in leaders.most_common(3)) or "none"
    evidence = (
        f"{SUBJECT_GROUP} trails the most-named group in {trails} of {len(years)} years ({_pct(trails, len(years))}; "
        f"led by {led}); {years[0]}-{years[-1]}: {SUBJECT_GROUP} {nk} of {total} sentences ({_pct(nk, total)})"
        + (f" vs {top} {top_n} ({_pct(top_n, total)})" if top else "")
    )
    links = tuple((y, r[0]["paragraph_index"]) for y in years if (r := _rows(ctx, y, SUBJECT_GROUP)))
    share = trails / len(years)
    if share >= UNDERWEIGHT_SUPPORTED_SHARE:
        return ClaimResult(SUPPORTED, evidence, links)
    if share >= UNDERWEIGHT_PARTLY_SHARE:
        return ClaimResult(PARTLY, evidence, links)
    return ClaimResult(NOT_SUPPORTED, evidence, links)


CHECKS: dict[str, Callable[[Claim, ClaimContext], ClaimResult]] = {
    "tier": check_tier,
    "last_paragraph": check_last_paragraph,
    "quantifier": check_quantifier,
    "focus": check_focus,
    "ngo_figure": check_ngo_figure,
    "underweight": check_underweight,
    "recommendations": lambda c, ctx: ClaimResult(*recommendations_verdict(
        _need_year(c), _need_group(ctx, c, c.check_arg or SUBJECT_GROUP), ctx.lexicon,
        ctx.recommendations.get(c.report_year), _year_in_corpus(ctx, c.report_year))),
}


# --------------------------------------------------------------------------------------------
# reading the tables


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


def _country_rows(df: pd.DataFrame) -> pd.DataFrame:
    if "country" in df.columns:
        return df[df["country"].astype(str) == CLAIM_COUNTRY]
    return df


def build_context(mentions: pd.DataFrame, kwic: pd.DataFrame, tiers: pd.DataFrame | None, paragraphs: pd.DataFrame, lexicon: Lexicon) -> ClaimContext:
    """Index the tables by year for the rules (rows of CLAIM_COUNTRY only)."""
    require_columns(mentions, ["year", "group", "sentences", "total_sentences"], "mentions")
    require_columns(kwic, ["year", "group", "kinds", "quantifiers", "paragraph_index", "sentence"], "kwic")
    require_columns(paragraphs, ["year", "paragraph_index", "text"], "paragraphs")
    mentions, kwic, paragraphs = _country_rows(mentions), _country_rows(kwic), _country_rows(paragraphs)
    sentences: dict[tuple[int, str], int] = {}
    total: dict[int, int] = {}
    for y, g, s, t in zip(mentions["year"].tolist(), mentions["group"].tolist(), mentions["sentences"].tolist(), mentions["total_sentences"].tolist()):
        year = as_int(y, "mentions", "year")
        sentences[(year, str(g))] = as_int(s, "mentions", "sentences")
        total[year] = as_int(t, "mentions", "total_sentences")
    paras: dict[int, list[tuple[int, str]]] = {}
    for y, i, text in zip(paragraphs["year"].tolist(), paragraphs["paragraph_index"].tolist(), paragraphs["text"].tolist()):
        paras.setdefault(as_int(y, "paragraphs", "year"), []).append((as_int(i, "paragraphs", "paragraph_index"), as_text(text)))
    for rows in paras.values():
        rows.sort()
    kw: dict[tuple[int, str], list[dict]] = {}
    for rec in kwic.to_dict("records"):
        rec = {k: ("" if is_blank(v) else v) for k, v in rec.items()}
        rec["paragraph_index"] = as_int(rec["paragraph_index"], "kwic", "paragraph_index")
        kw.setdefault((as_int(rec["year"], "kwic", "year"), str(rec["group"])), []).append(rec)
    for rows in kw.values():
        rows.sort(key=lambda r: (r["paragraph_index"], as_int(r.get("sentence_index", 0) or 0, "kwic", "sentence_index")))
    tier_map: dict[int, tuple[str, str, str]] = {}
    if tiers is not None and len(tiers):
        require_columns(tiers, ["year", "tier"], "tiers")
        for rec in _country_rows(tiers).to_dict("records"):
            year = as_int(rec["year"], "tiers", "year")
            tier = as_text(rec.get("tier"))  # tiers.csv's tier is the year's (analysis.schema.decide_tier)
            if tier:
                origin = as_text(rec.get("origin")) or ORIGIN_REFERENCE
                tier_map[year] = (tier, origin, as_text(rec.get("tier_sentence")) if origin == ORIGIN_SCRAPED else "")
    return ClaimContext(lexicon, sorted(paras), sentences, total, {y: len(r) for y, r in paras.items()}, paras, kw, tier_map,
                        recommendations=ranked_items(paragraphs, lexicon))


def evaluate_claims(essay_claims: pd.DataFrame, mentions: pd.DataFrame, kwic: pd.DataFrame, tiers: pd.DataFrame | None, paragraphs: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The claims table with verdict, evidence, links (';'-joined year:paragraph_index, at most
    MAX_LINKS), check and rule (the CLAIM_RULES text of the check)."""
    claims = read_claims(essay_claims)
    ctx = build_context(mentions, kwic, tiers, paragraphs, lexicon)
    rows = []
    for c in claims:
        result = CHECKS[c.check](c, ctx)
        rows.append((
            c.claim_id, c.claim, c.quote, c.citation, c.report_year, c.figure, c.denominator,
            result.verdict, result.evidence, ";".join(f"{y}:{p}" for y, p in result.links[:MAX_LINKS]), c.check, CLAIM_RULES[c.check],
        ))
    return pd.DataFrame(rows, columns=CLAIMS_COLUMNS).astype({"report_year": "Int64"})
