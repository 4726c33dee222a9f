"""Finding a report year's country narrative by walking that year's own table of contents."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from scrapers.countries import Country, heading_key
from scrapers.errors import NarrativeNotFound, PageNotFound
from scrapers.parse.page import find_country_heading
from scrapers.parse.text import normalise_text

FIRST_REPORT_YEAR = 2001
RECENT_LANDING = "https://www.state.gov/reports/{year}-trafficking-in-persons-report/"
ARCHIVE_2009_LANDING = "https://2009-2017.state.gov/j/tip/rls/tiprpt/{year}/index.htm"
ARCHIVE_2001_LANDING = "https://2001-2009.state.gov/g/tip/rls/tiprpt/{year}/index.htm"
# The pre-2019 www.state.gov layout, where the 2017 and 2018 reports were first published
# (China at www.state.gov/j/tip/rls/tiprpt/countries/2017/271165.htm and .../2018/282760.htm).
OLD_WWW_LANDING = "https://www.state.gov/j/tip/rls/tiprpt/{year}/index.htm"
# Bump when the rules that find a year's narrative change (cached locations are then re-walked).
DISCOVERY_VERSION = "3"
MAX_INDEX_HOPS = 2  # landing -> index page -> sub-index page, then the narrative link
MAX_INDEX_PAGES = 8  # intermediate pages fetched per landing page at most

# Link text of an intermediate index page: "Country Narratives", "Countries A through C", "Country Narratives: A-C".
_INDEX_TEXT = re.compile(r"\bcountr(?:y|ies)\b.*\bnarratives?\b|\bnarratives?\b|\bcountries\b\s+[a-z]\s*(?:through|thru|to|-|\u2013|\u2014)\s*[a-z]\b", re.IGNORECASE)
_LETTER_RANGE = re.compile(r"\b([a-z])\s*(?:through|thru|to|-|\u2013|\u2014)\s*([a-z])\s*$", re.IGNORECASE)


def landing_urls(year: int) -> list[str]:
    """Candidate original landing-page URLs of a report year, in the order to try (two at era borders)."""
    if not isinstance(year, int) or year < FIRST_REPORT_YEAR:
        raise ValueError(f"no TIP report for year {year!r}: the first report was published in {FIRST_REPORT_YEAR}")
    if year == 2019:  # copies of the 2019 report cite .../2019-trafficking-in-persons-report-2/
        return [RECENT_LANDING.format(year=year), RECENT_LANDING.format(year=year).rstrip("/") + "-2/"]
    if year >= 2019:
        return [RECENT_LANDING.format(year=year)]
    if year == 2018:
        return [RECENT_LANDING.format(year=year), OLD_WWW_LANDING.format(year=year)]
    if year == 2017:
        return [RECENT_LANDING.format(year=year), ARCHIVE_2009_LANDING.format(year=year),
                OLD_WWW_LANDING.format(year=year)]
    if year >= 2010:
        return [ARCHIVE_2009_LANDING.format(year=year)]
    if year == 2009:
        return [ARCHIVE_2009_LANDING.format(year=year), ARCHIVE_2001_LANDING.format(year=year)]
    return [ARCHIVE_2001_LANDING.format(year=year)]


def _links(html: str, base_url: str) -> list[tuple[str, str]]:
    """(normalised link text, absolute URL without fragment) of every <a href>, <area href> and
    <option value> link, in document order (lxml: landing pages carry menus of hundreds of links).
    Remembered for the last pages read, since every country of a year walks the same landing page."""
    return list(_links_cached(html, base_url))


@lru_cache(maxsize=64)
def _name_positions(html: str, base_url: str) -> dict[str, tuple[int, ...]]:
    """heading_key of each link text of the page -> the positions of its links (computed once per page,
    not once per country: every country of a year walks the same landing page)."""
    positions: dict[str, list[int]] = {}
    for i, (text, _url) in enumerate(_links_cached(html, base_url)):
        positions.setdefault(heading_key(text), []).append(i)
    return {key: tuple(found) for key, found in positions.items()}


@lru_cache(maxsize=64)
def _links_cached(html: str, base_url: str) -> tuple[tuple[str, str], ...]:
    if not html or not html.strip():
        return ()
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ()
    for nav in root.xpath('//*[@id="report-nav"]'):
        nav.drop_tree()  # the year selector links other years, never this year's narratives
    out: list[tuple[str, str]] = []
    for tag in root.iter("a", "option", "area"):
        target = tag.get("value") if tag.tag == "option" else tag.get("href")
        if not target:
            continue
        target = target.strip()
        if not target or target.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        text = normalise_text(tag.text_content() or tag.get("title") or tag.get("alt") or "")
        absolute = target if target.startswith(("http://", "https://")) else urljoin(base_url, target)
        url = _same_archive(absolute.partition("#")[0], base_url)
        if url.startswith(("http://", "https://")):
            out.append((text, url))
    return tuple(out)


def _same_archive(url: str, base_url: str) -> str:
    """Point old absolute links (www.state.gov/g/tip/...) at the archive host the page came from."""
    if "/tiprpt/" not in url or ("//www.state.gov/" not in url and "//state.gov/" not in url):
        return url  # the common case, decided without parsing the URL
    u, b = urlsplit(url), urlsplit(base_url)
    if u.netloc in ("www.state.gov", "state.gov") and b.netloc.endswith(".state.gov") and b.netloc != u.netloc \
            and "/tiprpt/" in u.path:
        return u._replace(netloc=b.netloc, scheme=b.scheme).geturl()
    return url


def _in_report(url: str, landing: str, year: int) -> bool:
    """True when `url` lies inside the report of `landing` (not a site-wide menu link to a country page)."""
    u, l = urlsplit(url), urlsplit(landing)
    if not (u.netloc == l.netloc or u.netloc.endswith("state.gov")):
        return False
    if "trafficking-in-persons-report" in l.path:
        return u.path.startswith(l.path)
    return "/tiprpt/" in u.path and str(year) in u.path


def _excluded_url(url: str, country: Country) -> bool:
    path = urlsplit(url).path.lower()
    return any(re.search(rf"(?:^|[/_.-]){re.escape(s)}(?:$|[/_.-])", path) for s in country.excluded_slugs)


def _country_link(links: list[tuple[str, str]], country: Country, landing: str, year: int,
                  positions: dict[str, tuple[int, ...]]) -> str | None:
    """The URL of the country's narrative among `links` (link text = a name; links outside the report
    ignored); `positions`: _name_positions of the page (the links whose text is each name key)."""
    named = sorted(i for key in country.name_keys for i in positions.get(key, ()))
    by_text = [
        u for t, u in (links[i] for i in named)
        if not country.mentions_excluded(t) and not _excluded_url(u, country) and _in_report(u, landing, year)
    ]
    if by_text:
        return by_text[0]
    slug = f"/{country.url_slug}/"
    by_path = [u for t, u in links if urlsplit(u).path.endswith(slug) and _in_report(u, landing, year)]
    return by_path[0] if by_path else None


def _index_links(links: list[tuple[str, str]], country: Country, landing: str, year: int) -> list[str]:
    """Intermediate index pages worth visiting, letter ranges that hold the country's name first."""
    initials = country.initials or {country.name[:1].lower()}
    ranges, general = [], []
    for text, url in links:
        if not _INDEX_TEXT.search(text) or not _in_report(url, landing, year) or _excluded_url(url, country):
            continue
        letters = _LETTER_RANGE.search(text)
        if letters:
            low, high = letters.group(1).lower(), letters.group(2).lower()
            if any(low <= initial <= high for initial in initials):
                ranges.append(url)
        else:
            general.append(url)
    return list(dict.fromkeys(ranges + general))


