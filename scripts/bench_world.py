"""Benchmark `python -m scrapers parse` on a SYNTHETIC world cache (about 190 countries x 25 years of
real-size pages, scripts/make_world_cache.py): cold (empty raw/parsed/ store, no tables), then warm
(nothing changed), each in a child process, with its wall time and peak memory.

    python scripts/bench_world.py [--data-dir DIR] [--countries 190] [--years 2001-2025]

Without --data-dir the world cache is written to a temporary directory (removed afterwards unless
--keep); with it, a DIR that has no raw/ yet is written first, an existing one is reused (its
raw/parsed/ and tables/ are removed before the cold run). Peak memory is measured two ways: the
largest single process (ru_maxrss from os.wait4 of the child, which covers its reaped pool workers)
and the whole process tree (the child and its workers, PSS summed from /proc every 200 ms: memory
shared by forked workers counted once).
Targets (issue 9, 2 cores): cold < 60 s, warm < 2 s, peak memory of the cold build < 2 GB.
These are timings, not tests.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
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

from scrapers.inputs import parse_years  # noqa: E402

COLD_TARGET_S = 60.0
WARM_TARGET_S = 2.0
PEAK_TARGET_BYTES = 2 * 1024 ** 3


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


def run_parse(data_dir: Path) -> ChildRun:
    """`python -m scrapers parse --data-dir DATA_DIR` in a child; wall time and peak memory."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "scrapers", "parse", "--data-dir", str(data_dir)],
                            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
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


def _mb(n: int) -> str:
    return f"{n / 1024 ** 2:,.0f} MB"


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def table_sizes(data_dir: Path) -> list[tuple[str, int, int, int]]:
    """(table, rows, CSV bytes, Parquet bytes) of the current set."""
    manifest = json.loads((data_dir / "tables" / "manifest.json").read_text(encoding="utf-8"))
    return [(name, t["rows"], t["bytes"], t.get("parquet_bytes", 0)) for name, t in sorted(manifest["tables"].items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", help="world data directory to reuse (written first when it has no raw/)")
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--years", default="2001-2025")
    parser.add_argument("--keep", action="store_true", help="keep the temporary world directory")
    args = parser.parse_args(argv)

    import make_world_cache

    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="tip-world-"))
    try:
        if not (data_dir / "raw" / "manifest.csv").exists():
            summary = make_world_cache.make_world(data_dir, args.countries, parse_years(args.years))
            print(f"world cache written in {summary.seconds:.0f} s: {len(summary.countries)} countries x "
                  f"{len(summary.years)} years, {summary.pages} pages, {summary.bytes / 1e6:,.0f} MB ({data_dir})")
        else:
            print(f"world cache reused: {data_dir}")
        shutil.rmtree(data_dir / "raw" / "parsed", ignore_errors=True)
        shutil.rmtree(data_dir / "tables", ignore_errors=True)
        cold = run_parse(data_dir)
        warm = run_parse(data_dir)
        for name, run in (("cold", cold), ("warm", warm)):
            if run.code != 0:
                print(f"{name} parse exited {run.code}:\n{run.output[-3000:]}")
        print(cold.output.strip().splitlines()[-1] if cold.output.strip() else "")
        rows = [
            ("parse, cold (empty raw/parsed/, no tables)", f"{cold.wall:.1f}", f"{cold.cpu:.0f}", f"< {COLD_TARGET_S:.0f} s",
             _met(cold.wall < COLD_TARGET_S and cold.code == 0)),
            ("parse, warm (nothing changed)", f"{warm.wall:.2f}", f"{warm.cpu:.1f}", f"< {WARM_TARGET_S:.0f} s",
             _met(warm.wall < WARM_TARGET_S and warm.code == 0)),
            ("peak memory of the cold build, process tree", _mb(cold.peak_tree), "", "< 2 GB (2,048 MB)",
             _met(cold.peak_tree < PEAK_TARGET_BYTES)),
            ("peak memory of the cold build, largest process", _mb(cold.peak_process), "", "< 2 GB (2,048 MB)",
             _met(cold.peak_process < PEAK_TARGET_BYTES)),
            ("peak memory of the warm run, process tree", _mb(warm.peak_tree), "", "", ""),
        ]
        print("\n| step | wall s / memory | CPU s | target | met |\n|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print("\n| table | rows | CSV | Parquet |\n|---|---|---|---|")
        total_csv = total_parquet = 0
        for name, rows_count, csv_bytes, parquet_bytes in table_sizes(data_dir):
            total_csv += csv_bytes
            total_parquet += parquet_bytes
            print(f"| {name} | {rows_count:,} | {_mb(csv_bytes)} | {_mb(parquet_bytes)} |")
        print(f"| all | | {_mb(total_csv)} | {_mb(total_parquet)} |")
        return 0 if cold.code == 0 and warm.code == 0 else 1
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
