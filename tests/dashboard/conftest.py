"""Dashboard test data: the committed fixture tables published as a table set (scrapers.store.tableset),
the layout the dashboard reads, into a temporary data directory."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from scrapers.store.tableset import MANIFEST, current, publish

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "dashboard_data"


def publish_fixture(name: str, target: Path, *, synthetic: bool | None = None) -> Path:
    """Copy fixture `name`'s inputs (reference/, README) to target and publish its CSVs as the
    current table set; returns target (a data directory). The 'full' fixture is marked synthetic."""
    source = FIXTURES / name
    target.mkdir(parents=True, exist_ok=True)
    frames: dict[str, pd.DataFrame] = {}
    for path in sorted(source.iterdir()):
        if path.suffix == ".csv":
            frames[path.stem] = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
        elif path.is_dir():
            shutil.copytree(path, target / path.name, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target / path.name)
    publish(target, frames, inputs_key=f"fixture:{name}",
            synthetic=(name == "full") if synthetic is None else synthetic)
    return target


def replace_table_bytes(data_dir: Path, name: str, raw: bytes | None, *, parquet: bool = False) -> None:
    """Overwrite (or, with None, delete) one table file of the current set in place and keep the
    manifest in step, so the set stays 'complete' and the dashboard meets the damaged file: the CSV
    (and the table's Parquet copy is dropped from the set, so the CSV is what the loader reads), or
    with parquet=True the Parquet copy itself."""
    import json

    ts = current(data_dir)
    assert ts is not None
    manifest = json.loads((ts.dir / MANIFEST).read_text(encoding="utf-8"))
    info = manifest["tables"][name]
    if raw is None:
        ts.path(name).unlink()
        manifest["tables"].pop(name, None)
    elif parquet:
        (ts.dir / info["parquet"]).write_bytes(raw)
        info["parquet_bytes"] = len(raw)
    else:
        ts.path(name).write_bytes(raw)
        info["bytes"] = len(raw)
        info["parquet"], info["parquet_bytes"] = "", 0
    (ts.dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture(scope="session")
def full_dir(tmp_path_factory) -> Path:
    """The synthetic 4-year fixture (2004, 2013, 2020, 2021) as a published data directory."""
    return publish_fixture("full", tmp_path_factory.mktemp("full") / "data")


@pytest.fixture(scope="session")
def reference_only_dir(tmp_path_factory) -> Path:
    """The data directory as shipped before any scrape: reference tiers only."""
    return publish_fixture("reference_only", tmp_path_factory.mktemp("refonly") / "data")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (the browser tests only)."""
    from playwright.sync_api import sync_playwright
    from streamlit_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
