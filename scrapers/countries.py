"""The countries of the report: ONE Country type, made from the registry of every name the TIP report
has printed (2001-2025) -> one stable slug and an ISO3 code.

API (all lookups are pure and cached; the registry is read once from `data/reference/country_names.csv`,
the only place a country's names are written):

    get_country(slug) -> Country                      # UnknownCountry (a KeyError and a ValueError) otherwise
    resolve(printed_name) -> Country | None           # "KOREA, NORTH (Tier 3)", "Cote d'Ivoire", "Swaziland" ...
    resolve_many(names) -> (resolved, unknown)        # {name: country}, [names that resolve to nothing]
    all_countries() -> tuple[Country, ...]            # sorted by slug
    scrapers.parse.names: split_heading, name_key     # "CHINA (TIER 2)" -> ("CHINA", "Tier 2"); the folded form
    python -m scrapers.countries [NAME ...]           # how names resolve (exit 1 if one is unknown); no NAME: the table

Rules:
- Slugs are stable: once published (in a table, a permalink, a CSV) a slug never changes, even when
  the country is renamed (`turkiye` keeps its slug whatever the report prints next). A rename adds
  a printed variant to the row; it never edits the slug.
- Codes are ISO 3166-1 alpha-3, checked against pycountry. Exceptions, each stated in the data file:
  Kosovo has no ISO code and uses the user-assigned `XKX` (the EU's and World Bank's; Kelley's panel
  writes `KOS`); entities that no longer exist keep their withdrawn ISO 3166-3 code (`SCG` Serbia and
  Montenegro, `YUG` the Federal Republic of Yugoslavia, `ANT` Netherlands Antilles).
- Hong Kong, Macau and Taiwan, and the report's Special Case countries, are entries of their own;
  no name of theirs ever resolves to China.
- Which names an entry has: the row's display name and printed variants (the report's own names,
  kept by hand in the data file) plus every name pycountry gives the code (name, official name,
  common name). Two entries claiming one folded name is an error at load time.
- Names are compared folded: typographic quotes, accents, case, punctuation and a leading "the"
  do not matter, "St." is "Saint", "&" is "and"; tier text ("CHINA (TIER 2)", "China: Tier 3") is
  removed first. Inverted names ("Korea, North") also resolve in natural order and back. A name
  with a parenthesis ("China (Hong Kong)") resolves to what the parenthesis names when that is
  another entry listed as such, otherwise to the name before it; when the two disagree and no
  printed variant settles it, the name is unknown. Unknown names are returned, never dropped.
- url_slugs: the recent-era page segment (`.../{YEAR}-trafficking-in-persons-report/{segment}/`)
  could not be checked against the live site; each entry lists candidates, best guess first
  (its slug, then slugs of its printed names).
"""
from __future__ import annotations

import bisect
import csv
import difflib
import itertools
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pycountry

from scrapers.parse.names import ascii_form, contains_key, name_key, slugify, split_heading
from scrapers.parse.text import fold_case, normalise_text

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "reference" / "country_names.csv"
COLUMNS = ("slug", "iso3", "name", "variants", "excluded", "note")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Codes that are not (or no longer) ISO 3166-1: code -> why it is used.
NON_ISO_CODES = {"XKX": "Kosovo: no ISO 3166-1 code; XKX is the user-assigned code used by the EU and the World Bank"}
# Names that name two entries at once and must stay unknown rather than pick one.
AMBIGUOUS_NAMES = ("Korea",)


class RegistryError(ValueError):
    """The data file is malformed: a bad slug or code, a duplicate, or one name claimed by two entries."""


