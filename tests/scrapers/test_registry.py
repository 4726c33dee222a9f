"""Country registry: every printed name the report used resolves to one stable slug and ISO3 code."""
from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from scrapers import countries as registry
from scrapers.countries import (
    Country,
    RegistryError,
    UnknownCountry,
    all_countries as all_entries,
    get_country as get,
    resolve,
    resolve_many,
)
from scrapers.errors import PageNotFound
from scrapers.parse.names import name_key, split_heading
from scrapers.web.discover import locate_narrative

ROOT = Path(__file__).resolve().parents[2]
KELLEY = ROOT / "data" / "reference" / "kelley_tiers.csv"

# Printed name -> (slug, ISO3). Every variant the issue and the brief name, plus heading forms.
VARIANTS = {
    "China": ("china", "CHN"),
    "People's Republic of China": ("china", "CHN"),
    "PEOPLE\u2019S REPUBLIC OF CHINA": ("china", "CHN"),
    "China (includes Tibet, Hong Kong, and Macau)": ("china", "CHN"),
    "PRC": ("china", "CHN"),
    "Burma": ("burma", "MMR"),
    "Myanmar": ("burma", "MMR"),
    "Korea, North": ("north-korea", "PRK"),
    "Korea, Democratic People's Republic of": ("north-korea", "PRK"),
    "North Korea": ("north-korea", "PRK"),
    "Democratic People's Republic of Korea": ("north-korea", "PRK"),
    "DPRK": ("north-korea", "PRK"),
    "Korea, South": ("south-korea", "KOR"),
    "Korea, Republic of": ("south-korea", "KOR"),
    "South Korea": ("south-korea", "KOR"),
    "Republic of Korea": ("south-korea", "KOR"),
    "Cote d'Ivoire": ("cote-divoire", "CIV"),
    "C\u00f4te d\u2019Ivoire": ("cote-divoire", "CIV"),
    "Ivory Coast": ("cote-divoire", "CIV"),
    "Macedonia": ("north-macedonia", "MKD"),
    "North Macedonia": ("north-macedonia", "MKD"),
    "Macedonia, the Former Yugoslav Republic of": ("north-macedonia", "MKD"),
    "Swaziland": ("eswatini", "SWZ"),
    "Eswatini": ("eswatini", "SWZ"),
    "Czech Republic": ("czechia", "CZE"),
    "Czechia": ("czechia", "CZE"),
    "Turkey": ("turkiye", "TUR"),
    "Turkiye": ("turkiye", "TUR"),
    "T\u00fcrkiye": ("turkiye", "TUR"),
    "Congo, Democratic Republic of the": ("democratic-republic-of-the-congo", "COD"),
    "Democratic Republic of the Congo": ("democratic-republic-of-the-congo", "COD"),
    "Congo, Republic of the": ("republic-of-the-congo", "COG"),
    "Republic of the Congo": ("republic-of-the-congo", "COG"),
    "The Gambia": ("the-gambia", "GMB"),
    "Gambia, The": ("the-gambia", "GMB"),
    "The Bahamas": ("the-bahamas", "BHS"),
    "Bahamas, The": ("the-bahamas", "BHS"),
    "Timor-Leste": ("timor-leste", "TLS"),
    "East Timor": ("timor-leste", "TLS"),
    "Cabo Verde": ("cabo-verde", "CPV"),
    "Cape Verde": ("cabo-verde", "CPV"),
    "Serbia and Montenegro": ("serbia-and-montenegro", "SCG"),
    "Federal Republic of Yugoslavia": ("yugoslavia", "YUG"),
    "Serbia": ("serbia", "SRB"),
    "Montenegro": ("montenegro", "MNE"),
    "Bosnia and Herzegovina": ("bosnia-and-herzegovina", "BIH"),
    "Bosnia-Herzegovina": ("bosnia-and-herzegovina", "BIH"),
    "Kyrgyz Republic": ("kyrgyz-republic", "KGZ"),
    "Kyrgyzstan": ("kyrgyz-republic", "KGZ"),
    "Laos": ("laos", "LAO"),
    "Lao People's Democratic Republic": ("laos", "LAO"),
    "Brunei": ("brunei", "BRN"),
    "Brunei Darussalam": ("brunei", "BRN"),
    "Micronesia": ("micronesia", "FSM"),
    "Federated States of Micronesia": ("micronesia", "FSM"),
    "St. Lucia": ("saint-lucia", "LCA"),
    "Saint Lucia": ("saint-lucia", "LCA"),
    "St. Vincent and the Grenadines": ("saint-vincent-and-the-grenadines", "VCT"),
    "Saint Vincent and the Grenadines": ("saint-vincent-and-the-grenadines", "VCT"),
    "St. Kitts and Nevis": ("saint-kitts-and-nevis", "KNA"),
    "Hong Kong": ("hong-kong", "HKG"),
    "Macau": ("macau", "MAC"),
    "Macao": ("macau", "MAC"),
    "Taiwan": ("taiwan", "TWN"),
    "Kosovo": ("kosovo", "XKX"),
    "Somalia": ("somalia", "SOM"),
    "Libya": ("libya", "LBY"),
    "Yemen": ("yemen", "YEM"),
    "Sint Maarten": ("sint-maarten", "SXM"),
    "St. Maarten": ("sint-maarten", "SXM"),
    "Curacao": ("curacao", "CUW"),
    "Cura\u00e7ao": ("curacao", "CUW"),
    "Aruba": ("aruba", "ABW"),
    "Haiti": ("haiti", "HTI"),
    "Russia": ("russia", "RUS"),
    "Russian Federation": ("russia", "RUS"),
    "Mongolia": ("mongolia", "MNG"),
    "Vietnam": ("vietnam", "VNM"),
    "Syria": ("syria", "SYR"),
    "Iran": ("iran", "IRN"),
    "United States": ("united-states", "USA"),
    "Holy See": ("holy-see", "VAT"),
    "Guinea": ("guinea", "GIN"),
    "Guinea-Bissau": ("guinea-bissau", "GNB"),
    "Equatorial Guinea": ("equatorial-guinea", "GNQ"),
    "Sudan": ("sudan", "SDN"),
    "South Sudan": ("south-sudan", "SSD"),
    "Niger": ("niger", "NER"),
    "Nigeria": ("nigeria", "NGA"),
    "Dominica": ("dominica", "DMA"),
    "Dominican Republic": ("dominican-republic", "DOM"),
}

