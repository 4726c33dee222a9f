"""The country registry: every name the TIP report has printed (2001-2025) -> one stable slug and an ISO3 code.

API (all lookups are pure and cached; the registry is read once from `data/reference/country_names.csv`):

    resolve(printed_name) -> CountryEntry | None     # "KOREA, NORTH (Tier 3)", "Côte d’Ivoire", "Swaziland" ...
    resolve_many(names) -> (resolved, unknown)        # {name: entry}, [names that resolve to nothing]
    get(slug) -> CountryEntry                         # UnknownCountry (a KeyError and a ValueError) otherwise
    all_entries() -> tuple[CountryEntry, ...]         # sorted by slug
    as_country(entry) -> scrapers.countries.Country   # what discovery, parsing and tier reading take
    split_heading(text) -> (name, tier | None)        # "CHINA (TIER 2)" -> ("CHINA", "Tier 2")
    name_key(text) -> str                             # the folded form names are compared in
    python -m scrapers.registry [NAME ...]            # how names resolve (exit 1 if one is unknown); no NAME: the table

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

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pycountry

from scrapers.parse.text import normalise_text

if TYPE_CHECKING:  # imported lazily at run time: scrapers.countries may come to import this module
    from scrapers.countries import Country

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


@dataclass(frozen=True)
class CountryEntry:
    """One country or territory of the report: stable slug, ISO3 code, display name and every printed name."""

    slug: str  # stable key, the CSV `country` value: "north-korea"
    iso3: str  # ISO 3166-1 alpha-3 ("PRK"); XKX for Kosovo; withdrawn ISO 3166-3 code for former states
    name: str  # display name as the recent report prints it: "North Korea"
    names: tuple[str, ...]  # every known printed variant, display name first
    url_slugs: tuple[str, ...]  # candidate recent-era page segments, best guess first (unverified)
    excluded: tuple[str, ...] = ()  # names of separate narratives that are never part of this one
    code_status: str = "iso"  # "iso", "withdrawn" (ISO 3166-3) or "user-assigned" (not ISO)
    note: str = ""

    @property
    def initials(self) -> frozenset[str]:
        """First letters under which an alphabetical index may list the entry ("k" and "n" for North Korea)."""
        return frozenset(k[0] for k in (name_key(n) for n in self.names) if k)


# ---------------------------------------------------------------- folding

_ARTICLE = re.compile(r"^the\s+")
_SAINT = re.compile(r"\bst\b")


def _ascii(text: str) -> str:
    """`text` without accents: "Côte" -> "Cote", "Türkiye" -> "Turkiye"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Folded comparison form of a printed name: no accents, quotes, case, punctuation or leading 'the'."""
    text = _ascii(normalise_text(text)).casefold().replace("&", " and ")
    text = re.sub(r"['`]", "", text)  # "d'Ivoire" -> "divoire", "People's" -> "peoples"
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    text = _SAINT.sub("saint", _ARTICLE.sub("", text))
    return text


def slugify(text: str) -> str:
    """URL-segment form of a name: "Cote d'Ivoire" -> "cote-divoire", "Korea, North" -> "korea-north"."""
    text = _ascii(normalise_text(text)).lower().replace("&", " and ")
    text = re.sub(r"['`.]", "", text)
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-")


def split_heading(text: str) -> tuple[str, str | None]:
    """("CHINA", "Tier 2") from "CHINA (TIER 2)" / "China: Tier 3"; (text, None) when no tier is printed.

    The tier is canonical ("Tier 2 Watch List", "Special Case"); the name is as printed, trimmed.
    """
    from scrapers.parse.tiers import parse_tier_heading  # lazy: scrapers.parse.tiers imports scrapers.countries

    parts = parse_tier_heading(text)
    if parts is not None:
        return parts.name, parts.tier
    return normalise_text(text).strip(" *:.,;"), None


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


def _contains(outer_key: str, inner_key: str) -> bool:
    return f" {inner_key} " in f" {outer_key} "


@dataclass(frozen=True)
class _Registry:
    entries: dict[str, CountryEntry]  # slug -> entry
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
    entries: dict[str, CountryEntry] = {}
    for row in rows:
        names = names_of[row.slug]
        own_keys = {name_key(n) for n in names}
        excluded = list(row.excluded)
        # Names of other entries that contain one of ours ("South Sudan" for Sudan, "Democratic
        # People's Republic of Korea" for South Korea's "Republic of Korea"): separate narratives.
        for other in rows:
            if other.slug == row.slug:
                continue
            for n in names_of[other.slug]:
                k = name_key(n)
                if any(_contains(k, own) for own in own_keys) and not any(
                    _contains(k, name_key(x)) for x in excluded
                ):
                    excluded.append(n)
        url_slugs = [row.slug] + [slugify(n) for n in names]
        entries[row.slug] = CountryEntry(
            slug=row.slug,
            iso3=row.iso3,
            name=row.name,
            names=tuple(names),
            url_slugs=tuple(dict.fromkeys(s for s in url_slugs if s)),
            excluded=tuple(dict.fromkeys(excluded)),
            code_status=status_of[row.slug],
            note=row.note,
        )
    return _Registry(dict(sorted(entries.items())), index)


# ---------------------------------------------------------------- lookups


def all_entries() -> tuple[CountryEntry, ...]:
    """Every entry of the registry, sorted by slug."""
    return tuple(_registry().entries.values())


def get(slug: str) -> CountryEntry:
    """The entry for `slug` ("north-korea"); UnknownCountry (KeyError and ValueError) naming close slugs otherwise."""
    reg = _registry()
    key = (slug or "").strip().lower()
    if key in reg.entries:
        return reg.entries[key]
    import difflib

    close = difflib.get_close_matches(key, list(reg.entries), n=3)
    by_name = resolve(slug or "")
    hint = [by_name.slug] if by_name else close
    raise UnknownCountry(
        f"unknown country slug {slug!r}"
        + (f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else "")
        + f" ({len(reg.entries)} known; see scrapers.registry.all_entries())"
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


def resolve(printed_name: str) -> CountryEntry | None:
    """The entry a printed name (heading, link text, table cell) stands for, or None when it is unknown."""
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


def resolve_many(names: Iterable[str]) -> tuple[dict[str, CountryEntry], list[str]]:
    """({name: entry} for names that resolve, [names that do not], first-seen order, no duplicates)."""
    resolved: dict[str, CountryEntry] = {}
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


def as_country(entry: CountryEntry) -> Country:
    """The scrapers.countries.Country for an entry: url_slug is its first candidate; names that would
    mention one of its excluded narratives ("China (includes ... Hong Kong ...)") are left out, and each
    accented name is added in ASCII too, because Country compares names without folding accents."""
    from scrapers.countries import Country  # lazy: see TYPE_CHECKING import above

    excluded_keys = [name_key(x) for x in entry.excluded]
    names: list[str] = []
    for n in entry.names:
        if any(_contains(name_key(n), x) for x in excluded_keys):
            continue
        for form in (n, _ascii(normalise_text(n))):
            if form not in names:
                names.append(form)
    return Country(
        slug=entry.slug,
        name=entry.name,
        names=tuple(names),
        url_slug=entry.url_slugs[0],
        excluded=entry.excluded,
        iso3=entry.iso3,
        initials=entry.initials,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m scrapers.registry [NAME ...]`: how each printed name resolves (exit 1 if any is unknown);
    without names, the whole registry as CSV (slug, iso3, name, code_status, names)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    out = csv.writer(sys.stdout, lineterminator="\n")
    if not args:
        out.writerow(["slug", "iso3", "name", "code_status", "names"])
        for e in all_entries():
            out.writerow([e.slug, e.iso3, e.name, e.code_status, ";".join(e.names)])
        return 0
    resolved, unknown = resolve_many(args)
    out.writerow(["printed", "slug", "iso3", "name"])
    for name in args:
        e = resolved.get(name)
        out.writerow([name, e.slug, e.iso3, e.name] if e else [name, "", "", "UNKNOWN"])
    return 1 if unknown else 0


if __name__ == "__main__":
    raise SystemExit(main())
