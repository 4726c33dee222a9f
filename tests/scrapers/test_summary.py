"""The world summary: a committed-size table set of a whole-report crawl, and the dashboard's
choice of the set its World and Compare pages read."""
from __future__ import annotations

import pandas as pd
import pytest
from site_server import SiteServer
from world_site import write_world_site

from scrapers.store import tableset


@pytest.fixture
def world_crawl(tmp_path, cli):
    """A whole-report crawl of the local multi-era site in tmp_path/data-world."""
    root = tmp_path / "site"
    write_world_site(root)
    crawl = tmp_path / "data-world"
    with SiteServer(root) as server:
        run = cli("refresh", "--data-dir", crawl, "--mirror", server.base_url, "--delay", "0",
                  "--countries", "all", "--years", "2005,2013,2021")
    assert run.code == 0, run.output
    return crawl


def test_summary_keeps_what_world_and_compare_need_and_no_text(world_crawl, tmp_path, cli):
    target = tmp_path / "repo-data" / "world"
    run = cli("summary", "--data-dir", world_crawl, "--to", target)
    assert run.code == 0 and "world summary written" in run.output, run.output
    source, summary = tableset.current(world_crawl), tableset.current(target)
    assert set(summary.manifest.tables) == {"tiers", "narratives", "coverage", "mentions", "kwic"}
    for name in ("tiers", "narratives", "coverage", "mentions"):
        assert (summary.dir / f"{name}.csv").read_bytes() == (source.dir / f"{name}.csv").read_bytes(), name
    kwic = summary.read("kwic")
    assert set(kwic.group) == {"north_korean", "north_korea_state"}
    whole = source.read("kwic")
    assert len(kwic) == whole.group.isin(["north_korean", "north_korea_state"]).sum() < len(whole)
    assert summary.manifest.synthetic and summary.manifest.inputs_key == source.manifest.inputs_key
    again = cli("summary", "--data-dir", world_crawl, "--to", target)
    assert "world summary unchanged" in again.output
    assert tableset.current(target).generation == summary.generation


def test_summary_of_a_directory_without_tables_says_what_to_run(tmp_path, cli):
    (tmp_path / "empty").mkdir()
    run = cli("summary", "--data-dir", tmp_path / "empty", "--to", tmp_path / "out")
    assert run.code == 1 and "refresh --countries all" in run.output


def test_world_pages_read_the_summary_when_it_holds_more_narratives(world_crawl, tmp_path, cli, monkeypatch):
    from dashboard import data as dashboard_data

    data = tmp_path / "repo-data"
    data.mkdir()
    assert cli("parse", "--data-dir", data).code == 0  # China lens only: no narratives
    monkeypatch.setenv("TIPDASH_DATA_DIR", str(data))
    assert dashboard_data.world_set().dir == tableset.current(data).dir
    assert cli("summary", "--data-dir", world_crawl, "--to", data / "world").code == 0
    chosen = dashboard_data.world_set()
    assert chosen.dir == tableset.current(data / "world").dir
    narratives = pd.read_csv(chosen.path("narratives"), dtype=str)
    assert {"china", "north-korea", "somalia"} <= set(narratives.country)