# Slugs already published (the brief's list): they must never change.
PUBLISHED_SLUGS = {
    "china": "CHN", "north-korea": "PRK", "south-korea": "KOR", "burma": "MMR", "cote-divoire": "CIV",
    "north-macedonia": "MKD", "eswatini": "SWZ", "czechia": "CZE", "turkiye": "TUR", "hong-kong": "HKG",
    "macau": "MAC", "taiwan": "TWN", "kosovo": "XKX",
}


@pytest.mark.parametrize("printed, expected", sorted(VARIANTS.items()))
def test_every_variant_resolves_to_one_slug_and_code(printed, expected):
    entry = resolve(printed)
    assert entry is not None, f"{printed!r} did not resolve"
    assert (entry.slug, entry.iso3) == expected
    assert get(entry.slug) is entry


def test_variants_of_one_country_share_one_entry():
    by_slug: dict[str, set[str]] = {}
    for printed in VARIANTS:
        by_slug.setdefault(resolve(printed).slug, set()).add(resolve(printed).iso3)
    assert all(len(codes) == 1 for codes in by_slug.values()), by_slug
    codes = [next(iter(c)) for c in by_slug.values()]
    assert len(codes) == len(set(codes)), "two slugs share a code"


@pytest.mark.parametrize(
    "heading, slug, tier",
    [
        ("CHINA (TIER 2)", "china", "Tier 2"),
        ("China: Tier 3", "china", "Tier 3"),
        ("PRC: TIER 3", "china", "Tier 3"),
        ("PEOPLE'S REPUBLIC OF CHINA (TIER 2 WATCH LIST)", "china", "Tier 2 Watch List"),
        ("KOREA, NORTH (Tier 3)", "north-korea", "Tier 3"),
        ("KOREA, DEMOCRATIC PEOPLE\u2019S REPUBLIC OF: Tier 3", "north-korea", "Tier 3"),
        ("BURMA: Tier 2 Watch List", "burma", "Tier 2 Watch List"),
        ("SOMALIA: Special Case", "somalia", "Special Case"),
        ("C\u00d4TE D\u2019IVOIRE (Tier 2)", "cote-divoire", "Tier 2"),
        ("CHINA (HONG KONG) (Tier 1)", "hong-kong", "Tier 1"),
        ("TAIWAN: Tier 1", "taiwan", "Tier 1"),
        ("T\u00dcRK\u0130YE: Tier 2", "turkiye", "Tier 2"),
        ("The Federal Republic of Yugoslavia (Tier 3)", "yugoslavia", "Tier 3"),  # 2001
        ("North Korea (Tier 3)", "north-korea", "Tier 3"),  # 2003
        ("Democratic People's Republic of Korea (North Korea) (Tier 3)", "north-korea", "Tier 3"),
    ],
)
def test_tier_headings_resolve_after_the_tier_is_split_off(heading, slug, tier):
    name, printed_tier = split_heading(heading)
    assert printed_tier == tier
    assert resolve(name).slug == slug
    assert resolve(heading).slug == slug


