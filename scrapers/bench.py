"""`python -m scrapers bench`: time cold and warm refresh against the local fixture site, parsing all
cached pages, and the analysis (metrics) step. Needs a checkout (tests/site_server.py, fixtures)."""
from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from scrapers.cache import RawCache
from scrapers.http import FetchConfig
from scrapers.pipeline import (
    REPO_ROOT, _country, _years_to_scan, build_analysis, build_corpus_tables, load_reference, parse,
    refresh, scan_cache,
)

SERVER_FILE = REPO_ROOT / "tests" / "site_server.py"
EXPECTED_FILE = REPO_ROOT / "tests" / "fixtures" / "site_expected.py"
SYNTHETIC_FILE = REPO_ROOT / "scripts" / "make_synthetic_corpus.py"
SYNTHETIC_YEARS = list(range(2001, 2026))
SYNTHETIC_SCALE = 4.0  # about 100 paragraphs a year, the size of a real China narrative


@dataclass(frozen=True)
class Timing:
    """One row of the benchmark table."""

    step: str
    seconds: float
    detail: str


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _best(rounds: int, action: Callable[[], object]) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        value = action()
        best = min(best, time.perf_counter() - start)
    return best, value


def _parse_in_memory(data_dir: Path, country: str):
    """Parse every cached page of data_dir and build the corpus frames, writing nothing."""
    country_obj = _country(country)
    cache = RawCache(data_dir)
    scans = scan_cache(cache, country_obj, _years_to_scan(cache, country_obj.slug))
    reference, _ = load_reference(data_dir, country_obj.slug)
    frames, _ = build_corpus_tables(country_obj.slug, scans, cache, reference)
    return scans, frames, len(cache.entries())


def benchmark(country: str = "china", rounds: int = 3, data_dir: Path | None = None) -> list[Timing]:
    """Run the timings (see module docstring); RuntimeError when not run from a checkout."""
    if not SERVER_FILE.is_file():
        raise RuntimeError(f"bench needs a checkout of the repository: {SERVER_FILE} not found")
    server_module = _load("tip_site_server", SERVER_FILE)
    if not Path(server_module.SITE_ROOT).is_dir():
        raise RuntimeError(f"bench needs the fixture site {server_module.SITE_ROOT}")
    years = None
    if EXPECTED_FILE.is_file():
        years = sorted(_load("tip_site_expected", EXPECTED_FILE).FIXTURE_YEARS)
    rows: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="tip-bench-") as tmp:
        work = Path(tmp) / "data"
        with server_module.SiteServer() as server:
            config = FetchConfig(delay=0, retries=0, mirror=server.base_url)
            label = f"{len(years)} fixture years" if years else "all years"
            start = time.perf_counter()
            cold = refresh(work, country, years, fetch_config=config)
            rows.append(Timing(f"refresh, cold ({label})", time.perf_counter() - start,
                               f"{server.total} requests, {len(cold.parse.parsed_years)} years parsed"))
            server.reset_counts()
            start = time.perf_counter()
            refresh(work, country, years, fetch_config=config)
            rows.append(Timing("refresh, warm (same years)", time.perf_counter() - start,
                               f"{server.total} requests"))
        # the server is stopped: nothing below can touch the network
        seconds, (scans, frames, pages) = _best(rounds, lambda: _parse_in_memory(work, country))
        parsed = sum(1 for s in scans.values() if s.status == "parsed")
        rows.append(Timing("parse all cached pages", seconds, f"{pages} pages, {parsed} narratives"))
        seconds, result = _best(rounds, lambda: parse(work, country))
        rows.append(Timing("parse command (all tables)", seconds,
                           f"{sum(result.row_counts.values())} rows in {len(result.tables)} tables"))
        seconds, (tables, notes, error) = _best(rounds, lambda: build_analysis(work, frames))
        detail = error or (notes[0] if not tables and notes else f"{parsed} years, "
                           f"{len(tables.get('kwic', []))} kwic rows")
        rows.append(Timing("analysis (metrics), all cached years", seconds, detail))
        if SYNTHETIC_FILE.is_file():
            rows.append(_synthetic_metrics(Path(tmp) / "synthetic", rounds))
    if data_dir is not None and (Path(data_dir) / "raw" / "manifest.csv").is_file():
        seconds, (scans, _, pages) = _best(rounds, lambda: _parse_in_memory(Path(data_dir), country))
        parsed = sum(1 for s in scans.values() if s.status == "parsed")
        rows.append(Timing(f"parse {data_dir}/raw (read only)", seconds, f"{pages} pages, {parsed} narratives"))
    return rows


def _synthetic_metrics(out_dir: Path, rounds: int) -> Timing:
    """Time the analysis step on the 25-year synthetic corpus of scripts/make_synthetic_corpus.py
    (target: under 0.3 s), since the fixture site holds only a few years."""
    import pandas as pd

    _load("tip_synthetic_corpus", SYNTHETIC_FILE).write_corpus(out_dir, SYNTHETIC_YEARS, scale=SYNTHETIC_SCALE)
    frames = {name: pd.read_csv(out_dir / f"{name}.csv", dtype={"text": str}, keep_default_na=False)
              for name in ("paragraphs", "narratives", "tiers")}
    seconds, (tables, _, error) = _best(rounds, lambda: build_analysis(out_dir, frames))
    detail = error or (f"{len(SYNTHETIC_YEARS)} years, {len(frames['paragraphs'])} paragraphs, "
                       f"{len(tables.get('kwic', []))} kwic rows (target < 0.3 s)")
    return Timing("analysis (metrics), 25-year synthetic corpus", seconds, detail)


def format_table(rows: list[Timing]) -> str:
    """The timings as a small aligned text table."""
    width = max(len(r.step) for r in rows)
    lines = [f"{'step':<{width}}  {'seconds':>8}  detail", f"{'-' * width}  {'-' * 8}  {'-' * 6}"]
    lines += [f"{r.step:<{width}}  {r.seconds:>8.3f}  {r.detail}" for r in rows]
    return "\n".join(lines)


def run_bench(data_dir: Path, country: str, rounds: int, out: TextIO) -> int:
    """CLI entry: print the benchmark table; 1 with a clear message when it cannot run."""
    try:
        rows = benchmark(country, rounds, data_dir)
    except RuntimeError as exc:
        print(f"error: {exc}", file=out)
        return 1
    print(format_table(rows), file=out)
    return 0
