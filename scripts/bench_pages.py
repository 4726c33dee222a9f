"""Benchmark: every dashboard page on a world-sized SYNTHETIC table set, as a user meets it.

Targets (issue 16): every page's first view in a new session under 2 s, every rerun after a widget
change under 150 ms, the Streamlit server under 1 GB with five sessions on every page and back near
idle when they close.

The set is scripts/bench_world_pages.make_world's (190 countries x 2001-2025, synthetic numbers and
sentences, ~1,000,000 kwic rows by default; or `--data DIR`, a data directory already written).
Measured, each case `--runs` times (min / median / max, wall ms and CPU-seconds of this process):

  AppTest   first view with cold caches (once per page: the first visitor after a refresh), first
            view in a new session (a fresh AppTest, the server's caches warm), and a rerun after a
            widget change on each page (a value seen before: cached, and a new one where it applies);
            each timed run ends with the full garbage collection Streamlit's server runs after every
            script run (runner.postScriptGC), which AppTest's runner leaves out
  Chromium  (--browser) `streamlit run` on a free port, Debian's Chromium (CPU-seconds: the server
            process's): first view of each page
            in a new browser context (until Streamlit stops running and nothing is stale); then
            five contexts open on every page, the server process tree's RSS and PSS sampled
            (/proc) while they load, once they have all settled, and after they close

Every line gives the 1-minute load average of the machine during its runs (min-max).

    python scripts/bench_pages.py [--runs 3] [--kwic-rows 1000000] [--data DIR] [--browser]

Prints the figures; exits 1 when a median misses its target.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_TARGET_MS = 2000.0
RERUN_TARGET_MS = 150.0
MEMORY_TARGET_MB = 1024.0
PAGES = {  # url path: the page's title (what the browser waits for)
    "overview": "China in the Trafficking in Persons Report", "mentions": "Mentions of each group, year by year",
    "essay": "The essay's claims against the report", "read": "Read a year's narrative",
    "recommendations": "What the report asks the government to do",
    "world": "The whole report: where it names North Korean people", "compare": "China beside other countries",
    "data": "Data & sources"}


@dataclass
class Case:
    """One measured case: wall milliseconds and CPU-seconds of each run, the load average, and its target."""

    name: str
    target_ms: float | None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)

    def time(self, fn, cpu=time.process_time, after=None):
        """Run `fn` (then `after`, in the timed span) once, recording its wall time, the CPU-seconds
        `cpu()` counts meanwhile (this process's by default; the server's for Chromium) and the
        machine's 1-minute load average."""
        c0, t0 = cpu(), time.perf_counter()
        out = fn()
        if after is not None:
            after()
        self.wall.append((time.perf_counter() - t0) * 1000)
        self.cpu.append(cpu() - c0)
        self.load.append(os.getloadavg()[0])
        return out

    @property
    def ok(self) -> bool:
        return self.target_ms is None or statistics.median(self.wall) < self.target_ms

    def line(self) -> str:
        w, c = sorted(self.wall), sorted(self.cpu)
        verdict = "" if self.target_ms is None else ("ok" if self.ok else "SLOW")
        return (f"{self.name:46} {w[0]:8.0f} {statistics.median(w):8.0f} {w[-1]:8.0f}   "
                f"{c[0]:6.2f} {statistics.median(c):6.2f} {c[-1]:6.2f}  {len(w):2d}  "
                f"{min(self.load):4.1f}-{max(self.load):<4.1f}  {verdict}")


HEADER = (f"{'case':46} {'min':>8} {'median':>8} {'max':>8}   {'cpu s':>6} {'med':>6} {'max':>6}   n  load       "
          f"(wall ms; targets: first view < {FIRST_TARGET_MS:.0f}, rerun < {RERUN_TARGET_MS:.0f})")


def server_gc() -> None:
    """What Streamlit's server does after every script run and AppTest does not: a full collection."""
    gc.collect(2)


