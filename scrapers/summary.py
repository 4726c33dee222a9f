"""The world summary: the small part of a whole-report table set that the World and Compare pages
need, published as a table set of its own in DATA_DIR/world (scrapers.store.tableset: its stable copy
DATA_DIR/world/tables/*.csv is what git commits) while the whole crawl (hundreds of MB of
paragraphs) stays out of git.

It holds tiers, narratives, coverage and mentions whole, and kwic's rows of the North Korean groups
only; no paragraph text. Its manifest's inputs key is the source set's, so exporting an unchanged
crawl again writes nothing.
"""
from __future__ import annotations

from pathlib import Path

from scrapers.datadir import SUMMARY_DIR  # noqa: F401 - re-exported (the dashboard imports it from here)
from scrapers.store import tableset
from scrapers.errors import ScraperError
from scrapers.store.lock import run_lock

WHOLE_TABLES = ("tiers", "narratives", "coverage", "mentions")
KWIC_GROUPS = ("north_korean", "north_korea_state")


def export_world_summary(source_dir: Path | str, target_dir: Path | str) -> tuple[tableset.TableSet, bool]:
    """Publish the summary of source_dir's current set into target_dir: (the summary set, written?).
    ScraperError when the source has no complete set."""
    source = tableset.current(source_dir)
    if source is None:
        raise ScraperError(f"{source_dir} has no complete table set to summarise: run `python -m scrapers "
                           f"refresh --countries all --data-dir {source_dir}` first")
    with run_lock(target_dir, command="summary"):
        previous = tableset.current(target_dir)
        if previous is not None and previous.manifest.inputs_key == source.manifest.inputs_key:
            return previous, False
        frames = {name: source.read(name) for name in WHOLE_TABLES if source.has(name)}
        if source.has("kwic"):
            kwic = source.read("kwic")
            frames["kwic"] = kwic[kwic["group"].isin(KWIC_GROUPS)].reset_index(drop=True)
        return tableset.publish(target_dir, frames, inputs_key=source.manifest.inputs_key,
                                synthetic=source.manifest.synthetic), True
