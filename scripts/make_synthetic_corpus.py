"""Build a populated SYNTHETIC data directory through the REAL pipeline: pages -> raw cache -> parse.

The narratives are invented "in the style of" the TIP report's China narratives; they are NOT report
text, every page carries the fixture generators' marker (`<!-- SYNTHETIC TEST FIXTURE - not report
text -->`) and its first paragraph says so. The pages go into DIR/raw/ exactly as a refresh would
store them (one landing page and one China page per year, at each era's real URLs), then
`python -m scrapers parse --data-dir DIR` builds every table: the counts, kinds, quantifiers and the
essay's verdicts are computed by the real rules, nothing is pre-written. The table set is marked
synthetic, so the dashboard shows a banner on every page.

    python scripts/make_synthetic_corpus.py DIR                  # 25 years (2001-2025)
    python scripts/make_synthetic_corpus.py DIR --years 2004 2013 2020 2021 --script-tag 2021
    TIPDASH_DATA_DIR=DIR streamlit run dashboard/app.py        # look at it
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REFERENCE = ROOT / "data" / "reference" / "china_tiers.csv"
MARK = "<!-- SYNTHETIC TEST FIXTURE - not report text -->"
MARKER = "SYNTHETIC TEST FIXTURE - not report text."
SCRIPT_TAG = "<script>alert(1)</script>"


@dataclass(frozen=True)
class Template:
    """A synthetic sentence and what it names: {group: term}, North Korean kinds and quantifiers."""

    text: str
    groups: dict[str, str] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    quantifiers: tuple[str, ...] = ()


NK = "north_korean"
NK_SENTENCES = (
    Template("Traffickers reportedly lure, drug, detain, or kidnap some North Korean women upon their arrival in the country.",
             {NK: "North Korean women"}, ("sex_trafficking",), ("some",)),
    Template("Many North Korean women and girls are sold as brides to men in rural provinces.",
             {NK: "North Korean women"}, ("forced_marriage",), ("many",)),
    Template("Some North Korean women are forced to perform sex acts in online chat rooms.",
             {NK: "North Korean women"}, ("cybersex", "sex_trafficking"), ("some",)),
    Template("Authorities forcibly returned North Korean refugees and asylum-seekers without screening them for indicators of trafficking.",
             {NK: "North Korean refugees"}, ("forced_return",)),
    Template("Thousands of North Korean workers reportedly labor in seafood processing and textile factories under conditions of forced labor.",
             {NK: "North Korean workers"}, ("forced_labour",), ("thousands",)),
    Template("Women from Burma, Laos, and North Korea are subjected to forced marriage and commercial sex.",
             {NK: "North Korea", "burmese": "Burma", "lao": "Laos"}, ("forced_marriage", "sex_trafficking")),
    Template("The government did not provide North Korean victims with legal alternatives to their removal.",
             {NK: "North Korean victims"}, ("forced_return",)),
    Template("North Korean defectors described brokers who sold them to brothels in northeastern cities.",
             {NK: "North Korean defectors"}, ("sex_trafficking",)),
)
NK_STATE_SENTENCES = (
    Template("The government maintained its cooperation with the North Korean government on border security.",
             {"north_korea_state": "North Korean government"}),
    Template("Officials increased patrols along the border with North Korea.",
             {"north_korea_state": "border with North Korea"}),
)
UYGHUR_SENTENCES = (
    Template("Authorities subjected Uyghurs and other Muslim minorities in Xinjiang to forced labor in detention facilities.",
             {"uyghur_xinjiang": "Uyghurs"}),
    Template("The government transferred ethnic Kazakhs and Kyrgyz from Xinjiang to factories in other provinces.",
             {"uyghur_xinjiang": "Xinjiang"}),
    Template("Reports indicated that cotton harvested in Xinjiang involved the forced labor of Uyghur workers.",
             {"uyghur_xinjiang": "Uyghur workers"}),
    Template("Officials detained more than one million Uyghurs, ethnic Kazakhs, and others in internment camps.",
             {"uyghur_xinjiang": "Uyghurs"}),
)
TIBETAN_SENTENCES = (
    Template("Authorities required Tibetans to participate in labor transfer programs away from their homes.",
             {"tibetan": "Tibetans"}),
)
NATIONALITY_SENTENCES = (
    Template("Women and girls from Vietnam and Cambodia are recruited with false promises of employment.",
             {"vietnamese": "Vietnam", "cambodian": "Cambodia"}),
    Template("Traffickers bring women from Mongolia and Nepal to work in entertainment venues.",
             {"mongolian": "Mongolia", "nepali": "Nepal"}),
    Template("Pakistani and Indonesian women are sold as brides to men in the country.",
             {"pakistani": "Pakistani", "indonesian": "Indonesian"}),
    Template("Filipino domestic workers reported the confiscation of their passports.",
             {"filipino": "Filipino"}),
    Template("African women are exploited in commercial sex in southern cities.",
             {"african": "African"}),
    Template("Burmese men are subjected to forced labor on fishing vessels.", {"burmese": "Burmese"}),
)
NEUTRAL = (
    "The government reported investigating trafficking cases, compared with the previous year.",
    "Courts convicted traffickers under articles of the criminal code covering the abduction of women.",
    "Officials did not report the number of victims identified during the reporting period.",
    "The government continued to conflate trafficking with smuggling and illegal adoption.",
    "Local officials operated shelters that could house trafficking victims.",
    "Authorities did not report screening vulnerable groups for indicators of trafficking.",
    "The government continued a national action plan for the period.",
    "Corruption and official complicity in trafficking crimes remained concerns.",
    "Observers reported that labor inspections rarely identified forced labor.",
    "The government conducted public awareness campaigns in schools and train stations.",
    "Chinese nationals working abroad on infrastructure projects reported withheld wages.",
    "Prosecutors did not report any cases involving forced labor.",
    "Victims could not obtain restitution in most cases.",
    "Police rescued women and children in joint operations with neighboring countries.",
    "The government did not make efforts to reduce the demand for commercial sex acts.",
    "Internal migrants remain vulnerable to forced labor in construction and manufacturing.",
)
RECOMMENDATIONS = (
    "Cease the forced labor of members of ethnic and religious minority groups.",
    "Screen foreign nationals for indicators of trafficking before deportation.",
    "Provide victims with legal alternatives to their removal to countries where they may face hardship.",
    "Increase law enforcement efforts to investigate and prosecute forced labor.",
    "Expand the criminal code to cover all forms of trafficking.",
    "Allow independent monitors to access places of detention.",
)


def era(year: int) -> str:
    """'old' (2001-2008), 'archive' (2009-2016) or 'recent' (2017 on): the layouts of the narratives."""
    return "old" if year <= 2008 else ("archive" if year <= 2016 else "recent")


def layout(year: int, scale: float) -> list[tuple[str, str, int]]:
    """(section, printed title, number of paragraphs) in printed order for one year's narrative."""
    n = lambda k: max(1, round(k * scale))  # noqa: E731
    if era(year) == "old":
        return [("INTRODUCTION", "", n(4)), ("PROSECUTION", "Prosecution", n(2)),
                ("PROTECTION", "Protection", n(2)), ("PREVENTION", "Prevention", n(2))]
    if era(year) == "archive":
        return [("TRAFFICKING PROFILE", "", n(6)), ("INTRODUCTION", "", n(1)),
                ("PRIORITIZED RECOMMENDATIONS", "Recommendations for China:", n(3)),
                ("PROSECUTION", "Prosecution", n(4)), ("PROTECTION", "Protection", n(4)),
                ("PREVENTION", "Prevention", n(3))]
    return [("INTRODUCTION", "", n(2)), ("PRIORITIZED RECOMMENDATIONS", "PRIORITIZED RECOMMENDATIONS:", n(6)),
            ("PROSECUTION", "PROSECUTION", n(8)), ("PROTECTION", "PROTECTION", n(8)),
            ("PREVENTION", "PREVENTION", n(6)), ("TRAFFICKING PROFILE", "TRAFFICKING PROFILE", n(14))]