# -- AppTest ------------------------------------------------------------------------------------
def _app(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    at.query_params["page"] = page
    return at


def _check(at):
    if at.exception:
        raise SystemExit(f"the page raised: {[e.value for e in at.exception][:1]}")
    return at


def _run(at):
    at.run()
    return _check(at)


def _reruns(page: str, at, runs: int) -> dict[str, list]:
    """{case: [a callable changing a widget and rerunning, ...]} for `page` (AppTest `at`, run once)."""
    def setter(kind: str, key: str, values: list):
        return [lambda v=v: _check(getattr(at, kind)(key=key).set_value(v).run()) for v in values]

    cycle = lambda values: [values[i % len(values)] for i in range(max(runs, len(values)))]  # noqa: E731
    measures = ["per_1000_words", "share_of_sentences", "sentences"]
    if page == "mentions":
        ranges = [(2001 + i % 7, 2025 - i // 7) for i in range(runs)]
        return {"change measure": setter("radio", "measure", cycle(measures)),
                "new year range (first time)": setter("slider", "years", ranges),
                "change groups": setter("multiselect", "groups", cycle([["north_korean", "uyghur_xinjiang"],
                                                                         ["north_korean", "tibetan"]]))}
    if page in ("read", "recommendations") and any(w.key == "year" for w in at.selectbox):
        years = list(at.selectbox(key="year").options)[-3:]
        return {"change year": setter("selectbox", "year", cycle([int(y) if str(y).isdigit() else y for y in years]))}
    if page == "world":
        return {"change year": setter("select_slider", "world_year", cycle([2023, 2024, 2025])),
                "change measure": setter("radio", "world_measure", cycle(measures))}
    if page == "compare":
        return {"change measure": setter("radio", "compare_measure", cycle(measures)),
                "change countries": setter("multiselect", "compare_countries",
                                           cycle([["north-korea", "russia"], ["burma", "cambodia"]]))}
    if page == "essay" and any(t.key == "women_only" for t in at.toggle):
        return {"toggle women only": setter("toggle", "women_only", cycle([False, True]))}
    return {"rerun": [lambda: _run(at) for _ in range(runs)]}


def apptest_bench(runs: int) -> list[Case]:
    import streamlit as st

    import dashboard.cached  # noqa: F401 - imports (plotly, pyarrow, streamlit) are the server's start-up, not a view

    cases: list[Case] = []
    for page in PAGES:
        cold = Case(f"{page}: first view, caches cold", FIRST_TARGET_MS)
        st.cache_resource.clear()  # the first visitor after a new table set: nothing of it is cached yet
        st.cache_data.clear()
        cold.time(lambda: _run(_app(page)), after=server_gc)
        first = Case(f"{page}: first view, new session", FIRST_TARGET_MS)
        for _ in range(runs):
            at = first.time(lambda: _run(_app(page)), after=server_gc)
        cases += [cold, first]
        for what, calls in _reruns(page, at, runs).items():
            case = Case(f"{page}: {what}", RERUN_TARGET_MS)
            if "first time" not in what:
                for call in calls[:3]:  # every value seen once: what is measured is the rerun, not a first build
                    call()
            for call in calls:
                case.time(call, after=server_gc)
            cases.append(case)
        for case in cases[-len(_reruns(page, at, runs)) - 2:]:
            print(case.line(), flush=True)
    return cases


# -- Chromium and the server's memory --------------------------------------------------------------
def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU-seconds of process `pid` and its descendants (from /proc)."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of process `pid` and its descendants, in MB."""
    rss = pss = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


class Sampler:
    """The peak RSS/PSS of a process tree, sampled every 50 ms in a thread while `with` is open."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, (0.0, 0.0), threading.Event()

    def __enter__(self):
        def loop():
            while not self._stop.wait(0.05):
                rss, pss = memory_mb(self.pid)
                self.peak = (max(self.peak[0], rss), max(self.peak[1], pss))
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _server_pid() -> int:
    """The `streamlit run` child of this process."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid() and b"streamlit" in (stat.parent / "cmdline").read_bytes():
                return int(stat.parent.name)
        except OSError:
            continue
    raise SystemExit("no streamlit server started by this process")


def _settled(page, title: str) -> None:
    """Wait until the page's title is there, Streamlit has stopped running and nothing is stale."""
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=120_000)


def browser_bench(data_dir: Path, runs: int, sessions: int) -> tuple[list[Case], list[str]]:
    from playwright.sync_api import sync_playwright

    from tests.streamlit_browser import CHROMIUM, CHROMIUM_ARGS, serve

    cases: list[Case] = []
    notes: list[str] = []
    with contextlib.contextmanager(serve)(data_dir) as base, sync_playwright() as pw:
        pid = _server_pid()
        idle = memory_mb(pid)
        notes.append(f"server idle after start: RSS {idle[0]:.0f} MB, PSS {idle[1]:.0f} MB")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path, title in PAGES.items():
                cold = Case(f"chromium {path}: first view in this server", FIRST_TARGET_MS)
                first = Case(f"chromium {path}: first view, new session", FIRST_TARGET_MS)
                for i in range(runs + 1):
                    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = ctx.new_page()
                    (cold if i == 0 else first).time(lambda: (page.goto(f"{base}/{path}"), _settled(page, title)),
                                                     cpu=lambda: cpu_seconds(pid))
                    ctx.close()
                cases += [cold, first]
            after_one = memory_mb(pid)
            notes.append(f"server after one session at a time on every page: RSS {after_one[0]:.0f} MB, "
                         f"PSS {after_one[1]:.0f} MB")
            with Sampler(pid) as sampler:
                contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(sessions)]
                tabs = [ctx.new_page() for ctx in contexts]
                for path, title in PAGES.items():
                    for tab in tabs:
                        tab.goto(f"{base}/{path}", wait_until="commit")
                    for tab in tabs:
                        _settled(tab, title)
                settled = memory_mb(pid)
                for ctx in contexts:
                    ctx.close()
            notes.append(f"server with {sessions} sessions on every page: peak RSS {sampler.peak[0]:.0f} MB, peak PSS "
                         f"{sampler.peak[1]:.0f} MB (target < {MEMORY_TARGET_MB:.0f}); settled on the last page: RSS "
                         f"{settled[0]:.0f} MB, PSS {settled[1]:.0f} MB")
            deadline = time.monotonic() + 60
            closed = memory_mb(pid)
            while time.monotonic() < deadline and closed[0] > after_one[0] * 1.1:  # sessions are dropped on disconnect
                time.sleep(0.5)
                closed = memory_mb(pid)
            notes.append(f"server after the {sessions} sessions closed: RSS {closed[0]:.0f} MB, PSS {closed[1]:.0f} MB")
            if sampler.peak[0] >= MEMORY_TARGET_MB:
                notes.append("MEMORY over target")
        finally:
            browser.close()
    return cases, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kwic-rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="a data directory written before (else a temp one)")
    parser.add_argument("--browser", action="store_true", help="also Chromium first views and the server's memory")
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--no-apptest", action="store_true")
    parser.add_argument("--pages", help="only these pages (comma-separated url paths)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tipdash-pages-bench-") as tmp:
        out = args.data or Path(tmp) / "data"
        if args.data is None or not (out / "tables").is_dir():
            from scripts.bench_world_pages import make_world

            t0 = time.perf_counter()
            rows = make_world(out, args.kwic_rows)
            print(f"world-sized synthetic set in {time.perf_counter() - t0:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
        os.environ["TIPDASH_DATA_DIR"] = str(out)
        if args.pages:
            for page in set(PAGES) - set(args.pages.split(",")):
                del PAGES[page]
        cases: list[Case] = []
        notes: list[str] = []
        if not args.no_apptest:
            cases += apptest_bench(args.runs)
        if args.browser:
            more, notes = browser_bench(out, args.runs, args.sessions)
            cases += more
    print(HEADER)
    for case in cases:
        print(case.line())
    for note in notes:
        print(note)
    return 0 if all(c.ok for c in cases) and not any("over target" in n for n in notes) else 1


if __name__ == "__main__":
    sys.exit(main())
