"""Pipeline v2 over the local fixture server: each page parsed once, one atomic table set, one run
per data directory, revalidation with conditional GETs, damaged cached pages."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from mounts import tmpfs
from table_paths import tables_dir

import scrapers.uptodate as build_module
import scrapers.parse.jobs as jobs_module
from scrapers.store import tableset
from scrapers.store.lock import LOCK_FILE

ROOT = Path(__file__).resolve().parents[2]
YEARS = "2005,2010,2013,2021,2023"
YEAR_LIST = [2005, 2010, 2013, 2021, 2023]


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def fetched(site_server, data_dir, cli):
    """A data directory holding the five fixture years, fetched from the local server."""
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", YEARS)
    assert run.code == 0, run.output
    site_server.reset_counts()
    return data_dir


def _set_is_whole(data_dir: Path) -> tableset.TableSet:
    """The current set exists and every table matches the sha256 and row count of its manifest."""
    current = tableset.current(data_dir)
    assert current is not None
    import hashlib

    for name, info in current.manifest.tables.items():
        body = (current.dir / info.file).read_bytes()
        assert hashlib.sha256(body).hexdigest() == info.sha256, name
        assert len(read(current.dir / info.file)) == info.rows, name
        typed = current.read_typed(name)  # the Parquet copy holds the same rows and columns
        assert list(typed.columns) == list(read(current.dir / info.file).columns), name
        assert len(typed) == info.rows and (current.dir / info.parquet).stat().st_size == info.parquet_bytes, name
    return current


# -- parse once --------------------------------------------------------------------------------------
def test_each_page_is_parsed_once_and_a_new_parser_version_reparses_everything(fetched, cli, monkeypatch):
    data_dir = fetched
    first = _set_is_whole(data_dir)
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0 and "tables unchanged" in run.output and "0 page(s) parsed" in run.output, run.output
    assert tableset.current(data_dir).generation == first.generation, "nothing rebuilt"

    for where in (tables_dir(data_dir), data_dir / "tables"):  # the generation and its stable copy
        (where / "kwic.csv").unlink()  # an incomplete set is rebuilt, from the parse store
    run = cli("parse", "--data-dir", data_dir)
    assert "tables written" in run.output and "0 page(s) parsed" in run.output, run.output

    monkeypatch.setattr(jobs_module, "PARSER_VERSION", "test-next")
    monkeypatch.setattr(build_module, "PARSER_VERSION", "test-next")
    run = cli("parse", "--data-dir", data_dir)
    assert f"{len(YEAR_LIST)} page(s) parsed" in run.output, run.output
    assert list((data_dir / "raw" / "parsed").glob("vtest-next-*/batches/*.jsonl"))


def test_a_changed_page_is_the_only_one_parsed_again(fetched, cli, site_expected):
    data_dir = fetched
    manifest = read(data_dir / "raw" / "manifest.csv").set_index("url")
    url = site_expected.EXPECTED[2013]["source_url"]
    path = data_dir / "raw" / manifest.loc[url, "path"]
    body = path.read_bytes().replace(b"</body>", b"<p>An added paragraph of the synthetic page, published "
                                                  b"later.</p></body>")
    from scrapers.store.cache import RawCache
    from scrapers.web.http import FetchResult

    RawCache(data_dir).store(FetchResult(url, url, 200, body, "text/html", "2026-11-29T00:00:00Z"))
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0 and "1 page(s) parsed" in run.output and "tables written" in run.output, run.output


def test_a_warm_refresh_makes_no_request_parses_nothing_and_rewrites_nothing(fetched, site_server, cli):
    data_dir = fetched
    generation = tableset.current(data_dir).generation
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", YEARS)
    assert run.code == 0, run.output
    assert site_server.total == 0 and "0 request(s)" in run.output
    assert "0 page(s) parsed" in run.output and "tables unchanged" in run.output
    assert tableset.current(data_dir).generation == generation


# -- one atomic set ------------------------------------------------------------------------------------
def test_a_write_that_fails_at_any_step_leaves_the_previous_set_whole(fetched, cli, monkeypatch):
    data_dir = fetched
    before = _set_is_whole(data_dir)
    before_bytes = {n: (before.dir / i.file).read_bytes() for n, i in before.manifest.tables.items()}
    steps = {"open": 0}
    real_open = open

    def failing_open(file, mode="r", *args, **kwargs):
        if "w" in mode and "/tables/.tmp-" in str(file):
            steps["open"] += 1
            if steps["open"] == steps.get("fail_at"):
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(file, mode, *args, **kwargs)

    for fail_at in range(1, 9):  # one failure at each table file of the set
        steps.update({"open": 0, "fail_at": fail_at})
        monkeypatch.setattr("builtins.open", failing_open)
        (data_dir / "lexicon.toml").write_text((ROOT / "data" / "lexicon.toml").read_text() + f"\n# {fail_at}\n")
        run = cli("parse", "--data-dir", data_dir)
        monkeypatch.undo()
        assert run.code == 1 and "No space left on device" in run.output, run.output
        assert "previous tables are unchanged" in run.output
        now = _set_is_whole(data_dir)
        assert now.dir == before.dir
        assert {n: (now.dir / i.file).read_bytes() for n, i in now.manifest.tables.items()} == before_bytes
        assert not [p for p in (data_dir / "tables").iterdir() if p.name.startswith(".tmp-")]
    (data_dir / "lexicon.toml").unlink()


def test_killed_runs_leave_the_old_or_the_new_set_never_a_mix(site_server, data_dir):
    """SIGKILL a real refresh at moments spread over a whole run (fetching, parsing, analysis, the
    table write): after each kill the current set is whole, and the next run cleans what was left."""
    import shutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "scrapers", "refresh", "--data-dir", str(data_dir), "--mirror",
            site_server.base_url, "--delay", "0", "--years", YEARS]

    def fresh_inputs(tag: str) -> None:
        """Empty the raw cache's parse store and change the lexicon: the run redoes everything."""
        shutil.rmtree(data_dir / "raw" / "parsed", ignore_errors=True)
        (data_dir / "lexicon.toml").write_text((ROOT / "data" / "lexicon.toml").read_text() + f"\n# {tag}\n")

    fresh_inputs("first")
    started = time.monotonic()
    first = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    whole_run = time.monotonic() - started
    assert first.returncode == 0, first.stdout + first.stderr
    _set_is_whole(data_dir)
    for fraction in (0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.97):
        fresh_inputs(str(fraction))
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole_run * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        _set_is_whole(data_dir)  # the old set or the new one, whole
    fresh_inputs("last")
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    _set_is_whole(data_dir)
    leftovers = [p for p in data_dir.rglob("*") if p.name.startswith(".tmp-") or p.name.endswith(".tmp")]
    assert leftovers == []
    # the current generation and the one before it (readers of it finish); older ones are gone
    assert len([p for p in (data_dir / "tables").iterdir() if p.is_dir() and p.name.startswith("g")]) <= 2


