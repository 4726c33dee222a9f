"""The page parser against floor (a), on the pages of a data directory, in one process, same run.

    python scripts/bench_parser.py DATA_DIR [--runs 3] [--profile OUT] [--digest] [--code DIR]

DATA_DIR is a data directory after a cold `python -m scrapers parse` (its raw/ cache, its parse
store's summary of which page was parsed for which country-year). Each run times, in CPU-seconds of
this thread (one core, no pool):

  floor   floor (a) of scripts/bench_floors.py: read + gunzip + sha256 + lxml parse + the text of
          every <p>, of every page once
  parser  what the build's pool does for the same pages: scrapers.pool.parse_group of each page's
          country-years (read, gunzip, sha256, decode, parse_narrative / parse_all_narratives)

and prints one JSON line per run with both and their ratio. The two alternate page by page (CPU
time of this thread), so machine load weighs on both alike. With --digest, the sha256 of every outcome (narrative or error) is
printed too: equal digests from two versions of the code (--code DIR: import scrapers from DIR, a
copy of another commit) mean the same parse. With --profile, cProfile of one parser pass goes to OUT.
These are timings, not tests; the data directory is only read.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from bench_floors import _page_text  # noqa: E402  (floor (a), as the world benchmark measures it)


def _jobs(data_dir: Path):
    """The build's PageJobs (one per country-year parsed), grouped by page as parse_many groups them."""
    from scrapers.parse.jobs import PageJob
    from scrapers.pool import _group_jobs

    raw = data_dir / "raw"
    with open(raw / "manifest.csv", newline="", encoding="utf-8") as fh:
        entries = {row["url"]: row for row in csv.DictReader(fh) if row.get("path")}
    summaries = sorted((raw / "parsed").glob("v*/summary.json"), key=lambda p: p.stat().st_mtime)
    if not summaries:
        raise SystemExit(f"{raw / 'parsed'} holds no parse store summary: run a cold `python -m scrapers parse` first")
    jobs = []
    for key, record in sorted(json.loads(summaries[-1].read_text(encoding="utf-8")).items()):
        country, year, _ = key.split("/")
        entry = entries.get(record.get("source_url"))
        if entry is None:
            continue
        jobs.append(PageJob(str(raw / entry["path"]), entry["content_type"], country, int(year), entry["url"],
                            entry["sha256"]))
    return _group_jobs(jobs)


def _floor(paths: list[str]) -> int:
    """Floor (a) of scripts/bench_floors.py on `paths` (its _page_text): the number of <p>."""
    return _page_text([Path(p) for p in paths])[1]


def _parse(groups) -> list:
    from scrapers.pool import parse_group

    return [outcome for group in groups for outcome in parse_group(group)]


def _digest(digest, outcomes) -> None:
    for outcome in outcomes:
        digest.update(json.dumps(dataclasses.asdict(outcome), sort_keys=True, default=str).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", type=Path, help="write cProfile stats of one parser pass here")
    ap.add_argument("--digest", action="store_true", help="print the sha256 of every outcome")
    ap.add_argument("--code", type=Path, help="import scrapers (and analysis) from this directory")
    args = ap.parse_args(argv)
    sys.path.insert(0, str((args.code or ROOT).resolve()))
    groups = _jobs(args.data_dir)
    paths = [group[0].path for group in groups]
    _parse(groups[:3])  # imports and first-call caches out of the timings
    if args.profile:
        import cProfile

        cProfile.runctx("_parse(groups)", globals(), {"groups": groups, "_parse": _parse}, str(args.profile))
    for run in range(args.runs):
        floor = parser = 0.0
        jobs = 0
        digest = hashlib.sha256()
        for group in groups:  # page by page, so that the machine's load weighs on both alike
            start = time.thread_time()
            _floor([group[0].path])
            middle = time.thread_time()
            outcomes = _parse([group])  # not kept: a pool worker keeps one batch's, not all
            floor, parser = floor + middle - start, parser + time.thread_time() - middle
            jobs += len(outcomes)
            if args.digest and run == 0:
                _digest(digest, outcomes)
        line = {"run": run + 1, "pages": len(paths), "jobs": jobs, "floor_cpu": round(floor, 2),
                "parser_cpu": round(parser, 2), "ratio": round(parser / floor, 2)}
        if args.digest and run == 0:
            line["digest"] = digest.hexdigest()
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
