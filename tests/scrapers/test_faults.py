"""Faults injected at the local server, each its own test. Every one must end with a clear message
naming the year and the reason, exit code 1, the other years written, and, when the fault hits a
forced re-fetch of a year that was fine, the tables and the cache byte-identical to before."""
from __future__ import annotations

import pandas as pd
import pytest
from table_paths import tables_dir

YEARS = (2010, 2021, 2023)  # an archive year and two recent ones
FAULT_YEAR = 2021


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def faulty(site_server, data_dir, site_expected, cli, snapshot):
    """check(url, kind, status, *messages, **fault options) runs the three-phase fault scenario."""

    def refresh(years, *extra, timeout="2"):
        return cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
                   "--retries", "1", "--backoff", "0", "--timeout", timeout,
                   "--years", ",".join(map(str, years)), *extra)

    def check(url, kind, status, *messages, timeout="2", recover_with=(), **options):
        page = site_expected.EXPECTED[FAULT_YEAR]["source_url"]
        # 1. a cold run meets the fault: the year fails loudly, the other years are written
        site_server.set_fault(url, kind, **options)
        run = refresh(YEARS, timeout=timeout)
        assert run.code == 1, run.output
        assert f"FAILED {FAULT_YEAR} ({status}):" in run.output, run.output
        for message in messages:
            assert message in run.output, run.output
        narratives = read(tables_dir(data_dir) / "narratives.csv")
        assert sorted(narratives.year.astype(int)) == [y for y in YEARS if y != FAULT_YEAR]
        coverage = read(tables_dir(data_dir) / "coverage.csv").set_index("year")
        assert coverage.loc[str(FAULT_YEAR), "status"] == status
        assert messages[0] in coverage.loc[str(FAULT_YEAR), "detail"]
        tiers = read(tables_dir(data_dir) / "tiers.csv").set_index("year")
        assert tiers.loc[str(FAULT_YEAR), "origin"] == "reference"
        assert {tiers.loc[str(y), "origin"] for y in YEARS if y != FAULT_YEAR} == {"scraped"}
        assert not list(data_dir.rglob(".*.tmp")), "no temporary file left behind"
        failed_run = snapshot(data_dir)
        parse_run = cli("parse", "--data-dir", data_dir)  # offline; a cached unparsable page is a failure
        assert parse_run.code == (1 if status == "parse_failed" else 0), parse_run.output
        assert snapshot(data_dir) == failed_run, "parse reproduces what the failed refresh wrote"

        # 2. the fault is gone: the next run fetches what is missing and succeeds
        site_server.clear_faults()
        run = refresh(YEARS, *recover_with, timeout=timeout)
        assert run.code == 0, run.output
        before = snapshot(data_dir)
        manifest = (data_dir / "raw" / "manifest.csv").read_bytes()
        entry = read(data_dir / "raw" / "manifest.csv").set_index("url").loc[page]
        cached_page = (data_dir / "raw" / entry["path"]).read_bytes()

        # 3. the fault comes back during a forced re-fetch: same message, nothing damaged
        site_server.set_fault(url, kind, **options)
        run = refresh([FAULT_YEAR], "--force", timeout=timeout)
        assert run.code == 1, run.output
        assert f"FAILED {FAULT_YEAR} ({status}):" in run.output and "kept the cached copy" in run.output
        for message in messages:
            assert message in run.output, run.output
        assert snapshot(data_dir) == before
        assert (data_dir / "raw" / "manifest.csv").read_bytes() == manifest
        assert (data_dir / "raw" / entry["path"]).read_bytes() == cached_page
        assert "LAST REFRESH FAILED" in cli("status", "--data-dir", data_dir).output
        return run

    check.page = site_expected.EXPECTED[FAULT_YEAR]["source_url"]
    check.landing = site_expected.EXPECTED[FAULT_YEAR]["landing_url"]
    check.refresh = refresh
    check.server = site_server
    check.expected = site_expected
    return check


def test_timeout(faulty):
    faulty(faulty.page, "timeout", "fetch_failed", "no complete response within 0.5 s",
           timeout="0.5", delay=5)


def test_connection_reset_mid_body(faulty):
    faulty(faulty.page, "reset", "fetch_failed", "connection reset by the server while reading the body")


def test_403_explains_the_user_agent(faulty):
    faulty(faulty.page, "403", "fetch_failed", "HTTP 403 Forbidden", "User-Agent",
           "--mirror https://web.archive.org/web/2024id_/")


def test_404_year(faulty):
    faulty(faulty.landing, "404", "no_page", f"no page: {faulty.landing}: HTTP 404")


def test_429_until_retries_run_out(faulty):
    faulty(faulty.page, "429", "fetch_failed", "HTTP 429 Too Many Requests after 1 retry",
           "retry after 1", retry_after=1)


def test_500_until_retries_run_out(faulty):
    faulty(faulty.page, "500", "fetch_failed", "HTTP 500 Internal Server Error after 1 retry")


def test_truncated_html(faulty):
    faulty(faulty.page, "truncated", "fetch_failed", "truncated HTML: no closing </html> tag")


def test_empty_200_body(faulty):
    faulty(faulty.page, "empty", "fetch_failed", "empty body: HTTP 200 with no content")


def test_content_length_larger_than_body(faulty):
    faulty(faulty.page, "short", "fetch_failed", "incomplete body")


def test_changed_markup_finds_no_china_section(faulty, data_dir):
    run = faulty(faulty.page, "replace", "parse_failed", "no China narrative found",
                 recover_with=("--force",), replace_with=faulty.expected.CHANGED_MARKUP_PAGE)
    assert "saved under raw/rejected/" in run.output
    rejected = data_dir / "raw" / "rejected" / faulty.page.removeprefix("https://") / "index.html"
    assert b'class="cn-app"' in rejected.read_bytes()  # the new page, kept aside for inspection


def test_429_with_retry_after_then_200_recovers(faulty, data_dir):
    faulty.server.set_fault(faulty.page, "429", times=1, retry_after=1)
    run = faulty.refresh([FAULT_YEAR])
    assert run.code == 0, run.output
    assert faulty.server.counts[faulty.page] == 2
    first, second = faulty.server.times[faulty.page]
    assert second - first >= 0.9, "waited for Retry-After"
    assert read(tables_dir(data_dir) / "narratives.csv").year.tolist() == [str(FAULT_YEAR)]


def test_500_then_200_recovers(faulty, data_dir):
    faulty.server.set_fault(faulty.page, "500", times=1)
    run = faulty.refresh([FAULT_YEAR])
    assert run.code == 0, run.output
    assert faulty.server.counts[faulty.page] == 2
    assert read(tables_dir(data_dir) / "narratives.csv").year.tolist() == [str(FAULT_YEAR)]


def test_interrupted_run_keeps_what_it_fetched(faulty, data_dir, monkeypatch):
    import scrapers.refresh as refresh_module

    real = refresh_module._fetch_year

    def interrupt_at_fault_year(year, *args):
        if year == FAULT_YEAR:
            raise KeyboardInterrupt
        return real(year, *args)

    monkeypatch.setattr(refresh_module, "_fetch_year", interrupt_at_fault_year)
    run = faulty.refresh(YEARS)
    assert run.code == 130 and "interrupted" in run.output
    monkeypatch.undo()
    faulty.server.reset_counts()
    run = faulty.refresh(YEARS)
    assert run.code == 0, run.output
    # 2010 was fetched before the interruption and is not fetched again
    assert faulty.expected.EXPECTED[2010]["source_url"] not in faulty.server.counts
    assert faulty.server.counts[faulty.page] == 1
