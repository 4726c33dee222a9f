"""Fixtures for the scraper tests: the local fixture-site server and a fresh data directory."""
from __future__ import annotations

import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
FAULTS_SITE = TESTS / "fixtures" / "faults"


def _load_site_server():
    """Import tests/site_server.py as a module (tests/ is not a package)."""
    name = "tip_site_server"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TESTS / "site_server.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


site_server_module = _load_site_server()
SiteServer = site_server_module.SiteServer
SITE_ROOT = site_server_module.SITE_ROOT


@pytest.fixture
def site_server():
    """The fixture site (tests/fixtures/site/) served on 127.0.0.1; skips until the site exists."""
    if not SITE_ROOT.is_dir():
        pytest.skip(f"fixture site {SITE_ROOT} not present yet")
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
    """tests/fixtures/site_expected.py (EXPECTED, FIXTURE_YEARS ...); skips until it exists."""
    path = TESTS / "fixtures" / "site_expected.py"
    if not path.is_file():
        pytest.skip(f"{path} not present yet")
    spec = importlib.util.spec_from_file_location("tip_site_expected", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    """Every CSV table in data_dir (not raw/) as bytes, by file name."""
    return {p.name: p.read_bytes() for p in sorted(Path(data_dir).glob("*.csv"))}


@pytest.fixture
def snapshot():
    """snapshot(data_dir) -> {file name: bytes} of the tables, to compare runs byte for byte."""
    return snapshot_tables
