"""Generate a SYNTHETIC report site of real size for benchmarks and parser tests (no network).

Real state.gov report pages are 150-400 KB: WordPress (or older) furniture around the text (a head
full of <link>/<meta>, a mega menu of about 300 links, inline JSON and script blobs, inline SVG icons,
share widgets, breadcrumbs, big footers, footnotes), China narratives of 4,000-12,000 words, and
2001-2008 regional pages holding 10+ countries. This script writes such a site for every report year
asked (2001-2025 by default): landing pages, index pages and narrative pages at each era's real URLs,
laid out like tests/fixtures/site (https://HOST/PATH -> DIR/HOST/PATH, a URL ending in '/' ->
.../index.html), so that scrapers.web.discover.locate_narrative can walk it and tests/site_server.py can
serve it. The markup follows the conventions of tests/fixtures/make_site.py for each era.

The text is NOT report text: filler sentences drawn from a fixed vocabulary with a seeded RNG, plus a
few fixed North Korean sentences; every page says so in an HTML comment. Same seed, same bytes.

    python scripts/make_realistic_pages.py [OUT_DIR] [--years 2001-2025] [--seed N]

prints the page sizes (min/median/max KB) and writes OUT_DIR/truth.json: per year what the generator
wrote (tier, sections and their paragraphs), the ground truth the parser tests check against.
"""
from __future__ import annotations

import argparse
import html as html_lib
import json
import random
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.inputs import parse_years  # noqa: E402  (--years as the scraper reads it)

SEED = 20250601
YEARS = tuple(range(2001, 2026))
MARK = ("<!-- SYNTHETIC BENCHMARK PAGE - not report text: filler sentences from a fixed vocabulary and a "
        "seeded RNG, written by scripts/make_realistic_pages.py -->\n")

# China's tier per report year (as in data/reference/china_tiers.csv), so a refresh over this site
# raises no tier disagreement.
TIERS = {
    **{y: "Tier 2" for y in range(2001, 2005)}, **{y: "Tier 2 Watch List" for y in range(2005, 2013)}, 2013: "Tier 3",
    **{y: "Tier 2 Watch List" for y in range(2014, 2017)}, **{y: "Tier 3" for y in range(2017, 2026)},
}
ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth"}

EARLY_HOST, MIDDLE_HOST, RECENT_HOST = "2001-2009.state.gov", "2009-2017.state.gov", "www.state.gov"


def era_of(year: int) -> str:
    """'early' (2001-2008 regional pages), 'middle' (2009-2016) or 'recent' (2017 on)."""
    return "early" if year <= 2008 else "middle" if year <= 2016 else "recent"


def landing_url(year: int) -> str:
    """The landing page of a report year (the first one scrapers.web.discover tries)."""
    return {
        "early": f"https://{EARLY_HOST}/g/tip/rls/tiprpt/{year}/index.htm",
        "middle": f"https://{MIDDLE_HOST}/j/tip/rls/tiprpt/{year}/index.htm",
        "recent": f"https://{RECENT_HOST}/reports/{year}-trafficking-in-persons-report/",
    }[era_of(year)]


@dataclass(frozen=True)
class YearTruth:
    """What the generator wrote for one year: the parser must read exactly this back."""

    year: int
    era: str
    landing_url: str
    source_url: str  # the page holding the China narrative (no fragment)
    tier: str
    tier_notes: tuple[str, ...]
    sections: tuple[tuple[str, int], ...]  # (normalised section name, paragraph count), printed order
    paragraphs: tuple[str, ...]  # every paragraph as the parser should return it (normalised text)
    word_count: int
    north_korean_paragraphs: int  # paragraphs holding one of NK_SENTENCES (or an NK recommendation)
    countries_on_page: int
    # every country of a 2001-2008 regional page: (name as its heading prints it, tier, paragraphs)
    page_countries: tuple[tuple[str, str, int], ...]
    pages: tuple[str, ...]  # original URLs written for the year
    # the recommendations as analysis.recommendations.split_items must read them, in printed order, and
    # the ranks (from 1) of those naming North Korean people
    recommendations: tuple[str, ...] = ()
    north_korean_recommendations: tuple[int, ...] = ()


# ------------------------------------------------------------------------------------------------
# Synthetic text: a fixed vocabulary, nothing taken from any report

