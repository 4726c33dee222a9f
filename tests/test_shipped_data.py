"""The tables shipped in data/tables/ (the stable copy git commits) are exactly what `parse` builds
from the repository's inputs today: a change to the code, the lexicon or the reference tables must
ship its tables too."""
from __future__ import annotations

from pathlib import Path

from scrapers.store import tableset
from scrapers.refresh import parse

REPO_DATA = Path(__file__).resolve().parents[1] / "data"


def test_shipped_tables_are_what_parse_builds_from_the_repository(tmp_path):
    shipped = tableset.stable_copy(REPO_DATA)
    assert shipped is not None, "data/tables/ holds no complete table set: run python -m scrapers parse"
    result = parse(tmp_path)  # no raw pages here either: inputs fall back to the repository's data/
    assert result.ok and result.tables is not None
    assert set(result.tables.manifest.tables) == set(shipped.manifest.tables)
    for name, info in shipped.manifest.tables.items():
        built = result.tables.manifest.tables[name]
        assert (built.sha256, built.rows) == (info.sha256, info.rows), (
            f"data/tables/{info.file} is stale: run `python -m scrapers parse` and commit data/tables")
