"""Where a test finds the tables of a data directory: the published set DATA_DIR/tables/current/."""
from __future__ import annotations

from pathlib import Path


def tables_dir(data_dir: Path | str) -> Path:
    """The directory of the current table set (DATA_DIR/tables/current resolved); it may not exist."""
    link = Path(data_dir) / "tables" / "current"
    return link.resolve() if link.exists() else link