SUBJECTS = (
    "The government", "Local authorities", "Provincial officials", "Police in several provinces",
    "The national working group", "Civil society organizations", "International observers", "Labor inspectors",
    "Prosecutors", "Border officials", "Judicial authorities", "Social welfare offices", "The government's task force",
    "Municipal courts", "Several ministries", "Non-governmental organizations",
)
VERBS = (
    "reported", "continued", "expanded", "maintained", "reduced", "documented", "coordinated", "reviewed",
    "funded", "announced", "investigated", "supported", "described", "limited", "monitored", "organized",
)
OBJECTS = (
    "efforts to identify victims", "training for front-line officers", "data on investigations",
    "awareness campaigns in rural areas", "shelter services for women and children",
    "cooperation with neighboring governments", "inspections of factories and mines",
    "procedures for referring victims to care", "hotlines for migrant workers", "programs for internal migrants",
    "guidance for recruitment agencies", "cases involving forced labor", "assistance to child victims",
    "screening of vulnerable workers", "outreach to at-risk communities", "oversight of labor brokers",
)
MODIFIERS = (
    "during the reporting period", "in several provinces", "according to observers",
    "in coordination with international organizations", "although data remained incomplete",
    "in urban and rural areas", "with limited results", "for the second year", "across the country",
    "in border regions", "despite resource constraints", "through local offices",
)
NK_SENTENCES = (
    "North Korean women and girls who cross the border are subjected to forced marriage and sex trafficking in rural provinces.",
    "Authorities continued to forcibly return North Korean refugees and asylum-seekers without screening them for indicators of trafficking.",
    "Some North Korean women are exploited in online cybersex operations run by organized networks.",
    "North Korean workers employed under government-to-government arrangements may face forced labor in factories and seafood processing.",
)
EARLY_NK = "Women from Burma, North Korea, Russia, Vietnam, and Mongolia are trafficked to China for forced marriage and commercial sexual exploitation."
# A clause of a semicolon-separated recommendations paragraph naming North Korean people, with a
# semicolon inside parentheses (never a place to split).
NK_RECOMMENDATION_CLAUSE = ("cease the forcible return of North Korean refugees and asylum-seekers (many are women and "
                            "girls; some are trafficking victims)")
NK_RECOMMENDATION_ITEM = "Cease the forcible return of North Korean refugees and asylum-seekers."
RECOMMENDATION_VERBS = ("Increase", "Expand", "Improve", "Strengthen", "Fund", "Train", "Publish", "Screen")

REGION = ("Australia", "Burma", "Cambodia", "China", "Fiji", "Hong Kong", "Indonesia", "Japan", "Laos", "Malaysia",
          "Mongolia", "Papua New Guinea", "Philippines", "Singapore", "Taiwan", "Thailand", "Vietnam")
ALL_COUNTRIES = (
    "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia", "Australia", "Austria", "Azerbaijan",
    "Bahrain", "Bangladesh", "Belarus", "Belgium", "Belize", "Benin", "Bolivia", "Botswana", "Brazil", "Brunei",
    "Bulgaria", "Burkina Faso", "Burma", "Burundi", "Cambodia", "Cameroon", "Canada", "Chad", "Chile", "China",
    "Colombia", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Denmark", "Ecuador", "Egypt", "Estonia", "Ethiopia",
    "Fiji", "Finland", "France", "Gabon", "Georgia", "Germany", "Ghana", "Greece", "Guatemala", "Guinea", "Haiti",
    "Honduras", "Hong Kong", "Hungary", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy",
    "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kuwait", "Laos", "Latvia", "Lebanon", "Liberia",
    "Libya", "Lithuania", "Macau", "Madagascar", "Malawi", "Malaysia", "Mali", "Malta", "Mexico", "Moldova",
    "Mongolia", "Morocco", "Mozambique", "Namibia", "Nepal", "Netherlands", "Nicaragua", "Niger", "Nigeria",
    "Norway", "Oman", "Pakistan", "Panama", "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar",
    "Romania", "Russia", "Rwanda", "Senegal", "Serbia", "Singapore", "Slovakia", "Somalia", "Spain", "Sri Lanka",
    "Sudan", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand", "Togo", "Tunisia",
    "Turkey", "Uganda", "Ukraine", "Uruguay", "Uzbekistan", "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe",
)


