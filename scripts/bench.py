"""Benchmark the scraper on real-size SYNTHETIC pages, as ratios against baselines timed in the same run.

    python scripts/bench.py [--rounds N] [--years 2001-2025]      (or: python -m scrapers bench)

Generates the realistic site (scripts/make_realistic_pages.py) in a temporary directory, serves it on
127.0.0.1 with tests/site_server.py, and times, through the public entry points (scrapers.cli.main,
scrapers.parse.page.parse_narrative, analysis.tables.build_analysis_tables):

- the page parser against a naive BeautifulSoup(html, "html.parser") + get_text() of every <p>
  (target: at least 5x faster);
- a cold `refresh --delay 0` from the local server against a naive scraper that fetches the same pages
  with requests and parses each with bs4 html.parser (target: at most 1.5x its time);
- a warm `refresh` of the same years in a new process (0 requests) against a bare
  `python -c "import scrapers.cli"` (target: at most 1.5x);
- `refresh --revalidate` over the unchanged years: requests, 304 answers, bytes written (target 0);
- `parse` with an empty parse cache (target: under 1 s) and with a warm one;
- the analysis (metrics) step on the realistic corpus, and on the 25-year synthetic corpus of
  scripts/make_synthetic_corpus.py (target: under 0.3 s).

Timings are the best of N rounds; they are not tests (tests/ never asserts a time).
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVER_FILE = ROOT / "tests" / "site_server.py"
GENERATOR_FILE = ROOT / "scripts" / "make_realistic_pages.py"
SYNTHETIC_FILE = ROOT / "scripts" / "make_synthetic_corpus.py"
YEARS = (2001, 2025)
SYNTHETIC_SCALE = 4.0  # about 100 paragraphs a year, the size of a real China narrative


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table: a timing, its baseline from the same run, and the target."""

    step: str
    seconds: float | None
    baseline: float | None = None
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    detail: str = ""


