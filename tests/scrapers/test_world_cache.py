"""A tiny SYNTHETIC world cache (scripts/make_world_cache.py) parses to the countries and years it
holds; a page holding several countries is parsed once, to the same narratives as one country at a
time; RawCache.store_many; the parse store's checks still see a changed page on a warm run."""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from table_paths import tables_dir

from analysis.schema import CACHE_CORRUPT, PARSED
from scrapers.store.cache import RawCache
from scrapers.web.http import FetchResult
from scrapers.store.parse_store import ParseStore
from scrapers.pool import parse_group, parse_page
from scrapers.parse.jobs import PageJob
from scrapers.refresh import parse

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = 4
YEARS = (2005, 2012, 2021)  # one year of each era: a regional page, archive pages, recent pages


def _world_module():
    if "make_world_cache" in sys.modules:
        return sys.modules["make_world_cache"]
    spec = importlib.util.spec_from_file_location("make_world_cache", ROOT / "scripts" / "make_world_cache.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_world_cache"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("world") / "data"
    summary = _world_module().make_world(data_dir, COUNTRIES, YEARS)
    return data_dir, summary


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_a_tiny_world_cache_parses_to_its_countries_and_years(world, tmp_path):
    data_dir, summary = world
    assert summary.countries == ("china", "north-korea", "russia", "mongolia")
    assert summary.years == YEARS
    result = parse(data_dir, "china")
    assert result.error == "" and result.ok
    assert sorted(result.parsed) == sorted((c, y) for c in summary.countries for y in YEARS)
    narratives = _read(tables_dir(data_dir) / "narratives.csv")
    assert sorted(set(narratives.country)) == sorted(summary.countries)
    assert sorted(set(narratives.year.astype(int))) == list(YEARS)
    assert (narratives.synthetic == "true").all()
    assert (narratives.word_count.astype(int) > 300).all()
    coverage = _read(tables_dir(data_dir) / "coverage.csv")
    assert set(coverage.status) == {PARSED}
    tiers = _read(tables_dir(data_dir) / "tiers.csv")
    scraped = tiers[tiers.origin == "scraped"]
    assert len(scraped) == COUNTRIES * len(YEARS) and (scraped.tier != "").all()
    assert "false" not in set(scraped.kelley_agrees) | set(scraped.agrees)  # tiers follow the reference tables
    paragraphs = _read(tables_dir(data_dir) / "paragraphs.csv")
    per_year = paragraphs.groupby(["country", "year"]).size()
    assert len(per_year) == COUNTRIES * len(YEARS) and (per_year > 5).all()
    # every country's narrative of 2005 comes from the one regional page, each cut at its own heading
    early = narratives[narratives.year == "2005"]
    assert early.source_url.nunique() == 1
    first = paragraphs[paragraphs.year == "2005"].groupby("country").text.first()
    assert first.nunique() == COUNTRIES


def test_the_world_cache_is_deterministic(world, tmp_path):
    data_dir, _ = world
    again = tmp_path / "again"
    _world_module().make_world(again, COUNTRIES, YEARS)
    assert (again / "raw" / "manifest.csv").read_bytes() == (data_dir / "raw" / "manifest.csv").read_bytes()
    assert (again / "raw" / "years.csv").read_bytes() == (data_dir / "raw" / "years.csv").read_bytes()


def test_a_regional_page_is_parsed_once_to_the_narratives_of_one_country_at_a_time(world):
    data_dir, summary = world
    cache = RawCache(data_dir)
    records = {c: cache.year_records(c)[2005] for c in summary.countries}
    url = records["china"].url
    assert {r.url for r in records.values()} == {url}
    entry = cache.entry(url)
    jobs = [PageJob(str(cache.root / entry.path), entry.content_type, c, 2005, url, entry.sha256)
            for c in summary.countries]
    together = parse_group(jobs)
    alone = [parse_page(job) for job in jobs]
    assert all(o.narrative is not None for o in together)
    assert together == alone
    assert [o.narrative.country for o in together] == list(summary.countries)


def test_a_warm_parse_reads_nothing_again_but_still_sees_a_changed_page(world, tmp_path):
    source, _ = world
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copytree(source / "raw", data_dir / "raw", ignore=shutil.ignore_patterns("parsed"))
    an_hour_ago = time.time() - 3600
    for page in (data_dir / "raw" / "pages").rglob("*"):
        os.utime(page, (an_hour_ago, an_hour_ago))  # old enough for the store to trust its stat
    first = parse(data_dir, "china")
    assert first.rebuilt and first.parsed_now == COUNTRIES * len(YEARS)
    assert (data_dir / "raw" / "parsed" / "stamps.json").is_file()
    warm = parse(data_dir, "china")
    assert not warm.rebuilt and warm.parsed_now == 0 and warm.ok
    # a narrative page replaced by other bytes of the same size is still found out
    url = RawCache(data_dir).year_records("russia")[2021].url
    path = data_dir / "raw" / RawCache(data_dir).entry(url).path
    body = path.read_bytes()
    path.write_bytes(body.replace(b"Prosecution", b"PROSECUTION", 1) if b"Prosecution" in body else body[::-1])
    assert len(path.read_bytes()) == len(body)
    damaged = parse(data_dir, "china")
    assert damaged.corrupt_years and ("russia", 2021) in damaged.corrupt_years
    assert damaged.pages["russia"][2021].status == CACHE_CORRUPT


def _page(url: str, body: bytes, status: int = 200) -> FetchResult:
    return FetchResult(url=url, fetched_url=url, status=status, body=body, content_type="text/html",
                       fetched_at="2025-07-01T00:00:00Z")


def test_store_many_writes_every_page_and_the_manifest_once(tmp_path):
    cache = RawCache(tmp_path)
    cache.record_failure("https://www.state.gov/b/", "https://www.state.gov/b/", "fetch_failed", "timeout")
    pages = [_page(f"https://www.state.gov/{name}/", f"<html>{name}</html>".encode()) for name in "abc"]
    entries = cache.store_many(pages)
    assert [e.url for e in entries] == [p.url for p in pages]
    again = RawCache(tmp_path)
    assert [e.url for e in again.entries()] == sorted(p.url for p in pages)
    assert again.read_bytes("https://www.state.gov/b/") == b"<html>b</html>"
    assert again.failures() == {}  # a stored page clears its failure, as store() does
    with pytest.raises(ValueError, match="only a 200 page"):
        cache.store_many([_page("https://www.state.gov/d/", b"<html>d</html>"),
                          _page("https://www.state.gov/e/", b"", status=404)])
    assert not RawCache(tmp_path).has("https://www.state.gov/d/")  # nothing written when one is refused


def test_the_process_pools_give_the_same_bytes_as_one_process(world, tmp_path, monkeypatch):
    import scrapers.counting
    import scrapers.pool
    import scrapers.read

    source, _ = world
    sets = {}
    for name, low in (("pools", 1), ("one process", 10 ** 9)):
        data_dir = tmp_path / name.replace(" ", "-")
        data_dir.mkdir()
        shutil.copytree(source / "raw", data_dir / "raw", ignore=shutil.ignore_patterns("parsed"))
        monkeypatch.setattr(scrapers.read, "POOL_MIN_LOCATE", low)
        monkeypatch.setattr(scrapers.pool, "POOL_MIN_PAGES", low)
        monkeypatch.setattr(scrapers.counting, "POOL_MIN_PARAGRAPHS", low)
        result = parse(data_dir, "china")
        assert result.ok
        sets[name] = {p.name: p.read_bytes() for p in sorted(tables_dir(data_dir).glob("*.csv"))}
    assert sets["pools"] == sets["one process"]
    assert len(sets["pools"]) == 9  # the eight tables and recommendations.csv