def _reference() -> dict[int, dict]:
    with open(REFERENCE, encoding="utf-8", newline="") as fh:
        return {int(r["year"]): r for r in csv.DictReader(fh)}


def synthetic_paragraphs(year: int, rng: random.Random, *, scale: float = 1.0,
                         script_tag: bool = False) -> list[tuple[str, str, str]]:
    """(section, printed heading, text) of one synthetic narrative, in printed order."""
    paras: list[tuple[str, str, list[Template]]] = []
    late = max(0.0, (year - 2015) / 10)  # Uyghur sentences grow after 2017
    for section, title, count in layout(year, scale):
        for _ in range(count):
            sents: list[Template] = []
            if section == "PRIORITIZED RECOMMENDATIONS":
                sents.append(Template(rng.choice(RECOMMENDATIONS)))
                if rng.random() < 0.2:
                    sents.append(rng.choice(UYGHUR_SENTENCES) if year >= 2017 else rng.choice(NK_SENTENCES[3:4]))
                paras.append((section, title, sents))
                continue
            for _ in range(rng.randint(3, 5)):
                r = rng.random()
                if section in ("TRAFFICKING PROFILE", "PROTECTION") and r < 0.12:
                    sents.append(rng.choice(NK_SENTENCES))
                elif r < 0.15:
                    sents.append(rng.choice(NK_STATE_SENTENCES))
                elif year >= 2017 and r < 0.15 + 0.3 * late:
                    sents.append(rng.choice(UYGHUR_SENTENCES))
                elif r < 0.5 and section == "TRAFFICKING PROFILE":
                    sents.append(rng.choice(NATIONALITY_SENTENCES))
                elif year >= 2010 and r > 0.96:
                    sents.append(rng.choice(TIBETAN_SENTENCES))
                else:
                    sents.append(Template(rng.choice(NEUTRAL)))
            paras.append((section, title, sents))
    paras[0][2].insert(0, Template(MARKER))
    if era(year) == "recent":  # the essay's point: North Koreans in the very last paragraph
        paras[-1][2].append(NK_SENTENCES[0])
    if script_tag:
        paras[-1][2].append(Template(
            f"Officials returned North Korean refugees {SCRIPT_TAG} *without* screening [them](x) (synthetic markup test)."))
    return [(section, title, " ".join(t.text for t in sents)) for section, title, sents in paras]


