"""Fixtures for the scraper tests: the local fixture-site server and a fresh data directory."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
import site_expected as site_expected_module
from site_server import SITE_ROOT, SiteServer
from table_paths import tables_dir

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
FAULTS_SITE = TESTS / "fixtures" / "faults"


@pytest.fixture
def site_server():
    """The fixture site (tests/fixtures/site/) served on 127.0.0.1."""
    with SiteServer(SITE_ROOT) as server:
        yield server


@pytest.fixture
def faults_server():
    """A small site of our own (tests/fixtures/faults/) for the HTTP and cache unit tests."""
    with SiteServer(FAULTS_SITE) as server:
        yield server


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A fresh, empty data directory (reference tiers, lexicon and claims fall back to the repo's)."""
    target = tmp_path / "data"
    target.mkdir()
    return target


@pytest.fixture(scope="session")
def site_expected():
    """tests/fixtures/site_expected.py: EXPECTED, FIXTURE_YEARS ... of the fixture site."""
    return site_expected_module


@dataclass
class CliRun:
    """Exit code and everything printed by one in-process CLI run."""

    code: int
    output: str


@pytest.fixture
def cli(capsys):
    """Run `python -m scrapers ARGV` in-process: cli("refresh", "--years", "2021") -> CliRun."""
    from scrapers.cli import main

    def run(*argv: str) -> CliRun:
        out = io.StringIO()
        code = main([str(a) for a in argv], out=out, err=out)
        captured = capsys.readouterr()  # argparse writes usage errors to sys.stderr
        return CliRun(code, out.getvalue() + captured.out + captured.err)

    return run


def snapshot_tables(data_dir: Path) -> dict[str, bytes]:
    """Every CSV table of the data directory's current set as bytes, by file name."""
    return {p.name: p.read_bytes() for p in sorted(tables_dir(data_dir).glob("*.csv"))}


@pytest.fixture
def snapshot():
    """snapshot(data_dir) -> {file name: bytes} of the tables, to compare runs byte for byte."""
    return snapshot_tables
