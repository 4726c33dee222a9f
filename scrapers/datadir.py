"""The one rule for where the data directory is, shared by the CLI and the dashboard.

$TIPDASH_DATA_DIR when it is set (a relative value is relative to the working directory of the
process that reads it), else the repository's own data/ directory, wherever the command is run
from. `python -m scrapers ... --data-dir DIR` overrides it for one command.
"""
from __future__ import annotations

import os
from pathlib import Path

from scrapers.inputs import REPO_DATA

ENV_VAR = "TIPDASH_DATA_DIR"
SUMMARY_DIR = "world"  # DATA_DIR/world holds the world summary's table set (scrapers.summary)
RULE = (f"${ENV_VAR} if set, else the repository's data/ ({REPO_DATA}), whatever the working "
        "directory; the dashboard reads the same one")


def default_data_dir() -> Path:
    """The data directory by the rule above, as an absolute path (it may not exist yet)."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser().resolve()
    return REPO_DATA