class Text:
    """Filler sentences and paragraphs from the fixed vocabulary (ASCII; typography added in HTML)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        return f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(MODIFIERS)}."

    def paragraph(self, sentences: int | None = None) -> str:
        n = sentences or self.rng.randint(4, 9)
        return " ".join(self.sentence() for _ in range(n))

    def recommendation(self) -> str:
        r = self.rng
        return f"{r.choice(RECOMMENDATION_VERBS)} {r.choice(OBJECTS)} {r.choice(MODIFIERS)}."


def words(text: str) -> int:
    return len(text.split())


def typeset(text: str, rng: random.Random) -> str:
    """HTML for ASCII text: escaped, typographic apostrophes, an occasional &nbsp; between words."""
    out = html_lib.escape(text, quote=False).replace("'", "\u2019")
    if rng.random() < 0.3:
        out = out.replace(" the ", " the&nbsp;", 1)
    return out


# ------------------------------------------------------------------------------------------------
# Page furniture (all synthetic)

PATH_D = "M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z"


def svg_icon(rng: random.Random, name: str) -> str:
    path = " ".join(f"M{rng.randint(0, 24)} {rng.randint(0, 24)}L{rng.randint(0, 24)} {rng.randint(0, 24)}"
                    for _ in range(60))
    return (f'<svg class="icon icon-{name}" aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">'
            f'<title>{name}</title><path d="{PATH_D}"/><path d="{path}"/></svg>')


def head(title: str, rng: random.Random, year: int) -> str:
    links = "\n".join(f'<link rel="{rng.choice(["stylesheet", "preload", "prefetch", "dns-prefetch"])}" '
                      f'href="https://www.state.gov/wp-content/plugins/plugin-{i}/assets/style-{rng.randint(1000, 9999)}.css?ver=5.{i}" '
                      f'as="style" media="all">' for i in range(45))
    metas = "\n".join(f'<meta name="synthetic-meta-{i}" content="{" ".join(rng.choice(OBJECTS) for _ in range(3))}">'
                      for i in range(30))
    graph = [{"@type": "WebPage", "@id": f"https://www.state.gov/#/schema/page/{i}", "name": f"Synthetic page {i}",
              "description": Text(rng).paragraph(3), "isPartOf": {"@id": "https://www.state.gov/#website"},
              "breadcrumb": {"@id": f"https://www.state.gov/#breadcrumb-{i}"}} for i in range(25)]
    config = {"siteConfig": {"menus": [{"id": i, "label": f"Menu item {i}", "href": f"https://www.state.gov/page-{i}/",
                                         "teaser": Text(rng).sentence()} for i in range(260)],
                             "decoy": "CHINA: Tier 1", "reportYear": year}}
    return f"""<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_lib.escape(title)} - United States Department of State</title>
{metas}
{links}
<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@graph": graph})}</script>
<script>window.wpData = {json.dumps(config)};</script>
<style>{".report__section-title { text-transform: uppercase; } " * 40}</style>
</head>"""


def mega_menu(rng: random.Random) -> str:
    """About 300 links in a <nav>, including a site-wide 'China' link outside the report."""
    groups = []
    for g in range(12):
        items = "".join(f'<li class="menu-item"><a href="https://www.state.gov/section-{g}/page-{i}/">'
                        f'{rng.choice(OBJECTS).capitalize()}</a></li>' for i in range(22))
        groups.append(f'<li class="menu-item menu-item-has-children"><a href="https://www.state.gov/section-{g}/">'
                      f'Section {g}</a><ul class="sub-menu">{items}</ul></li>')
    countries = "".join(f'<li><a href="https://www.state.gov/countries-areas/{c.lower().replace(" ", "-")}/">{c}</a></li>'
                        for c in ALL_COUNTRIES[:40])
    return (f'<nav class="nav-primary" aria-label="Main menu"><ul class="menu">{"".join(groups)}'
            f'<li class="menu-item"><a href="https://www.state.gov/countries-areas/">Countries &amp; Areas</a>'
            f'<ul class="sub-menu">{countries}</ul></li></ul></nav>')


def share_widget(rng: random.Random) -> str:
    icons = "".join(f'<a class="share-link" href="https://share.example/{n}">{svg_icon(rng, n)}<span>{n}</span></a>'
                    for n in ("facebook", "twitter", "linkedin", "email", "print", "copy"))
    return f'<div class="report__share share-widget">Share {icons}</div>'


def footer_links(rng: random.Random, n: int = 120) -> str:
    return " ".join(f'<a href="https://www.state.gov/footer-{i}/">{rng.choice(OBJECTS).capitalize()}</a>' for i in range(n))


def recent_page(year: int, title: str, headline: str, entry: str, rng: random.Random, slug: str = "china") -> str:
    options = "\n".join(
        f'<option value="https://www.state.gov/reports/{y}-trafficking-in-persons-report/{slug + "/" if slug else ""}"'
        f'{" selected" if y == year else ""}>{y}</option>' for y in range(2017, 2026))
    return f"""<!DOCTYPE html>
{MARK}<html lang="en-US">
{head(title, rng, year)}
<body class="report-template-default single single-report">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header class="site-header" role="banner">
  <div class="site-header__logo"><a href="https://www.state.gov/">{svg_icon(rng, "seal")} U.S. Department of State</a></div>
  {mega_menu(rng)}
  <form class="site-search" role="search" action="https://www.state.gov/"><label>Search</label><input type="search" name="s"><button type="submit">{svg_icon(rng, "search")}</button></form>
</header>
<main id="content" class="site-main">
<div class="breadcrumbs"><a href="https://www.state.gov/">Home</a> &rsaquo; <a href="https://www.state.gov/reports/">Reports</a> &rsaquo; <a href="https://www.state.gov/reports/{year}-trafficking-in-persons-report/">{year} Trafficking in Persons Report</a> &rsaquo; {html_lib.escape(title)}</div>
<article class="report">
  <div class="featured-content">
    <h1 class="featured-content__headline">{html_lib.escape(headline)}</h1>
    <p class="featured-content__subheadline">Office to Monitor and Combat Trafficking in Persons</p>
  </div>
  <nav id="report-nav" class="report__nav" aria-label="Report years">
    <label for="report-year">Report year</label>
    <select id="report-year">
{options}
    </select>
  </nav>
  <div class="report__body">
    {share_widget(rng)}
{entry}
    <div class="related-content"><h2>Related Articles</h2><ul>{"".join(f'<li><a href="https://www.state.gov/related-{i}/">{rng.choice(OBJECTS).capitalize()}</a></li>' for i in range(12))}</ul></div>
    <p class="back-to-top"><a href="#content">Back to Top</a></p>
  </div>
