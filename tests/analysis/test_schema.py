"""analysis.schema: the tier precedence rule, and every table's columns in one place."""
from __future__ import annotations

import pytest

from analysis.schema import ORIGIN_REFERENCE, ORIGIN_SCRAPED, TABLES, TIERS, TierChoice, decide_tier


@pytest.mark.parametrize("scraped, reference, expected", [
    ("Tier 3", "Tier 3", TierChoice("Tier 3", ORIGIN_SCRAPED)),
    ("Tier 2", "Tier 3", TierChoice("Tier 2", ORIGIN_SCRAPED)),  # a disagreement is shown, never resolved
    (None, "Tier 3", TierChoice("Tier 3", ORIGIN_REFERENCE)),    # page read, tier unread
    ("", "Tier 2 Watch List", TierChoice("Tier 2 Watch List", ORIGIN_REFERENCE)),
    ("Special Case", None, TierChoice("Special Case", ORIGIN_SCRAPED)),
    (None, None, TierChoice("", "")),
])
def test_decide_tier(scraped, reference, expected):
    assert decide_tier(scraped, reference) == expected


def test_every_table_keys_its_rows_and_names_its_numbers():
    for name, table in TABLES.items():
        assert table.file == f"{name}.csv"
        assert set(table.sort) <= set(table.columns), name
        assert set(table.numeric) <= set(table.columns), name
        assert len(set(table.columns)) == len(table.columns), name
    assert TIERS[-1] == "Special Case" and len(TIERS) == 5


def _resolves(dotted: str) -> bool:
    """analysis.mentions.mentions_table -> True when the module imports and has the attribute."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_column_is_described_and_names_the_function_that_computes_it():
    import re

    from analysis.schema import INPUT_TABLES

    for table in [*TABLES.values(), *INPUT_TABLES]:
        assert table.title and table.description and table.one_row_per, table.name
        assert list(table.about) == list(table.columns), f"{table.name}: one description per column, in file order"
        assert set(table.optional) <= set(table.columns), table.name
        for column, text in table.about.items():
            assert text.strip(), (table.name, column)
            if table.name not in {t.name for t in INPUT_TABLES}:
                refs = re.findall(r"\b(?:analysis|scrapers)\.[\w.]*\w", text)
                other = re.search(r"\w+\.csv's \w+|data/\S+", text)
                assert refs or other, f"{table.name}.{column}: name the function that computes it"
                for ref in refs:
                    assert _resolves(ref), f"{table.name}.{column}: {ref} does not exist"


def test_the_vocabularies_are_the_ones_the_code_writes():
    from analysis.schema import COVERAGE_STATUSES, STATUS_MEANINGS, TIER_NOTES
    from scrapers.tier_table import UNREAD_NOTE
    from scrapers.parse.tiers import FLAG_PATTERNS

    assert set(TIER_NOTES) == {flag for flag, _ in FLAG_PATTERNS} | {UNREAD_NOTE}
    assert list(STATUS_MEANINGS) == list(COVERAGE_STATUSES) and len(COVERAGE_STATUSES) == 6
    described = TABLES["coverage"].about["status"]
    assert all(status in described for status in COVERAGE_STATUSES)
    assert "empty if unread" not in TABLES["tiers"].about["tier"]
