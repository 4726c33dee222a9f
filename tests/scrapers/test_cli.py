"""The command line: help, exit codes, bad arguments, progress lines, parse/status/bench."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from mounts import tmpfs as mounted_tmpfs

ROOT = Path(__file__).resolve().parents[2]


def test_module_help_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "scrapers", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for word in ("refresh", "parse", "status", "bench", "exit codes"):
        assert word in done.stdout


@pytest.mark.parametrize("command, words", [
    ("refresh", ["--years", "--force", "--mirror", "--delay", "--retries", "--timeout", "--data-dir",
                 "--country", "2013-2021", "web.archive.org", "Mozilla/5.0"]),
    ("parse", ["--data-dir", "--country", "without any network"]),
    ("status", ["--data-dir", "--country", "TIER DISAGREES"]),
    ("bench", ["--data-dir", "--countries", "--rounds", "real-size synthetic site"]),
])
def test_each_command_explains_itself(cli, command, words):
    run = cli(command, "--help")
    assert run.code == 0
    for word in words:
        assert word in run.output, word


@pytest.mark.parametrize("argv, message", [
    (["refresh", "--years", "2030-2001"], "runs backwards"),
    (["refresh", "--years", "abc"], "cannot read 'abc'"),
    (["refresh", "--years", "1999"], "outside the report years"),
    (["refresh", "--country", "atlantis"], "unknown country slug 'atlantis'; did you mean"),
    (["status", "--country", "atlantis"], "unknown country"),
    (["refresh", "--delay", "-1"], "must be >= 0"),
    (["refresh", "--timeout", "0"], "must be > 0"),
    (["refresh", "--retries", "two"], "expected a int"),
    (["refresh", "--mirror", "web.archive.org"], "must be a URL prefix starting with http://"),
    ([], "required"),
    (["scrape"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_a_clear_message(cli, argv, message):
    run = cli(*argv)
    assert run.code == 2
    assert message in run.output
    assert "Traceback" not in run.output


def test_parse_and_status_of_an_empty_data_dir(cli, data_dir):
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    assert "parsed 0 year(s)" in run.output
    assert (data_dir / "tables" / "tiers.csv").is_file()  # the stable copy git commits
    assert "tables written" in run.output
    again = cli("parse", "--data-dir", data_dir)
    assert again.code == 0 and "tables unchanged (nothing to rebuild)" in again.output
    run = cli("status", "--data-dir", data_dir)
    assert run.code == 0
    assert "0 cached page(s)" in run.output
    assert "2001  no      Tier 2" in run.output


def test_progress_is_one_line_per_year_when_not_a_tty(cli, site_server, data_dir):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2020-2021")
    assert run.code == 0, run.output
    assert "2020: fetched" in run.output and "2021: fetched" in run.output
    assert "2 year(s) asked; 2 parsed (2 fetched, 0 from cache); 0 failed" in run.output
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2020-2021")
    assert "2020: cached" in run.output and "0 request(s)" in run.output


def test_unreachable_site_is_a_clear_error(cli, data_dir):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    run = cli("refresh", "--data-dir", data_dir, "--mirror", f"http://127.0.0.1:{port}/", "--delay", "0",
              "--retries", "0")
    assert run.code == 1
    assert "error: could not find the newest report year" in run.output and "could not connect" in run.output
    assert "Traceback" not in run.output


def test_bench_prints_its_table(cli, site_server, data_dir):
    site_server.stop()  # (only needed the fixture site to exist; bench starts its own server)
    run = cli("bench", "--data-dir", data_dir, "--rounds", "1")
    assert run.code == 0, run.output
    for step in ("refresh, cold", "refresh, warm", "parse all cached pages", "parse command",
                 "analysis (metrics)"):
        assert step in run.output
    warm = next(line for line in run.output.splitlines() if line.startswith("refresh, warm"))
    assert warm.rstrip().endswith(" 0 requests")


@pytest.fixture
def tmpfs(tmp_path):
    """A 4 MiB tmpfs on tmp_path/fs (needs root; skipped otherwise)."""
    with mounted_tmpfs(tmp_path / "fs", "4m") as mountpoint:
        yield mountpoint


def _raw_state(data_dir: Path) -> dict[str, bytes]:
    raw = data_dir / "raw"
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted(raw.rglob("*"))
            if p.is_file() and "parsed" not in p.relative_to(raw).parts}


@pytest.mark.parametrize("trouble, reason", [("full", "No space left on device [ENOSPC]"),
                                            ("read-only", "Read-only file system")])
def test_a_full_or_read_only_disk_is_one_line_and_keeps_the_cache(cli, site_server, site_expected, tmpfs,
                                                                 trouble, reason):
    import shutil

    data_dir = tmpfs / "data"
    common = ("--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", "2021")
    assert cli("refresh", *common).code == 0
    before = _raw_state(data_dir)
    page = site_expected.EXPECTED[2021]["source_url"]
    site_server.set_content(page, site_server.file_for(page).read_bytes().replace(
        b"</body>", b"<p>The report gained a paragraph since the last refresh, so the page must be written.</p></body>"))
    if trouble == "full":
        (tmpfs / "filler").write_bytes(b"x" * (shutil.disk_usage(tmpfs).free - 1024))
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    run = cli("refresh", *common, "--force")
    assert run.code == 1, run.output
    errors = [line for line in run.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and reason in errors[0] and str(data_dir) in errors[0], run.output
    assert "Traceback" not in run.output
    assert _raw_state(data_dir) == before, "the good cached page and the manifest are untouched"
    assert not list(data_dir.rglob(".*.tmp"))