</article>
</main>
<footer class="site-footer" role="contentinfo">
  <div class="site-footer__menu">{footer_links(rng)}</div>
  <p>This is the official website of the U.S. Department of State (synthetic benchmark page).</p>
</footer>
<script src="https://www.state.gov/wp-content/themes/state-department/dist/js/main.js"></script>
<script>{"window.__blob = window.__blob || []; window.__blob.push(" + json.dumps([Text(rng).sentence() for _ in range(300)]) + ");"}</script>
</body>
</html>
"""


def archive_page(era: str, year: int, title: str, center: str, rng: random.Random) -> str:
    """The 2001-2009 / 2009-2017 archive template (tables, left navigation, long menus, footers)."""
    base = "/g/tip" if era == "early" else "/j/tip"
    menu = "".join(f'<li><a href="/section-{g}/page-{i}.htm">{rng.choice(OBJECTS).capitalize()}</a></li>'
                   for g in range(12) for i in range(24))
    left = "".join(f'<li><a href="{base}/rls/page-{i}.htm">{rng.choice(OBJECTS).capitalize()}</a></li>' for i in range(40))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
{MARK}<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
{head(title, rng, year)}
<body>
<a name="top"></a>
<div id="skip"><a href="#centerblock">Skip to main content</a></div>
<div id="header-wrapper">
  <div id="banner"><a href="/">{svg_icon(rng, "seal")} U.S. Department of State</a></div>
  <ul id="main-menu">{menu}</ul>
  <div id="archive-notice">This is archived content of the Department of State website (synthetic benchmark page).</div>
</div>
<div id="breadcrumbs"><a href="/">Home</a> &raquo; <a href="{base}/">Office to Monitor and Combat Trafficking in Persons</a> &raquo; <a href="{base}/rls/tiprpt/{year}/index.htm">{year} Trafficking in Persons Report</a></div>
<table width="100%" border="0" cellpadding="0" cellspacing="0"><tr>
<td id="leftnav" valign="top" width="160"><ul>{left}</ul></td>
<td valign="top">
<div id="centerblock">
{center}
</div>
</td></tr></table>
<div id="share-tools" class="share-bar">{share_widget(rng)}</div>
<div id="footer">
  <p>{footer_links(rng, 80)}</p>
  <p>The Office of Website Management manages this site (synthetic benchmark page).</p>
</div>
<script>{"var __blob = " + json.dumps([Text(rng).sentence() for _ in range(300)]) + ";"}</script>
</body>
</html>
"""


# ------------------------------------------------------------------------------------------------
# The China narrative of each era