def test_a_read_only_data_directory_is_a_clear_error(fetched, cli):
    data_dir = fetched
    before = _set_is_whole(data_dir)
    (data_dir / "lexicon.toml").write_text((ROOT / "data" / "lexicon.toml").read_text() + "\n# ro\n")
    os.chmod(data_dir / "tables", 0o555)
    try:
        if os.access(data_dir / "tables", os.W_OK):  # root ignores permission bits: use a read-only mount
            mounted = _mount_read_only(data_dir / "tables")
            assert mounted, "cannot make a read-only directory here"
        run = cli("parse", "--data-dir", data_dir)
    finally:
        subprocess.run(["umount", str(data_dir / "tables")], capture_output=True)
        os.chmod(data_dir / "tables", 0o755)
    assert run.code == 1 and "cannot write the tables" in run.output, run.output
    assert "Traceback" not in run.output
    assert tableset.current(data_dir).dir == before.dir


def _mount_read_only(path: Path) -> bool:
    bind = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if bind.returncode:
        return False
    return subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True).returncode == 0


def test_a_full_disk_keeps_the_previous_set(fetched, cli, tmp_path):
    """A real ENOSPC: the data directory's tables/ lives on a 64 KiB tmpfs."""
    data_dir = fetched
    tables = data_dir / "tables"
    import shutil

    shutil.rmtree(tables)
    with tmpfs(tables, "64k"):
        run = cli("parse", "--data-dir", data_dir)  # the whole set does not fit in 64 KiB
        assert run.code == 1 and "No space left on device" in run.output, run.output
        assert "Traceback" not in run.output
        assert tableset.current(data_dir) is None  # there was no previous set: still none, nothing half
        assert [p.name for p in tables.iterdir()] == []


# -- one run per data directory --------------------------------------------------------------------------
def test_a_second_run_is_refused_with_exit_3_or_waits(fetched, cli):
    data_dir = fetched
    # the holder keeps the lock until its stdin closes (no fixed sleep: the test says when)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys\n"
        "from scrapers.store.lock import run_lock\n"
        f"with run_lock({str(data_dir)!r}, command='refresh'):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n")], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    released: list[float] = []

    def release() -> None:
        released.append(time.monotonic())
        holder.stdin.close()

    try:
        assert holder.stdout.readline().strip() == "held"
        run = cli("parse", "--data-dir", data_dir)
        assert run.code == 3, run.output
        assert "another refresh or parse is running" in run.output and "--wait" in run.output
        assert f"pid {holder.pid}" in run.output
        timer = threading.Timer(0.5, release)  # let go while the next parse waits
        timer.start()
        run = cli("parse", "--data-dir", data_dir, "--wait")
        finished = time.monotonic()
        timer.join()
        assert run.code == 0, run.output
        assert finished >= released[0], "the waiting parse ran only once the holder let go"
    finally:
        if not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(timeout=60)
    assert (data_dir / LOCK_FILE).exists()


