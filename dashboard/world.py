"""Aggregations for the World and Compare pages: pure functions from the tables to small frames.

No Streamlit and no I/O here (dashboard/data.py reads, dashboard/cached.py caches). `build_world` turns the
big tables (tiers, narratives, mentions, the north_korean rows of kwic) into a `WorldTables` of
small frames once per table-set version; the page functions below only slice those.

Conventions: `country` is the registry slug; a report year that has no narrative read for a country
is absent from that country's rows (a gap on every chart, never a zero); ISO3 codes come from the
registry, and `drawable` is True for the codes the shipped country shapes hold
(dashboard/static/countries-110m.geojson, given to `build_world` as `shapes`): small states the
1:110m shapes leave out and the withdrawn codes of former states (SCG, YUG, ANT) are not drawable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pycountry

from analysis.schema import KELLEY_TIER_CODES, KINDS, MEASURES, ORIGIN_REFERENCE, ORIGIN_SCRAPED, SENTENCES, TIER_3, SUBJECT_GROUP
from scrapers.countries import read_rows

NK = SUBJECT_GROUP
CHINA = "china"
# Peers named in the issue, compared with China by default when the data has them.
DEFAULT_PEERS = ("north-korea", "russia", "mongolia")
EXTRA_TIER3 = 3  # how many other Tier 3 countries of the latest year join the default comparison
REFRESH_ALL = "python -m scrapers refresh --countries all"
KELLEY_ORIGIN_NOTE = "Kelley panel"
TIER_CODE = {tier: int(code) for code, tier in KELLEY_TIER_CODES.items()}  # Kelley's coding, 1 best .. 4 Tier 3
COUNTRY_COLUMNS = ("country", "name", "iso3", "drawable")
NK_COLUMNS = ("country", "name", "iso3", "drawable", "year", "tier", "tier_origin", *MEASURES, "word_count", "kinds")
PANEL_COLUMNS = ("country", "name", "iso3", "year", "tier", "tier_code", "origin", "tier_sentence",
                 "source_url", "kelley_tier", "kelley_agrees")
SENTENCE_COLUMNS = ("country", "year", "section", "paragraph_index", "sentence_index", "kinds", "sentence",
                    "source_url")


# -- countries ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountryInfo:
    """A country as the pages show it: slug, display name, ISO3 and whether the world map can draw it."""

    slug: str
    name: str
    iso3: str
    drawable: bool


@lru_cache(maxsize=1)
def _registry_rows() -> dict[str, CountryInfo]:
    """slug -> CountryInfo from the registry's data file (scrapers.countries.read_rows: the slugs,
    codes and display names, without building its name index), drawable = a current ISO code."""
    current_codes = {c.alpha_3 for c in pycountry.countries}
    return {r.slug: CountryInfo(r.slug, r.name, r.iso3, r.iso3 in current_codes) for r in read_rows()}


def country_info(slug: str) -> CountryInfo:
    """Registry facts for a slug; a slug the registry does not know keeps its slug as name, no code."""
    info = _registry_rows().get(slug)
    return info if info is not None else CountryInfo(slug, slug.replace("-", " ").title(), "", False)


def code_to_slug() -> dict[str, str]:
    """ISO3 code -> registry slug for every entry."""
    return {i.iso3: i.slug for i in _registry_rows().values()}


def countries_frame(slugs, shapes: frozenset[str] | None = None) -> pd.DataFrame:
    """One row per slug (sorted by display name): country, name, iso3, drawable (its code is one of
    `shapes`, the map's country shapes; without shapes: a current ISO code)."""
    infos = [country_info(str(s)) for s in sorted(set(map(str, slugs)))]
    df = pd.DataFrame([(i.slug, i.name, i.iso3, i.drawable if shapes is None else i.iso3 in shapes)
                       for i in infos], columns=list(COUNTRY_COLUMNS))
    return df.sort_values("name", kind="stable").reset_index(drop=True)


# -- the pre-aggregated set ---------------------------------------------------------------------
@dataclass(frozen=True)
class WorldTables:
    """Everything the World and Compare pages show, as small frames (built once per table set).

    narratives: one row per narrative read (country, year, word_count).
    nk: the same rows with the north_korean measures, the year's tier and the kinds named.
    panel: the tier panel, one row per country-year with a tier (scraped, reference or Kelley).
    measures: group -> country, year, sentences, per_1000_words, share_of_sentences (narratives read).
    report_years: every year with at least one narrative read, ascending.
    """

    countries: pd.DataFrame
    narratives: pd.DataFrame
    nk: pd.DataFrame
    panel: pd.DataFrame
    measures: dict[str, pd.DataFrame] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    report_years: tuple[int, ...] = ()
    # plain-Python lookups made once, so that a rerun never iterates a column
    read_set: frozenset[str] = frozenset()
    present: frozenset[str] = frozenset()  # countries with a tier or a narrative
    nk_by_year: dict[int, pd.DataFrame] = field(default_factory=dict)
    panel_by_country: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def read_countries(self) -> tuple[str, ...]:
        """Slugs of the countries with at least one narrative read."""
        return tuple(sorted(self.read_set))

    @property
    def only_china(self) -> bool:
        """True when no narrative other than China's has been read (or none at all)."""
        return set(self.read_countries) <= {CHINA}

    def name(self, slug: str) -> str:
        return country_info(slug).name


def _num(series: pd.Series) -> pd.Series:
    """Numbers as float64 (NaN when empty), from CSV text or Parquet's nullable integers alike."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _years(series: pd.Series) -> pd.Series:
    return _num(series).astype("Int64")


def kind_words(slug: str) -> str:
    """A kind's slug in words for a table cell: 'forced_labour' -> 'forced labour'."""
    return slug.replace("_", " ")


def kinds_text(kinds_cells: pd.Series) -> str:
    """'forced labour 3, forced return 1' from the `kinds` cells of one narrative's sentences."""
    counts: dict[str, int] = {}
    for cell in kinds_cells:
        for kind in str(cell or "").split(";"):
            kind = kind.strip()
            if kind:
                counts[kind] = counts.get(kind, 0) + 1
    order = {k: i for i, k in enumerate(KINDS)}
    items = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 99), kv[0]))
    return ", ".join(f"{kind_words(k)} {n}" for k, n in items)


