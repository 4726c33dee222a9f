"""Project-wide rules: the reference table is sourced and complete; imports point one way."""
from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIERS = {"Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case"}
OUR_PACKAGES = {"analysis", "scrapers", "dashboard"}


def test_reference_tiers_are_complete_and_sourced():
    with open(ROOT / "data/reference/china_tiers.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    years = [int(r["year"]) for r in rows]
    assert years == list(range(2001, 2001 + len(rows))), "one row per report year, no gaps"
    assert years[-1] >= 2025
    for row in rows:
        assert row["country"] == "china"
        assert row["tier"] in TIERS, row
        assert row["source_url"].startswith(("http://", "https://")), row


def _imports(path: Path) -> set[str]:
    """Top-level module names imported by one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _package_imports(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): _imports(p) for p in sorted((ROOT / package).rglob("*.py"))}


@pytest.mark.parametrize(
    "package, forbidden",
    [
        ("analysis", {"scrapers", "dashboard", "streamlit", "requests", "urllib3", "bs4"}),
        ("scrapers", {"dashboard", "streamlit"}),
        ("dashboard", {"requests", "urllib3"}),
    ],
)
def test_imports_point_one_way(package, forbidden):
    offenders = {f: sorted(names & forbidden) for f, names in _package_imports(package).items() if names & forbidden}
    assert offenders == {}, f"{package} must not import {sorted(forbidden)}: {offenders}"
