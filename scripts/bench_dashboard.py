"""Benchmark: how long a widget change's rerun takes once the tables are cached (target < 150 ms).

Builds a 25-year SYNTHETIC corpus (scripts/make_synthetic_corpus.py) in a temp dir, runs the app
with Streamlit's AppTest (which adds its own overhead, so real reruns are a little faster), warms
the caches, then times reruns after changing a widget on each page, each with the full garbage
collection Streamlit's server runs after every script run (AppTest leaves it out). Prints the
figures; exits 1 when a page's median misses the target. Prints min / median / max wall ms and
CPU-seconds, and the load average.

    python scripts/bench_dashboard.py [--repeat 15] [--scale 2.2]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench_pages import HEADER, RERUN_TARGET_MS, Case, server_gc  # noqa: E402
from scripts.make_synthetic_corpus import write_corpus  # noqa: E402


def bench(repeat: int, scale: float) -> dict[str, Case]:
    """{case: its reruns (wall ms and CPU-seconds)} for a widget change on each page, caches warm."""
    from streamlit.testing.v1 import AppTest

    def app(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        at.query_params["page"] = page
        return at

    results: dict[str, Case] = {}

    def timed(name: str, calls) -> None:
        case = results[name] = Case(name, RERUN_TARGET_MS)
        for call in calls:
            case.time(call, after=server_gc)

    at = app("mentions")
    t0 = time.perf_counter()
    at.run()
    print(f"mentions: first run (cold caches) {(time.perf_counter() - t0) * 1000:.0f} ms")
    measures = ["per_1000_words", "share_of_sentences", "sentences"]
    for i in range(3):  # warm every measure
        at.radio(key="measure").set_value(measures[i % 3]).run()
    timed("mentions: change measure", [lambda i=i: at.radio(key="measure").set_value(measures[i % 3]).run()
                                       for i in range(repeat)])
    groups = [["north_korean", "uyghur_xinjiang"], ["north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan"]]
    timed("mentions: change groups", [lambda i=i: at.multiselect(key="groups").set_value(groups[i % 2]).run()
                                      for i in range(repeat)])
    ranges = [(2001 + i % 7, 2025 - i // 7) for i in range(repeat)]  # a new range each time: nothing cached
    timed("mentions: new year range", [lambda r=r: at.slider(key="years").set_value(r).run() for r in ranges])
    assert not at.exception, [e.value for e in at.exception]

    at = app("read")
    at.run()
    years = [2019, 2020, 2021]
    for y in years:
        at.selectbox(key="year").set_value(y).run()
    timed("read: change year", [lambda i=i: at.selectbox(key="year").set_value(years[i % 3]).run()
                                for i in range(repeat)])
    assert not at.exception, [e.value for e in at.exception]

    at = app("overview")
    at.run()
    timed("overview: rerun", [at.run for _ in range(repeat)])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scale", type=float, default=2.2, help="paragraphs per section (2.2 = ~97 in recent years)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tipdash-bench-") as tmp:
        out = write_corpus(Path(tmp), list(range(2001, 2026)), scale=args.scale, script_tag_year=2021)
        from scrapers.store.tableset import current

        ts = current(out)
        sizes = {name: info.rows for name, info in sorted(ts.manifest.tables.items())}
        print("synthetic corpus, 25 years:", ", ".join(f"{k} {v} rows" for k, v in sizes.items()))
        os.environ["TIPDASH_DATA_DIR"] = str(out)
        results = bench(args.repeat, args.scale)
    print(HEADER)
    for case in results.values():
        print(case.line())
    return 0 if all(case.ok for case in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