def urls(year: int) -> tuple[str, str]:
    """(landing page, China page) original URLs of a report year, at the real site's era layout."""
    from scrapers.web.discover import landing_urls

    landing = landing_urls(year)[0]
    if "trafficking-in-persons-report" in landing:
        return landing, landing + "china/"
    base = landing.rsplit("/", 1)[0]  # .../tiprpt/YEAR
    if base.startswith("https://2009-2017"):
        return landing, base.replace(f"/tiprpt/{year}", f"/tiprpt/countries/{year}") + "/china.htm"
    return landing, base + "/china.htm"


def _page(title: str, body: str) -> str:
    return (f"{MARK}\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<main id=\"content\">\n<article class=\"report\">\n"
            f"<h1>{html.escape(title)}</h1>\n<section class=\"entry-content\">\n{body}\n</section>\n"
            "</article>\n</main>\n<footer><p>Synthetic test page.</p></footer>\n</body>\n</html>\n")


def landing_html(year: int, china_url: str) -> str:
    """A year's landing page: a 'Country Narratives' list that links the China page."""
    return _page(f"{year} Trafficking in Persons Report",
                 f"<p>{MARKER} The {year} report's table of contents.</p>\n<h2>Country Narratives</h2>\n"
                 f"<ul><li><a href=\"{china_url}\">China</a></li></ul>")


def china_html(year: int, tier: str, paragraphs: list[tuple[str, str, str]]) -> str:
    """A year's China page: the tier heading and placement sentence, then the sections."""
    parts = [f"<h2>CHINA: {html.escape(tier)}</h2>",
             "<p>The Government of the People's Republic of China does not fully meet the minimum standards "
             f"for the elimination of trafficking; therefore China was placed on {html.escape(tier)}.</p>"]
    last_title = None
    for section, title, text in paragraphs:
        if title and title != last_title:
            parts.append(f"<h3>{html.escape(title)}</h3>")
        last_title = title
        parts.append(f"<p>{html.escape(text)}</p>")
    return _page(f"{year} Trafficking in Persons Report: China", "\n".join(parts))