def tier_panel(tiers: pd.DataFrame | None, kelley: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tier panel: tiers.csv's rows with a tier, plus Kelley rows (country, year, tier,
    source_url) for country-years tiers.csv does not have, marked origin=reference and
    tier_sentence 'Kelley panel'. Columns PANEL_COLUMNS, sorted by name and year."""
    frames = []
    if tiers is not None and len(tiers):
        t = tiers.copy()
        for col in PANEL_COLUMNS:
            if col not in t.columns:
                t[col] = ""
        t["year"] = _years(t["year"])
        t = t[t["tier"].astype(str).str.strip() != ""]
        frames.append(t)
    if kelley is not None and len(kelley):
        k = kelley.copy()
        k["year"] = _years(k["year"])
        if frames:
            have = set(zip(frames[0]["country"], frames[0]["year"].astype(int)))
            k = k[[(c, int(y)) not in have for c, y in zip(k["country"], k["year"])]]
        k = k.assign(origin=ORIGIN_REFERENCE, tier_sentence=KELLEY_ORIGIN_NOTE, kelley_tier=k["tier"],
                     kelley_agrees="")
        frames.append(k)
    if not frames:
        return pd.DataFrame(columns=list(PANEL_COLUMNS))
    df = pd.concat(frames, ignore_index=True)
    info = countries_frame(df["country"].unique()).set_index("country")
    df["name"] = df["country"].map(info["name"])
    df["iso3"] = df["country"].map(info["iso3"])
    df["tier_code"] = df["tier"].map(TIER_CODE).astype("Int64")
    df = df[list(PANEL_COLUMNS)].fillna({c: "" for c in PANEL_COLUMNS if c not in ("year", "tier_code")})
    return df.sort_values(["name", "year"], kind="stable").reset_index(drop=True)


def build_world(tiers: pd.DataFrame | None, narratives: pd.DataFrame | None, mentions: pd.DataFrame | None,
                nk_kwic: pd.DataFrame | None, kelley: pd.DataFrame | None = None,
                shapes: frozenset[str] | None = None) -> WorldTables:
    """Pre-aggregate the tables for the pages (pure; the inputs are not modified).

    tiers/narratives/mentions as in the table set (strings or numbers), nk_kwic the kwic rows of
    group north_korean (at least country, year, kinds), kelley an optional Kelley panel in the
    shape (country, year, tier, source_url) for countries tiers.csv lacks, shapes the ISO3 codes
    the map can draw."""
    panel = tier_panel(tiers, kelley)

    # narratives read: from narratives.csv, else the country-years mentions.csv has
    if narratives is not None and len(narratives):
        nar = pd.DataFrame({"country": narratives["country"].astype(str), "year": _years(narratives["year"]),
                            "word_count": _num(narratives.get("word_count", pd.Series(np.nan, index=narratives.index)))})
    elif mentions is not None and len(mentions):
        first = mentions.drop_duplicates(["country", "year"])
        nar = pd.DataFrame({"country": first["country"].astype(str), "year": _years(first["year"]),
                            "word_count": _num(first.get("word_count", pd.Series(np.nan, index=first.index)))})
    else:
        nar = pd.DataFrame({"country": pd.Series(dtype=str), "year": pd.Series(dtype="Int64"),
                            "word_count": pd.Series(dtype=float)})
    nar = nar.dropna(subset=["year"]).drop_duplicates(["country", "year"])
    nar = nar.sort_values(["country", "year"]).reset_index(drop=True)
    report_years = tuple(sorted(int(y) for y in nar["year"].unique()))

    # measures per group, only for narratives read
    measures: dict[str, pd.DataFrame] = {}
    groups: tuple[str, ...] = ()
    if mentions is not None and len(mentions):
        m = pd.DataFrame({"country": mentions["country"].astype(str), "year": _years(mentions["year"]),
                          "group": mentions["group"].astype(str)})
        for col in MEASURES:
            m[col] = _num(mentions[col]) if col in mentions.columns else np.nan
        groups = tuple(dict.fromkeys(m["group"]))
        for group, part in m.groupby("group", sort=False):
            measures[str(group)] = part.drop(columns="group").sort_values(["country", "year"]).reset_index(drop=True)

    # north_korean per narrative read, zeros included, with tier and kinds
    nk = nar.merge(measures.get(NK, pd.DataFrame(columns=["country", "year", *MEASURES])),
                   on=["country", "year"], how="left")
    for col in MEASURES:
        nk[col] = _num(nk[col]).fillna(0.0)
    nk[SENTENCES] = nk[SENTENCES].astype(int)
    kinds = kinds_by_narrative(nk_kwic)
    nk["kinds"] = [kinds.get((c, int(y)), "") for c, y in zip(nk["country"].tolist(), nk["year"].tolist())]
    tiers_small = panel[["country", "year", "tier", "origin"]].rename(columns={"origin": "tier_origin"})
    nk = nk.merge(tiers_small, on=["country", "year"], how="left").fillna({"tier": "", "tier_origin": ""})
    everyone = set(nar["country"].tolist()) | set(panel["country"].tolist())
    countries = countries_frame(everyone, shapes)
    nk = nk.merge(countries, on="country", how="left")
    nk = nk[list(NK_COLUMNS)].sort_values(["year", SENTENCES, "name"], ascending=[True, False, True],
                                          kind="stable").reset_index(drop=True)
    return WorldTables(countries=countries, narratives=nar, nk=nk, panel=panel, measures=measures,
                       groups=groups, report_years=report_years, read_set=frozenset(nar["country"].tolist()),
                       present=frozenset(everyone),
                       nk_by_year={int(y): part.reset_index(drop=True) for y, part in nk.groupby("year", sort=True)},
                       panel_by_country={str(c): part for c, part in panel.groupby("country", sort=False)})


# -- World page ---------------------------------------------------------------------------------
def year_rows(world: WorldTables, year: int) -> pd.DataFrame:
    """The narratives read for `year` with their north_korean figures, most sentences first."""
    rows = world.nk_by_year.get(int(year))
    return rows if rows is not None else world.nk.iloc[0:0]


def naming_rows(world: WorldTables, year: int) -> pd.DataFrame:
    """The narratives of `year` that name North Korean people (sentences > 0), most first."""
    rows = year_rows(world, year)
    return rows[rows[SENTENCES] > 0].reset_index(drop=True)


def naming_by_year(world: WorldTables) -> pd.DataFrame:
    """Per report year from the first to the last read: narratives read, narratives naming North
    Korean people, and the countries naming them. A year with no narrative read has read=0 and NaN
    counts (a gap on the chart, not a zero)."""
    cols = ["year", "read", "naming", "countries"]
    if not world.report_years:
        return pd.DataFrame(columns=cols)
    nk = world.nk
    read = nk.groupby("year")["country"].size()
    naming_rows_ = nk[nk[SENTENCES] > 0]
    naming = naming_rows_.groupby("year")["country"].size()
    names = naming_rows_.groupby("year")["name"].agg(lambda s: ", ".join(sorted(s)))
    out = []
    for y in range(world.report_years[0], world.report_years[-1] + 1):
        if y in read.index:
            out.append((y, int(read[y]), float(naming.get(y, 0)), names.get(y, "")))
        else:
            out.append((y, 0, np.nan, ""))
    return pd.DataFrame(out, columns=cols)


def kinds_words(cell: str) -> str:
    """'forced_labour;forced_return' -> 'forced labour, forced return' (one sentence's kinds)."""
    return ", ".join(kind_words(k.strip()) for k in str(cell or "").split(";") if k.strip())


def kinds_by_narrative(kwic_nk: pd.DataFrame | None) -> dict[tuple[str, int], str]:
    """{(country, year): 'forced labour 3, ...'} from the north_korean kwic rows."""
    if kwic_nk is None or not len(kwic_nk):
        return {}
    k = pd.DataFrame({"country": kwic_nk["country"].astype(str), "year": _years(kwic_nk["year"]),
                      "kinds": kwic_nk["kinds"].astype(str)})
    return {(str(c), int(y)): kinds_text(part) for (c, y), part in k.groupby(["country", "year"], sort=False)["kinds"]}


def with_kinds(rows: pd.DataFrame, kinds: dict[tuple[str, int], str] | None, pending: str = "…") -> pd.DataFrame:
    """`rows` (year_rows) with their kinds column filled from `kinds`; `pending` in every cell when
    the kinds are not known yet (None)."""
    if kinds is None:
        return rows.assign(kinds=pending)
    return rows.assign(kinds=[kinds.get((c, int(y)), "") for c, y in zip(rows["country"].tolist(), rows["year"].tolist())])


def read_link(country: str, year: int, paragraph_index: int | None = None) -> str:
    """Relative permalink to one narrative on the Read page, and to one paragraph: `paragraph_index`
    counts from 0 as in the tables, the URL's `para` from 1 as the screen numbers paragraphs."""
    query = {"country": country, "year": int(year)}
    if paragraph_index is not None and paragraph_index == paragraph_index:
        query["para"] = int(paragraph_index) + 1
    return "./read?" + urlencode(query)


def undrawable(rows: pd.DataFrame) -> list[str]:
    """Names (with code) of the countries in `rows` the world map cannot draw."""
    bad = rows[~rows["drawable"].astype(bool)]
    return [f"{n} ({c or 'no code'})" for n, c in zip(bad["name"], bad["iso3"])]


def nk_sentences(kwic_nk: pd.DataFrame | None, country: str, year: int) -> pd.DataFrame:
    """The north_korean sentences of one narrative in printed order (SENTENCE_COLUMNS; the two
    indexes as numbers, counted from 0 as in kwic.csv)."""
    if kwic_nk is None or not len(kwic_nk):
        return pd.DataFrame(columns=list(SENTENCE_COLUMNS))
    rows = kwic_nk[(kwic_nk["country"] == country) & (_years(kwic_nk["year"]) == int(year))]
    out = pd.DataFrame({c: (rows[c] if c in rows.columns else "") for c in SENTENCE_COLUMNS})
    for col in ("year", "paragraph_index", "sentence_index"):
        out[col] = _years(out[col])
    for col in ("country", "section", "kinds", "sentence", "source_url"):
        out[col] = out[col].fillna("").astype(str)
    return out.sort_values(["paragraph_index", "sentence_index"], kind="stable").reset_index(drop=True)


# -- Compare page -------------------------------------------------------------------------------
def latest_year(world: WorldTables) -> int | None:
    """The newest report year with a tier or a narrative."""
    years = list(world.report_years) + [int(y) for y in world.panel["year"].dropna().unique()]
    return max(years) if years else None


def default_compare(world: WorldTables, extra: int = EXTRA_TIER3) -> list[str]:
    """China's default peers present in the data: North Korea, Russia, Mongolia, then up to `extra`
    other countries on Tier 3 in the latest year that has a Tier 3 country (most North Korean
    sentences first, then by name). China itself is not in the list."""
    peers = [c for c in DEFAULT_PEERS if c in world.present]
    panel = world.panel
    tier3 = panel[panel["tier"] == TIER_3]
    if len(tier3):
        year = int(tier3["year"].max())
        cands = tier3[(tier3["year"] == year) & ~tier3["country"].isin([CHINA, *peers])]
        nk_year = world.nk[world.nk["year"] == year].set_index("country")[SENTENCES]
        cands = cands.assign(nk=cands["country"].map(nk_year).fillna(0))
        cands = cands.sort_values(["nk", "name"], ascending=[False, True], kind="stable")
        peers += list(cands["country"].head(extra))
    return peers


def compare_options(world: WorldTables) -> list[str]:
    """Every country with a tier or a narrative, China first, then by display name."""
    others = sorted(world.present - {CHINA}, key=lambda s: country_info(s).name)
    return ([CHINA] if CHINA in world.present else []) + others


def tier_histories(world: WorldTables, countries: list[str]) -> pd.DataFrame:
    """Panel rows of the chosen countries (country, name, year, tier, origin, ...), in their order."""
    parts = [world.panel_by_country[c] for c in dict.fromkeys(countries) if c in world.panel_by_country]
    if not parts:
        return world.panel.iloc[0:0]
    return pd.concat(parts, ignore_index=True)


def measure_panel(world: WorldTables, countries: list[str], group: str, measure: str) -> pd.DataFrame:
    """country, year, value for the chosen countries over every year from the first to the last
    report year: NaN where the country's narrative was not read (a gap), else the measure."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    cols = ["country", "year", "value"]
    if not world.report_years or not countries:
        return pd.DataFrame(columns=cols)
    years = range(world.report_years[0], world.report_years[-1] + 1)
    grid = pd.MultiIndex.from_product([countries, years], names=["country", "year"]).to_frame(index=False)
    grid["year"] = grid["year"].astype("Int64")
    data = world.measures.get(group)
    read = world.narratives[world.narratives["country"].isin(countries)][["country", "year"]].assign(_read=True)
    out = grid.merge(read, on=["country", "year"], how="left")
    if data is not None:
        part = data[data["country"].isin(countries)][["country", "year", measure]]
        out = out.merge(part, on=["country", "year"], how="left")
        out["value"] = out[measure].where(out["_read"].fillna(False).astype(bool))
        # a narrative read but without a row for the group counts nothing: 0, not a gap
        out.loc[out["_read"].fillna(False).astype(bool) & out["value"].isna(), "value"] = 0.0
    else:
        out["value"] = np.where(out["_read"].fillna(False).astype(bool), 0.0, np.nan)
    return out[cols]


def panel_download(world: WorldTables, first_year: int | None = None, last_year: int | None = None) -> pd.DataFrame:
    """The tier panel as a CSV-ready long table (PANEL_COLUMNS), optionally cut to a year range."""
    df = world.panel
    if first_year is not None:
        df = df[df["year"] >= int(first_year)]
    if last_year is not None:
        df = df[df["year"] <= int(last_year)]
    return df.reset_index(drop=True)


def panel_wide(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per country, one column per year holding the tier (empty where none)."""
    if not len(panel):
        return pd.DataFrame(columns=["country", "name", "iso3"])
    wide = panel.pivot_table(index=["country", "name", "iso3"], columns="year", values="tier",
                             aggfunc="first").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    return wide.fillna("").sort_values("name").reset_index(drop=True)


def origin_counts(panel: pd.DataFrame) -> dict[str, int]:
    """{'scraped': n, 'reference': m} over a panel's rows."""
    counts = panel["origin"].value_counts()
    return {o: int(counts.get(o, 0)) for o in (ORIGIN_SCRAPED, ORIGIN_REFERENCE)}

