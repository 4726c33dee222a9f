"""Where a test finds the tables of a data directory: the directory of its current set."""
from __future__ import annotations

from pathlib import Path

from scrapers.store.tableset import current, tables_root


def tables_dir(data_dir: Path | str) -> Path:
    """The directory of the data directory's current table set (scrapers.store.tableset.current), or
    DATA_DIR/tables when there is none; it may not exist."""
    found = current(data_dir)
    return found.dir if found is not None else tables_root(data_dir)
