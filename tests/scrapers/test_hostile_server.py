"""A hostile server (issue 8): a dripped body, an endless body, a gzip bomb, an off-site redirect, bad
UTF-8 bytes. Each fault is met twice over the local test server: on a cold cache (the year fails
with the reason, nothing of it is cached) and during `refresh --force` over a good cache (exit 1,
FETCH FAILED with the reason, the cached page, the manifest and the tables byte-identical)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from table_paths import tables_dir

from scrapers.errors import FetchError
from scrapers.web.http import Fetcher
from scrapers.web.config import FetchConfig

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2021
MEMORY_LIMIT = 500 * 1024 * 1024  # bytes; issue 8: memory stays below this whatever the server sends


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def raw_files(data_dir: Path) -> dict[str, bytes]:
    """Every file under raw/pages/ and the manifest, as bytes."""
    raw = data_dir / "raw"
    files = {p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted((raw / "pages").rglob("*"))
             if p.is_file()}
    files["manifest.csv"] = (raw / "manifest.csv").read_bytes()
    return files


@pytest.fixture
def hostile(site_server, data_dir, site_expected, cli, snapshot):
    """hostile(kind, *messages, timeout=..., **fault options): the cold and the forced scenario."""
    page = site_expected.EXPECTED[YEAR]["source_url"]

    def refresh(*extra, timeout="10"):
        return cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
                   "--retries", "1", "--backoff", "0", "--timeout", timeout, "--years", str(YEAR), *extra)

    def check(kind, *messages, timeout="10", **options):
        # 1. cold: the year fails with the reason; its page is not cached
        site_server.set_fault(page, kind, **options)
        run = refresh(timeout=timeout)
        assert run.code == 1, run.output
        assert f"FAILED {YEAR} (fetch_failed):" in run.output, run.output
        for message in messages:
            assert message in run.output, run.output
        assert "Traceback" not in run.output
        manifest = read(data_dir / "raw" / "manifest.csv")
        assert page not in set(manifest.url)
        assert not list((data_dir / "raw").rglob(".*.tmp"))

        # 2. a good copy is cached
        site_server.clear_faults()
        run = refresh(timeout=timeout)
        assert run.code == 0, run.output
        before_tables, before_raw = snapshot(data_dir), raw_files(data_dir)
        assert before_tables and page in before_raw["manifest.csv"].decode()

        # 3. forced re-fetch meets the fault: exit 1, the reason, nothing replaced
        site_server.set_fault(page, kind, **options)
        run = refresh("--force", timeout=timeout)
        assert run.code == 1, run.output
        assert f"FAILED {YEAR} (fetch_failed):" in run.output and "kept the cached copy" in run.output
        for message in messages:
            assert message in run.output, run.output
        assert "Traceback" not in run.output
        assert snapshot(data_dir) == before_tables
        assert raw_files(data_dir) == before_raw
        return run

    check.page = page
    check.server = site_server
    check.data_dir = data_dir
    check.refresh = refresh
    return check


def test_dripped_body_hits_the_total_deadline(hostile):
    hostile("drip", "no complete response within 1 s", timeout="1", delay=0.05)


def test_endless_body_is_capped(hostile):
    hostile("endless", "page larger than 20 MB")


def test_endless_chunked_body_is_capped(hostile):
    hostile("endless_chunked", "page larger than 20 MB")


def test_gzip_bomb_is_capped_on_the_decoded_size(hostile):
    hostile("gzip_bomb", "page larger than 20 MB once decoded (gzip)")


def test_off_site_redirect_is_not_followed(hostile):
    server = hostile.server
    elsewhere = "https://evil.test/china/"
    server.set_content(elsewhere, b"<html><body><h1>China</h1><p>CHINA: Tier 1</p></body></html>")
    target = f"http://localhost:{server.port}/{elsewhere}"
    hostile("redirect", f"redirect to {target}, outside the report's hosts", location=target)
    assert server.counts[elsewhere] == 0, "the redirect target was never requested"


def test_redirect_within_the_mirror_host_is_followed(site_server, site_expected):
    page = site_expected.EXPECTED[YEAR]["source_url"]
    moved_to = "https://www.state.gov/reports/2021-trafficking-in-persons-report/china-moved/"
    site_server.set_content(moved_to, site_server.file_for(page).read_bytes())
    site_server.set_fault(page, "redirect", location=f"/{moved_to}")
    with Fetcher(FetchConfig(delay=0, retries=0, mirror=site_server.base_url)) as fetcher:
        result = fetcher.fetch(page)
    assert result.url == page and result.fetched_url == site_server.base_url + moved_to
    assert result.body == site_server.file_for(page).read_bytes()
    assert fetcher.requests_made == 1


def test_redirect_to_state_gov_subdomains_and_the_archive_is_allowed():
    fetcher = Fetcher(FetchConfig(mirror="http://127.0.0.1:9/"))
    page = "https://www.state.gov/reports/x/"
    for url in ("https://2009-2017.state.gov/j/tip/", "https://state.gov/", "http://127.0.0.1:9/x",
                "https://web.archive.org/web/2024/https://www.state.gov/"):
        assert fetcher.host_allowed(url, page), url
    for url in ("https://evil.test/", "https://state.gov.evil.test/", "https://notstate.gov/",
                "http://localhost:9/x", "ftp://www.state.gov/", "https://u:p@www.state.gov/"):
        assert not fetcher.host_allowed(url, page), url
    fetcher.close()


def test_drip_is_cut_at_the_deadline_even_though_each_read_is_quick(site_server, site_expected):
    page = site_expected.EXPECTED[YEAR]["source_url"]
    site_server.set_fault(page, "drip", delay=0.02)  # the whole page would take minutes
    size = len(site_server.file_for(page).read_bytes())
    with Fetcher(FetchConfig(delay=0, retries=0, read_timeout=5, deadline=0.5,
                             mirror=site_server.base_url)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"no complete response within 0.5 s"):
            fetcher.fetch(page)
        # far below the drip's own length (a loaded machine may be seconds late, never minutes)
        assert time.monotonic() - started < size * 0.02 / 4, "cut at the deadline, not at the end of the drip"
        site_server.clear_faults()
        assert fetcher.fetch(page).status == 200, "the next fetch works (fresh connections)"


@pytest.mark.parametrize("timeout", [0.5, 1.0])
def test_dripped_headers_are_cut_at_the_deadline(site_server, site_expected, timeout):
    page = site_expected.EXPECTED[YEAR]["source_url"]
    site_server.set_fault(page, "drip_headers", delay=0.2)  # each byte well within the read timeout
    with Fetcher(FetchConfig(delay=0, retries=2, backoff_factor=0, read_timeout=5, deadline=timeout,
                             mirror=site_server.base_url)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=f"no complete response within {timeout:g} s"):
            fetcher.fetch(page)
        elapsed = time.monotonic() - started
    # the headers alone would take over 20 s (100+ bytes at 0.2 s): a loaded machine is late by seconds, not that
    assert timeout <= elapsed < timeout + 15, elapsed


def test_size_cap_is_a_fetch_config_field(site_server, site_expected):
    page = site_expected.EXPECTED[YEAR]["source_url"]
    size = len(site_server.file_for(page).read_bytes())
    with Fetcher(FetchConfig(delay=0, retries=0, max_bytes=size - 1, mirror=site_server.base_url)) as fetcher:
        with pytest.raises(FetchError, match="page larger than"):
            fetcher.fetch(page)
    with Fetcher(FetchConfig(delay=0, retries=0, max_bytes=size, mirror=site_server.base_url)) as fetcher:
        assert len(fetcher.fetch(page).body) == size


def test_bad_utf8_bytes_do_not_turn_the_page_into_a_legacy_code_page(hostile):
    page, server, data_dir = hostile.page, hostile.server, hostile.data_dir
    body = server.file_for(page).read_bytes()
    assert "\u2019".encode() in body, "the fixture page has a typographic apostrophe to garble"
    server.set_fault(page, "bad_utf8")
    run = hostile.refresh()
    assert run.code == 0, run.output
    text = (tables_dir(data_dir) / "paragraphs.csv").read_text(encoding="utf-8")
    assert "\u00e2\u20ac" not in text, "no mojibake of the page's other UTF-8 characters"
    assert "the People's Republic of China" in text or "the People\u2019s Republic of China" in text
    assert "\ufffd\ufffd\ufffd The Government" in text, "the three bad bytes are replaced, visibly"


def _run_with_peak_memory(argv: list[str]) -> tuple[int, str, int]:
    """Run `python -m scrapers ARGV` in a child process: (exit code, output, its peak RSS in bytes)."""
    with subprocess.Popen([sys.executable, "-m", "scrapers", *argv], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT) as child:
        output = child.stdout.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, output, usage.ru_maxrss * 1024  # Linux reports KiB


@pytest.mark.parametrize("kind, message", [
    ("gzip_bomb", "page larger than 20 MB once decoded (gzip)"),
    ("endless", "page larger than 20 MB"),
])
def test_memory_stays_bounded_whatever_the_server_sends(site_server, site_expected, data_dir, kind, message):
    if not sys.platform.startswith("linux"):
        pytest.skip("ru_maxrss in KiB is Linux's convention")
    page = site_expected.EXPECTED[YEAR]["source_url"]
    site_server.set_fault(page, kind)  # the bomb inflates to 1 GiB
    code, output, peak = _run_with_peak_memory([
        "refresh", "--data-dir", str(data_dir), "--mirror", site_server.base_url, "--delay", "0",
        "--retries", "0", "--years", str(YEAR)])
    assert code == 1, output
    assert message in output and "Traceback" not in output
    assert peak < MEMORY_LIMIT, f"peak RSS {peak / 2**20:.0f} MiB"
