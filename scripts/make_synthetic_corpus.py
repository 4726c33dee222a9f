"""Write a SYNTHETIC corpus (every table of docs/contract.md) for dashboard tests and benchmarks.

The text is invented "in the style of" the TIP report's China narratives; it is NOT report text and
every narrative says so in its first paragraph. Because the generator builds each sentence from a
template that knows which groups it names, the analysis tables (mentions, mention_sections, kwic)
are exact by construction and consistent with paragraphs.csv. Tiers come from the repository's
reference table (real, sourced); scraped rows carry a synthetic tier sentence.

    python scripts/make_synthetic_corpus.py                 # 25 years (2001-2025) into a temp dir
    python scripts/make_synthetic_corpus.py OUT --years 2004 2013 2020 2021 --script-tag 2021
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference" / "china_tiers.csv"
MARKER = "SYNTHETIC TEST FIXTURE - not report text."
SCRIPT_TAG = "<script>alert(1)</script>"
GROUPS = (
    "north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan", "burmese", "vietnamese",
    "lao", "cambodian", "mongolian", "nepali", "pakistani", "indonesian", "filipino", "african",
)


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


@dataclass
class Built:
    """All rows of the corpus, table by table."""

    tables: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in (
        "tiers", "narratives", "paragraphs", "coverage", "mentions", "mention_sections", "kwic", "claims")})


def _reference() -> dict[int, dict]:
    with open(REFERENCE, encoding="utf-8", newline="") as fh:
        return {int(r["year"]): r for r in csv.DictReader(fh)}


def build(years: list[int], *, scale: float = 1.0, seed: int = 7, script_tag_year: int | None = None,
          disagree_year: int | None = None) -> Built:
    """Generate the synthetic corpus for `years` (rows of every table)."""
    rng = random.Random(seed)
    ref = _reference()
    out = Built()
    t = out.tables
    for year in sorted(years):
        url = f"https://example.org/synthetic-tip/{year}/china/"
        # paragraphs as lists of templates
        paras: list[tuple[str, str, list[Template]]] = []
        late = max(0.0, (year - 2015) / 10)  # Uyghur sentences grow after 2017
        for section, title, count in layout(year, scale):
            for k in range(count):
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
        if year == script_tag_year:
            paras[-1][2].append(Template(
                f"Officials returned North Korean refugees {SCRIPT_TAG} *without* screening [them](x) (synthetic markup test).",
                {NK: "North Korean refugees"}, ("forced_return",)))
        # tables
        total_sentences = sum(len(s) for _, _, s in paras)
        words = 0
        texts = []
        per_group = {g: {"hits": 0, "sent": 0, "paras": set(), "first": None} for g in GROUPS}
        per_section: dict[tuple[str, str], dict] = {}
        section_sentences: dict[str, int] = {}
        for pi, (section, title, sents) in enumerate(paras):
            text = " ".join(s.text for s in sents)
            texts.append(text)
            words += len(text.split())
            t["paragraphs"].append(dict(country="china", year=year, paragraph_index=pi, section=section,
                                        section_title_printed=title, text=text))
            section_sentences[section] = section_sentences.get(section, 0) + len(sents)
            for si, s in enumerate(sents):
                for g, term in s.groups.items():
                    pg = per_group[g]
                    pg["hits"] += 1
                    pg["sent"] += 1
                    pg["paras"].add(pi)
                    pg["first"] = pi if pg["first"] is None else pg["first"]
                    ps = per_section.setdefault((g, section), {"hits": 0, "sent": 0, "paras": set()})
                    ps["hits"] += 1
                    ps["sent"] += 1
                    ps["paras"].add(pi)
                    t["kwic"].append(dict(
                        country="china", year=year, group=g,
                        kinds=";".join(s.kinds) if g == NK else "", quantifiers=";".join(s.quantifiers),
                        section=section, paragraph_index=pi, sentence_index=si, term=term, sentence=s.text,
                        source_url=url))
        n_par = len(paras)
        for g in GROUPS:
            pg = per_group[g]
            first = pg["first"]
            t["mentions"].append(dict(
                country="china", year=year, group=g, term_hits=pg["hits"], sentences=pg["sent"],
                paragraphs=len(pg["paras"]), per_1000_words=round(pg["sent"] / words * 1000, 4),
                share_of_sentences=round(pg["sent"] / total_sentences, 6),
                first_paragraph_index="" if first is None else first,
                first_position="" if first is None else (0.0 if n_par == 1 else round(first / (n_par - 1), 6)),
                total_sentences=total_sentences, word_count=words))
            for section in dict.fromkeys(p[0] for p in paras):
                ps = per_section.get((g, section), {"hits": 0, "sent": 0, "paras": set()})
                t["mention_sections"].append(dict(
                    country="china", year=year, group=g, section=section, term_hits=ps["hits"],
                    sentences=ps["sent"], paragraphs=len(ps["paras"]),
                    section_sentences=section_sentences[section]))
        digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
        t["narratives"].append(dict(
            country="china", year=year, source_url=url, fetched_url=url, fetched_at=f"{year}-07-01T12:00:00Z",
            sha256=digest, word_count=words, paragraph_count=n_par, section_count=len({p[0] for p in paras})))
        t["coverage"].append(dict(country="china", year=year, status="parsed", detail="synthetic", source_url=url))
    corpus = set(years)
    for year, r in sorted(ref.items()):
        if year in corpus:
            tier = ("Tier 2 Watch List" if r["tier"] != "Tier 2 Watch List" else "Tier 2") if year == disagree_year else r["tier"]
            t["tiers"].append(dict(
                country="china", year=year, tier=tier,
                tier_sentence=(f"SYNTHETIC: The Government of the People's Republic of China does not fully meet "
                               f"the minimum standards; therefore China was placed on {tier}."),
                source_url=f"https://example.org/synthetic-tip/{year}/china/", origin="scraped",
                tier_note="remained", reference_tier=r["tier"], reference_source_url=r["source_url"],
                agrees="true" if tier == r["tier"] else "false"))
        else:
            t["tiers"].append(dict(
                country="china", year=year, tier=r["tier"], tier_sentence="", source_url=r["source_url"],
                origin="reference", tier_note="", reference_tier=r["tier"],
                reference_source_url=r["source_url"], agrees=""))
    t["claims"] = _claims(t, years)
    return out


def _claims(t: dict[str, list[dict]], years: list[int]) -> list[dict]:
    """Six synthetic claim rows with verdicts (illustrative, not computed by analysis.claims)."""
    has21 = 2021 in years
    nk21 = [m for m in t["mentions"] if m["year"] == 2021 and m["group"] == NK]
    links = ";".join(f"{k['year']}:{k['paragraph_index']}" for k in t["kwic"] if k["group"] == NK and k["year"] == 2021)
    rows = [
        ("tier3_2021", "tier", "China was on Tier 3 in the 2021 report, once again.", "China once again received the lowest ranking, Tier 3",
         "2021 Trafficking in Persons Report: China", "2021", "", "",
         "supported" if has21 else "needs data", "2021: Tier 3 (synthetic fixture)", ""),
        ("last_paragraph_2021", "last_paragraph", "North Korean refugees appear only in the very last paragraph of the 2021 narrative.",
         "it is not until the very last paragraph of the report that North Korean refugees and asylum seekers",
         "2021 Trafficking in Persons Report: China", "2021", "", "",
         "partly supported" if has21 else "needs data",
         f"2021: first north_korean mention in paragraph {nk21[0]['first_paragraph_index'] + 1 if nk21 and nk21[0]['first_paragraph_index'] != '' else '?'} (synthetic)", links),
        ("some_women_2021", "quantifier", "The 2021 report says 'some' North Korean women are lured, drugged, detained or kidnapped.",
         "traffickers lure, drug, detain, or kidnap some North Korean women", "2021 Trafficking in Persons Report: China",
         "2021", "", "", "supported" if has21 else "needs data", "2021: quantifier 'some' (synthetic)", links),
        ("uyghur_focus_2021", "focus", "The report concentrates on Uyghurs and other Muslim minorities rather than North Koreans.",
         "the TIP Report overwhelmingly focuses on the persecution of Uighurs and other Muslim groups", "Hynes 2022",
         "2021", "", "", "supported" if has21 else "needs data", "2021: uyghur_xinjiang vs north_korean sentences (synthetic)", ""),
        ("ngo_kfi_60pct", "ngo_figure", "NGOs estimate 60% or 70-80% of female North Korean refugees in China are trafficked into the sex trade.",
         "60 percent of female North Korean refugees in China are trafficked into the sex trade", "Choe 2019; Zaugg 2019",
         "", "60%; 70-80%", "female North Korean refugees in China", "not supported",
         "No report year gives a share; the report says 'some' (synthetic)", ""),
        ("underweight_all_years", "underweight", "Taken over all years, the report under-weights North Korean victims.",
         "a more significant issue than just some women being targeted", "Hynes 2022", "", "", "",
         "partly supported", f"{len(years)} synthetic years", ""),
    ]
    keys = ("claim_id", "check", "claim", "quote", "citation", "report_year", "figure", "denominator", "verdict",
            "evidence", "links")
    return [dict(zip(keys, r), rule="") for r in rows]


COLUMNS = {
    "tiers": ["country", "year", "tier", "tier_sentence", "source_url", "origin", "tier_note", "reference_tier",
              "reference_source_url", "agrees"],
    "narratives": ["country", "year", "source_url", "fetched_url", "fetched_at", "sha256", "word_count",
                   "paragraph_count", "section_count"],
    "paragraphs": ["country", "year", "paragraph_index", "section", "section_title_printed", "text"],
    "coverage": ["country", "year", "status", "detail", "source_url"],
    "mentions": ["country", "year", "group", "term_hits", "sentences", "paragraphs", "per_1000_words",
                 "share_of_sentences", "first_paragraph_index", "first_position", "total_sentences", "word_count"],
    "mention_sections": ["country", "year", "group", "section", "term_hits", "sentences", "paragraphs",
                         "section_sentences"],
    "kwic": ["country", "year", "group", "kinds", "quantifiers", "section", "paragraph_index", "sentence_index",
             "term", "sentence", "source_url"],
    "claims": ["claim_id", "claim", "quote", "citation", "report_year", "figure", "denominator", "verdict",
               "evidence", "links", "check", "rule"],
}
README = """SYNTHETIC TEST FIXTURE - not report text.