def _load(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
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


def _best_pair(rounds: int, first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """Best times of two actions measured alternately (so machine load hits both alike)."""
    a = b = float("inf")
    for _ in range(rounds):
        a = min(a, _best(1, first)[0])
        b = min(b, _best(1, second)[0])
    return a, b


def _naive_parse(html: str) -> int:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    return sum(len(p.get_text()) for p in soup.find_all("p"))


def _cli(*argv: str) -> tuple[int, str]:
    from scrapers.cli import main

    out = io.StringIO()
    code = main([str(a) for a in argv], out=out, err=out)
    return code, out.getvalue()


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def _written(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> tuple[list[str], int]:
    """(files created or rewritten, their bytes) between two snapshots."""
    changed = sorted(name for name, stat in after.items() if before.get(name) != stat)
    return changed, sum(after[name][0] for name in changed)


def _tables_dir(data_dir: Path) -> Path:
    stable = data_dir / "tables"  # the stable copy of the current set (scrapers.store.tableset)
    return stable if (stable / "manifest.json").is_file() else data_dir


def _metrics(tables: Path, rounds: int) -> tuple[float, str]:
    """Time analysis.tables.build_analysis_tables on the corpus tables in `tables`."""
    import pandas as pd

    from analysis.lexicon import parse_lexicon
    from analysis.tables import build_analysis_tables

    frames = {name: pd.read_csv(tables / f"{name}.csv", dtype={"text": str}, keep_default_na=False)
              for name in ("paragraphs", "narratives", "tiers")}
    lexicon = parse_lexicon((ROOT / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    claims = pd.read_csv(ROOT / "data" / "essay" / "claims.csv")
    seconds, result = _best(rounds, lambda: build_analysis_tables(frames["paragraphs"], frames["narratives"],
                                                                  frames["tiers"], lexicon, claims))
    return seconds, (f"{frames['narratives'].shape[0]} years, {frames['paragraphs'].shape[0]} paragraphs, "
                     f"{len(result['kwic'])} kwic rows")


def _ratio(value: float, baseline: float, faster: bool) -> str:
    if faster:
        return f"{baseline / value:.1f}x faster" if value else "-"
    return f"{value / baseline:.2f}x" if baseline else "-"


def benchmark(country: str = "china", rounds: int = 3, years: tuple[int, int] = YEARS,
              log: TextIO | None = None) -> list[Row]:
    """Every timing of the module docstring; RuntimeError when not run from a checkout."""
    for needed in (SERVER_FILE, GENERATOR_FILE):
        if not needed.is_file():
            raise RuntimeError(f"bench needs a checkout of the repository: {needed} not found")
    server_module = _load("tip_site_server", SERVER_FILE)
    generator = _load("make_realistic_pages", GENERATOR_FILE)
    from scrapers.countries import get_country
    from scrapers.parse.page import parse_narrative

    country_obj = get_country(country)
    year_list = list(range(years[0], years[1] + 1))
    span = f"{years[0]}-{years[1]}"
    rows: list[Row] = []

    def note(text: str) -> None:
        if log is not None:
            print(f"  ... {text}", file=log, flush=True)

    with tempfile.TemporaryDirectory(prefix="tip-bench-") as tmp:
        site = Path(tmp) / "site"
        start = time.perf_counter()
        truth = generator.generate(site, year_list)
        sizes = sorted(generator.url_file(site, t.source_url).stat().st_size / 1024 for t in truth.values())
        words = sorted(t.word_count for t in truth.values())
        rows.append(Row("realistic pages generated (synthetic)", time.perf_counter() - start,
                        detail=f"{generator.size_summary(site)}; narrative pages {sizes[0]:.0f}/"
                               f"{statistics.median(sizes):.0f}/{sizes[-1]:.0f} KB, China narratives "
                               f"{words[0]:,}-{words[-1]:,} words, 2001-2008 pages hold "
                               f"{max(t.countries_on_page for t in truth.values())} countries"))
        note(rows[-1].detail)

        # 1. the page parser against the naive baseline, on the narrative pages
        pages = [(t.year, t.source_url, generator.url_file(site, t.source_url).read_text(encoding="utf-8"))
                 for t in truth.values()]
        parser_s, naive_s = _best_pair(
            rounds,
            lambda: [parse_narrative(h, country=country_obj, year=y, source_url=u) for y, u, h in pages],
            lambda: [_naive_parse(h) for _, _, h in pages])
        rows.append(Row("parse all cached pages: page parser vs naive bs4 html.parser + get_text(<p>)", parser_s,
                        naive_s, _ratio(parser_s, naive_s, True), ">= 5x faster", naive_s >= 5 * parser_s,
                        f"{len(pages)} narrative pages, {parser_s / len(pages) * 1000:.1f} ms a page "
                        f"(naive {naive_s / len(pages) * 1000:.1f} ms)"))
        note(f"{rows[-1].step}: {rows[-1].ratio}")

        with server_module.SiteServer(site) as server:
            mirror = server.base_url
            refresh = ["refresh", "--country", country, "--years", span, "--delay", "0", "--mirror", mirror]

            # 2. cold refresh against a naive scraper of the same pages (fresh data dir each round)
            cold_s, cold_out, cold_requests, urls = float("inf"), "", 0, []
            naive_s = float("inf")
            import requests

            def naive_scrape() -> None:
                with requests.Session() as session:
                    for url in urls:
                        _naive_parse(session.get(mirror + url, timeout=30).text)

            for index in range(rounds):
                work = Path(tmp) / f"cold-{index}"
                server.reset_counts()
                began = time.perf_counter()
                code, cold_out = _cli(*refresh, "--data-dir", work)
                cold_s = min(cold_s, time.perf_counter() - began)
                cold_requests, urls = server.total, sorted(server.counts)
                if code != 0:
                    raise RuntimeError(f"cold refresh failed (exit {code}):\n{cold_out[-2000:]}")
                naive_s = min(naive_s, _best(1, naive_scrape)[0])
                if index:
                    shutil.rmtree(work, ignore_errors=True)
            parsed = re.search(r"(\d+) parsed", cold_out)
            rows.append(Row("refresh, cold (--delay 0, local server) vs naive requests + bs4 scraper", cold_s,
                            naive_s, _ratio(cold_s, naive_s, False), "<= 1.5x", cold_s <= 1.5 * naive_s,
                            f"{cold_requests} requests, {parsed.group(1) if parsed else '?'} years parsed"))
            note(f"{rows[-1].step}: {rows[-1].ratio}")
            work = Path(tmp) / "cold-0"

            # 3. warm refresh in a new process against the bare interpreter + imports
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

            def run(argv: list[str]) -> None:
                done = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True)
                if done.returncode != 0:
                    raise RuntimeError(f"{' '.join(argv)} failed (exit {done.returncode}):\n{done.stdout[-1500:]}"
                                       f"{done.stderr[-1500:]}")

            server.reset_counts()
            warm_s, bare_s = _best_pair(rounds, lambda: run(["-m", "scrapers", *refresh, "--data-dir", str(work)]),
                                        lambda: run(["-c", "import scrapers.cli"]))
            rows.append(Row("refresh, warm (same years, new process) vs python -c 'import scrapers.cli'", warm_s,
                            bare_s, _ratio(warm_s, bare_s, False), "<= 1.5x", warm_s <= 1.5 * bare_s,
                            f"{server.total // max(1, rounds)} requests"))
            note(f"{rows[-1].step}: {rows[-1].ratio}")

            # 4. revalidation of every cached page: conditional requests, nothing written
            server.reset_counts()
            before = _files(work)
            began = time.perf_counter()
            code, output = _cli(*refresh, "--data-dir", work, "--revalidate")
            seconds = time.perf_counter() - began
            if code == 2 and "--revalidate" in output:
                rows.append(Row("refresh --revalidate (unchanged years)", None, detail="n/a (no --revalidate)"))
            else:
                files, written = _written(before, _files(work))
                not_modified = sum(getattr(server, "not_modified", {}).values())
                rows.append(Row(f"refresh --revalidate ({len(year_list)} unchanged years)", seconds,
                                target="0 bytes written", met=written == 0 and code == 0,
                                detail=f"exit {code}, {server.total} requests ({not_modified} answered 304 Not "
                                       f"Modified), {written:,} bytes written in {len(files)} files"
                                       + (f" ({', '.join(files[:4])}{', ...' if len(files) > 4 else ''})"
                                          if files else "")))
            note(f"{rows[-1].step}: {rows[-1].detail}")

        # the server is stopped: nothing below can touch the network
        # 5. parse: with an empty parse cache, then with a warm one
        def parse_cold() -> str:
            shutil.rmtree(work / "raw" / _parsed_dir_name(), ignore_errors=True)
            code, output = _cli("parse", "--country", country, "--data-dir", work)
            if code not in (0, 1):
                raise RuntimeError(f"parse failed (exit {code}):\n{output[-2000:]}")
            return output

        seconds, output = _best(rounds, parse_cold)
        pages_parsed = re.search(r"(\d+) page\(s\) parsed", output or "")
        rows.append(Row(f"parse command, {len(year_list)} cached years, empty parse cache", seconds,
                        target="< 1 s", met=seconds < 1.0,
                        detail=f"{pages_parsed.group(1) if pages_parsed else '?'} pages parsed (in-process)"))
        seconds, output = _best(rounds, lambda: _cli("parse", "--country", country, "--data-dir", work)[1])
        pages_parsed = re.search(r"(\d+) page\(s\) parsed", output or "")
        rows.append(Row(f"parse command, {len(year_list)} cached years, warm parse cache", seconds,
                        detail=f"{pages_parsed.group(1) if pages_parsed else '?'} pages parsed (in-process)"))

        # 6. the analysis step
        seconds, detail = _metrics(_tables_dir(work), rounds)
        rows.append(Row(f"analysis (metrics), {len(year_list)} realistic years", seconds, detail=detail))
        if SYNTHETIC_FILE.is_file():
            out_dir = Path(tmp) / "synthetic"
            _load("tip_synthetic_corpus", SYNTHETIC_FILE).write_corpus(out_dir, list(range(2001, 2026)),
                                                                       scale=SYNTHETIC_SCALE)
            seconds, detail = _metrics(_tables_dir(out_dir), rounds)
            rows.append(Row("analysis (metrics), 25-year synthetic corpus", seconds, target="< 0.3 s",
                            met=seconds < 0.3, detail=detail))
    return rows


def _parsed_dir_name() -> str:
    """The parse cache's directory under raw/ (the pipeline's own name when it says so)."""
    try:
        from scrapers.store.parse_store import PARSED_DIR
    except ImportError:
        return "parsed"
    return str(PARSED_DIR)


def format_table(rows: list[Row]) -> str:
    """The rows as an aligned text table; each detail ends its line."""
    def seconds(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    width = max(len(r.step) for r in rows)
    head = f"{'step':<{width}}  {'seconds':>8}  {'baseline':>8}  {'ratio':>12}  {'target':>15}  met  detail"
    lines = [head, "-" * len(head)]
    for r in rows:
        met = "" if r.met is None else "yes" if r.met else "NO"
        lines.append(f"{r.step:<{width}}  {seconds(r.seconds):>8}  "
                     f"{seconds(r.baseline) if r.baseline is not None else '':>8}  {r.ratio:>12}  {r.target:>15}  "
                     f"{met:<3}  {r.detail}")
    return "\n".join(lines)


def run(country: str = "china", rounds: int = 3, out: TextIO = sys.stdout, years: tuple[int, int] = YEARS) -> int:
    """Print the benchmark table to `out`; 1 with a clear message when it cannot run."""
    try:
        rows = benchmark(country, max(1, rounds), years, log=out)
    except RuntimeError as exc:
        print(f"error: {exc}", file=out)
        return 1
    print(format_table(rows), file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="repetitions; the best time is shown (default 3)")
    parser.add_argument("--years", default=f"{YEARS[0]}-{YEARS[1]}", help="a span of report years, e.g. 2001-2025")
    parser.add_argument("--country", default="china")
    args = parser.parse_args(argv)
    low, _, high = args.years.partition("-")
    return run(args.country, args.rounds, sys.stdout, (int(low), int(high or low)))


if __name__ == "__main__":
    sys.exit(main())
