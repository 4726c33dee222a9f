"""Write a SYNTHETIC world data directory (raw cache only, no server): real-size pages for every report
year and about 190 registry countries, for benchmarking `python -m scrapers parse` at world scale.

    python scripts/make_world_cache.py DATA_DIR [--countries 190] [--years 2001-2025] [--seed N]

Layout, as the real site and scripts/make_realistic_pages.py (whose page furniture and filler text
this reuses): 2017 on, one page per country at
`https://www.state.gov/reports/{YEAR}-trafficking-in-persons-report/{slug}/`, the landing page listing
every country; 2009-2016, one archive page per country (`.../countries/{YEAR}/{id}.htm`), listed on the
landing page (odd years) or on a "Country Narratives" index page (even years); 2001-2008, regional
pages holding 17 countries each (split at each 'NAME (TIER)' heading), the landing page linking every
country to its regional page. Pages are stored with scrapers.store.cache.RawCache.store_many (one manifest
write per year) and every country-year is recorded in raw/years.csv, so `parse` knows the countries.

The text is NOT report text: filler sentences from a fixed vocabulary and a seeded RNG, and every page
says so in an HTML comment. Same arguments, same bytes.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "scripts"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import make_realistic_pages as pages  # noqa: E402  (scripts/ is not a package)
from make_realistic_pages import (  # noqa: E402
    EARLY_HOST, MIDDLE_HOST, NK_SENTENCES, Narrative, Text, archive_page, early_section_title, era_of, landing_url,
    recent_page, share_widget, typeset,
)
from scrapers.store.cache import YEARS as YEARS_FILE, RawCache, YearRecord
from scrapers.store.atomic import atomic_write_bytes
from scrapers.web.http import FetchResult  # noqa: E402
from scrapers.inputs import parse_years  # noqa: E402

SEED = 20250702
FETCHED_AT = "2025-07-01T00:00:00Z"
CONTENT_TYPE = "text/html; charset=UTF-8"
REGION_SIZE = 17  # countries per 2001-2008 regional page
# Countries whose narratives speak of North Koreans in the real report: listed first, so that a small
# world (--countries 4) still holds the comparisons the dashboard draws.
FIRST = ("china", "north-korea", "russia", "mongolia", "south-korea", "laos", "thailand", "japan")
ORIGINS = ("Burma", "Vietnam", "Laos", "Cambodia", "Mongolia", "Nepal", "Pakistan", "Indonesia", "the Philippines",
           "Thailand", "Russia", "North Korea", "Uzbekistan", "Bangladesh", "Nigeria", "Ukraine")
TIER_CHOICES = ("Tier 1", "Tier 2", "Tier 2", "Tier 2 Watch List", "Tier 3")


@dataclass(frozen=True)
class WorldCountry:
    """One country of the synthetic world: registry slug, the name its headings and links print."""

    slug: str
    name: str
    iso3: str


@dataclass(frozen=True)
class WorldSummary:
    """What make_world wrote: countries, years, pages, bytes, seconds."""

    countries: tuple[str, ...]
    years: tuple[int, ...]
    pages: int
    bytes: int
    seconds: float


def world_countries(count: int) -> list[WorldCountry]:
    """`count` registry countries (former states left out): FIRST, then the others by slug."""
    from scrapers import countries

    entries = {e.slug: e for e in countries.all_countries() if e.code_status != "withdrawn"}
    order = [s for s in FIRST if s in entries] + sorted(s for s in entries if s not in FIRST)
    chosen = order[:max(1, count)]
    return [WorldCountry(s, entries[s].name, entries[s].iso3) for s in chosen]


def tier_of(country: WorldCountry, year: int, rng: random.Random) -> str:
    """China's tier as in data/reference; Kelley's panel where it rates the country; else seeded."""
    from scrapers.inputs import load_kelley

    if country.slug == "china":
        return pages.TIERS.get(year, "Tier 3")
    kelley, _ = load_kelley(ROOT / "data", country.iso3)
    if year in kelley and kelley[year].tier:
        return kelley[year].tier
    return rng.choice(TIER_CHOICES)


def assessment(name: str, tier: str) -> str:
    if tier == "Tier 1":
        return f"The Government of {name} fully meets the minimum standards for the elimination of trafficking."
    if tier == "Tier 3":
        return (f"The Government of {name} does not fully meet the minimum standards for the elimination of "
                "trafficking and is not making significant efforts to do so.")
    return (f"The Government of {name} does not fully meet the minimum standards for the elimination of "
            "trafficking; however, it is making significant efforts to do so.")


class WorldNarrative(Narrative):
    """A narrative of any country: filler paragraphs, sometimes naming victims' origins or North Koreans."""

    def __init__(self, rng: random.Random, name: str, nk_rate: float):
        super().__init__(rng)
        self.name = name
        self.nk_rate = nk_rate

    def filler(self, nk: bool = False) -> str:
        text = self.text.paragraph()
        r = self.rng
        if r.random() < 0.25:
            a, b, c = r.sample(ORIGINS, 3)
            text += f" Victims from {a}, {b}, and {c} were identified in {self.name} {r.choice(pages.MODIFIERS)}."
        if nk or r.random() < self.nk_rate:
            text += " " + r.choice(NK_SENTENCES)
            self.nk += 1
        return text