class Narrative:
    """Collects the HTML of a narrative and, alongside, what the parser must read from it."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.text = Text(rng)
        self.html: list[str] = []
        self.sections: list[tuple[str, list[str]]] = []
        self.nk = 0
        self.notes: tuple[str, ...] = ()
        self.recommendations: list[str] = []
        self.nk_recommendations: list[int] = []

    def section(self, name: str) -> None:
        self.sections.append((name, []))

    def para(self, text: str, markup: str = "<p>{}</p>") -> None:
        self.sections[-1][1].append(text)
        self.html.append(markup.format(typeset(text, self.rng)))

    def filler(self, nk: bool = False) -> str:
        text = self.text.paragraph()
        if nk:
            text += " " + self.rng.choice(NK_SENTENCES)
            self.nk += 1
        return text

    def fill(self, count: int, nk_at: set[int] = frozenset(), footnote: int | None = None) -> None:
        for i in range(count):
            text = self.filler(i in nk_at)
            markup = "<p>{}</p>" if footnote is None or i != 0 else f'<p>{{}}<sup><a href="#fn{footnote}">{footnote}</a></sup></p>'
            self.para(text, markup)

    def raw(self, markup: str) -> None:
        self.html.append(markup)

    def recommendation_clauses(self, count: int, nk_at: int) -> str:
        """One paragraph of `count` semicolon-separated recommendations ('; and' before the last), the
        one at index nk_at naming North Korean people; the items are recorded as the splitter reads them."""
        clauses = [self.text.recommendation()[:-1] for _ in range(count)]
        clauses[nk_at] = NK_RECOMMENDATION_CLAUSE
        self.recommendations += clauses[:-1] + [clauses[-1] + "."]
        self.nk_recommendations.append(nk_at + 1)
        self.nk += 1
        return "; ".join(clauses[:-1]) + "; and " + clauses[-1] + "."


def placement(year: int) -> tuple[str, tuple[str, ...]]:
    """The assessment + placement sentences of a year (empty before 2003: heading only) and the notes."""
    tier = TIERS[year]
    if year <= 2004:
        comply = ("The Government of China does not fully comply with the minimum standards for the elimination of "
                  "trafficking; however, it is making significant efforts to do so.")
        return comply, ()
    if year == 2005:
        return ("The Government of China does not fully comply with the minimum standards for the elimination of "
                "trafficking; however, it is making significant efforts to do so. China is placed on Tier 2 Watch List "
                "for its failure to provide evidence of increasing efforts to combat trafficking."), ()
    if 2006 <= year <= 2010 or year == 2012:
        n = ORDINALS.get(year - 2004, "eighth")
        return ("The Government of China does not fully comply with the minimum standards for the elimination of "
                f"trafficking; however, it is making significant efforts to do so. China is placed on Tier 2 Watch List "
                f"for a {n} consecutive year."), ("remained",)
    if year in (2011, 2016):
        return ("The Government of the People's Republic of China does not fully meet the minimum standards for the "
                "elimination of trafficking; however, it is making significant efforts to do so. China has been granted "
                "a waiver from an otherwise required downgrade to Tier 3 because its government has a written plan; "
                "therefore China remained on Tier 2 Watch List."), ("waiver", "remained")
    if year == 2013:
        return ("The Government of the People's Republic of China does not fully comply with the minimum standards for "
                "the elimination of trafficking and is not making significant efforts to do so. China is deemed not to "
                "be making significant efforts to comply with the minimum standards and is therefore placed on Tier 3."), \
            ("automatic_downgrade",)
    if year == 2014:
        return ("The Government of the People's Republic of China does not fully comply with the minimum standards for "
                "the elimination of trafficking; however, it is making significant efforts to do so. Therefore, China "
                "is upgraded to Tier 2 Watch List."), ("upgraded",)
    if year == 2015:
        return ("The Government of the People's Republic of China does not fully comply with the minimum standards for "
                "the elimination of trafficking; however, it is making significant efforts to do so. China is placed on "
                "Tier 2 Watch List for the second consecutive year."), ("remained",)
    assert tier == "Tier 3"
    assess = ("The Government of the People's Republic of China (PRC) does not fully meet the minimum standards for the "
              "elimination of trafficking and is not making significant efforts to do so; ")
    if year == 2017:
        return assess + "therefore China was downgraded to Tier 3.", ("downgraded",)
    if year <= 2019:
        return assess + "therefore China remained on Tier 3.", ("remained",)
    return assess + "therefore the PRC remained on Tier 3.", ("remained",)


def printed_name(year: int, name: str) -> str:
    """A country's name as the 2001-2008 heading prints it (ASCII)."""
    if year <= 2002:
        return name
    if year <= 2006:
        return "People's Republic of China" if name == "China" and year <= 2004 else name
    return "CHINA (HONG KONG)" if name == "Hong Kong" else "CHINA (MACAU)" if name == "Macau" else name.upper()


def early_heading(year: int, name: str, tier: str) -> str:
    printed = printed_name(year, name).replace("'", "\u2019")
    if year <= 2002:
        return f'<h3><a name="{name.lower()}"></a>{printed} ({tier})</h3>'
    if year <= 2006:
        tag = "strong" if year % 2 else "b"
        return f'<p><a name="{name.lower()}"></a><{tag}>{printed} ({tier})</{tag}></p>'
    return f'<h4><a name="{name.lower()}"></a>{printed} ({tier.upper()})</h4>'


def early_section_title(year: int, title: str, first: str, rng: random.Random) -> str:
    """A bold run-in section title: with its first paragraph after a <br> (to 2006), alone after."""
    if year <= 2006:
        return f"<p><b>{title}</b><br>{typeset(first, rng)}</p>"
    return f"<p><b>{title}</b></p>\n<p>{typeset(first, rng)}</p>"


