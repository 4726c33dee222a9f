"""The lexicon on a labelled, synthetic sentence set: precision and recall of north_korean and
north_korea_state must be 1.0, and the kinds of every north_korean sentence must match."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from analysis.lexicon import parse_lexicon
from analysis.matching import classify_kinds, find_matches

LABELLED = Path(__file__).with_name("labelled_sentences.csv")
GROUPS = ("north_korean", "north_korea_state")


def _rows() -> list[dict]:
    text = LABELLED.read_text(encoding="utf-8")
    first, body = text.split("\n", 1)
    assert first.startswith("# SYNTHETIC"), "the labelled set says at the top that it is synthetic"
    return list(csv.DictReader(io.StringIO(body, newline="")))


ROWS = _rows()


def _confusion(lexicon, group: str) -> tuple[list[str], list[str], int]:
    false_pos, false_neg, true_pos = [], [], 0
    for row in ROWS:
        want = row[group] == "1"
        got = group in {m.group for m in find_matches(row["sentence"], lexicon)}
        if got and want:
            true_pos += 1
        elif got:
            false_pos.append(row["sentence"])
        elif want:
            false_neg.append(row["sentence"])
    return false_pos, false_neg, true_pos


def test_the_set_is_large_and_covers_the_tricky_cases():
    assert len(ROWS) >= 150
    notes = " ".join(r["note"] for r in ROWS).lower()
    for case in ("origin list", "typographic", "line-wrapped", "south korean", "korean chinese", "dprk",
                 "overseas labor program", "asylum", "state", "no people"):
        assert case in notes or any(case in r["sentence"].lower() for r in ROWS), case
    for group in GROUPS:
        assert {r[group] for r in ROWS} == {"0", "1"}
    assert any(r["north_korean"] == "1" and r["north_korea_state"] == "1" for r in ROWS), "sentences naming both"


@pytest.mark.parametrize("group", GROUPS)
def test_precision_and_recall_are_one(lexicon, group):
    false_pos, false_neg, true_pos = _confusion(lexicon, group)
    precision = true_pos / (true_pos + len(false_pos)) if true_pos + len(false_pos) else 1.0
    recall = true_pos / (true_pos + len(false_neg)) if true_pos + len(false_neg) else 1.0
    summary = (
        f"\n{group}: precision {precision:.3f}, recall {recall:.3f} ({true_pos} true positives)\n"
        + "".join(f"  FALSE POSITIVE: {s!r}\n" for s in false_pos)
        + "".join(f"  FALSE NEGATIVE: {s!r}\n" for s in false_neg)
    )
    if false_pos or false_neg:
        print(summary)
    assert (precision, recall) == (1.0, 1.0), summary


def test_kinds_of_north_korean_sentences(lexicon):
    wrong = []
    for row in ROWS:
        if row["north_korean"] != "1":
            continue
        got = ";".join(classify_kinds(row["sentence"], lexicon))
        if got != row["kinds"]:
            wrong.append(f"  want {row['kinds']!r} got {got!r}: {row['sentence']!r}")
    assert not wrong, "kinds differ:\n" + "\n".join(wrong)


def test_state_only_sentences_never_count_as_people(lexicon):
    for row in ROWS:
        if row["north_korea_state"] == "1" and row["north_korean"] == "0":
            groups = {m.group for m in find_matches(row["sentence"], lexicon)}
            assert "north_korean" not in groups, row["sentence"]


def test_anchors_only_save_time(lexicon_text):
    """Without anchors every pattern runs on every sentence; the results must be the same."""
    unanchored = parse_lexicon(re.sub(r"(?m)^anchors = .*$", "", lexicon_text))
    anchored = parse_lexicon(lexicon_text)
    assert all(not g.anchors for g in unanchored.groups.values())
    for row in ROWS:
        a = [(m.start, m.end, m.group) for m in find_matches(row["sentence"], anchored)]
        b = [(m.start, m.end, m.group) for m in find_matches(row["sentence"], unanchored)]
        assert a == b, row["sentence"]