def _nk_rate(country: WorldCountry) -> float:
    return 0.12 if country.slug in FIRST else 0.01


def early_heading(year: int, name: str, tier: str) -> str:
    printed = (name.upper() if year >= 2007 else name).replace("'", "\u2019")
    anchor = name.lower().replace(" ", "")
    if year <= 2002:
        return f'<h3><a name="{anchor}"></a>{printed} ({tier})</h3>'
    if year <= 2006:
        tag = "strong" if year % 2 else "b"
        return f'<p><a name="{anchor}"></a><{tag}>{printed} ({tier})</{tag}></p>'
    return f'<h4><a name="{anchor}"></a>{printed} ({tier.upper()})</h4>'


def early_narrative(year: int, country: WorldCountry, tier: str, rng: random.Random) -> str:
    """One country's section of a 2001-2008 regional page (heading, profile, run-in sections)."""
    n = WorldNarrative(rng, country.name, _nk_rate(country))
    body = max(4, rng.randint(800, 2500) // 75)
    n.raw(early_heading(year, country.name, tier))
    n.section("TRAFFICKING PROFILE")
    n.fill(max(2, body // 5))
    n.section("INTRODUCTION")
    n.para(assessment(country.name, tier) + " " + n.text.paragraph(2))
    for name, title in (("PROSECUTION", "Prosecution"), ("PROTECTION", "Protection"), ("PREVENTION", "Prevention")):
        n.section(name)
        first = n.filler()
        n.raw(early_section_title(year, title, first, rng))
        n.fill(max(0, body // 4))
    return "\n".join(n.html)


def middle_heading(year: int, name: str, tier: str) -> str:
    if year <= 2010:
        return f"<h2>{name.upper()} ({tier.upper()})</h2>"
    if year <= 2013:
        return f"<h2>{name} ({tier})</h2>"
    return f"<h2>{name.upper()}: {tier}</h2>"


def middle_narrative(year: int, country: WorldCountry, tier: str, rng: random.Random) -> str:
    n = WorldNarrative(rng, country.name, _nk_rate(country))
    body = max(8, rng.randint(3000, 10000) // 75)
    profile = max(3, body // 5)
    n.raw(middle_heading(year, country.name, tier))
    n.section("TRAFFICKING PROFILE")
    n.fill(profile)
    n.section("INTRODUCTION")
    n.para(assessment(country.name, tier) + " " + n.text.paragraph(3))
    n.raw(f"<h3>Recommendations for {typeset(country.name, rng)}:</h3>")
    n.section("PRIORITIZED RECOMMENDATIONS")
    n.para("; ".join(n.text.recommendation()[:-1] for _ in range(8)) + ".")
    for name, title in (("PROSECUTION", "Prosecution"), ("PROTECTION", "Protection"), ("PREVENTION", "Prevention")):
        n.raw(f"<h3>{title if year <= 2013 else title.upper()}</h3>")
        n.section(name)
        n.fill(max(1, (body - profile - 2) // 3))
    n.raw('<div class="footnotes"><p><sup>1</sup> Synthetic footnote text, which the parser must drop.</p></div>')
    return "\n".join(n.html)


def recent_heading(year: int, name: str, tier: str) -> str:
    if year <= 2019:
        return f"<h2>{name.upper()}: {tier}</h2>"
    if year == 2020:
        return f"<p><strong>{name.upper()}: {tier.upper()}</strong></p>"
    if year <= 2022:
        return f"<h3>{name} ({tier})</h3>"
    return f'<h2 class="report__section-title">{name.upper()}: {tier.replace(" ", "&nbsp;", 1)}</h2>'


def recent_narrative(year: int, country: WorldCountry, tier: str, rng: random.Random) -> str:
    n = WorldNarrative(rng, country.name, _nk_rate(country))
    level = "h3" if 2020 <= year <= 2022 else "h2"
    n.raw('<section class="entry-content">')
    n.raw(recent_heading(year, country.name, tier))
    n.section("INTRODUCTION")
    n.para(assessment(country.name, tier) + " " + n.text.paragraph(4))
    n.raw(f'<{level} class="report__section-title">PRIORITIZED RECOMMENDATIONS:</{level}>')
    n.section("PRIORITIZED RECOMMENDATIONS")
    n.raw("<ul>")
    for _ in range(rng.randint(8, 13)):
        n.para(n.text.recommendation(), "<li>{}</li>")
    n.raw("</ul>")
    body = max(8, rng.randint(3000, 10000) // 75)
    per = max(2, (body - 2) // 4)
    for k, name in enumerate(("PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE")):
        if k == 2 and year % 2:
            n.raw('</section>\n<div class="report__interstitial">' + share_widget(rng) + '</div>\n<section class="entry-content">')
        n.raw(f'<{level} class="report__section-title">{name}</{level}>')
        n.section(name)
        n.fill(per, footnote=k + 1 if k < 2 else None)
    n.raw("</section>")
    return "\n".join(n.html)


def _page(url: str, html: str) -> FetchResult:
    return FetchResult(url=url, fetched_url=url, status=200, body=html.encode("utf-8"), content_type=CONTENT_TYPE,
                       fetched_at=FETCHED_AT)


def year_pages(year: int, countries: list[WorldCountry], seed: int = SEED) -> tuple[list[FetchResult], dict[str, str]]:
    """Every page of one report year, and {country slug: URL of the page holding its narrative}."""
    rng = random.Random(seed * 10_000 + year)
    era = era_of(year)
    landing = landing_url(year)
    tiers = {c.slug: tier_of(c, year, rng) for c in countries}
    out: list[FetchResult] = []
    where: dict[str, str] = {}
    intro = f"<p>{Text(rng).paragraph()}</p>"
    if era == "early":
        base = f"https://{EARLY_HOST}/g/tip/rls/tiprpt/{year}/"
        links = []
        for k in range(0, len(countries), REGION_SIZE):
            region = countries[k:k + REGION_SIZE]
            url = f"{base}{10000 + (year - 2000) * 977 + k // REGION_SIZE}.htm"
            center = (f"<h2>Country Narratives -- Region {k // REGION_SIZE + 1}</h2>\n<p class=\"releasedby\">Released by "
                      f"the Office to Monitor and Combat Trafficking in Persons<br>June {year}</p>\n"
                      + "\n".join(early_narrative(year, c, tiers[c.slug], rng) for c in region)
                      + '\n<p><a href="#top">Back to Top</a></p>')
            out.append(_page(url, archive_page(era, year, f"Country Narratives -- Region {k // REGION_SIZE + 1}",
                                               center, rng)))
            for c in region:
                where[c.slug] = url
                links.append(f'<li><a href="{url.rsplit("/", 1)[1]}#{c.name.lower().replace(" ", "")}">{c.name}</a></li>')
        toc = f"<h3>Country Narratives</h3><ul>{''.join(links)}</ul>"
        out.append(_page(landing, archive_page(era, year, f"Trafficking in Persons Report {year}",
                                               f"<h2>Trafficking in Persons Report</h2>\n{intro}\n{toc}", rng)))
        return out, where
    if era == "middle":
        host = f"https://{MIDDLE_HOST}"
        for i, c in enumerate(countries):
            url = f"{host}/j/tip/rls/tiprpt/countries/{year}/{140000 + (year - 2009) * 5000 + i}.htm"
            center = (f'<div class="pagetitle"><h1>{year} Trafficking in Persons Report</h1></div>\n'
                      + middle_narrative(year, c, tiers[c.slug], rng) + '\n<p><a href="#top">Back to Top</a></p>')
            out.append(_page(url, archive_page(era, year, c.name, center, rng)))
            where[c.slug] = url
        links = " | ".join(f'<a href="{where[c.slug][len(host):]}">{c.name}</a>' for c in countries)
        head = f"<h1>{year} Trafficking in Persons Report</h1>\n{intro}"
        if year % 2:
            out.append(_page(landing, archive_page(era, year, f"{year} Trafficking in Persons Report",
                                                   head + f"<h3>Country Narratives</h3><p>{links}</p>", rng)))
        else:
            index = f"{host}/j/tip/rls/tiprpt/{year}/{139990 + (year - 2009) * 5000}.htm"
            out.append(_page(landing, archive_page(era, year, f"{year} Trafficking in Persons Report", head
                                                   + f'<ul class="report-toc"><li><a href="{index}">Country Narratives</a></li></ul>',
                                                   rng)))
            out.append(_page(index, archive_page(era, year, "Country Narratives",
                                                 f"<h1>Country Narratives</h1><p>{links}</p>", rng)))
        return out, where
    for c in countries:
        url = f"{landing}{c.slug}/"
        out.append(_page(url, recent_page(year, c.name, f"{year} Trafficking in Persons Report: {c.name}",
                                          recent_narrative(year, c, tiers[c.slug], rng), rng, slug=c.slug)))
        where[c.slug] = url
    items = "\n".join(f'<li><a href="{where[c.slug]}">{c.name}</a></li>' for c in countries)
    entry = (f'<section class="entry-content">\n{intro}\n<h2 class="report__section-title">Country Narratives</h2>\n'
             f'<ul class="country-narratives">\n{items}\n</ul>\n</section>')
    out.append(_page(landing, recent_page(year, f"{year} Trafficking in Persons Report",
                                          f"{year} Trafficking in Persons Report", entry, rng, slug="")))
    return out, where


def write_years_csv(cache: RawCache, records: list[YearRecord]) -> None:
    """raw/years.csv in RawCache's format, written once (record_year rewrites it per record)."""
    columns = [f.name for f in fields(YearRecord)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for r in sorted(records, key=lambda r: (r.country, r.year)):
        writer.writerow({name: getattr(r, name) for name in columns})
    atomic_write_bytes(cache.root / YEARS_FILE, buffer.getvalue().encode("utf-8"))


def make_world(data_dir: Path | str, countries: int = 190, years=range(2001, 2026), seed: int = SEED,
               progress=None) -> WorldSummary:
    """Write the synthetic world cache into data_dir/raw (one store_many per year); deterministic."""
    start = time.perf_counter()
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    chosen = world_countries(countries)
    cache = RawCache(data_dir, compress=True)  # as refresh --countries all stores a world crawl
    records: list[YearRecord] = []
    written = size = 0
    for year in sorted(years):
        results, where = year_pages(year, chosen, seed)
        cache.store_many(results)
        written += len(results)
        size += sum(len(r.body) for r in results)
        records += [YearRecord(c.slug, year, "parsed", "", where[c.slug], FETCHED_AT) for c in chosen]
        if progress:
            progress(f"{year}: {len(results)} pages, {sum(len(r.body) for r in results) / 1e6:.0f} MB")
    write_years_csv(cache, records)
    return WorldSummary(tuple(c.slug for c in chosen), tuple(sorted(years)), written, size,
                        time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", help="the data directory to write (its raw/ cache)")
    parser.add_argument("--countries", type=int, default=190, help="how many registry countries (default 190)")
    parser.add_argument("--years", default="2001-2025", help="e.g. 2001-2025 or 2003,2012,2021")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    summary = make_world(args.data_dir, args.countries, parse_years(args.years), args.seed,
                         progress=None if args.quiet else lambda line: print(line, flush=True))
    print(f"wrote {args.data_dir}/raw: {len(summary.countries)} countries x {len(summary.years)} years, "
          f"{summary.pages} pages, {summary.bytes / 1e6:.0f} MB in {summary.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