def china_early(year: int, rng: random.Random, target_words: int) -> Narrative:
    n = Narrative(rng)
    n.raw(early_heading(year, "China", TIERS[year]))
    body = max(3, target_words // 75)
    profile, rest = max(2, body // 6), body - max(2, body // 6)
    n.section("TRAFFICKING PROFILE")
    n.para(n.filler() + " " + EARLY_NK)
    n.nk += 1
    n.fill(profile - 1, nk_at={profile - 2})
    statement, notes = placement(year)
    n.section("INTRODUCTION")
    n.para(statement + " " + n.text.paragraph(3))
    if year >= 2007:
        n.section("PRIORITIZED RECOMMENDATIONS")
        recs = n.recommendation_clauses(6, 4)
        n.sections[-1][1].append(recs)
        n.raw(f"<p><b>Recommendations for China:</b> {typeset(recs, rng)}</p>")
    for name, title in (("PROSECUTION", "Prosecution"), ("PROTECTION", "Protection"), ("PREVENTION", "Prevention")):
        count = max(1, rest // 3)
        n.section(name)
        first = n.filler(name == "PROTECTION")
        n.sections[-1][1].append(first)
        n.raw(early_section_title(year, title, first, rng))
        n.fill(count - 1)
    n.notes = notes
    return n


def other_country(year: int, name: str, tier: str, rng: random.Random, paragraphs: int) -> str:
    text = Text(rng)
    out = [early_heading(year, name, tier)]
    out += [f"<p>{text.paragraph()}</p>" for _ in range(max(1, paragraphs // 2))]
    out.append(f"<p>The Government of {name} does not fully comply with the minimum standards for the elimination "
               f"of trafficking; {text.sentence()}</p>")
    for title in ("Prosecution", "Protection", "Prevention"):
        out.append(early_section_title(year, title, text.paragraph(), rng))
        out += [f"<p>{text.paragraph()}</p>" for _ in range(max(0, paragraphs // 4))]
    return "\n".join(out)


def middle_heading(year: int, tier: str) -> str:
    if year <= 2010:
        return f"<h2>PEOPLE\u2019S REPUBLIC OF CHINA ({tier.upper()})</h2>"
    if year <= 2013:
        return f"<h2>CHINA ({tier})</h2>"
    return f"<h2>CHINA: {tier}</h2>"


def china_middle(year: int, rng: random.Random, target_words: int) -> Narrative:
    n = Narrative(rng)
    n.raw(middle_heading(year, TIERS[year]))
    body = max(6, target_words // 75)
    profile = max(3, body // 5)
    n.section("TRAFFICKING PROFILE")
    n.fill(profile, nk_at={1, profile - 1}, footnote=1)
    statement, notes = placement(year)
    n.section("INTRODUCTION")
    n.para(statement + " " + n.text.paragraph(3))
    n.para(n.text.paragraph())
    n.section("PRIORITIZED RECOMMENDATIONS")
    recs = n.recommendation_clauses(8, 5)
    if year <= 2012:
        n.sections[-1][1].append(recs)
        n.raw(f"<p><strong>Recommendations for China:</strong> {typeset(recs, rng)}</p>")
    else:
        n.raw("<h3>Recommendations for China:</h3>")
        n.para(recs)
    rest = body - profile - 3
    for name, title in (("PROSECUTION", "Prosecution"), ("PROTECTION", "Protection"), ("PREVENTION", "Prevention")):
        n.raw(f"<h3>{title if year <= 2013 else title.upper()}</h3>")
        n.section(name)
        n.fill(max(1, rest // 3), nk_at={0} if name == "PROTECTION" else set())
    n.raw('<div class="footnotes"><p><sup>1</sup> Synthetic footnote text, which the parser must drop.</p></div>')
    n.notes = notes
    return n


def recent_heading(year: int) -> str:
    if year <= 2019:
        return "<h2>CHINA: Tier 3</h2>"
    if year == 2020:
        return "<p><strong>CHINA: TIER 3</strong></p>"
    if year <= 2022:
        return "<h3>China (Tier 3)</h3>"
    return '<h2 class="report__section-title">PRC: Tier&nbsp;3</h2>'


def china_recent(year: int, rng: random.Random, target_words: int) -> Narrative:
    n = Narrative(rng)
    level = "h3" if 2020 <= year <= 2022 else "h2"
    n.raw('<section class="entry-content">')
    n.raw(recent_heading(year))
    statement, notes = placement(year)
    n.section("INTRODUCTION")
    n.para(statement + " " + n.text.paragraph(4))
    n.raw(f'<{level} class="report__section-title">{"RECOMMENDATIONS FOR CHINA:" if year == 2017 else "PRIORITIZED RECOMMENDATIONS:"}</{level}>')
    n.section("PRIORITIZED RECOMMENDATIONS")
    n.raw("<ul>")
    for i in range(rng.randint(8, 13)):
        item = n.text.recommendation()
        if i == 2:
            item = NK_RECOMMENDATION_ITEM
            n.nk += 1
            n.nk_recommendations.append(i + 1)
        n.recommendations.append(item)
        n.para(item, "<li>{}</li>")
    n.raw("</ul>")
    body = max(8, target_words // 75)
    per = max(2, (body - 2) // 4)
    for k, name in enumerate(("PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE")):
        if k == 2 and year % 2:
            n.raw('</section>\n<div class="report__interstitial">' + share_widget(rng) + '</div>\n<section class="entry-content">')
        n.raw(f'<{level} class="report__section-title">{name}</{level}>')
        n.section(name)
        nk = {per - 1} if name == "TRAFFICKING PROFILE" else {1} if name == "PROTECTION" else set()
        n.fill(per, nk_at=nk, footnote=k + 1 if k < 2 else None)
    n.raw('<div class="footnotes"><ol>' + "".join(f'<li id="fn{i}">Synthetic footnote {i}.</li>' for i in (1, 2))
          + "</ol></div>")
    n.raw("</section>")
    n.notes = notes
    return n


# ------------------------------------------------------------------------------------------------
# Writing a year


class Site:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.written: list[str] = []

    def write(self, url: str, page: str) -> None:
        assert url.startswith("https://")
        rel = url[len("https://"):]
        if rel.endswith("/"):
            rel += "index.html"
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        self.written.append(url)


def _truth(year: int, landing: str, source: str, n: Narrative, pages: list[str],
           page_countries: list[tuple[str, str, int]] | None = None) -> YearTruth:
    sections = [(name, paras) for name, paras in n.sections if paras]
    paragraphs = tuple(p for _, paras in sections for p in paras)
    page_countries = page_countries or [(printed_name(year, "China"), TIERS[year], len(paragraphs))]
    return YearTruth(year, era_of(year), landing, source, TIERS[year], n.notes,
                     tuple((name, len(paras)) for name, paras in sections), paragraphs,
                     sum(words(p) for p in paragraphs), n.nk, countries_on_page=len(page_countries),
                     page_countries=tuple(page_countries), pages=tuple(pages),
                     recommendations=tuple(n.recommendations), north_korean_recommendations=tuple(n.nk_recommendations))


def write_year(site: Site, year: int, seed: int = SEED) -> YearTruth:
    """Write one year's landing, index and narrative pages; return what the narrative holds."""
    rng = random.Random(seed * 10_000 + year)
    target = rng.randint(4000, 12000)
    era = era_of(year)
    landing = landing_url(year)
    start = len(site.written)
    if era == "early":
        base = f"https://{EARLY_HOST}/g/tip/rls/tiprpt/{year}/"
        page_id = 10000 + (year - 2000) * 977
        regional = f"{base}{page_id}.htm"
        n = china_early(year, rng, target)
        parts = []
        page_countries = []
        for name in REGION:
            if name == "China":
                parts.append("\n".join(n.html))
                page_countries.append((printed_name(year, name), TIERS[year], sum(len(p) for _, p in n.sections)))
                continue
            tier = "Tier 1" if name in ("Hong Kong", "Australia", "Singapore") else rng.choice(["Tier 2", "Tier 3"])
            if name in ("Hong Kong", "Macau", "Taiwan") and year <= 2006:
                tier = "Tier 1"
            size = rng.randint(6, 12)
            parts.append(other_country(year, name, tier, rng, size))
            page_countries.append((printed_name(year, name), tier, max(1, size // 2) + 1 + 3 * (1 + size // 4)))
        center = (f"<h2>Country Narratives -- East Asia and the Pacific</h2>\n<p class=\"releasedby\">Released by the "
                  f"Office to Monitor and Combat Trafficking in Persons<br>June {year}</p>\n" + "\n".join(parts)
                  + '\n<p><a href="#top">Back to Top</a></p>')
        site.write(regional, archive_page(era, year, "Country Narratives -- East Asia and the Pacific", center, rng))
        intro = f"<h2>Trafficking in Persons Report</h2>\n<p>{Text(rng).paragraph()}</p>"
        if year % 2 == 0:
            toc = (f'<h3>Table of Contents</h3><ul><li><a href="{page_id - 2}.htm">Introduction</a></li>'
                   f'<li><a href="{page_id}.htm">Country Narratives -- East Asia and the Pacific</a>: '
                   + ", ".join(f'<a href="{page_id}.htm#{c.lower().replace(" ", "")}">{c}</a>' for c in REGION)
                   + "</li></ul>")
            site.write(landing, archive_page(era, year, f"Trafficking in Persons Report {year}", intro + toc, rng))
        else:
            index = f"{base}{page_id - 1}.htm"
            ranges = ((index, "A", "C"), *((f"{base}{page_id + 100 + k}.htm", a, b)
                                           for k, (a, b) in enumerate((("D", "K"), ("L", "R"), ("S", "Z")))))
            toc = ('<h3>Table of Contents</h3><ul>'
                   + "".join(f'<li><a href="{url}">Country Narratives -- Countries {a} through {b}</a></li>'
                             for url, a, b in ranges) + "</ul>")
            site.write(landing, archive_page(era, year, f"Trafficking in Persons Report {year}", intro + toc, rng))
            links = "".join(f'<li><a href="{page_id if c in REGION else page_id + 50}.htm#{c.lower().replace(" ", "")}">{c}</a></li>'
                            for c in ALL_COUNTRIES if c[0] <= "C")
            site.write(index, archive_page(era, year, "Country Narratives -- Countries A through C",
                                           f"<h2>Country Narratives -- Countries A through C</h2><ul>{links}</ul>", rng))
        return _truth(year, landing, regional, n, site.written[start:], page_countries)
    if era == "middle":
        host = f"https://{MIDDLE_HOST}"
        ids = {c: 140000 + (year - 2009) * 5000 + i for i, c in enumerate(ALL_COUNTRIES)}
        country_url = f"{host}/j/tip/rls/tiprpt/countries/{year}/{ids['China']}.htm"
        n = china_middle(year, rng, target)
        center = (f'<div class="pagetitle"><h1>{year} Trafficking in Persons Report</h1></div>\n'
                  f'<p class="report-meta">Report<br />Office to Monitor and Combat Trafficking in Persons<br />June {year}</p>\n'
                  + "\n".join(n.html) + '\n<p><a href="#top">Back to Top</a></p>')
        site.write(country_url, archive_page(era, year, "China", center, rng))
        links = " | ".join(f'<a href="/j/tip/rls/tiprpt/countries/{year}/{ids[c]}.htm">{"China (PRC)" if c == "China" and year % 2 else c}</a>'
                           for c in ALL_COUNTRIES)
        intro = f"<h1>{year} Trafficking in Persons Report</h1>\n<p>{Text(rng).paragraph()}</p>"
        if year % 2:
            site.write(landing, archive_page(era, year, f"{year} Trafficking in Persons Report",
                                             intro + f"<h3>Country Narratives</h3><p>{links}</p>", rng))
        else:
            index = f"{host}/j/tip/rls/tiprpt/{year}/{ids['Afghanistan'] - 7}.htm"
            site.write(landing, archive_page(era, year, f"{year} Trafficking in Persons Report", intro
                                             + f'<ul class="report-toc"><li><a href="{index}">Country Narratives</a></li></ul>',
                                             rng))
            site.write(index, archive_page(era, year, "Country Narratives",
                                           f"<h1>Country Narratives</h1><p>{links}</p>", rng))
        return _truth(year, landing, country_url, n, site.written[start:])
    country_url = f"{landing}china/"
    n = china_recent(year, rng, target)
    site.write(country_url, recent_page(year, "China", f"{year} Trafficking in Persons Report: China",
                                        "\n".join(n.html), rng))
    items = "\n".join(f'<li><a href="{landing}{c.lower().replace(" ", "-")}/">{c}</a></li>' for c in ALL_COUNTRIES)
    entry = (f'<section class="entry-content">\n<p>{Text(rng).paragraph()}</p>\n'
             f'<h2 class="report__section-title">Country Narratives</h2>\n<ul class="country-narratives">\n{items}\n</ul>\n'
             "</section>")
    site.write(landing, recent_page(year, f"{year} Trafficking in Persons Report",
                                    f"{year} Trafficking in Persons Report", entry, rng, slug=""))
    return _truth(year, landing, country_url, n, site.written[start:])


def generate(out_dir: Path | str, years=YEARS, seed: int = SEED) -> dict[int, YearTruth]:
    """Write the site for `years` under out_dir (plus truth.json); {year: YearTruth}. Deterministic."""
    site = Site(Path(out_dir))
    truth = {year: write_year(site, year, seed) for year in sorted(years)}
    (Path(out_dir) / "truth.json").write_text(
        json.dumps({str(y): asdict(t) for y, t in truth.items()}, indent=1), encoding="utf-8")
    return truth


def load_truth(out_dir: Path | str) -> dict[int, YearTruth]:
    """The ground truth that generate() wrote to out_dir/truth.json."""
    raw = json.loads((Path(out_dir) / "truth.json").read_text(encoding="utf-8"))
    return {int(y): YearTruth(**{**t, "tier_notes": tuple(t["tier_notes"]),
                                  "sections": tuple(tuple(s) for s in t["sections"]),
                                  "paragraphs": tuple(t["paragraphs"]), "pages": tuple(t["pages"]),
                                  "page_countries": tuple(tuple(c) for c in t["page_countries"]),
                                  "recommendations": tuple(t.get("recommendations", ())),
                                  "north_korean_recommendations": tuple(t.get("north_korean_recommendations", ()))})
            for y, t in raw.items()}


def url_file(out_dir: Path | str, url: str) -> Path:
    """The file that holds an original URL in the generated site ('/' -> index.html)."""
    rel = url[len("https://"):]
    return Path(out_dir) / (rel + "index.html" if rel.endswith("/") else rel)


def page_files(out_dir: Path | str) -> list[Path]:
    """Every generated HTML page under out_dir."""
    return sorted(p for p in Path(out_dir).rglob("*") if p.is_file() and p.suffix in (".htm", ".html"))


def size_summary(out_dir: Path | str) -> str:
    """'N pages, min/median/max X/Y/Z KB' of the generated pages (narrative pages listed apart)."""
    sizes = [p.stat().st_size / 1024 for p in page_files(out_dir)]
    return (f"{len(sizes)} pages, size min/median/max {min(sizes):.0f}/{statistics.median(sizes):.0f}/"
            f"{max(sizes):.0f} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", help="where to write the site (default: a new temporary directory)")
    parser.add_argument("--years", default="2001-2025", help="e.g. 2001-2025 or 2003,2012,2021")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    out = Path(args.out_dir) if args.out_dir else Path(tempfile.mkdtemp(prefix="tip-realistic-"))
    truth = generate(out, parse_years(args.years), args.seed)
    narrative_sizes = sorted(url_file(out, t.source_url).stat().st_size / 1024 for t in truth.values())
    word_counts = sorted(t.word_count for t in truth.values())
    print(f"wrote {out}: {size_summary(out)}")
    print(f"narrative pages: {len(truth)}, size min/median/max {narrative_sizes[0]:.0f}/"
          f"{statistics.median(narrative_sizes):.0f}/{narrative_sizes[-1]:.0f} KB; China narrative words "
          f"min/median/max {word_counts[0]}/{statistics.median(word_counts):.0f}/{word_counts[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