def test_split_heading_without_a_tier_keeps_the_name():
    assert split_heading("  Korea, North  ") == ("Korea, North", None)
    assert split_heading("China (includes Tibet, Hong Kong, and Macau)") == (
        "China (includes Tibet, Hong Kong, and Macau)", None)
    assert split_heading("Hong\u00a0Kong:") == ("Hong Kong", None)


@pytest.mark.parametrize(
    "printed",
    ["NORTH KOREA", "north korea", "  North\u00a0Korea ", "the North Korea", "THE DEMOCRATIC PEOPLE\u2019S REPUBLIC OF KOREA",
     "Democratic People`s Republic of Korea", "Korea , North", "Korea, North.", "*North Korea*"],
)
def test_case_quote_space_and_article_folding(printed):
    assert resolve(printed).slug == "north-korea"


@pytest.mark.parametrize(
    "printed, slug",
    [("COTE D\u2019IVOIRE", "cote-divoire"), ("c\u00f4te d'ivoire", "cote-divoire"), ("CURA\u00c7AO", "curacao"),
     ("Sao Tom\u00e9 and Pr\u00edncipe", "sao-tome-and-principe"), ("St Kitts & Nevis", "saint-kitts-and-nevis"),
     ("Saint Kitts and Nevis", "saint-kitts-and-nevis"), ("Trinidad & Tobago", "trinidad-and-tobago"),
     ("Guinea Bissau", "guinea-bissau"), ("Timor Leste", "timor-leste")],
)
def test_accent_ampersand_saint_and_hyphen_folding(printed, slug):
    assert resolve(printed).slug == slug


def test_name_key_folds_what_should_not_matter():
    assert name_key("C\u00f4te d\u2019Ivoire") == name_key("COTE D'IVOIRE") == "cote divoire"
    assert name_key("The Gambia") == name_key("Gambia") == "gambia"
    assert name_key("St. Lucia") == name_key("Saint Lucia")
    assert name_key("Tier") != name_key("Tiers")  # folding is not fuzzy matching


