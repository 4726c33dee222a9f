"""The floors of a cold world build, each measured in a child process on the build's own pages and tables.

    python scripts/bench_floors.py DATA_DIR [--workers 2] [--baseline REF]

DATA_DIR is a world data directory after a cold `python -m scrapers parse` (its raw/ cache and
tables/ (the current set's stable copy)). The floors (issue 16, item 3), in CPU-seconds of the measured work only (the
child's interpreter start and imports are left out; pool workers are counted, as getrusage of the
reaped children):

  pages    (a) read + gunzip + sha256 + lxml parse + the text of every <p> of every cached page,
           in --workers processes (the build's pool size)
  text     (b) over every paragraph of tables/paragraphs: a substring test of the lexicon's
           anchors (lowercased text) and a count of sentence ends ([.!?] before whitespace or the end)
  writers  (c) pyarrow's CSV and Parquet writers on every table of tables/
  count    not a floor: the build's counting step (analysis.tables.build_count_tables: cpu) and the
           recommendations made beside it in the pool (build_recommendations_table: recommendations_cpu)
           on the same paragraphs and narratives, one process; with --baseline REF also the counting
           code of git REF (its analysis/ extracted to a temporary directory) on the same input, and
           whether the two give byte-identical tables (the three count tables and recommendations)

Prints one JSON object per measurement (name, cpu, wall and details). scripts/bench_world.py runs
this after each cold build. These are timings, not tests.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "data" / "lexicon.toml"
FLOORS = ("pages", "text", "writers")


def _cpu() -> float:
    """CPU-seconds of this process and its reaped children so far (user + system)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _page_paths(data_dir: Path) -> list[Path]:
    with open(data_dir / "raw" / "manifest.csv", newline="", encoding="utf-8") as fh:
        return [data_dir / "raw" / row["path"] for row in csv.DictReader(fh) if row.get("path")]


def _page_text(paths: list[Path]) -> tuple[int, int, int]:
    """(pages, <p> elements, characters of their text) of the pages: read, gunzip, sha256, parse."""
    import gzip
    import hashlib

    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)
    paragraphs = chars = 0
    for path in paths:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        hashlib.sha256(data).hexdigest()
        root = etree.fromstring(data, parser)
        if root is None:
            continue
        for p in root.iter("p"):
            paragraphs += 1
            chars += len("".join(p.itertext()))
    return len(paths), paragraphs, chars


def floor_pages(data_dir: Path, workers: int) -> dict:
    """(a): every cached page, split into `workers` interleaved shares, one process each."""
    from concurrent.futures import ProcessPoolExecutor

    paths = _page_paths(data_dir)
    shares = [paths[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_page_text, shares))
    return {"pages": sum(p[0] for p in parts), "paragraphs": sum(p[1] for p in parts), "chars": sum(p[2] for p in parts)}


def _table(data_dir: Path, name: str):
    """A table of tables/ (the current set) as a pandas DataFrame (Parquet copy, else the CSV as text)."""
    import pandas as pd

    folder = data_dir / "tables"  # the stable copy: the current set's tables
    if (folder / f"{name}.parquet").exists():
        return pd.read_parquet(folder / f"{name}.parquet")
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _anchors() -> tuple[str, ...]:
    from analysis.anchors import AnchorFilter
    from analysis.lexicon import parse_lexicon

    return AnchorFilter.of(parse_lexicon(LEXICON.read_text(encoding="utf-8"))).anchors


def floor_text(texts: list[str], anchors: tuple[str, ...]) -> dict:
    """(b): the anchor substring test and the sentence-end count over every paragraph."""
    import re

    ends = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s|$)")
    anchored = sentence_ends = 0
    for text in texts:
        low = text.lower()
        for a in anchors:
            if a in low:
                anchored += 1
                break
        sentence_ends += len(ends.findall(text))
    return {"paragraphs": len(texts), "anchored": anchored, "sentence_ends": sentence_ends}


