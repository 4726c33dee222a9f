"""What every claim rule works with: the claim, its result, the tables indexed by year, plain-words
helpers (group labels from the lexicon, percentages, paragraph numbers) and the two shared rules of
counting: sentences naming a group are mentions.csv's (a sentence counts each time the report prints
it), and a tie for "most named" is never broken (`most_named`).

Pure: imports only analysis modules, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

from analysis.frames import as_int, as_text, is_blank, require_columns
from analysis.lexicon import Lexicon
from analysis.matching import QuantifierMatch, find_matches, find_quantifiers
from analysis.recommendations import RankedItem, ranked_items
from analysis.schema import NEEDS_DATA, ORIGIN_REFERENCE, ORIGIN_SCRAPED, SUBJECT_GROUP
from analysis.text import collapse_whitespace, fold

CLAIM_COUNTRY = "china"
# ngo_figure and quantifier: a quantifier counts only when attached to a north_korean phrase: it ends
# at most ATTACH_BEFORE_WORDS words before the phrase ("thousands of North Korean workers") or starts
# at most ATTACH_AFTER_WORDS words after it ("North Korean refugees, many of whom ...").
ATTACH_BEFORE_WORDS = 3
ATTACH_AFTER_WORDS = 8
TIE_RULE = ("When several groups share the highest count in a year, each of them counts as most named "
            "that year: a tie is shown as a tie, never broken.")
ORIGIN_WORDS = {ORIGIN_SCRAPED: "read from the report page", ORIGIN_REFERENCE: "from the reference table"}


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
    """A rule's answer: the verdict, the evidence figures in plain words, every paragraph the
    evidence rests on (year, paragraph_index; the claim's own group first), what was tested and
    what the verdict means for the claim (plain words with the figures)."""

    verdict: str
    evidence: str
    links: tuple[tuple[int, int], ...] = ()
    tested: str = ""
    meaning: str = ""


@dataclass
class ClaimContext:
    """The tables a rule reads, indexed by year (one country: CLAIM_COUNTRY)."""

    lexicon: Lexicon
    corpus_years: list[int]
    sentences: dict[tuple[int, str], int]  # (year, group) -> mentions.csv's sentences
    total_sentences: dict[int, int]
    paragraph_count: dict[int, int]
    paragraphs: dict[int, list[tuple[int, str]]]  # year -> [(paragraph_index, text)]
    kwic: dict[tuple[int, str], list[dict]]  # (year, group) -> rows in order
    tiers: dict[int, tuple[str, str, str]]  # year -> (tier, "scraped"|"reference", tier_sentence)
    attached: dict[str, list[QuantifierMatch]] = field(default_factory=dict)  # sentence -> cache
    recommendations: dict[int, list[RankedItem]] = field(default_factory=dict)  # year -> items in printed order

    def attached_quantifiers(self, sentence: str) -> list[QuantifierMatch]:
        """attached_quantifiers(sentence, lexicon), computed once per distinct sentence."""
        if sentence not in self.attached:
            self.attached[sentence] = attached_quantifiers(sentence, self.lexicon)
        return self.attached[sentence]

    def label(self, group: str) -> str:
        """The group's label in the lexicon (never its slug on screen)."""
        return self.lexicon.label(group)

    def count(self, year: int, group: str) -> int:
        """Sentences naming the group that year: mentions.csv's `sentences`, the one definition."""
        return self.sentences.get((year, group), 0)

    def rows(self, year: int, group: str) -> list[dict]:
        """kwic rows of the group that year (one per printed sentence), in reading order."""
        return self.kwic.get((year, group), [])


# -- plain-words helpers ---------------------------------------------------------------------------
def pct(num: int, den: int) -> str:
    return f"{num / den:.1%}" if den else "n/a"


def plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def name_verb(n: int) -> str:
    """'names' after one sentence, 'name' after several."""
    return "names" if n == 1 else "name"


def paragraph_of(index: int, count: int) -> str:
    """paragraph_index as a reader counts it: 'paragraph 18 of 45' for index 17."""
    return f"paragraph {index + 1} of {count}"


def quoted_counts(counts: Mapping[str, int]) -> str:
    """“some” in 3 sentences, “many” in 1 sentence: most frequent first, then alphabetical."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"“{w}” in {plural(n, 'sentence')}" for w, n in items)


def listing(items: list[str]) -> str:
    """a, b and c."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def norm(text: str) -> str:
    return collapse_whitespace(fold(text)).lower()


def paragraph_links(year: int, rows: Iterable[dict]) -> tuple[tuple[int, int], ...]:
    return tuple((year, p) for p in dict.fromkeys(r["paragraph_index"] for r in rows))


def unique_links(*parts: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The links of all parts in order, each once."""
    return tuple(dict.fromkeys(link for part in parts for link in part))


def most_named(counts: Mapping[str, int], groups: Iterable[str]) -> tuple[str, ...]:
    """THE tie rule (TIE_RULE): every group sharing the highest count above zero, in the order given
    (lexicon order); () when none is named."""
    groups = list(groups)
    top = max((counts.get(g, 0) for g in groups), default=0)
    return tuple(g for g in groups if top > 0 and counts.get(g, 0) == top)


def missing_year(year: int | None, tested: str) -> ClaimResult:
    return ClaimResult(NEEDS_DATA, f"The {year} narrative is not in the data (no parsed page).", (),
                       tested, f"The {year} report's text is not in the data yet: nothing to check.")


# -- quantifiers attached to the subject ---------------------------------------------------------
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
                ok = len(_WORD_RE.findall(sentence[q.end : h.start])) <= ATTACH_BEFORE_WORDS
            elif q.start >= h.end:
                ok = len(_WORD_RE.findall(sentence[h.end : q.start])) <= ATTACH_AFTER_WORDS
            else:
                ok = True
            if ok:
                out.append(q)
                break
    return out


# -- the tables, indexed --------------------------------------------------------------------------
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