def write_pages(out_dir: Path, years: list[int], *, scale: float = 1.0, seed: int = 7,
                script_tag_year: int | None = None, disagree_year: int | None = None) -> list[str]:
    """Store every year's landing and China page in OUT/raw as a refresh would; the URLs stored."""
    from scrapers.store.cache import RawCache
    from scrapers.web.http import FetchResult

    rng = random.Random(seed)
    ref = _reference()
    cache = RawCache(out_dir)
    stored: list[str] = []
    for year in sorted(years):
        tier = ref.get(year, {}).get("tier") or "Tier 2"
        if year == disagree_year:
            tier = "Tier 2" if tier == "Tier 2 Watch List" else "Tier 2 Watch List"
        landing, china = urls(year)
        paras = synthetic_paragraphs(year, rng, scale=scale, script_tag=year == script_tag_year)
        for url, page in ((landing, landing_html(year, china)), (china, china_html(year, tier, paras))):
            cache.store(FetchResult(url=url, fetched_url=url, status=200, body=page.encode("utf-8"),
                                    content_type="text/html; charset=utf-8",
                                    fetched_at=f"{year}-07-01T12:00:00Z"))
            stored.append(url)
    return stored


README = """SYNTHETIC TEST DATA - not report text.

Every page under raw/ was generated by scripts/make_synthetic_corpus.py "in the style of" the TIP
report's China narratives; none of it is text of the Trafficking in Persons Report. The tables under
tables/ were built from those pages by the real pipeline (python -m scrapers parse), so every count
and verdict follows the real rules. Tier placements follow data/reference/china_tiers.csv{disagree}.
"""


def _ensure_synthetic_set(out_dir: Path) -> None:
    """Make sure the published set says it is synthetic (for a pipeline that does not mark it itself)."""
    import pandas as pd
    from scrapers.store.tableset import current, publish

    ts = current(out_dir)
    if ts is not None:
        if ts.manifest.synthetic:
            return
        frames = {name: ts.read(name) for name in ts.manifest.tables}
        inputs_key = ts.manifest.inputs_key
    else:  # a pipeline that still writes flat DIR/*.csv
        frames = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(out_dir.glob("*.csv"))}
        inputs_key = "synthetic"
    if "narratives" in frames and "synthetic" not in frames["narratives"].columns:
        frames["narratives"] = frames["narratives"].assign(synthetic="true")
    publish(out_dir, frames, inputs_key=inputs_key, synthetic=True)


def write_corpus(out_dir: Path, years: list[int], *, scale: float = 1.0, seed: int = 7,
                 script_tag_year: int | None = None, disagree_year: int | None = None) -> Path:
    """Store synthetic pages for `years` in out_dir/raw, run the real `parse`, mark the set synthetic."""
    from scrapers.cli import main as scrapers_main

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_pages(out_dir, years, scale=scale, seed=seed, script_tag_year=script_tag_year,
                disagree_year=disagree_year)
    log = io.StringIO()
    code = scrapers_main(["parse", "--data-dir", str(out_dir)], out=log, err=log)
    if code not in (0, 1):
        raise RuntimeError(f"python -m scrapers parse failed ({code}):\n{log.getvalue()}")
    _ensure_synthetic_set(out_dir)
    note = (f"; the page of {disagree_year} deliberately states another tier, to show a disagreement"
            if disagree_year else "")
    (out_dir / "README.txt").write_text(README.format(disagree=note), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="output data directory (default: a new temp dir)")
    parser.add_argument("--years", type=int, nargs="+", default=list(range(2001, 2026)))
    parser.add_argument("--scale", type=float, default=1.0, help="paragraphs per section multiplier")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--script-tag", type=int, default=None, metavar="YEAR",
                        help="put a <script> tag into a paragraph of YEAR (escaping test)")
    parser.add_argument("--disagree", type=int, default=None, metavar="YEAR",
                        help="make the page of YEAR state a tier that disagrees with the reference table")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="tipdash-synthetic-"))
    write_corpus(out, args.years, scale=args.scale, seed=args.seed, script_tag_year=args.script_tag,
                 disagree_year=args.disagree)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