HK_MACAU_TAIWAN_FORMS = [
    "Hong Kong", "HONG KONG (Tier 1)", "Hong Kong: Tier 2", "Hong Kong, China", "China (Hong Kong)",
    "Hong Kong SAR", "Hong Kong Special Administrative Region of China", "Macau", "Macao", "MACAU (Tier 2 Watch List)",
    "Macau, China", "China (Macau)", "Macao Special Administrative Region of China", "Taiwan", "TAIWAN: Tier 1",
    "Taiwan, Province of China", "Taiwan, China",
]


@pytest.mark.parametrize("printed", HK_MACAU_TAIWAN_FORMS)
def test_hong_kong_macau_taiwan_are_their_own_entries_never_china(printed):
    entry = resolve(printed)
    assert entry is not None and entry.slug in {"hong-kong", "macau", "taiwan"}
    assert entry.iso3 in {"HKG", "MAC", "TWN"}
    assert get("china").mentions_excluded(split_heading(printed)[0])


def test_no_name_of_hong_kong_macau_or_taiwan_resolves_to_china():
    for slug in ("hong-kong", "macau", "taiwan"):
        for name in get(slug).printed:
            assert resolve(name).slug == slug, name


def test_a_parenthesis_naming_another_entry_is_unknown_not_guessed():
    assert resolve("China (Taiwan)") is None  # no printed variant settles it: reported, not guessed
    assert resolve("Serbia (Montenegro)") is None
    assert resolve("Sint Maarten (Dutch part)").slug == "sint-maarten"  # parenthesis names nothing
    assert resolve("Burma (Myanmar)").slug == "burma"  # both halves agree


def test_unknown_names_are_reported_never_dropped():
    names = ["China", "Atlantis", "Korea, North", "Korea", "China (Taiwan)", "Atlantis", "", "North Korea"]
    resolved, unknown = resolve_many(names)
    assert unknown == ["Atlantis", "Korea", "China (Taiwan)", ""]
    assert {n: e.slug for n, e in resolved.items()} == {
        "China": "china", "Korea, North": "north-korea", "North Korea": "north-korea"}
    assert set(resolved) | set(unknown) == set(names)
    assert resolve("Korea") is None  # bare "Korea" names two countries


def test_get_unknown_slug_raises_key_and_value_error_with_a_hint():
    with pytest.raises(KeyError) as err:
        get("North Korea")
    assert isinstance(err.value, ValueError) and isinstance(err.value, UnknownCountry)
    assert "'North Korea'" in str(err.value) and "'north-korea'" in str(err.value)
    with pytest.raises(ValueError, match="unknown country slug 'burmaa'.*'burma'"):
        get("burmaa")
    assert get(" China ").slug == "china"


def test_published_slugs_are_pinned():
    for slug, code in PUBLISHED_SLUGS.items():
        assert get(slug).iso3 == code


def test_data_file_is_sound_and_every_code_is_iso_or_stated():
    entries = all_entries()
    assert len(entries) >= 193
    assert [e.slug for e in entries] == sorted(e.slug for e in entries)
    assert len({e.slug for e in entries}) == len({e.iso3 for e in entries}) == len(entries)
    current = {c.alpha_3 for c in pycountry.countries}
    withdrawn = {c.alpha_3 for c in pycountry.historic_countries}
    for e in entries:
        assert registry.SLUG_RE.match(e.slug), e
        assert e.name == e.printed[0] == e.names[0]
        if e.code_status == "iso":
            assert e.iso3 in current, e
        elif e.code_status == "withdrawn":
            assert e.iso3 in withdrawn and e.iso3 not in current, e
        else:
            assert e.iso3 in registry.NON_ISO_CODES and e.iso3 not in current, e
    assert get("kosovo").code_status == "user-assigned" and "XKX" in get("kosovo").note
    assert {e.slug for e in entries if e.code_status == "withdrawn"} == {
        "serbia-and-montenegro", "yugoslavia", "netherlands-antilles"}


def test_every_name_of_every_entry_resolves_back_to_it():
    for e in all_entries():
        for name in e.printed:
            got = resolve(name)
            assert got is not None and got.slug == e.slug, (name, e.slug, got and got.slug)