Every narrative, sentence, tier sentence, count and claim verdict in these CSV files was generated by
scripts/make_synthetic_corpus.py "in the style of" the TIP report's China narratives. None of it
is text of the Trafficking in Persons Report. The tier rows of non-corpus years are copied from
data/reference/china_tiers.csv (real, sourced); {disagree}
"""


def write_corpus(out_dir: Path, years: list[int], **kwargs) -> Path:
    """Write every table for `years` into out_dir (created), plus README.txt; returns out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    built = build(years, **kwargs)
    for name, rows in built.tables.items():
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    disagree = kwargs.get("disagree_year")
    note = (f"the scraped tier of {disagree} deliberately disagrees with the reference table to exercise "
            "the disagreement display." if disagree else "no disagreement is planted.")
    (out_dir / "README.txt").write_text(README.format(disagree=note), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="output directory (default: a new temp dir)")
    parser.add_argument("--years", type=int, nargs="+", default=list(range(2001, 2026)))
    parser.add_argument("--scale", type=float, default=1.0, help="paragraphs per section multiplier")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--script-tag", type=int, default=None, metavar="YEAR",
                        help="put a <script> tag into a paragraph of YEAR (escaping test)")
    parser.add_argument("--disagree", type=int, default=None, metavar="YEAR",
                        help="make the scraped tier of YEAR disagree with the reference table")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="tipdash-synthetic-"))
    write_corpus(out, args.years, scale=args.scale, seed=args.seed, script_tag_year=args.script_tag,
                 disagree_year=args.disagree)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
