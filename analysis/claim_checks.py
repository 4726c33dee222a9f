"""The rules that check the essay's claims, each with its rule text beside it (`@rule`).

A rule reads one Claim and the ClaimContext and returns a ClaimResult: the verdict (one of
analysis.schema.VERDICTS), what was tested, what the verdict means and the evidence, in plain words
with group labels from the lexicon, and every paragraph the evidence rests on. The rule text is a
template rendered per claim by analysis.claims.rule_text ({year}, {group} ... from the claim); it is
the only statement of the rule: claims.csv's `rule`, the Essay page and docs/method.md show it.
Every threshold is a module constant. Years are report years.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Mapping

from analysis.claim_context import (
    ATTACH_AFTER_WORDS, ATTACH_BEFORE_WORDS, ORIGIN_WORDS, SUBJECT_GROUP, TIE_RULE, Claim, ClaimContext,
    ClaimResult, ClaimsError, listing, missing_year, most_named, name_verb, norm, paragraph_links, paragraph_of, pct,
    plural, quoted_counts, unique_links,
)
from analysis.lexicon import Lexicon
from analysis.schema import NEEDS_DATA, NOT_SUPPORTED, PARTLY, SUPPORTED
from analysis.text import fold

# focus: "supported" when the comparison group has at least this many times the subject's sentences.
FOCUS_SUPPORTED_RATIO = 2.0
# ngo_figure: quantifier classes (lexicon [quantifiers.*]) by what they say about scale.
NGO_VAGUE_CLASSES = ("few",)  # "some", "a few", "several": no scale
NGO_SCALE_CLASSES = ("many", "count")  # "many", "thousands", "an estimated 2,000": scale, no share
NGO_SHARE_CLASSES = ("majority", "share")  # "most", "a majority", "60 percent": a share
# underweight: at least this many report years are needed to speak of "all years".
UNDERWEIGHT_MIN_YEARS = 3
UNDERWEIGHT_SUPPORTED_SHARE = 2 / 3  # share of years in which the subject trails
UNDERWEIGHT_PARTLY_SHARE = 1 / 3

_SENTENCES = "Sentences are counted as in mentions.csv: a sentence counts each time the report prints it."
_NOT_RATED = "This does not rate the NGO figure itself."


def rule(text: str, verdict_labels: Mapping[str, str] | None = None) -> Callable:
    """Attach the rule's text (a template with {year}, {group} ... fields) and, where the verdict
    alone would mislead on the Essay card, the badge wording per verdict."""
    def mark(check: Callable) -> Callable:
        check.rule = text
        check.verdict_labels = dict(verdict_labels or {})
        return check
    return mark


def _need_year(claim: Claim) -> int:
    if claim.report_year is None:
        raise ClaimsError(f"claim {claim.claim_id}: check {claim.check!r} needs a report_year")
    return claim.report_year


def _need_arg(claim: Claim, what: str) -> str:
    if not claim.check_arg:
        raise ClaimsError(f"claim {claim.claim_id}: check {claim.check!r} needs {what} in check_arg")
    return claim.check_arg


def need_group(lexicon: Lexicon, claim: Claim, slug: str) -> str:
    if slug not in lexicon.groups:
        raise ClaimsError(f"claim {claim.claim_id}: group {slug!r} is not in the lexicon (groups: {list(lexicon.groups)})")
    return slug


def _in_corpus(ctx: ClaimContext, year: int | None) -> bool:
    return year is not None and year in ctx.paragraph_count


# -- tier --------------------------------------------------------------------------------------
@rule("Reads China's tier for {year} and {year_before} from tiers.csv: the tier read from the report page "
      "when it was read, else the reference tier. Supported: {tier} in both years (“once again”). "
      "Partly supported: {tier} in {year} but not in {year_before} (or unknown). Not supported: another "
      "tier in {year}. Needs data: no tier for {year}.")
def check_tier(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    year = _need_year(claim)
    target = claim.check_arg or claim.figure
    if not target:
        raise ClaimsError(f"claim {claim.claim_id}: check 'tier' needs the tier in check_arg (e.g. Tier 3)")
    tested = f"Which tier the {year} report placed China on, and the tier of the year before ({year - 1})."
    now, before = ctx.tiers.get(year), ctx.tiers.get(year - 1)
    if now is None or not now[0]:
        return ClaimResult(NEEDS_DATA, f"{year}: no tier, neither read from the report nor in the reference table.",
                           (), tested, f"No tier for {year} is known yet: nothing to check.")

    def show(y: int, t: tuple[str, str, str] | None) -> str:
        return f"{y}: {t[0]} ({ORIGIN_WORDS.get(t[1], t[1])})" if t and t[0] else f"{y}: tier unknown"

    evidence = f"{show(year, now)}; {show(year - 1, before)}."
    links: tuple[tuple[int, int], ...] = ()
    if now[2]:
        needle = norm(now[2])
        links = tuple((year, i) for i, text in ctx.paragraphs.get(year, []) if needle and needle in norm(text))[:1]
    if now[0] != target:
        return ClaimResult(NOT_SUPPORTED, evidence, links, tested,
                           f"China was on {now[0]} in {year}, not {target}: the claim does not hold.")
    if before and before[0] == target:
        return ClaimResult(SUPPORTED, evidence, links, tested,
                           f"China was on {target} in {year} and in {year - 1}: “once again” holds.")
    was = f"on {before[0]}" if before and before[0] else "on an unknown tier"
    return ClaimResult(PARTLY, evidence, links, tested,
                       f"China was on {target} in {year}, but {was} in {year - 1}: “once again” does not hold.")


# -- last_paragraph ----------------------------------------------------------------------------
@rule("Looks at the sentences of the {year} narrative that name {group}. " + _SENTENCES + " "
      "Supported: the first of them is in the narrative's last paragraph. Partly supported: they start "
      "earlier, but the last paragraph holds more of them than any other paragraph. Not supported: "
      "otherwise, also when the narrative does not name {group} at all. Needs data: the {year} narrative "
      "is not in the data.")
def check_last_paragraph(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    year = _need_year(claim)
    group = need_group(ctx.lexicon, claim, claim.check_arg or SUBJECT_GROUP)
    who = ctx.label(group)
    tested = f"Where the {year} narrative first names {who}: only in its last paragraph, or earlier?"
    if not _in_corpus(ctx, year):
        return missing_year(year, tested)
    count, total = ctx.paragraph_count[year], ctx.total_sentences.get(year, 0)
    last = count - 1
    rows = ctx.rows(year, group)
    if not rows:
        return ClaimResult(NOT_SUPPORTED, f"No sentence of the {year} narrative ({plural(count, 'paragraph')}, "
                           f"{plural(total, 'sentence')}) names {who}.", (), tested,
                           f"The {year} narrative does not name {who} at all: the claim does not hold.")
    first = min(r["paragraph_index"] for r in rows)
    in_last = sum(1 for r in rows if r["paragraph_index"] == last)
    n = ctx.count(year, group)
    evidence = (f"{n} of the {total} sentences of the {year} narrative ({pct(n, total)}) "
                f"{name_verb(n)} {who}; the first is in {paragraph_of(first, count)}; {in_last} in the last paragraph.")
    earlier = sorted({k for r in rows if r["paragraph_index"] != last for k in (r["kinds"] or "").split(";") if k})
    if earlier:
        kinds = [ctx.lexicon.kinds[k].label.lower() if k in ctx.lexicon.kinds else k for k in earlier]
        evidence += f" The earlier ones are about: {listing(kinds)}."
    links = paragraph_links(year, rows)
    if first == last:
        return ClaimResult(SUPPORTED, evidence, links, tested,
                           f"{who} are first named in the last paragraph ({paragraph_of(last, count)}): the claim holds.")
    per_paragraph = Counter(r["paragraph_index"] for r in rows)
    if all(in_last > n for p, n in per_paragraph.items() if p != last):
        return ClaimResult(PARTLY, evidence, links, tested,
                           f"{who} are first named in {paragraph_of(first, count)}, but the last paragraph names them "
                           f"most often ({plural(in_last, 'sentence')}): the claim holds only in part.")
    return ClaimResult(NOT_SUPPORTED, evidence, links, tested,
                       f"{who} are first named in {paragraph_of(first, count)}, before the last paragraph, which does not "
                       "name them most often: the claim does not hold.")


# -- quantifier --------------------------------------------------------------------------------
@rule("Looks for the essay's quoted wording “{wording}” in the {year} narrative (case, line breaks and "
      "typographic quotes ignored). Supported: found as printed. Partly supported: not found, but a sentence "
      "of that year says “{figure}” of {subject} (the word attached to the phrase naming them: ending at "
      f"most {ATTACH_BEFORE_WORDS} words before it or starting at most {ATTACH_AFTER_WORDS} words after it). "
      "Not supported: neither. Needs data: the {year} narrative is not in the data.")
def check_quantifier(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    year = _need_year(claim)
    wording = _need_arg(claim, "the report wording")
    word, who = claim.figure.strip().lower(), ctx.label(SUBJECT_GROUP)
    tested = f"Whether the {year} narrative holds the essay's quoted wording, or at least says “{word}” of {who}."
    if not _in_corpus(ctx, year):
        return missing_year(year, tested)
    needle = norm(wording)
    found = [i for i, text in ctx.paragraphs.get(year, []) if needle in norm(text)]
    rows = ctx.rows(year, SUBJECT_GROUP)
    words = Counter(w for r in rows for w in dict.fromkeys(q.text for q in ctx.attached_quantifiers(r["sentence"])))
    n = ctx.count(year, SUBJECT_GROUP)
    tail = (f"{plural(n, 'sentence')} of the {year} narrative {name_verb(n)} {who}; the quantifier words said of them: "
            + (quoted_counts(words) + "." if words else "none."))
    count = ctx.paragraph_count[year]
    if found:
        return ClaimResult(SUPPORTED, f"The wording is in {paragraph_of(found[0], count)}. {tail}",
                           tuple((year, i) for i in found), tested,
                           f"The quoted wording is in the {year} report ({paragraph_of(found[0], count)}): the essay quotes it accurately.")
    with_word = [r for r in rows if word and word in {q.text for q in ctx.attached_quantifiers(r["sentence"])}]
    if with_word:
        return ClaimResult(PARTLY, f"The wording is not in the {year} text. {tail}", paragraph_links(year, with_word), tested,
                           f"The exact wording is not in the {year} text, but the report says “{word}” of {who} "
                           f"in {plural(words[word], 'sentence')}: the claim holds only in part.")
    return ClaimResult(NOT_SUPPORTED, f"The wording is not in the {year} text. {tail}", paragraph_links(year, rows), tested,
                       f"Neither the wording nor “{word}” said of {who} is in the {year} text: the claim does not hold.")


# -- focus -------------------------------------------------------------------------------------
@rule("Counts the sentences of the {year} narrative naming {group} and those naming {subject}. " + _SENTENCES
      + f" Supported: {{group}} in at least {FOCUS_SUPPORTED_RATIO:g} times as many sentences (and at least one). "
      f"Partly supported: in more, but fewer than {FOCUS_SUPPORTED_RATIO:g} times as many. Not supported: in as many "
      "or fewer. Needs data: the {year} narrative is not in the data.")
def check_focus(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    year = _need_year(claim)
    group = need_group(ctx.lexicon, claim, _need_arg(claim, "the comparison group (e.g. uyghur_xinjiang)"))
    them, who = ctx.label(group), ctx.label(SUBJECT_GROUP)
    tested = (f"How many sentences of the {year} narrative name {them}, against those naming {who} "
              f"(the claim holds from {FOCUS_SUPPORTED_RATIO:g} times as many).")
    if not _in_corpus(ctx, year):
        return missing_year(year, tested)
    total = ctx.total_sentences.get(year, 0)
    other, subject = ctx.count(year, group), ctx.count(year, SUBJECT_GROUP)
    ratio = f"{other / subject:.1f} times as many" if subject else ("none name either" if not other else f"none name {who}")
    evidence = (f"{year}: {other} of {total} sentences ({pct(other, total)}) {name_verb(other)} {them}; "
                f"{subject} ({pct(subject, total)}) {name_verb(subject)} {who}: {ratio}.")
    links = unique_links(paragraph_links(year, ctx.rows(year, group)), paragraph_links(year, ctx.rows(year, SUBJECT_GROUP)))
    figures = f"{them} are named in {plural(other, 'sentence')}, {who} in {subject}"
    if other > 0 and other >= FOCUS_SUPPORTED_RATIO * subject:
        return ClaimResult(SUPPORTED, evidence, links, tested,
                           f"{figures} ({ratio}, at least {FOCUS_SUPPORTED_RATIO:g}): the claim holds.")
    if other > subject:
        return ClaimResult(PARTLY, evidence, links, tested,
                           f"{figures} ({ratio}, fewer than {FOCUS_SUPPORTED_RATIO:g}): the claim holds only in part.")
    return ClaimResult(NOT_SUPPORTED, evidence, links, tested, f"{figures}: the claim does not hold.")


# -- ngo_figure --------------------------------------------------------------------------------
_STRENGTHS = ((NGO_SHARE_CLASSES, "share"), (NGO_SCALE_CLASSES, "scale"), (NGO_VAGUE_CLASSES, "vague"))


@rule("An NGO figure cannot be checked against the report, and this rule does not rate it. It asks whether "
      "{span} gives a figure of its own for {subject}: it takes that text's sentences naming {subject} that "
      "use one of the words {words}, and the quantifier words attached to the phrase naming them (ending at "
      f"most {ATTACH_BEFORE_WORDS} words before it or starting at most {ATTACH_AFTER_WORDS} words after it). "
      "Supported (the essay's contrast holds): none, or only vague ones (“some”, “several”, “a few”). Partly "
      "supported: a scale but no share (“many”, “thousands”, “an estimated 2,000”). Not supported: a share "
      "(“most”, “a majority”, “60 percent”). Needs data: the text is not in the data.",
      verdict_labels={SUPPORTED: "report gives no figure", PARTLY: "report gives a scale, no share",
                      NOT_SUPPORTED: "report gives a share"})
def check_ngo_figure(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    classes = set(ctx.lexicon.quantifiers)
    missing = [c for c in NGO_VAGUE_CLASSES + NGO_SCALE_CLASSES + NGO_SHARE_CLASSES if c not in classes]
    if missing:
        raise ClaimsError(f"claim {claim.claim_id}: the lexicon has no quantifier class(es) {missing} used by the ngo_figure rule")
    try:
        about = re.compile(rf"(?<!\w)(?:{claim.check_arg})(?!\w)", re.IGNORECASE) if claim.check_arg else None
    except re.error as exc:
        raise ClaimsError(f"claim {claim.claim_id}: check_arg {claim.check_arg!r} is not a valid regular expression: {exc}") from None
    who = ctx.label(SUBJECT_GROUP)
    span = f"the {claim.report_year} report" if claim.report_year is not None else "any report year"
    words_used = f" with one of the words {plain_words(claim.check_arg)}" if claim.check_arg else ""
    tested = (f"The NGO figure ({claim.figure}) cannot be checked against the report. Tested instead: does {span} "
              f"give a figure of its own, a number or a share, in its sentences naming {who}{words_used}?")
    if claim.report_year is not None:
        if not _in_corpus(ctx, claim.report_year):
            return missing_year(claim.report_year, tested)
        years, where = [claim.report_year], f"In {claim.report_year}"
    else:
        if not ctx.corpus_years:
            return ClaimResult(NEEDS_DATA, "No report year is in the data.", (), tested,
                               "No report text is in the data yet: nothing to check.")
        years = ctx.corpus_years
        where = f"Over {years[0]}-{years[-1]} ({plural(len(years), 'report year')})"
    rows = [(y, r) for y in years for r in ctx.rows(y, SUBJECT_GROUP) if about is None or about.search(fold(r["sentence"]))]
    words: Counter = Counter()
    strength_of: dict[str, str] = {}
    for _, r in rows:
        for q in {q.text: q for q in ctx.attached_quantifiers(r["sentence"])}.values():
            words[q.text] += 1
            strength_of[q.text] = next((name for cls, name in _STRENGTHS if q.cls in cls), "vague")
    present = set(strength_of.values())
    strongest = next((name for _, name in _STRENGTHS if name in present), "")
    said = (f"the quantifier words said of them: {quoted_counts(words)}" if words else "no quantifier word is said of them")
    uses = (" and uses" if len(rows) == 1 else " and use") + " one of those words" if about else ""
    evidence = f"{where}: {plural(len(rows), 'sentence')} {name_verb(len(rows))} {who}{uses}; {said}."
    links = tuple(dict.fromkeys((y, r["paragraph_index"]) for y, r in rows))

    def of(strength: str) -> str:
        return quoted_counts({w: n for w, n in words.items() if strength_of[w] == strength})

    if strongest == "share":
        return ClaimResult(NOT_SUPPORTED, evidence, links, tested,
                           f"The report gives a share itself ({of('share')}): the essay's contrast between the "
                           f"report's wording and the NGO figure does not hold. {_NOT_RATED}")
    if strongest == "scale":
        return ClaimResult(PARTLY, evidence, links, tested,
                           f"The report gives a sense of scale ({of('scale')}) but no share: the essay's contrast "
                           f"between the report's wording and the NGO figure holds only in part. {_NOT_RATED}")
    vague = f" (only {of('vague')})" if words else ""
    return ClaimResult(SUPPORTED, evidence, links, tested,
                       f"The report gives no number or share of its own{vague}: the essay's contrast between the "
                       f"report's wording and the NGO figure holds. {_NOT_RATED}")


_WORD_LIST = re.compile(r"[A-Za-z]+\??(?:\|[A-Za-z]+\??)*")


def plain_words(pattern: str) -> str:
    """A check_arg word pattern in plain words: 'women|girls?' -> 'women or girl(s)'."""
    if not pattern:
        return ""
    if not _WORD_LIST.fullmatch(pattern):
        return f"words matching the pattern {pattern}"
    words = [f"{w[:-2]}({w[-2]})" if w.endswith("?") else w for w in pattern.split("|")]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# -- underweight -------------------------------------------------------------------------------
@rule("For every report year in the data, {subject} “trail” when more sentences that year name {groups} "
      "than name {subject}. " + _SENTENCES + " " + TIE_RULE + f" Supported: they trail in at least "
      f"{UNDERWEIGHT_SUPPORTED_SHARE:.0%} of the years. Partly supported: in at least {UNDERWEIGHT_PARTLY_SHARE:.0%}. "
      f"Not supported: in fewer. Needs data: fewer than {UNDERWEIGHT_MIN_YEARS} report years in the data. "
      "Caveat: comparison groups count every naming of their country (as destination too), so this leans "
      "towards “supported”.")
def check_underweight(claim: Claim, ctx: ClaimContext) -> ClaimResult:
    groups = comparison_groups(claim, ctx.lexicon)
    who = ctx.label(SUBJECT_GROUP)
    years = ctx.corpus_years
    tested = (f"In how many report years the narrative names {who} in fewer sentences than the most-named "
              f"comparison group (the claim holds from {UNDERWEIGHT_SUPPORTED_SHARE:.0%} of the years, "
              f"partly from {UNDERWEIGHT_PARTLY_SHARE:.0%}).")
    if len(years) < UNDERWEIGHT_MIN_YEARS:
        return ClaimResult(NEEDS_DATA, f"{plural(len(years), 'report year')} in the data; the rule needs {UNDERWEIGHT_MIN_YEARS}.",
                           (), tested, "Too few report years are in the data to judge.")
    trailing: list[int] = []
    leaders: Counter = Counter()
    ties: list[str] = []
    for y in years:
        counts = {g: ctx.count(y, g) for g in groups}
        top = most_named(counts, groups)
        if top and counts[top[0]] > ctx.count(y, SUBJECT_GROUP):
            trailing.append(y)
            leaders.update(top)
            if len(top) > 1:
                ties.append(f"{y}: {listing([ctx.label(g) for g in top])}, {plural(counts[top[0]], 'sentence')} each")
    total = sum(ctx.total_sentences.get(y, 0) for y in years)
    nk = sum(ctx.count(y, SUBJECT_GROUP) for y in years)
    overall = {g: sum(ctx.count(y, g) for y in years) for g in groups}
    top_all = most_named(overall, groups)
    led = ", ".join(f"{ctx.label(g)} in {plural(n, 'year')}" for g, n in sorted(leaders.items(), key=lambda kv: (-kv[1], groups.index(kv[0]))))
    span = f"{years[0]}-{years[-1]}"
    evidence = (f"{who} trail in {len(trailing)} of {len(years)} report years ({pct(len(trailing), len(years))})"
                + (f"; most named instead: {led}" if led else "")
                + (f" (ties: {'; '.join(ties)})" if ties else "")
                + f". Over {span}: {nk} of {total} sentences ({pct(nk, total)}) {name_verb(nk)} {who}"
                + (f", {overall[top_all[0]]} ({pct(overall[top_all[0]], total)}) {name_verb(overall[top_all[0]])} {listing([ctx.label(g) for g in top_all])}" if top_all else "")
                + ".")
    links = unique_links(
        *(paragraph_links(y, ctx.rows(y, SUBJECT_GROUP)) for y in years),
        *(paragraph_links(y, ctx.rows(y, g)) for y in trailing for g in most_named({g: ctx.count(y, g) for g in groups}, groups)),
    )
    share = len(trailing) / len(years)
    figures = f"{who} trail in {len(trailing)} of {len(years)} report years ({pct(len(trailing), len(years))})"
    if share >= UNDERWEIGHT_SUPPORTED_SHARE:
        return ClaimResult(SUPPORTED, evidence, links, tested,
                           f"{figures}, at least {UNDERWEIGHT_SUPPORTED_SHARE:.0%}: the claim holds (comparison groups "
                           "count every naming of their country, so they lean towards this verdict).")
    if share >= UNDERWEIGHT_PARTLY_SHARE:
        return ClaimResult(PARTLY, evidence, links, tested,
                           f"{figures}: at least {UNDERWEIGHT_PARTLY_SHARE:.0%} but fewer than "
                           f"{UNDERWEIGHT_SUPPORTED_SHARE:.0%}, so the claim holds only in part.")
    return ClaimResult(NOT_SUPPORTED, evidence, links, tested,
                       f"{figures}, fewer than {UNDERWEIGHT_PARTLY_SHARE:.0%}: the claim does not hold.")


def comparison_groups(claim: Claim, lexicon: Lexicon) -> list[str]:
    """The underweight rule's comparison groups: check_arg's ';'-joined slugs, or '*' (or empty) for
    every people group of the lexicon but the subject, in lexicon order."""
    arg = claim.check_arg.strip() or "*"
    if arg == "*":
        return [g.slug for g in lexicon.groups.values() if g.role == "people" and g.slug != SUBJECT_GROUP]
    return [need_group(lexicon, claim, g) for g in arg.split(";") if g]