def test_library_names_are_used_beyond_the_hand_table():
    # Not in country_names.csv: these come from pycountry's name / official_name.
    assert resolve("Plurinational State of Bolivia").slug == "bolivia"
    assert resolve("Bolivarian Republic of Venezuela").slug == "venezuela"
    assert resolve("Socialist Republic of Viet Nam").slug == "vietnam"
    rows = {r.slug: r for r in registry.read_rows()}
    assert "Plurinational State of Bolivia" not in rows["bolivia"].variants


def test_kelley_panel_cross_check_every_name_and_code_resolves():
    """Every countryname/iso pair of Kelley's panel resolves to the entry with that code (KOS is XKX)."""
    kelley_code = {"KOS": "XKX"}  # Kelley's own code for Kosovo, which has no ISO code
    with open(KELLEY, encoding="utf-8", newline="") as fh:
        pairs = sorted({(r["countryname"], r["iso"]) for r in csv.DictReader(fh)})
    assert len(pairs) == 193
    by_code = {e.iso3: e for e in all_entries()}
    mismatches = []
    for name, iso in pairs:
        code = kelley_code.get(iso, iso)
        entry = resolve(name)
        if entry is None or entry.iso3 != code or by_code.get(code) is not entry:
            mismatches.append((name, iso, entry and entry.slug))
    assert mismatches == []


def test_registry_rejects_a_name_claimed_by_two_entries():
    rows = [
        registry._Row("north-korea", "PRK", "North Korea", ("Korea",), (), ""),
        registry._Row("south-korea", "KOR", "South Korea", ("Korea, South",), (), ""),
        registry._Row("elsewhere", "KIR", "Elsewhere", ("South Korea",), (), ""),
    ]
    with pytest.raises(RegistryError, match="'South Korea'.*'south-korea'.*'elsewhere'"):
        registry.build_registry(rows)