class UnknownCountry(KeyError, ValueError):
    """No entry has this slug (catch as KeyError or ValueError); the message names the nearest slugs."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


DEFAULT_COUNTRY = "china"


@dataclass(frozen=True)
class Country:
    """A country or territory of the report, with every name it is printed under (made by the
    registry; a heading the registry does not know gives a Country of that one name)."""

    slug: str  # stable key, the CSV `country` value: "north-korea"
    name: str  # display name as the recent report prints it: "North Korea"
    names: tuple[str, ...]  # forms matched in headings, link text and placement sentences (ASCII forms too)
    url_slug: str  # best-guess recent-era page segment: ".../{YEAR}-trafficking-in-persons-report/china/"
    excluded: tuple[str, ...] = ()  # names of separate narratives that are never part of this one
    iso3: str = ""  # ISO 3166-1 alpha-3 ("PRK"); XKX for Kosovo; withdrawn ISO 3166-3 code for former states
    printed: tuple[str, ...] = ()  # every printed variant the registry knows, display name first
    url_slugs: tuple[str, ...] = ()  # candidate page segments, best guess (url_slug) first (unverified)
    code_status: str = "iso"  # "iso", "withdrawn" (ISO 3166-3) or "user-assigned" (not ISO)
    note: str = ""

    def matches_name(self, text: str) -> bool:
        """True when `text` (a heading or link text) is exactly one of the country's names."""
        return heading_key(text) in self.name_keys

    @cached_property
    def name_keys(self) -> frozenset[str]:
        """The keys of the country's names: matches_name(text) is heading_key(text) in name_keys."""
        return frozenset(_strip_article(fold_case(n)) for n in self.names)

    def mentions_excluded(self, text: str) -> bool:
        """True when `text` names a separate narrative (Hong Kong, Macau, Taiwan for China)."""
        folded = fold_case(text)
        return any(re.search(rf"\b{re.escape(fold_case(x))}\b", folded) for x in self.excluded)

    @cached_property
    def name_regex(self) -> str:
        """Regex alternation (no groups) matching any of the names, optionally after 'the'."""
        forms = sorted({_strip_article(normalise_text(n)) for n in self.names}, key=len, reverse=True)
        return r"(?:the\s+)?(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + r")"

    @cached_property
    def excluded_slugs(self) -> tuple[str, ...]:
        """URL-path forms of the excluded narratives ("hong-kong", "hongkong", "taiwan" ...)."""
        out: list[str] = []
        for x in self.excluded:
            low = x.lower()
            out += [low.replace(" ", "-"), low.replace(" ", "_"), low.replace(" ", "")]
        return tuple(dict.fromkeys(out))

    @cached_property
    def initials(self) -> frozenset[str]:
        """First letters under which an alphabetical index may list it ("k" and "n" for North Korea)."""
        return frozenset(k[0] for k in (name_key(n) for n in (self.printed or self.names)) if k)


def _strip_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def heading_key(text: str) -> str:
    """What a heading or link text is compared by (case and quotes folded, a leading 'the' and
    trailing punctuation dropped): one key for every country, so a page's links are keyed once."""
    return _strip_article(fold_case(text)).strip(" .:,;-*")


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Row:
    slug: str
    iso3: str
    name: str
    variants: tuple[str, ...]
    excluded: tuple[str, ...]
    note: str


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split(";") if p.strip())


def read_rows(path: Path = DATA_FILE) -> list[_Row]:
    """Rows of the data file, checked: slug form, code form, no duplicate slug or code."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise RegistryError(f"{path}: columns must be {','.join(COLUMNS)}, found {reader.fieldnames}")
        rows = [
            _Row(r["slug"].strip(), r["iso3"].strip().upper(), r["name"].strip(), _split(r["variants"]),
                 _split(r["excluded"]), r["note"].strip())
            for r in reader
        ]
    seen_slug: dict[str, int] = {}
    seen_code: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        if not SLUG_RE.match(row.slug):
            raise RegistryError(f"{path}:{line}: slug {row.slug!r} is not lowercase-hyphenated")
        if not re.fullmatch(r"[A-Z]{3}", row.iso3):
            raise RegistryError(f"{path}:{line}: iso3 {row.iso3!r} is not three letters")
        if not row.name:
            raise RegistryError(f"{path}:{line}: {row.slug} has no display name")
        if row.slug in seen_slug:
            raise RegistryError(f"{path}:{line}: slug {row.slug!r} repeats line {seen_slug[row.slug]}")
        if row.iso3 in seen_code:
            raise RegistryError(f"{path}:{line}: iso3 {row.iso3} is already {seen_code[row.iso3]!r}")
        seen_slug[row.slug], seen_code[row.iso3] = line, row.slug
    return rows


@lru_cache(maxsize=1)
def _iso_tables() -> tuple[dict[str, object], dict[str, object]]:
    """pycountry's current countries and withdrawn (ISO 3166-3) countries by alpha-3 code."""
    current = {c.alpha_3: c for c in pycountry.countries}
    withdrawn = {c.alpha_3: c for c in pycountry.historic_countries if c.alpha_3 not in current}
    return current, withdrawn


