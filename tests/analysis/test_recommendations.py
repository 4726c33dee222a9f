"""recommendations.csv: items split per era, matched like sentences, threaded across years.

SYNTHETIC TEST FIXTURES - the recommendation wordings below are written for these tests in the style
of the report; none is quoted from it.
"""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.frames import InputTableError
from analysis.recommendations import (
    THREAD_THRESHOLD, Item, recommendations_table, similarity, split_clauses, split_items, thread_items, words,
)
from analysis.schema import RECOMMENDATIONS, RECOMMENDATIONS_TABLE

REC = RECOMMENDATIONS


def _paragraphs(rows):
    """rows: (country, year, paragraph_index, section, text)."""
    return pd.DataFrame(rows, columns=["country", "year", "paragraph_index", "section", "text"])


# ---------------------------------------------------------------------------------------------
# splitting


def test_one_paragraph_is_split_at_semicolons_and_the_conjunction_dropped():
    text = ("Expand efforts to address forced labor; provide protection to foreign victims, including North "
            "Korean women; and improve data collection on trafficking.")
    assert split_clauses(text) == [
        "Expand efforts to address forced labor",
        "provide protection to foreign victims, including North Korean women",
        "improve data collection on trafficking.",
    ]


def test_semicolons_inside_parentheses_or_brackets_do_not_split():
    text = ("Reform the system (including its courts; its camps; and its rules); cease returns [of refugees; "
            "of workers]; and train officials.")
    assert split_clauses(text) == [
        "Reform the system (including its courts; its camps; and its rules)",
        "cease returns [of refugees; of workers]",
        "train officials.",
    ]


def test_a_clause_of_one_item_keeps_its_leading_and():
    assert split_clauses("And then some.") == ["And then some."]


def test_empty_clauses_are_dropped():
    assert split_clauses("Do this;; and that; .") == ["Do this", "that"]


def test_several_paragraphs_are_list_items_one_each_even_with_semicolons():
    items = split_items([(3, "End forced labor."), (4, "Cease returns; screen them."), (5, "Train officials.")])
    assert items == [Item(1, "End forced labor.", 3), Item(2, "Cease returns; screen them.", 4),
                     Item(3, "Train officials.", 5)]


def test_one_paragraph_gives_its_clauses_all_on_that_paragraph():
    items = split_items([(7, "Do a; do b; and do c.")])
    assert [(i.rank, i.text, i.paragraph_index) for i in items] == [(1, "Do a", 7), (2, "do b", 7), (3, "do c.", 7)]


def test_blank_paragraphs_are_no_items():
    assert split_items([(1, "  "), (2, "Only this.")]) == [Item(1, "Only this.", 2)]
    assert split_items([]) == []


# ---------------------------------------------------------------------------------------------
# threads


def test_words_fold_case_stopwords_and_plurals():
    assert words("Cease the forcible return of North Korean refugees") == {
        "cease", "forcible", "return", "north", "korean", "refugee"}
    assert words("Refugee’s access") == {"refugee", "s", "access"}  # typographic apostrophe folded; "ss" kept