@pytest.mark.parametrize(
    "line, message",
    [("North-Korea,PRK,North Korea,,,", "not lowercase-hyphenated"), ("north-korea,PRKX,North Korea,,,", "three letters"),
     ("north-korea,PRK,,,,", "no display name")],
)
def test_read_rows_rejects_malformed_rows(tmp_path, line, message):
    path = tmp_path / "names.csv"
    path.write_text("slug,iso3,name,variants,excluded,note\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        registry.read_rows(path)


def test_read_rows_rejects_duplicate_slugs_and_codes(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("slug,iso3,name,variants,excluded,note\nchina,CHN,China,,,\nprc,CHN,PRC,,,\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="CHN is already 'china'"):
        registry.read_rows(path)


def test_unknown_codes_are_rejected():
    with pytest.raises(RegistryError, match="QQQ"):
        registry.build_registry([registry._Row("nowhere", "QQQ", "Nowhere", (), (), "")])


# ---------------------------------------------------------------- Country and discovery


def test_china_keeps_its_exclusions_and_names():
    china = get("china")
    assert china.slug == "china" and china.url_slug == "china" and china.name == "China"
    assert set(china.excluded) == {"Hong Kong", "Macau", "Macao", "Taiwan"}
    # China's names are written once, in the data file; these are the forms its pages print.
    assert {"China", "People's Republic of China", "People's Republic of China (PRC)", "China (PRC)",
            "China, People's Republic of", "PRC"} <= set(china.names)
    assert {"c", "p"} <= china.initials
    # A name that would mention an excluded narrative cannot be one of China's own.
    assert not any(china.mentions_excluded(n) for n in china.names)


def test_every_entry_becomes_a_country_that_matches_its_own_names():
    for e in all_entries():
        country = e
        assert country.slug == e.slug and country.url_slug == e.url_slugs[0] == e.slug
        assert country.matches_name(e.name) and not country.mentions_excluded(e.name), e.slug
        for name in country.names:
            assert country.matches_name(name), (e.slug, name)


def test_names_that_contain_another_entrys_name_are_excluded():
    assert "South Sudan" in get("sudan").excluded
    assert {"Guinea-Bissau", "Equatorial Guinea", "Papua New Guinea"} <= set(get("guinea").excluded)
    assert "Democratic People's Republic of Korea" in get("south-korea").excluded
    assert "Democratic Republic of the Congo" in get("republic-of-the-congo").excluded
    assert get("north-korea").excluded == ()
    assert not get("north-korea").mentions_excluded("Korea, Democratic People's Republic of")


def test_ascii_forms_of_accented_names_reach_the_country():
    country = get("cote-divoire")
    assert country.matches_name("COTE D\u2019IVOIRE") and country.matches_name("C\u00f4te d'Ivoire")
    assert get("turkiye").matches_name("Turkiye")


def test_initials_cover_inverted_and_article_forms():
    assert {"k", "n", "d"} <= get("north-korea").initials
    assert "g" in get("the-gambia").initials
    assert "c" in get("democratic-republic-of-the-congo").initials


def test_url_slug_candidates_start_with_the_slug_and_include_printed_forms():
    assert get("north-korea").url_slugs[:2] == ("north-korea", "korea-north")
    assert "democratic-peoples-republic-of-korea" in get("north-korea").url_slugs
    assert "cote-divoire" == get("cote-divoire").url_slugs[0]
    assert "turkey" in get("turkiye").url_slugs and "st-lucia" in get("saint-lucia").url_slugs


# A 2023-style landing page that links every narrative by its printed name; URLs are page numbers so
# that only the link text can find the narrative. Neighbours with overlapping names come first.
LANDING = "https://www.state.gov/reports/2023-trafficking-in-persons-report/"
TOC_LINKS = [
    ("Hong Kong", "hk"), ("Macau", "mo"), ("Taiwan", "tw"), ("China", "cn"),
    ("Korea, South", "kr"), ("Korea, North", "kp"),
    ("Congo, Democratic Republic of the", "cd"), ("Congo, Republic of the", "cg"),
    ("Equatorial Guinea", "gq"), ("Guinea-Bissau", "gw"), ("Guinea", "gn"), ("Papua New Guinea", "pg"),
    ("South Sudan", "ss"), ("Sudan", "sd"), ("Nigeria", "ng"), ("Niger", "ne"),
    ("Dominican Republic", "do"), ("Dominica", "dm"), ("C\u00f4te d\u2019Ivoire", "ci"), ("Burma", "mm"),
    ("Gambia, The", "gm"), ("Sint Maarten", "sx"), ("Netherlands", "nl"), ("Curacao", "cw"),
]


def _toc_site() -> dict[str, str]:
    links = "".join(f'<li><a href="page-{code}/">{text}</a></li>' for text, code in TOC_LINKS)
    return {LANDING: f"<html><body><ul>{links}</ul></body></html>"}


@pytest.mark.parametrize("text, code", TOC_LINKS)
def test_discovery_finds_each_countrys_own_link(text, code):
    pages = _toc_site()

    def fetch(url: str) -> str:
        if url not in pages:
            raise PageNotFound(url)
        return pages[url]

    country = resolve(text)
    assert locate_narrative(2023, country, fetch) == f"{LANDING}page-{code}/"


def test_entry_is_a_frozen_typed_record():
    entry = get("burma")
    assert isinstance(entry, Country)
    with pytest.raises(AttributeError):
        entry.slug = "myanmar"  # type: ignore[misc]


def test_command_line_reports_each_name_and_fails_on_an_unknown(capsys):
    assert registry.main(["Korea, South", "Swaziland"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["printed,slug,iso3,name", '"Korea, South",south-korea,KOR,South Korea', "Swaziland,eswatini,SWZ,Eswatini"]
    assert registry.main(["Burma", "Atlantis"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "Atlantis,,,UNKNOWN"
    assert registry.main([]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "slug,iso3,name,code_status,names" and len(table) == len(all_entries()) + 1
