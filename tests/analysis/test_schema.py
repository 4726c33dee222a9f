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