def _library_names(iso3: str) -> tuple[tuple[str, ...], str]:
    """(names pycountry gives the code, code status); RegistryError for a code it does not know."""
    current, withdrawn = _iso_tables()
    record = current.get(iso3) or withdrawn.get(iso3)
    if record is None:
        if iso3 in NON_ISO_CODES:
            return (), "user-assigned"
        raise RegistryError(f"iso3 {iso3} is neither an ISO 3166-1 code known to pycountry nor one of {sorted(NON_ISO_CODES)}")
    names = tuple(
        n for n in (getattr(record, "name", None), getattr(record, "official_name", None),
                    getattr(record, "common_name", None)) if n
    )
    if iso3 in withdrawn:  # "Yugoslavia, (Socialist) Federal Republic of": keep only names without the bracket
        names = tuple(n for n in names if "(" not in n)
    return names, "iso" if iso3 in current else "withdrawn"


@dataclass(frozen=True)
class _Registry:
    entries: dict[str, Country]  # slug -> country
    index: dict[str, str]  # name_key -> slug


@lru_cache(maxsize=1)
def _registry() -> _Registry:
    return build_registry(read_rows(DATA_FILE))


def build_registry(rows: Iterable[_Row]) -> _Registry:
    """Entries and the folded-name index from data-file rows (plus pycountry names); RegistryError on a clash."""
    rows = list(rows)
    ambiguous = {name_key(n) for n in AMBIGUOUS_NAMES}
    index: dict[str, str] = {}
    names_of: dict[str, list[str]] = {}
    status_of: dict[str, str] = {}
    for row in rows:
        library, status = _library_names(row.iso3)
        status_of[row.slug] = status
        names: list[str] = []
        for n in (row.name, *row.variants, *library):
            key = name_key(n)
            if not key or key in ambiguous:
                continue
            owner = index.get(key)
            if owner is not None and owner != row.slug:
                raise RegistryError(f"name {n!r} is claimed by both {owner!r} and {row.slug!r}")
            index[key] = row.slug
            if n not in names:
                names.append(n)
        names_of[row.slug] = names
    entries: dict[str, Country] = {}
    # Every entry's names, keyed once, in one text (one padded key a line) searched for each entry's
    # own keys: contains_key over every pair of entries, in C.
    named = [(row.slug, n, name_key(n)) for row in rows for n in names_of[row.slug]]
    text = "".join(f" {key} \n" for _, _, key in named)
    starts = list(itertools.accumulate((len(key) + 3 for _, _, key in named), initial=0))
    for row in rows:
        names = names_of[row.slug]
        excluded = list(row.excluded)
        hits: set[int] = set()
        for own in {name_key(n) for n in names}:
            at = text.find(f" {own} ")
            while at >= 0:
                hits.add(bisect.bisect_right(starts, at) - 1)
                at = text.find(f" {own} ", at + 1)
        # Names of other entries that contain one of ours ("South Sudan" for Sudan, "Democratic
        # People's Republic of Korea" for South Korea's "Republic of Korea"): separate narratives.
        for slug, n, key in (named[i] for i in sorted(hits)):
            if slug != row.slug and not any(contains_key(key, name_key(x)) for x in excluded):
                excluded.append(n)
        url_slugs = tuple(dict.fromkeys(s for s in [row.slug] + [slugify(n) for n in names] if s))
        excluded_names = tuple(dict.fromkeys(excluded))
        entries[row.slug] = Country(
            slug=row.slug,
            name=row.name,
            names=_matching_names(names, excluded_names),
            url_slug=url_slugs[0],
            excluded=excluded_names,
            iso3=row.iso3,
            printed=tuple(names),
            url_slugs=url_slugs,
            code_status=status_of[row.slug],
            note=row.note,
        )
    return _Registry(dict(sorted(entries.items())), index)


# ---------------------------------------------------------------- lookups


def _matching_names(names: Iterable[str], excluded: Iterable[str]) -> tuple[str, ...]:
    """The names a country is matched under: its printed names except those that mention one of its
    excluded narratives ("China (includes ... Hong Kong ...)"), each accented name in ASCII too
    (Country.matches_name folds case and quotes, not accents)."""
    excluded_keys = [name_key(x) for x in excluded]
    out: list[str] = []
    for n in names:
        if any(contains_key(name_key(n), x) for x in excluded_keys):
            continue
        for form in (n, ascii_form(normalise_text(n))):
            if form not in out:
                out.append(form)
    return tuple(out)