def test_similarity_is_jaccard():
    assert similarity(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert similarity(frozenset(), frozenset()) == 0.0


REWORDINGS = [
    # (earlier wording, later wording, same thread?)
    ("Cease the forcible return of North Korean refugees and asylum-seekers.",
     "Cease the forcible return of North Korean refugees and asylum-seekers, many of whom are trafficking victims.",
     True),
    ("Cease the forcible return of North Korean refugees.",
     "Cease forcibly returning North Korean refugees and asylum-seekers to the DPRK.", False),
    ("Expand efforts to address forced labor",
     "Expand efforts to address forced labor, including labor in state-sponsored facilities", True),
    ("Provide legal alternatives to the removal of foreign victims.",
     "Provide foreign victims legal alternatives to their removal.", True),
    ("Criminalize all forms of sex trafficking.", "Increase efforts to identify trafficking victims.", False),
]


@pytest.mark.parametrize("before, after, same", REWORDINGS)
def test_rewordings(before, after, same):
    threads = thread_items({2019: [Item(1, before, 3)], 2020: [Item(1, after, 3)]}, "china")
    assert (threads[(2019, 1)] == threads[(2020, 1)]) is same
    assert (similarity(words(before), words(after)) >= THREAD_THRESHOLD) is same
    assert threads[(2019, 1)] == ("china:2019:1", 2019)


def test_threads_follow_the_latest_wording_and_skip_gaps():
    years = {
        2010: [Item(1, "Cease the forcible return of North Korean refugees.", 1)],
        2012: [Item(1, "Train officials.", 1)],
        2014: [Item(1, "Train officials.", 1),
               Item(2, "Cease the forcible return of North Korean refugees and asylum-seekers.", 2)],
        2016: [Item(1, "Cease the forcible return of North Korean refugees and asylum-seekers to the DPRK.", 1)],
    }
    threads = thread_items(years, "china")
    assert threads[(2014, 2)] == threads[(2016, 1)] == threads[(2010, 1)] == ("china:2010:1", 2010)
    assert threads[(2014, 1)] == threads[(2012, 1)] == ("china:2012:1", 2012)


def test_two_items_of_one_year_never_share_a_thread():
    years = {2020: [Item(1, "Train police officials.", 1)],
             2021: [Item(1, "Train police officials now.", 1), Item(2, "Train police officials.", 2)]}
    threads = thread_items(years, "china")
    assert threads[(2021, 2)] == threads[(2020, 1)]  # the better match wins
    assert threads[(2021, 1)] == ("china:2021:1", 2021)


def test_items_of_one_year_do_not_thread_with_each_other():
    threads = thread_items({2020: [Item(1, "Train officials.", 1), Item(2, "Train officials.", 2)]}, "china")
    assert threads[(2020, 1)] != threads[(2020, 2)]


def _thread_items_comparing_every_pair(years, country):
    """The threading rule written plainly (module docstring): every item scored against every earlier
    thread, pairs taken greedily. thread_items compares only threads sharing a word and must agree."""
    threads, out = [], {}  # threads: [thread id, first year, latest word set]
    for year in sorted(years):
        item_words = {item.rank: words(item.text) for item in years[year]}
        pairs = sorted(((similarity(item_words[item.rank], t[2]), item.rank, n) for item in years[year]
                        for n, t in enumerate(threads)), key=lambda p: (-p[0], p[1], p[2]))
        taken = {}
        for score, rank, n in pairs:
            if score < THREAD_THRESHOLD:
                break
            if rank not in taken.values() and n not in taken:
                taken[n] = rank
                out[(year, rank)] = (threads[n][0], threads[n][1])
        for n, rank in taken.items():
            threads[n][2] = item_words[rank]
        for item in years[year]:
            if (year, item.rank) not in out:
                threads.append([f"{country}:{year}:{item.rank}", year, item_words[item.rank]])
                out[(year, item.rank)] = (threads[-1][0], year)
    return out


_WORDS = ["train", "officials", "police", "refugees", "return", "forcible", "cease", "victims", "labor", "north",
          "korean", "screen", "identify", "the", "and", "of"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(2001, 2025),
                       st.lists(st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join), max_size=6), max_size=8))
def test_threads_equal_those_of_comparing_every_pair(texts):
    """Generated item wordings from a small vocabulary (many near and equal wordings, empty ones too)."""
    years = {year: [Item(rank, text, rank) for rank, text in enumerate(items, start=1)] for year, items in texts.items()}
    assert thread_items(years, "china") == _thread_items_comparing_every_pair(years, "china")


def test_threads_of_the_fixtures_equal_those_of_comparing_every_pair():
    years = {2019 + i: [Item(1, before, 1), Item(2, after, 2)] for i, (before, after, _same) in enumerate(REWORDINGS)}
    assert thread_items(years, "china") == _thread_items_comparing_every_pair(years, "china")


# ---------------------------------------------------------------------------------------------
# the table


