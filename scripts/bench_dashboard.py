"""Benchmark: how long a widget change's rerun takes once the tables are cached (target < 150 ms).

Builds a 25-year SYNTHETIC corpus (scripts/make_synthetic_corpus.py) in a temp dir, runs the app
with Streamlit's AppTest (which adds its own overhead, so real reruns are a little faster), warms
the caches, then times reruns after changing a widget on each page. Prints the figures; exits 1
when a page's median misses the target.

    python scripts/bench_dashboard.py [--repeat 15] [--scale 2.2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.make_synthetic_corpus import write_corpus  # noqa: E402

TARGET_MS = 150.0


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def bench(repeat: int, scale: float) -> dict[str, list[float]]:
    """{case: [rerun ms, ...]} for a widget change on each page, caches warm."""
    from streamlit.testing.v1 import AppTest

    def app(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        at.query_params["page"] = page
        return at

    results: dict[str, list[float]] = {}

    at = app("mentions")
    cold = _time(at.run)
    print(f"mentions: first run (cold caches) {cold:.0f} ms")
    measures = ["per_1000_words", "share_of_sentences", "sentences"]
    for i in range(3):  # warm every measure
        at.radio(key="measure").set_value(measures[i % 3]).run()
    results["mentions: change measure"] = [
        _time(lambda i=i: at.radio(key="measure").set_value(measures[i % 3]).run()) for i in range(repeat)]
    groups = [["north_korean", "uyghur_xinjiang"], ["north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan"]]
    results["mentions: change groups"] = [
        _time(lambda i=i: at.multiselect(key="groups").set_value(groups[i % 2]).run()) for i in range(repeat)]
    ranges = [(2001 + i % 7, 2025 - i // 7) for i in range(repeat)]  # a new range each time: nothing cached
    results["mentions: new year range"] = [
        _time(lambda r=r: at.slider(key="years").set_value(r).run()) for r in ranges]
    assert not at.exception, [e.value for e in at.exception]

    at = app("read")
    at.run()
    years = [2019, 2020, 2021]
    for y in years:
        at.selectbox(key="year").set_value(y).run()
    results["read: change year"] = [
        _time(lambda i=i: at.selectbox(key="year").set_value(years[i % 3]).run()) for i in range(repeat)]
    assert not at.exception, [e.value for e in at.exception]

    at = app("overview")
    at.run()
    results["overview: rerun"] = [_time(at.run) for _ in range(repeat)]
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
    failed = False
    print(f"\n{'case':32} {'median':>8} {'p90':>8} {'max':>8}   (ms, {args.repeat} reruns, target median < {TARGET_MS:.0f})")
    for case, times in results.items():
        times = sorted(times)
        med = statistics.median(times)
        p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
        ok = med < TARGET_MS
        failed |= not ok
        print(f"{case:32} {med:8.1f} {p90:8.1f} {times[-1]:8.1f}   {'ok' if ok else 'SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
