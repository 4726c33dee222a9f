"""The lexicon on REAL report sentences from many narratives and years (real_sentences.csv):
precision and recall of north_korean and north_korea_state must be 1.0, and the file itself must
stay a well-sourced, varied test set (rows, narratives, years, URLs, no duplicates)."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from analysis.lexicon import parse_lexicon
from analysis.matching import find_matches
from analysis.sentences import split_sentences

REAL = Path(__file__).with_name("real_sentences.csv")
GROUPS = ("north_korean", "north_korea_state")
COLUMNS = ["sentence", "north_korean", "north_korea_state", "narrative", "report_year", "source_url", "note"]
MIN_ROWS, MIN_NARRATIVES, MIN_YEARS = 150, 5, 10


def _read() -> tuple[str, list[str], list[dict]]:
    text = REAL.read_text(encoding="utf-8")
    first, body = text.split("\n", 1)
    reader = csv.DictReader(io.StringIO(body, newline=""))
    return first, list(reader.fieldnames or []), list(reader)


FIRST_LINE, FIELDS, ROWS = _read()


def _groups(sentence: str, lexicon) -> set[str]:
    return {m.group for m in find_matches(sentence, lexicon)}


# ---------------------------------------------------------------------------------------------
# The file


def test_the_file_says_it_is_real_report_text_and_has_the_columns():
    assert FIRST_LINE.startswith("# REAL REPORT TEXT"), "the first line tells readers this is quoted report text"
    assert FIELDS == COLUMNS


def test_the_set_is_large_and_varied():
    assert len(ROWS) >= MIN_ROWS
    narratives = Counter(r["narrative"] for r in ROWS)
    assert len(narratives) >= MIN_NARRATIVES, narratives
    years = {int(r["report_year"]) for r in ROWS}
    assert len(years) >= MIN_YEARS, sorted(years)
    assert all(2001 <= y <= 2030 for y in years)
    # the point of the set: the lexicon holds on narratives other than North Korea's own
    people_elsewhere = {r["narrative"] for r in ROWS if r["north_korean"] == "1" and r["narrative"] != "North Korea"}
    assert len(people_elsewhere) >= 3, people_elsewhere


def test_every_row_is_labelled_and_sourced():
    for row in ROWS:
        assert row["sentence"].strip() == row["sentence"] and row["sentence"], row
        for group in GROUPS:
            assert row[group] in {"0", "1"}, row
        assert re.fullmatch(r"https?://\S+\.\S+", row["source_url"]), row["source_url"]
        assert row["report_year"].isdigit(), row
    for group in GROUPS:
        assert {r[group] for r in ROWS} == {"0", "1"}, group
    pairs = Counter((r["north_korean"], r["north_korea_state"]) for r in ROWS)
    assert set(pairs) == {("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")}, pairs


def test_no_duplicate_sentences():
    counts = Counter(" ".join(r["sentence"].split()) for r in ROWS)
    assert [s for s, n in counts.items() if n > 1] == []


def test_every_row_is_one_sentence_for_the_splitter():
    """The counting unit is the sentence: each row must be one sentence as split_sentences sees it."""
    bad = [r["sentence"] for r in ROWS if len(split_sentences(r["sentence"])) != 1]
    assert bad == []


def test_the_tricky_cases_are_covered():
    text = " ".join(r["sentence"] for r in ROWS)
    negatives = " ".join(r["sentence"] for r in ROWS if r["north_korean"] == "0" and r["north_korea_state"] == "0")
    for case in ("South Korean", "South Korea", "Korean ethnicity", "Republic of Korea", "Korean women",
                 "People's Republic of China"):
        assert case.lower() in negatives.lower().replace("\u2019", "'"), case
    for case in ("DPRK", "D.P.R.K.", "Democratic People's Republic of Korea", "North Koreans", "overseas",
                 "Korean-Chinese", "\n"):
        assert case.lower() in text.lower().replace("\u2019", "'"), case


# ---------------------------------------------------------------------------------------------
# The lexicon on it


@pytest.mark.parametrize("group", GROUPS)
def test_precision_and_recall_are_one(lexicon, group):
    false_pos, false_neg, true_pos = [], [], 0
    for row in ROWS:
        want = row[group] == "1"
        got = group in _groups(row["sentence"], lexicon)
        if got and want:
            true_pos += 1
        elif got:
            false_pos.append(row)
        elif want:
            false_neg.append(row)
    precision = true_pos / (true_pos + len(false_pos)) if true_pos + len(false_pos) else 1.0
    recall = true_pos / (true_pos + len(false_neg)) if true_pos + len(false_neg) else 1.0
    summary = (
        f"\n{group}: precision {precision:.3f}, recall {recall:.3f} ({true_pos} true positives)\n"
        + "".join(f"  FALSE POSITIVE ({r['narrative']} {r['report_year']}): {r['sentence']!r}\n" for r in false_pos)
        + "".join(f"  FALSE NEGATIVE ({r['narrative']} {r['report_year']}): {r['sentence']!r}\n" for r in false_neg)
    )
    assert (precision, recall) == (1.0, 1.0), summary


def test_anchors_only_save_time_on_real_text(lexicon_text):
    """Without anchors every pattern runs on every sentence; the hits must be the same."""
    unanchored = parse_lexicon(re.sub(r"(?m)^anchors = .*$", "", lexicon_text))
    anchored = parse_lexicon(lexicon_text)
    for row in ROWS:
        a = [(m.start, m.end, m.group) for m in find_matches(row["sentence"], anchored)]
        b = [(m.start, m.end, m.group) for m in find_matches(row["sentence"], unanchored)]
        assert a == b, row["sentence"]
