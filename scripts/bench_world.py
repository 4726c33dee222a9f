"""Benchmark `python -m scrapers parse` on a SYNTHETIC world cache (about 190 countries x 25 years of
real-size pages, scripts/make_world_cache.py) against its floors, all in the same run, --runs times:
cold (empty raw/parsed/ store, no tables; also the CPU seconds of its main process alone, the serial
part of the build), warm (nothing changed), the import floor (`import
scrapers.cli` in a fresh interpreter), and the floors of scripts/bench_floors.py on the cold build's
own pages and tables ((a) read + gunzip + sha256 + lxml + <p> text, (b) anchor substring test +
sentence-end count, (c) pyarrow's CSV and Parquet writers) with the counting step on the same
paragraphs (and, with --baseline REF, the counting code of git REF, and whether its tables are
byte-identical). Each figure is printed as min / median / max over the runs.

    python scripts/bench_world.py [--data-dir DIR] [--countries 190] [--years 2001-2025] [--runs 3]
                                  [--baseline REF]

Without --data-dir the world cache is written to a temporary directory (removed afterwards unless
--keep); with it, a DIR that has no raw/ yet is written first, an existing one is reused (its
raw/parsed/ and tables/ are removed before each cold run). CPU-seconds come from os.wait4 of each
child (its reaped pool workers included): the machine is shared, wall time swings with load. Peak
memory is measured two ways: the largest single process (ru_maxrss of the child) and the whole
process tree (the child and its workers, PSS summed from /proc every 200 ms: memory shared by forked
workers counted once).
Targets (issue 16, 2 cores): cold build <= 2x its floors in CPU-seconds, warm run <= 1.5x the import
floor, peak memory of the cold build < 1.5 GB. These are timings, not tests.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "scripts"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import bench_floors  # noqa: E402  (scripts/ is not a package)

COLD_FLOOR_RATIO = 2.0  # cold CPU-s / floors CPU-s
WARM_IMPORT_RATIO = 1.5  # warm CPU-s / import CPU-s
PEAK_TARGET_BYTES = int(1.5 * 1024 ** 3)


@dataclass(frozen=True)
class ChildRun:
    """One `parse` in a child process: exit code, wall seconds, CPU seconds, peak memory (bytes) of
    the largest process (ru_maxrss) and of the whole tree (PSS, sampled), and its output."""

    code: int
    wall: float
    cpu: float
    peak_process: int
    peak_tree: int
    output: str


def _pss(pid: int, rss: int) -> int:
    """Proportional set size of a process in bytes (pages shared with forked workers counted once
    across them), or its RSS where /proc/PID/smaps_rollup cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss


def _tree_memory(root_pid: int) -> int:
    """Memory in bytes of root_pid and every descendant: the sum of their PSS (from /proc; 0 for
    processes gone meanwhile)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(stat[1])
            rss[int(entry)] = int(stat[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(_pss(pid, rss.get(pid, 0)) for pid in tree if pid in rss)


def run_child(argv: list[str]) -> ChildRun:
    """argv in a child process from the repository root: wall and CPU time, peak memory, output."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_memory(proc.pid))
            done.wait(0.2)  # reading smaps_rollup costs CPU the build would use: not too often

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    return ChildRun(proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, peak[0], text)


MAIN_CPU_TAG = "bench_world main-process CPU s: "
# The cold build through scrapers.cli.main in a child that says, last, its own CPU seconds (threads
# included, forked workers not): the serial part of the build.
_PARSE_TELLING_MAIN_CPU = (
    "import resource, sys\nfrom scrapers.cli import main\ncode = main(sys.argv[1:])\n"
    "u = resource.getrusage(resource.RUSAGE_SELF)\n"
    f"print({MAIN_CPU_TAG!r} + format(u.ru_utime + u.ru_stime, '.3f'), flush=True)\nsys.exit(code)")


def run_parse(data_dir: Path, *, main_cpu: bool = False) -> ChildRun:
    """`python -m scrapers parse --data-dir DATA_DIR` in a child (with `main_cpu`, through
    scrapers.cli.main in a child that prints its own CPU seconds: main_cpu() reads them)."""
    if main_cpu:
        return run_child([sys.executable, "-c", _PARSE_TELLING_MAIN_CPU, "parse", "--data-dir", str(data_dir)])
    return run_child([sys.executable, "-m", "scrapers", "parse", "--data-dir", str(data_dir)])