# -- revalidation ------------------------------------------------------------------------------------------
def test_revalidate_unchanged_pages_sends_conditional_gets_and_writes_nothing(fetched, site_server, cli):
    data_dir = fetched
    before = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*") if p.is_file() and LOCK_FILE not in p.name}
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", YEARS, "--revalidate")
    assert run.code == 0, run.output
    assert site_server.total == len(YEAR_LIST), dict(site_server.counts)  # one per year: the narrative page
    assert sum(site_server.not_modified.values()) == len(YEAR_LIST)
    assert f"revalidated: {len(YEAR_LIST)} unchanged, 0 changed" in run.output
    after = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*") if p.is_file() and LOCK_FILE not in p.name}
    assert after == before, "0 bytes written"


def test_revalidate_records_a_changed_page_and_rejects_one_that_does_not_parse(fetched, site_server, cli,
                                                                             site_expected):
    data_dir = fetched
    url = site_expected.EXPECTED[2021]["source_url"]
    original = site_server.file_for(url).read_bytes()
    edited = original.replace(b"</section>", b"<p>A sentence State added to the synthetic page later.</p></section>", 1)
    assert edited != original
    site_server.set_content(url, edited)
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", YEARS, "--revalidate")
    assert run.code == 0, run.output
    assert "1 changed (2021; see raw/changes.csv)" in run.output
    changes = read(data_dir / "raw" / "changes.csv")
    assert changes[["country", "year", "url"]].values.tolist() == [["china", "2021", url]]
    import hashlib

    assert changes.new_sha256.tolist() == [hashlib.sha256(edited).hexdigest()]
    paragraphs = read(tables_dir(data_dir) / "paragraphs.csv")
    assert paragraphs.text.str.contains("State added to the synthetic page later").any()

    # a new version that is not a narrative never replaces the cached one
    cached = (data_dir / "raw" / read(data_dir / "raw" / "manifest.csv").set_index("url").loc[url, "path"]).read_bytes()
    site_server.set_content(url, b"<html><body><h1>This page has moved.</h1></body></html>")
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2021", "--revalidate")
    assert run.code == 1, run.output
    assert "FAILED 2021 (parse_failed)" in run.output and "the cached copy is kept" in run.output
    entry = read(data_dir / "raw" / "manifest.csv").set_index("url").loc[url]
    assert (data_dir / "raw" / entry["path"]).read_bytes() == cached
    assert list((data_dir / "raw" / "rejected").rglob("*"))
    assert len(read(data_dir / "raw" / "changes.csv")) == 1


# -- damaged cache -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["truncate", "replace", "delete"])
def test_a_damaged_cached_page_is_named_and_its_rows_are_kept(fetched, cli, site_expected, damage):
    data_dir = fetched
    before = read(tables_dir(data_dir) / "paragraphs.csv")
    url = site_expected.EXPECTED[2013]["source_url"]
    path = data_dir / "raw" / read(data_dir / "raw" / "manifest.csv").set_index("url").loc[url, "path"]
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:500])
    elif damage == "replace":
        path.write_bytes(b"<html><body><p>something else</p></body></html>")
    else:
        path.unlink()
    (data_dir / "lexicon.toml").write_text((ROOT / "data" / "lexicon.toml").read_text() + "\n# rebuild\n")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 1, run.output
    assert "CACHE CORRUPT 2013" in run.output and "refresh --force --years 2013" in run.output
    after = read(tables_dir(data_dir) / "paragraphs.csv")
    assert after[after.year == "2013"].text.tolist() == before[before.year == "2013"].text.tolist()
    coverage = read(tables_dir(data_dir) / "coverage.csv").set_index("year")
    assert coverage.loc["2013", "status"] == "cache_corrupt"
    assert "kept from the previous tables" in coverage.loc["2013", "detail"]
    status = cli("status", "--data-dir", data_dir)
    assert "CACHE CORRUPT" in status.output


def test_a_damaged_page_is_fetched_again_by_the_next_refresh(fetched, site_server, cli, site_expected):
    data_dir = fetched
    url = site_expected.EXPECTED[2013]["source_url"]
    path = data_dir / "raw" / read(data_dir / "raw" / "manifest.csv").set_index("url").loc[url, "path"]
    path.write_bytes(path.read_bytes()[:500])
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", YEARS)
    assert run.code == 0, run.output
    assert site_server.counts[url] == 1
    coverage = read(tables_dir(data_dir) / "coverage.csv").set_index("year")
    assert coverage.loc["2013", "status"] == "parsed"


def test_manifest_json_of_the_set_lists_every_table(fetched):
    data = json.loads((tables_dir(fetched) / "manifest.json").read_text())
    assert set(data["tables"]) == {"tiers", "narratives", "paragraphs", "coverage", "mentions",
                                   "mention_sections", "kwic", "claims", "recommendations"}
    assert data["synthetic"] is True  # the fixture pages say they are synthetic
    assert data["created_at"].endswith("Z") and data["generation"] >= 1
    narratives = read(tables_dir(fetched) / "narratives.csv")
    assert set(narratives.synthetic) == {"true"}