def locate_narrative(year: int, country: Country, fetch: Callable[[str], str]) -> str:
    """Original URL of the page holding `country`'s narrative for `year`, found from the landing page.

    PageNotFound when no landing page exists (year not published); NarrativeNotFound when the landing
    page exists but leads to no narrative; FetchError from `fetch` propagates.
    """
    landing, html = first_landing(year, fetch)
    return _walk(year, country, fetch, landing, html)


def first_landing(year: int, fetch: Callable[[str], str]) -> tuple[str, str]:
    """(URL, page) of the first of the year's candidate landing pages that exists; PageNotFound
    (the first candidate's) when none does: the year is not published."""
    missing: list[PageNotFound] = []
    for landing in landing_urls(year):
        try:
            return landing, fetch(landing)
        except PageNotFound as exc:
            missing.append(exc)
    raise missing[0]


def _walk(year: int, country: Country, fetch: Callable[[str], str], landing: str, html: str) -> str:
    searched = [landing]
    seen = {landing}

    def search(url: str, page: str, depth: int) -> str | None:
        """Depth-first: the country link on this page, else on the index pages it links to."""
        links = _links(page, url)
        found = _country_link(links, country, landing, year, _name_positions(page, url))
        if found:
            return found
        if depth and find_country_heading(page, country):
            return url  # an index page that holds the narrative itself ("Countries A through C")
        if depth == MAX_INDEX_HOPS:
            return None
        for index_url in _index_links(links, country, landing, year):
            if index_url in seen or len(seen) > MAX_INDEX_PAGES:
                continue
            seen.add(index_url)
            try:
                index_page = fetch(index_url)
            except PageNotFound:
                searched.append(f"{index_url} (404)")
                continue
            searched.append(index_url)
            found = search(index_url, index_page, depth + 1)
            if found:
                return found
        return None

    found = search(landing, html, 0)
    if found:
        return found
    if find_country_heading(html, country):
        return landing  # the landing page holds the narrative itself
    if "trafficking-in-persons-report" in landing:  # recent era: the page name is the country's slug
        guess = urljoin(landing, f"{country.url_slug}/")
        try:
            fetch(guess)
            return guess
        except PageNotFound:
            searched.append(f"{guess} (404)")
    raise NarrativeNotFound(
        f"report year {year}: no link to the {country.name} narrative (link text one of "
        f"{', '.join(repr(n) for n in country.names)}) found on {', '.join(searched)}"
    )