def all_countries() -> tuple[Country, ...]:
    """Every country of the registry, sorted by slug."""
    return tuple(_registry().entries.values())


def get_country(slug: str) -> Country:
    """The Country for a registry slug ("china", "north-korea"); UnknownCountry (KeyError and
    ValueError) naming the nearest slugs otherwise."""
    reg = _registry()
    key = (slug or "").strip().lower()
    if key in reg.entries:
        return reg.entries[key]
    close = difflib.get_close_matches(key, list(reg.entries), n=3)
    by_name = resolve(slug or "")
    hint = [by_name.slug] if by_name else close
    raise UnknownCountry(
        f"unknown country slug {slug!r}"
        + (f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else "")
        + f" ({len(reg.entries)} known; see scrapers.countries.all_countries())"
    )


def _lookup(text: str) -> str | None:
    """Slug for a name as printed (no tier text), trying natural and inverted order; None if unknown."""
    index = _registry().index
    key = name_key(text)
    if key in index:
        return index[key]
    if text.count(",") == 1:  # "Korea, North" <-> "North Korea"; "Gambia, The" -> "The Gambia"
        head, tail = (p.strip() for p in text.split(","))
        for candidate in (f"{tail} {head}", f"{head} {tail}"):
            if name_key(candidate) in index:
                return index[name_key(candidate)]
    return None


_PAREN = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")


def resolve(printed_name: str) -> Country | None:
    """The country a printed name (heading, link text, table cell) stands for, or None when it is unknown."""
    if not printed_name or not printed_name.strip():
        return None
    name, _tier = split_heading(printed_name)
    slug = _lookup(name)
    if slug is None:
        match = _PAREN.match(normalise_text(name))
        if match:
            outer, inner = _lookup(match.group("outer")), _lookup(match.group("inner"))
            if outer is not None and inner is None:
                slug = outer  # "Sint Maarten (Dutch part)", "China (includes Tibet ...)"
            elif inner is not None and (outer is None or outer == inner):
                slug = inner  # "(DPRK)", "Burma (Myanmar)"
            # outer and inner name different entries: ambiguous -> unknown (a variant must settle it)
    return _registry().entries[slug] if slug else None


def resolve_many(names: Iterable[str]) -> tuple[dict[str, Country], list[str]]:
    """({name: country} for names that resolve, [names that do not], first-seen order, no duplicates)."""
    resolved: dict[str, Country] = {}
    unknown: list[str] = []
    for name in names:
        if name in resolved or name in unknown:
            continue
        entry = resolve(name)
        if entry is None:
            unknown.append(name)
        else:
            resolved[name] = entry
    return resolved, unknown


ALL = "all"


def parse_countries(spec: str | Sequence[str]) -> list[str] | None:
    """'china', 'china,north-korea,russia' or a list of slugs -> the slugs (checked against the
    registry; ValueError naming the nearest slugs); 'all' -> None (every narrative each year lists)."""
    items = [p.strip().lower() for p in (spec.split(",") if isinstance(spec, str) else spec) if p.strip()]
    if not items:
        raise ValueError("no country given; e.g. china, or china,north-korea,russia, or all")
    if ALL in items:
        if len(items) > 1:
            raise ValueError("'all' reads every country: give it alone")
        return None
    return list(dict.fromkeys(get_country(item).slug for item in items))


def main(argv: list[str] | None = None) -> int:
    """`python -m scrapers.countries [NAME ...]`: how each printed name resolves (exit 1 if any is unknown);
    without names, the whole registry as CSV (slug, iso3, name, code_status, names)."""
    args = sys.argv[1:] if argv is None else argv
    out = csv.writer(sys.stdout, lineterminator="\n")
    if not args:
        out.writerow(["slug", "iso3", "name", "code_status", "names"])
        for e in all_countries():
            out.writerow([e.slug, e.iso3, e.name, e.code_status, ";".join(e.printed)])
        return 0
    resolved, unknown = resolve_many(args)
    out.writerow(["printed", "slug", "iso3", "name"])
    for name in args:
        e = resolved.get(name)
        out.writerow([name, e.slug, e.iso3, e.name] if e else [name, "", "", "UNKNOWN"])
    return 1 if unknown else 0


if __name__ == "__main__":
    raise SystemExit(main())