def main_cpu(run: ChildRun) -> float:
    """The main process's own CPU seconds of a run_parse(main_cpu=True), from its last line."""
    lines = [line for line in run.output.splitlines() if line.startswith(MAIN_CPU_TAG)]
    return float(lines[-1][len(MAIN_CPU_TAG):]) if lines else float("nan")


def run_import() -> ChildRun:
    """The warm run's floor: a fresh interpreter importing the command line (`import scrapers.cli`)."""
    return run_child([sys.executable, "-c", "import scrapers.cli"])


def _mb(n: int) -> str:
    return f"{n / 1024 ** 2:,.0f} MB"


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def table_sizes(data_dir: Path) -> list[tuple[str, int, int, int]]:
    """(table, rows, CSV bytes, Parquet bytes) of the current set."""
    manifest = json.loads((data_dir / "tables" / "manifest.json").read_text(encoding="utf-8"))
    return [(name, t["rows"], t["bytes"], t.get("parquet_bytes", 0)) for name, t in sorted(manifest["tables"].items())]


def _spread(values: list[float], fmt: str) -> str:
    """min / median / max of the runs' values."""
    return " / ".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


@dataclass(frozen=True)
class Run:
    """One round: the cold build, the warm run, the import floor and bench_floors' measurements."""

    cold: ChildRun
    warm: ChildRun
    imported: ChildRun
    floors: dict[str, dict]  # name -> bench_floors result (pages, text, writers, count, count@REF)

    @property
    def floor_cpu(self) -> float:
        return sum(self.floors[name]["cpu"] for name in bench_floors.FLOORS)


def one_run(data_dir: Path, workers: int, baseline: str | None) -> Run:
    """Empty the parse store and tables, build cold, run warm, then measure the floors."""
    shutil.rmtree(data_dir / "raw" / "parsed", ignore_errors=True)
    shutil.rmtree(data_dir / "tables", ignore_errors=True)
    cold = run_parse(data_dir, main_cpu=True)
    warm = run_parse(data_dir)
    imported = run_import()
    for name, run in (("cold", cold), ("warm", warm), ("import", imported)):
        if run.code != 0:
            raise SystemExit(f"{name} run exited {run.code}:\n{run.output[-3000:]}")
    floors = {r["name"]: r for r in bench_floors.measure(data_dir, workers, baseline)}
    return Run(cold, warm, imported, floors)