def test_table_rows_in_printed_order_with_groups_kinds_threads_and_sources(lexicon):
    paragraphs = _paragraphs([
        ("china", 2013, 0, "INTRODUCTION", "China is placed on Tier 3."),
        ("china", 2013, 1, REC, "Reform the labor system; provide legal alternatives to the forcible return of "
                                "North Korean trafficking victims; and extend the law to boys."),
        ("china", 2013, 2, "PROSECUTION", "The government reported data."),
        ("china", 2021, 0, "INTRODUCTION", "Therefore the PRC remained on Tier 3."),
        ("china", 2021, 1, REC, "End forced labor in government-sponsored programs that target Uyghurs in Xinjiang."),
        ("china", 2021, 2, REC, "Provide legal alternatives to the forcible return of North Korean trafficking "
                                "victims and asylum-seekers."),
        ("china", 2021, 3, "PROSECUTION", "The government reported data."),
        ("russia", 2021, 0, REC, "Screen DPRK workers for trafficking indicators."),
    ])
    narratives = pd.DataFrame({"country": ["china", "china", "russia"], "year": [2013, 2021, 2021],
                               "source_url": ["https://x.test/2013", "https://x.test/2021", "https://x.test/ru"]})
    table = recommendations_table(paragraphs, narratives, lexicon)
    assert list(table.columns) == list(RECOMMENDATIONS_TABLE.columns)
    assert table[["country", "year", "rank", "paragraph_index"]].values.tolist() == [
        ["china", 2013, 1, 1], ["china", 2013, 2, 1], ["china", 2013, 3, 1],
        ["china", 2021, 1, 1], ["china", 2021, 2, 2], ["russia", 2021, 1, 0]]
    assert table["groups"].tolist() == ["", "north_korean", "", "uyghur_xinjiang", "north_korean", "north_korean"]
    assert table.loc[1, "kinds"] == "forced_return" and table.loc[3, "kinds"] == "forced_labour"
    assert table.loc[4, "thread"] == table.loc[1, "thread"] == "china:2013:2"
    assert table["first_year"].tolist() == [2013, 2013, 2013, 2021, 2013, 2021]
    assert table.loc[5, "thread"] == "russia:2021:1"
    assert table["source_url"].tolist() == ["https://x.test/2013"] * 3 + ["https://x.test/2021"] * 2 + ["https://x.test/ru"]
    assert table["text"].tolist()[2] == "extend the law to boys."


def test_groups_are_joined_with_a_bar_in_lexicon_order(lexicon):
    paragraphs = _paragraphs([("china", 2021, 0, REC, "Screen North Korean workers and Uyghurs in Xinjiang.")])
    groups = recommendations_table(paragraphs, None, lexicon).loc[0, "groups"].split("|")
    order = list(lexicon.groups)
    assert "north_korean" in groups and "uyghur_xinjiang" in groups
    assert groups == sorted(groups, key=order.index)


def test_a_narrative_without_recommendations_has_no_rows(lexicon):
    paragraphs = _paragraphs([("china", 2005, 0, "INTRODUCTION", "China is placed on Tier 2 Watch List."),
                              ("china", 2005, 1, "PROTECTION", "Provide shelters; train police.")])
    table = recommendations_table(paragraphs, None, lexicon)
    assert table.empty and list(table.columns) == list(RECOMMENDATIONS_TABLE.columns)


def test_a_paragraphs_table_without_a_section_column_is_a_clear_error(lexicon):
    with pytest.raises(InputTableError, match="missing column"):
        recommendations_table(pd.DataFrame({"country": [], "year": [], "text": []}), None, lexicon)


def test_bullets_printed_inline_split_the_paragraph():
    items = split_items([(2, "End forced labor. \u2022 Train officials. \u2022 Fund shelters.")])
    assert [i.text for i in items] == ["End forced labor.", "Train officials.", "Fund shelters."]


# REAL REPORT TEXT: the 2018 North Korea narrative's recommendations, one paragraph of semicolon clauses,
# quoted exactly from https://www.state.gov/reports/2018-trafficking-in-persons-report/democratic-peoples-republic-of-korea/
DPRK_2018 = (
    "End the use of forced labor, including in prison camps used as a tool of political repression, and among North "
    "Korean workers abroad; end the practice of summary executions and other harsh punishments for victims who are "
    "forcibly returned from destination countries; provide assistance to trafficking victims exploited in the DPRK and "
    "to North Korean victims forcibly returned from abroad; criminalize human trafficking; investigate and prosecute "
    "trafficking cases and convict traffickers in accordance with the rule of law; eliminate coercion tactics used to "
    "monitor and limit the movements and communications of workers overseas; cease the monitoring of overseas workers "
    "and the garnishing of their wages for the purposes of furthering forced labor; increase transparency by allowing "
    "international human rights monitors to evaluate living and working conditions of workers, both domestically and "
    "abroad; forge partnerships with international organizations and NGOs to combat human trafficking; allow North "
    "Koreans to choose their form of work, and leave their employment at will; and accede to the 2000 UN TIP Protocol."
)


def test_real_semicolon_recommendations_are_split_and_the_north_korean_ones_marked(lexicon):
    table = recommendations_table(_paragraphs([("north-korea", 2018, 4, REC, DPRK_2018)]), None, lexicon)
    assert len(table) == 11 and table["paragraph_index"].eq(4).all()
    assert table["text"].iloc[-1] == "accede to the 2000 UN TIP Protocol."
    assert table["text"].iloc[3] == "criminalize human trafficking"
    marked = [int(r) for r, g in zip(table["rank"], table["groups"]) if "north_korean" in g.split("|")]
    assert marked == [1, 3, 10]