MAX_LISTING_PAGES = 40  # index pages read at most when listing a year's countries


@dataclass(frozen=True)
class CountryListing:
    """The narratives a year's table of contents links to: registry slug -> narrative URL, and the
    link texts of narrative-looking links that no registry entry knows (reported, never dropped)."""

    year: int
    links: dict[str, str]
    unknown: tuple[str, ...]


# Link texts of the report's own chapters, never country names (kept out of the unknown list).
_REPORT_PART = re.compile(
    r"\b(?:introduction|letter|tier placements?|conventions?|methodology|glossary|topics?|stories|"
    r"acknowledg|definitions?|maps?|appendix|annex|message|victims?|heroes|special cases?|"
    r"what is trafficking|u\.s\. government|international|index|contents?|download|pdf)\b", re.IGNORECASE)
_NARRATIVE_PATH = re.compile(r"/(?:countries/)?(\d{4})/\d+\.html?$")


def _narrative_like(url: str, landing: str, year: int) -> bool:
    """A link that looks like a country narrative of this report (not a menu or an index page)."""
    u, l = urlsplit(url), urlsplit(landing)
    if "trafficking-in-persons-report" in l.path:
        rest = u.path[len(l.path):] if u.path.startswith(l.path) else ""
        return u.netloc == l.netloc and bool(rest) and rest.strip("/").count("/") == 0
    match = _NARRATIVE_PATH.search(u.path)
    return bool(match) and match.group(1) == str(year) and "/tiprpt/" in u.path


def list_countries(year: int, fetch: Callable[[str], str], resolve: Callable[[str], object]) -> CountryListing:
    """Every country narrative linked from the year's table of contents (landing page and its index
    pages): link texts resolved by `resolve` (scrapers.countries.resolve, returning a Country with
    .slug, or None). PageNotFound when the year has no landing page."""
    landing, html = first_landing(year, fetch)
    found: dict[str, str] = {}
    unknown: dict[str, None] = {}  # first-seen order, no repeats (a dict: 20,000 texts stay linear)
    pages = [(landing, html)]
    seen = {landing}
    while pages:
        url, page = pages.pop(0)
        links = _links(page, url)
        for text, link in links:
            if not text or not _in_report(link, landing, year):
                continue
            if _INDEX_TEXT.search(text):
                if link not in seen and len(seen) < MAX_LISTING_PAGES:
                    seen.add(link)
                    try:
                        pages.append((link, fetch(link)))
                    except PageNotFound:
                        continue
            elif _narrative_like(link, landing, year) and not _REPORT_PART.search(text):
                entry = resolve(text)
                if entry is None:
                    unknown.setdefault(text)
                else:
                    found.setdefault(entry.slug, link)
    return CountryListing(year, dict(sorted(found.items())), tuple(unknown))