def floor_writers(data_dir: Path) -> dict:
    """(c): pyarrow.csv.write_csv and pyarrow.parquet.write_table of every table (read beforehand)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    folder = data_dir / "tables"  # the stable copy: the current set's tables
    tables = {p.stem: pq.read_table(p) for p in sorted(folder.glob("*.parquet"))}
    start = _cpu()
    with tempfile.TemporaryDirectory(prefix="bench-writers-") as out:
        for name, table in tables.items():
            pacsv.write_csv(table, os.path.join(out, f"{name}.csv"))
            pq.write_table(table, os.path.join(out, f"{name}.parquet"))
    return {"cpu": _cpu() - start, "tables": len(tables), "rows": sum(t.num_rows for t in tables.values())}


def count_tables(data_dir: Path) -> dict:
    """The counting step and the recommendations on the build's paragraphs and narratives; digests of the four tables."""
    import hashlib

    from analysis.lexicon import parse_lexicon
    from analysis.tables import build_count_tables, build_recommendations_table

    paragraphs, narratives = _table(data_dir, "paragraphs"), _table(data_dir, "narratives")
    lexicon = parse_lexicon(LEXICON.read_text(encoding="utf-8"))
    start = _cpu()
    tables = build_count_tables(paragraphs, narratives, lexicon)
    cpu = _cpu() - start
    start = _cpu()
    tables["recommendations"] = build_recommendations_table(paragraphs, narratives, lexicon)
    rec_cpu = _cpu() - start
    digests = {name: hashlib.sha256(df.to_csv(index=False).encode("utf-8")).hexdigest() for name, df in tables.items()}
    return {"cpu": cpu, "recommendations_cpu": rec_cpu, "paragraphs": len(paragraphs), "digests": digests}


def child(name: str, data_dir: Path, workers: int) -> dict:
    """Run one measurement in this process; cpu is that of the measured work only."""
    if name == "text":
        texts, anchors = _table(data_dir, "paragraphs")["text"].astype(str).tolist(), _anchors()
        start, wall = _cpu(), time.perf_counter()
        out = floor_text(texts, anchors)
        return {"cpu": _cpu() - start, "wall": time.perf_counter() - wall, **out}
    wall = time.perf_counter()
    if name == "pages":
        start = _cpu()
        out = floor_pages(data_dir, workers)
        out["cpu"] = _cpu() - start
    elif name == "writers":
        out = floor_writers(data_dir)
    elif name == "count":
        out = count_tables(data_dir)
    else:
        raise SystemExit(f"unknown measurement {name!r} (known: {', '.join(FLOORS + ('count',))})")
    return {**out, "wall": time.perf_counter() - wall}


def run_child(name: str, data_dir: Path, workers: int, code_root: Path = ROOT) -> dict:
    """`bench_floors.py --child NAME` in a fresh interpreter importing analysis/ from code_root;
    its JSON, with name, and the child's whole CPU (os.wait4, start and imports included)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(code_root), str(ROOT)]))
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", name, "--workers", str(workers),
                                 str(data_dir)], cwd=code_root, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"bench_floors --child {name} failed:\n{text[-3000:]}")
    result = json.loads(text.strip().splitlines()[-1])
    return {"name": name, **result, "child_cpu": usage.ru_utime + usage.ru_stime}


def baseline_tree(ref: str, into: Path) -> Path:
    """analysis/ of git REF extracted under INTO (for counting with the code before a change)."""
    archive = subprocess.run(["git", "archive", ref, "analysis"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def measure(data_dir: Path, workers: int, baseline: str | None = None) -> list[dict]:
    """Every floor, then the counting step (and the baseline's, with byte-identity), one child each."""
    results = [run_child(name, data_dir, workers) for name in FLOORS]
    results.append(run_child("count", data_dir, workers))
    if baseline:
        with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
            base = run_child("count", data_dir, workers, baseline_tree(baseline, Path(tmp)))
        base["name"] = f"count@{baseline}"
        base["identical"] = base["digests"] == results[-1]["digests"]
        results.append(base)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", help="a world data directory after a cold parse")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for floor (a)")
    parser.add_argument("--baseline", help="git ref whose analysis/ counts the same input too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    if not (data_dir / "raw" / "manifest.csv").exists() or not (data_dir / "tables" / "manifest.json").is_file():
        parser.error(f"{data_dir} has no raw/manifest.csv or tables/manifest.json: run a cold parse there first")
    if args.child:
        print(json.dumps(child(args.child, data_dir, args.workers)))
        return 0
    for result in measure(data_dir, args.workers, args.baseline):
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
