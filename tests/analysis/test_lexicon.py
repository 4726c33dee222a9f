"""Parsing and validating the lexicon TOML; the repository lexicon's structure."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.lexicon import Lexicon, LexiconError, parse_lexicon
from analysis.matching import find_matches
from analysis.text import fold

MINIMAL = """
[vocab]
person = ["women", "girls"]

[groups.demo]
label = "Demo people"
description = "A test group."
patterns = ["Demonian {person}", { pattern = "from Demonia", requires = "victims?", note = "origin" }]

[groups.demo_state]
label = "Demonia (state)"
role = "state"
yield_to = ["demo"]
patterns = ["Demonia"]
"""


def test_repository_lexicon_has_the_contract_groups(lexicon):
    assert isinstance(lexicon, Lexicon)
    for slug in ("north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan", "burmese", "vietnamese", "lao",
                 "cambodian", "mongolian", "nepali", "pakistani", "indonesian", "filipino", "thai", "russian", "african"):
        assert slug in lexicon.groups, slug
        assert lexicon.groups[slug].label
        assert lexicon.groups[slug].description
    assert list(lexicon.groups)[:2] == ["north_korean", "north_korea_state"]
    assert lexicon.groups["north_korea_state"].role == "state"
    assert lexicon.kinds_for == ("north_korean",)
    assert list(lexicon.kinds) == ["sex_trafficking", "forced_marriage", "cybersex", "forced_labour", "forced_return", "other"]
    assert [k.slug for k in lexicon.kinds.values() if k.fallback] == ["other"]
    assert set(lexicon.quantifiers) == {"share", "count", "majority", "many", "few"}
    assert lexicon.label("north_korean") == lexicon.groups["north_korean"].label


def test_minimal_lexicon_parses_and_matches():
    lx = parse_lexicon(MINIMAL)
    assert [m.term for m in find_matches("Demonian\ngirls were sold.", lx)] == ["Demonian\ngirls".replace("\n", " ")]
    assert {m.group for m in find_matches("Victims came from Demonia.", lx)} == {"demo"}
    assert {m.group for m in find_matches("Officials came from Demonia.", lx)} == {"demo_state"}
    assert lx.groups["demo"].role == "people"
    assert lx.groups["demo"].patterns[1].note == "origin"


def test_patterns_are_word_bounded_and_case_insensitive():
    lx = parse_lexicon(MINIMAL)
    assert find_matches("DEMONIAN WOMEN", lx)
    assert not find_matches("Demonianwomen and xDemonia", lx)


def test_a_hit_group_marks_the_part_of_the_match_that_counts():
    lx = parse_lexicon(MINIMAL.replace('patterns = ["Demonian {person}"', 'patterns = ["Demonia sends (?P<hit>{person})", "Demonian {person}"'))
    hits = find_matches("Demonia sends women abroad.", lx)
    assert [(m.group, m.term) for m in hits] == [("demo_state", "Demonia"), ("demo", "women")]


def test_space_in_lookbehind_stays_one_space(lexicon):
    assert not any(m.group == "mongolian" for m in find_matches("Workers in Inner Mongolia were exploited.", lexicon))
    assert any(m.group == "mongolian" for m in find_matches("Women from Mongolia were exploited.", lexicon))
    assert not any(m.group == "mongolian" for m in find_matches("Workers in Inner\nMongolia were exploited.", lexicon))


@pytest.mark.parametrize(
    "text, message",
    [
        ("this is = not toml [", "not valid TOML"),
        ("[groups.a]\nlabel = 'A'\n", "groups.a: patterns must be a non-empty list"),
        ("[groups.a]\npatterns = ['x']\n", "groups.a: missing label"),
        ("[groups.a]\nlabel = 'A'\npatterns = ['(unclosed']\n", "groups.a.patterns[0]: invalid regular expression"),
        ("[groups.a]\nlabel = 'A'\npatterns = ['{nothing}']\n", "unknown vocab name {nothing}"),
        ("[groups.a]\nlabel = 'A'\npatterns = ['x?']\n", "matches the empty string"),
        ("[groups.a]\nlabel = 'A'\npatern = ['x']\npatterns = ['x']\n", "unknown key(s) ['patern']"),
        ("[groups.a]\nlabel = 'A'\nrole = 'ghost'\npatterns = ['x']\n", "groups.a.role: 'ghost' is not one of"),
        ("[groups.a]\nlabel = 'A'\nyield_to = ['b']\npatterns = ['x']\n", "groups.a.yield_to: unknown group 'b'"),
        ("[groups.A-b]\nlabel = 'A'\npatterns = ['x']\n", "groups.A-b: slugs are lowercase"),
        ("[groups.a]\nlabel = 'A'\npatterns = [{ pattern = 'x', requires = '(' }]\n", "groups.a.patterns[0].requires: invalid regular expression"),
        ("[groups.a]\nlabel = 'A'\npatterns = [3]\n", "expected a table"),
        ("kinds_for = ['a']\n[groups.a]\nlabel = 'A'\npatterns = ['x']\n", "kinds_for names groups but no [kinds.*]"),
        ("[groups.a]\nlabel = 'A'\npatterns = ['x']\n[kinds.k]\nlabel = 'K'\npatterns = ['y']\n", "exactly one kind must have fallback"),
        ("", "no [groups.*] defined"),
        ("[vocab]\nbad = ['(']\n[groups.a]\nlabel = 'A'\npatterns = ['x']\n", "vocab.bad: invalid regular expression"),
        ("[groups.a]\nlabel = 'A'\npatterns = ['(?P<who>x) y']\n", "groups.a.patterns[0]: named groups ['who'] are not allowed"),
    ],
)
def test_bad_lexicons_get_clear_errors(text, message):
    with pytest.raises(LexiconError) as info:
        parse_lexicon(text)
    assert message in str(info.value)


def test_non_text_input_is_refused():
    with pytest.raises(LexiconError, match="must be a str"):
        parse_lexicon(b"[groups]")  # type: ignore[arg-type]


# SYNTHETIC TEST SENTENCES (no real sentence naming the DPRK's citizens by its formal name was found to
# quote; the origin-list wording has a real example in real_sentences.csv): the formal name with its
# abbreviation inside a people phrase names people only, as the lexicon's header says.
@pytest.mark.parametrize("sentence, groups", [
    ("Citizens of the Democratic People's Republic of Korea (DPRK) are subjected to forced labor.", {"north_korean"}),
    ("Nationals of the Democratic People's Republic of Korea (DPRK or North Korea) work in logging camps.",
     {"north_korean"}),
    ("Women from the Democratic People's Republic of Korea (North Korea) are trafficked to China.", {"north_korean"}),
    ("The Government of the Democratic People's Republic of Korea (DPRK) does not fully meet the minimum standards.",
     {"north_korea_state"}),
])
def test_synthetic_formal_name_with_its_abbreviation(lexicon, sentence, groups):
    from analysis.matching import find_matches

    found = {m.group for m in find_matches(sentence, lexicon)}
    assert found & {"north_korean", "north_korea_state"} == groups, sentence


def _sentences(name: str) -> list[str]:
    with open(Path(__file__).parent / name, encoding="utf-8") as fh:
        return [row["sentence"] for row in csv.DictReader(line for line in fh if not line.startswith("#"))]


def test_a_kinds_one_regex_matches_where_one_of_its_patterns_does(lexicon):
    """Kind.any_of (the patterns' bodies in one alternation) finds a kind in exactly the sentences
    where a pattern of it matches, on the real and labelled sentences and on each pattern's words."""
    sentences = _sentences("real_sentences.csv") + _sentences("labelled_sentences.csv")
    kinds = [k for k in lexicon.kinds.values() if k.patterns]
    assert kinds and all(k.any_of is not None for k in kinds)
    sentences += ["They were " + s for k in kinds for s in ("forced labourers", "sold into marriage", "repatriated")]
    for kind in kinds:
        named = [fold(s) for s in sentences if any(p.search(fold(s)) for p in kind.patterns)]
        assert named, kind.slug  # the comparison is not vacuous
        for s in sentences:
            assert kind.named_in(fold(s)) == any(p.search(fold(s)) for p in kind.patterns), (kind.slug, s)


def test_a_kind_with_capturing_groups_is_matched_pattern_by_pattern():
    lx = parse_lexicon('kinds_for = ["demo"]\n' + MINIMAL + """
[kinds.sold]
label = "Sold"
patterns = ["(sold|bought) (\\\\w+) twice", "traded"]
[kinds.other]
label = "Other"
fallback = true
""")
    sold = lx.kinds["sold"]
    assert sold.any_of is None
    assert sold.named_in("women sold girls twice") and sold.named_in("they traded") and not sold.named_in("sold once")
