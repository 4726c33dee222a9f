"""scripts/bench_floors.py measures what it says on a tiny SYNTHETIC world (scripts/make_world_cache.py):
every cached page, every paragraph of the table, every table, and the counting step, with a baseline
ref whose tables it compares byte for byte. Counts are checked, not timings."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*argv: str) -> str:
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("floors") / "data"
    _run("scripts/make_world_cache.py", "--countries", "2", "--years", "2021", "--quiet", str(data_dir))
    _run("-m", "scrapers", "parse", "--data-dir", str(data_dir))
    return data_dir


def test_floors_cover_every_page_paragraph_and_table(built):
    results = {r["name"]: r for r in map(json.loads, _run("scripts/bench_floors.py", str(built), "--workers", "2",
                                                          "--baseline", "HEAD").splitlines())}
    assert list(results) == ["pages", "text", "writers", "count", "count@HEAD"]
    with open(built / "raw" / "manifest.csv", newline="", encoding="utf-8") as fh:
        assert results["pages"]["pages"] == sum(1 for row in csv.DictReader(fh) if row["path"])
    paragraphs = pd.read_parquet(built / "tables" / "paragraphs.parquet")
    assert results["text"]["paragraphs"] == len(paragraphs)
    assert 0 < results["text"]["anchored"] < len(paragraphs)  # North Korea's narrative names Korea; not every paragraph
    assert results["pages"]["paragraphs"] > 0 and results["pages"]["chars"] > 0
    assert results["writers"]["tables"] == len(list((built / "tables").glob("*.parquet")))
    assert set(results["count"]["digests"]) == {"mentions", "mention_sections", "kwic", "recommendations"}
    assert results["count@HEAD"]["identical"] is True
    assert all(results[name]["cpu"] > 0 for name in ("pages", "text", "count")) and results["count"]["recommendations_cpu"] > 0


def test_floors_refuse_a_directory_without_a_build(tmp_path):
    done = subprocess.run([sys.executable, "scripts/bench_floors.py", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "run a cold parse there first" in done.stderr
