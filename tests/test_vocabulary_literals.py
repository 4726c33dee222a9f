"""No vocabulary literal outside analysis/schema.py, the lexicon and tests: tier names, section
names, verdicts, coverage statuses and measure names are imported from analysis.schema wherever
dashboard/ or scrapers/ use them, so each has one owner.

What counts as a literal: a string constant (not a docstring, not part of an f-string) equal to a
tier, section, verdict or status; and a tuple, set or dict (keys) holding two or more measure names
(a measure is also a mentions.csv column, so one measure name alone is a column reference, while a
collection of them re-declares the vocabulary). The failure message lists every file:line.
"""
from __future__ import annotations

import ast
from pathlib import Path

from analysis.schema import COVERAGE_STATUSES, MEASURES, SECTION_NAMES, TIERS, VERDICTS

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("dashboard", "scrapers")
# the same word meaning something else (never a vocabulary value): (file, word) -> what it is
NOT_VOCABULARY = {
    ("scrapers/store/parse_store.py", "parsed"): "the parse store's directory name, raw/parsed/",
    ("scrapers/store/parse_store.py", "not_listed"): "a key of the parse store's location records (JSON)",
}
WORDS = {**{t: "tier" for t in TIERS}, **{s: "section" for s in SECTION_NAMES},
         **{v: "verdict" for v in VERDICTS}, **{s: "coverage status" for s in COVERAGE_STATUSES}}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            ids.add(id(body[0].value))
    return ids


def vocabulary_literals(path: Path) -> list[str]:
    """'file:line: kind 'value'' for every vocabulary literal in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # prose and format specs of an f-string
            skip.update(id(v) for v in ast.walk(node))
    rel = path.relative_to(ROOT)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                and node.value in WORDS and (str(rel), node.value) not in NOT_VOCABULARY:
            found.append((node.lineno, f"{rel}:{node.lineno}: {WORDS[node.value]} {node.value!r}"))
        elements = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None) \
            if isinstance(node, (ast.Tuple, ast.Set)) else None
        if elements:
            names = [e.value for e in elements if isinstance(e, ast.Constant) and e.value in MEASURES]
            if len(names) >= 2:
                found.append((node.lineno, f"{rel}:{node.lineno}: measures {names}"))
    return [text for _, text in sorted(found)]


def test_vocabulary_literals_live_only_in_the_schema():
    offenders = [hit for package in SCANNED for path in sorted((ROOT / package).rglob("*.py"))
                 for hit in vocabulary_literals(path)]
    assert not offenders, ("import these from analysis.schema (or add them there):\n" + "\n".join(offenders))


def test_the_rule_finds_a_literal(tmp_path, monkeypatch):
    """The scan itself can fail: a page that re-declares verdicts and measures is caught."""
    page = ROOT / "dashboard" / "_probe_literals.py"
    source = ('"""docstring: supported"""\nCOLORS = {"supported": "green"}\nM = ("sentences", "per_1000_words")\n'
              'label = f"{1} supported"\n')
    try:
        page.write_text(source, encoding="utf-8")
        hits = vocabulary_literals(page)
    finally:
        page.unlink()
    assert hits == ["dashboard/_probe_literals.py:2: verdict 'supported'",
                    "dashboard/_probe_literals.py:3: measures ['sentences', 'per_1000_words']"]
