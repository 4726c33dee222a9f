"""Long lists said in a bounded way: on screen a count and the first few items, the whole list in a
file under DATA_DIR/raw/lists/ (whose path the line gives). Nothing is dropped, nothing floods."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from scrapers.store.atomic import atomic_write_bytes

LISTS = "lists"  # raw/lists/NAME.txt
SHOWN = 5  # items a one-line summary shows
SHOWN_LINES = 20  # lines a printed report shows before it points to the file


def list_file(raw_dir: Path | str, name: str) -> Path:
    """Where the whole list NAME is kept: raw/lists/NAME.txt (NAME made file-safe)."""
    return Path(raw_dir) / LISTS / (re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") + ".txt")


def keep_list(raw_dir: Path | str, name: str, items: Sequence[str]) -> Path:
    """Write every item (one a line) to raw/lists/NAME.txt atomically; returns the path."""
    path = list_file(raw_dir, name)
    atomic_write_bytes(path, "".join(f"{item}\n" for item in items).encode("utf-8"))
    return path


def bounded(items: Sequence[str], raw_dir: Path | str, name: str, shown: int = SHOWN) -> str:
    """'a; b; c' when there are at most `shown` items; else the first `shown`, 'and N more' and the
    file that holds all of them ("... and 19995 more; all 20000 in raw/lists/NAME.txt")."""
    if len(items) <= shown:
        return "; ".join(items)
    path = keep_list(raw_dir, name, items)
    return f"{'; '.join(items[:shown])} ... and {len(items) - shown} more; all {len(items)} in {path}"


def bounded_lines(lines: Sequence[str], raw_dir: Path | str, name: str, shown: int = SHOWN_LINES) -> list[str]:
    """`lines` as is when there are at most `shown`; else the first `shown` and one line naming the
    file that holds all of them."""
    if len(lines) <= shown:
        return list(lines)
    path = keep_list(raw_dir, name, lines)
    return [*lines[:shown], f"... and {len(lines) - shown} more; all {len(lines)} in {path}"]
