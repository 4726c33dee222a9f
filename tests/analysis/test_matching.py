"""Group matching, the north_korean / north_korea_state rule, kinds and quantifiers."""
from __future__ import annotations

import pytest

from analysis.matching import Match, classify_kinds, find_matches, find_quantifiers, scan_paragraph, sentence_groups


def test_find_matches_gives_spans_of_the_original_text(lexicon):
    text = "Women from Burma, North\nKorea, and Vietnam are trafficked. DPRK authorities did not respond."
    matches = find_matches(text, lexicon)
    assert all(isinstance(m, Match) for m in matches)
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    for m in matches:
        assert " ".join(text[m.start:m.end].split()) == m.term
    by_group = {m.group: m for m in matches}
    assert by_group["north_korean"].term == "from Burma, North Korea"
    assert by_group["north_korea_state"].term == "DPRK"
    assert {"burmese", "vietnamese"} <= set(by_group)


def test_one_sentence_can_count_for_people_and_state(lexicon):
    assert sentence_groups("DPRK authorities punish North Korean women repatriated from the PRC.", lexicon) == {
        "north_korean", "north_korea_state"}
    assert sentence_groups("The border with North Korea remained closed.", lexicon) == {"north_korea_state"}
    assert sentence_groups("Women from North Korea were sold.", lexicon) == {"north_korean"}


@pytest.mark.parametrize(
    "sentence, groups",
    [
        # the country as a source of people: people, and its names there are not also state
        ("North Korea is a source country for men, women, and children.", {"north_korean"}),
        ("Korea, North is a source country for men and women.", {"north_korean"}),
        ("South Korea is a source country for women.", set()),
        ("China is a source, transit, and destination country for men, women, and children.", set()),
        # the state acting on people: both
        ("The DPRK government sent thousands of its citizens abroad.", {"north_korean", "north_korea_state"}),
        ("North Korea holds thousands of prisoners in camps.", {"north_korean", "north_korea_state"}),
        ("North Korea sent troops abroad.", {"north_korea_state"}),
        ("DPRK authorities detained two traffickers.", {"north_korea_state"}),
        ("The government subjects its nationals to forced labor.", set()),
        # people in the country vs the country as a place
        ("Provide assistance to victims exploited in the DPRK.", {"north_korean"}),
        ("Officials in North Korea denied the reports.", {"north_korea_state"}),
        # origin lists by any name, and lists that only look like it
        ("Migrants from several countries, including the DPRK and Nepal, were exploited.", {"north_korean"}),
        ("Victims came from Japan, South Korea, North Macedonia, and Thailand.", set()),
        ("KOREA, NORTH (Tier 3)", {"north_korea_state"}),
        # traffickers are not victims
        ("Trafficking networks of Korean-Chinese and North Koreans (usually men) recruit women.", set()),
        ("The Workers' Party of Korea operated the company.", {"north_korea_state"}),
        ("Ethnic Korean women and South Korean men.", set()),
    ],
)
def test_north_korea_rule_on_other_narratives_wording(lexicon, sentence, groups):
    assert sentence_groups(sentence, lexicon) & {"north_korean", "north_korea_state"} == groups


def test_only_the_people_are_the_hit_when_the_state_acts_on_them(lexicon):
    hits = [(m.group, m.term) for m in find_matches("The North Korean government sends laborers to Russia.", lexicon)]
    assert ("north_korean", "laborers") in hits and ("north_korea_state", "North Korean") in hits


def test_overlapping_patterns_merge_into_one_hit(lexicon):
    hits = [m for m in find_matches("North Korean women who fled North Korea were sold.", lexicon) if m.group == "north_korean"]
    assert len(hits) == 1
    assert hits[0].term == "North Korean women who fled North Korea"


def test_scan_paragraph_assigns_hits_to_sentences(lexicon):
    scan = scan_paragraph("The U.S. Government met officials. Some North Korean women were sold. Uyghurs were detained.", lexicon)
    assert [s.text for s in scan.sentences][1] == "Some North Korean women were sold."
    assert [[m.group for m in hits] for hits in scan.matches] == [[], ["north_korean"], ["uyghur_xinjiang"]]


@pytest.mark.parametrize(
    "sentence, kinds",
    [
        ("North Korean women were sold into prostitution and forced marriage.", ("sex_trafficking", "forced_marriage")),
        ("North Korean women were exploited in online sexual exploitation via webcams.", ("cybersex",)),
        ("North Korean workers were repatriated.", ("forced_labour", "forced_return")),
        ("North Korean women were kidnapped.", ("other",)),
    ],
)
def test_kinds(lexicon, sentence, kinds):
    assert classify_kinds(sentence, lexicon) == kinds


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Traffickers kidnap some North Korean women.", [("some", "few")]),
        ("An estimated 60 percent of female North Korean refugees are trafficked.", [("an estimated 60 percent", "share")]),
        ("Korean NGOs put it at 70% to 80% of women.", [("70% to 80%", "share")]),
        ("An estimated 2,000 North Korean workers remained.", [("an estimated 2,000", "count")]),
        ("Thousands of North Korean workers and many women.", [("thousands", "count"), ("many", "many")]),
        ("Most North Korean women, a majority of them girls.", [("most", "majority"), ("a majority", "majority")]),
        ("A few victims and several brokers.", [("a few", "few"), ("several", "few")]),
        ("1,200 North Korean women were returned in 2020.", [("1,200", "count")]),
        ("Awesome handsome women in 2021.", []),
    ],
)
def test_quantifiers(lexicon, sentence, expected):
    assert [(q.text, q.cls) for q in find_quantifiers(sentence, lexicon)] == expected


def test_quantifier_offsets_point_into_the_text(lexicon):
    text = "Traffickers lure SOME\nNorth Korean women."
    (q,) = find_quantifiers(text, lexicon)
    assert text[q.start:q.end] == "SOME" and q.text == "some"