def report(runs: list[Run], baseline: str | None) -> list[tuple[str, str, str, str]]:
    """(figure, min / median / max, target, met) rows."""
    f = [r.floors for r in runs]
    ratio = [r.cold.cpu / r.floor_cpu for r in runs]
    warm_ratio = [r.warm.cpu / r.imported.cpu for r in runs]
    peak = [r.cold.peak_tree for r in runs]
    rows = [
        ("parse, cold: CPU s (wall s)", f"{_spread([r.cold.cpu for r in runs], '.1f')} ({_spread([r.cold.wall for r in runs], '.1f')})", "", ""),
        ("parse, cold: main process alone (the serial part), CPU s", _spread([main_cpu(r.cold) for r in runs], ".2f"), "", ""),
        ("floor (a) pages: read+gunzip+sha256+lxml+<p> text, CPU s", _spread([x["pages"]["cpu"] for x in f], ".2f"), "", ""),
        ("floor (b) text: anchor substring test + sentence ends, CPU s", _spread([x["text"]["cpu"] for x in f], ".2f"), "", ""),
        ("floor (c) writers: pyarrow CSV + Parquet, CPU s", _spread([x["writers"]["cpu"] for x in f], ".2f"), "", ""),
        ("floors (a)+(b)+(c), CPU s", _spread([r.floor_cpu for r in runs], ".2f"), "", ""),
        ("cold / floors (CPU)", _spread(ratio, ".2f"), f"<= {COLD_FLOOR_RATIO:.1f}x",
         _met(statistics.median(ratio) <= COLD_FLOOR_RATIO)),
        ("parse, warm: CPU s (wall s)", f"{_spread([r.warm.cpu for r in runs], '.2f')} ({_spread([r.warm.wall for r in runs], '.2f')})", "", ""),
        ("import scrapers.cli: CPU s", _spread([r.imported.cpu for r in runs], ".2f"), "", ""),
        ("warm / import (CPU)", _spread(warm_ratio, ".2f"), f"<= {WARM_IMPORT_RATIO:.1f}x",
         _met(statistics.median(warm_ratio) <= WARM_IMPORT_RATIO)),
        ("peak memory of the cold build, process tree, MB", _spread([p / 1024 ** 2 for p in peak], ",.0f"),
         f"< {PEAK_TARGET_BYTES / 1024 ** 2:,.0f} MB", _met(max(peak) < PEAK_TARGET_BYTES)),
        ("peak memory of the cold build, largest process, MB", _spread([r.cold.peak_process / 1024 ** 2 for r in runs], ",.0f"), "", ""),
        ("counting step (build_count_tables), one process, CPU s", _spread([x["count"]["cpu"] for x in f], ".2f"), "", ""),
    ]
    if baseline:
        key = f"count@{baseline}"
        rows.append((f"counting step at {baseline}, same paragraphs, CPU s", _spread([x[key]["cpu"] for x in f], ".2f"), "", ""))
        rows.append((f"count tables byte-identical to {baseline}", "yes" if all(x[key]["identical"] for x in f) else "NO", "yes",
                     _met(all(x[key]["identical"] for x in f))))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", help="world data directory to reuse (written first when it has no raw/)")
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--years", default="2001-2025")
    parser.add_argument("--runs", type=int, default=3, help="rounds of cold, warm, import and floors (at least 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes of floor (a)")
    parser.add_argument("--baseline", help="git ref whose counting code is timed on the same paragraphs too")
    parser.add_argument("--keep", action="store_true", help="keep the temporary world directory")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1 (3 or more for a range worth quoting)")

    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="tip-world-")).resolve()
    try:
        if not (data_dir / "raw" / "manifest.csv").exists():
            made = run_child([sys.executable, str(ROOT / "scripts" / "make_world_cache.py"), "--countries", str(args.countries),
                              "--years", args.years, "--quiet", str(data_dir)])
            if made.code != 0:
                print(f"make_world_cache exited {made.code}:\n{made.output[-3000:]}")
                return 1
            print(made.output.strip().splitlines()[-1] if made.output.strip() else f"world cache written: {data_dir}")
        else:
            print(f"world cache reused: {data_dir}")
        runs = []
        for number in range(1, args.runs + 1):
            run = one_run(data_dir, args.workers, args.baseline)
            runs.append(run)
            print(f"run {number}/{args.runs}: cold {run.cold.cpu:.1f} CPU s ({run.cold.wall:.1f} s wall), floors "
                  f"{run.floor_cpu:.2f} CPU s, warm {run.warm.cpu:.2f} CPU s, import {run.imported.cpu:.2f} CPU s", flush=True)
        print(runs[-1].cold.output.strip().splitlines()[-1] if runs[-1].cold.output.strip() else "")
        pages = runs[-1].floors["pages"]
        text = runs[-1].floors["text"]
        print(f"pages: {pages['pages']:,} cached pages, {pages['paragraphs']:,} <p>; paragraphs table: {text['paragraphs']:,} "
              f"({text['anchored']:,} hold an anchor), {text['sentence_ends']:,} sentence ends")
        print(f"\n| figure ({len(runs)} runs: min / median / max) | value | target | met |\n|---|---|---|---|")
        for row in report(runs, args.baseline):
            print("| " + " | ".join(row) + " |")
        print("\n| table | rows | CSV | Parquet |\n|---|---|---|---|")
        total_csv = total_parquet = 0
        for name, rows_count, csv_bytes, parquet_bytes in table_sizes(data_dir):
            total_csv += csv_bytes
            total_parquet += parquet_bytes
            print(f"| {name} | {rows_count:,} | {_mb(csv_bytes)} | {_mb(parquet_bytes)} |")
        print(f"| all | | {_mb(total_csv)} | {_mb(total_parquet)} |")
        return 0
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
