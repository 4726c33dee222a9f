"""Which table set of a data directory is current, read without pandas or pyarrow (the files of
the set, scrapers.store.setfiles.TableFiles): the rules are in scrapers.store.tableset's docstring,
which publishes sets and returns them readable (tableset.current). Also the clean-up of what
killed publishes left behind.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from scrapers.store.setfiles import MANIFEST, TableFiles, load_set, read_bytes, sha256

TABLES_DIR = "tables"
POINTER = "CURRENT.txt"  # not "CURRENT": that is the old "current" on a case-insensitive filesystem
LEGACY_CURRENT = "current"  # the old layout's symlink (or what a copy made of it)
_GEN = re.compile(r"^g(\d{6,})$")
_TMP_PREFIX = ".tmp-"


# -- reading ------------------------------------------------------------------------------------
def tables_root(data_dir: Path | str) -> Path:
    return Path(data_dir) / TABLES_DIR


@dataclass(frozen=True)
class Pointer:
    """What CURRENT.txt says: the live generation's directory name, and the sha256 of the stable
    copy's manifest.json as the publish that wrote the pointer left it ('' when unknown)."""

    generation: str
    mirror_sha256: str = ""

    def text(self) -> str:
        return f"{self.generation}\n{self.mirror_sha256}\n"


def read_pointer(data_dir: Path | str) -> Pointer | None:
    """DATA_DIR/tables/CURRENT.txt, or None when it is missing or does not name a generation."""
    data = read_bytes(tables_root(data_dir) / POINTER)
    lines = data.decode("utf-8", "replace").split() if data is not None else []
    if not lines or not _GEN.match(lines[0]):
        return None
    mirror = lines[1] if len(lines) > 1 and re.fullmatch(r"[0-9a-f]{64}", lines[1]) else ""
    return Pointer(lines[0], mirror)


def _legacy(root: Path) -> TableFiles | None:
    """The old layout's `current`: a symlink to a generation, the text file a checkout without
    symlinks makes of it (naming the generation), or the directory a copy made of it."""
    path = root / LEGACY_CURRENT
    if path.is_file():
        name = (read_bytes(path) or b"").decode("utf-8", "replace").strip()
        return load_set(root / name) if _GEN.match(name) else None
    if path.is_dir():
        found = load_set(path)
        return TableFiles(path.resolve(), found.manifest, found.stamps) if found is not None else None
    return None


def stable_copy(data_dir: Path | str) -> TableFiles | None:
    """The stable copy at DATA_DIR/tables (what git commits) when it is complete, else None."""
    return load_set(tables_root(data_dir))


def current(data_dir: Path | str) -> TableFiles | None:
    """The complete set that is current (see the module docstring), or None when there is none."""
    root = tables_root(data_dir)
    pointer = read_pointer(data_dir)
    mirror_bytes = read_bytes(root / MANIFEST)
    live = load_set(root / pointer.generation) if pointer is not None else None
    if live is not None:
        if mirror_bytes is not None and pointer.mirror_sha256 and sha256(mirror_bytes) != pointer.mirror_sha256:
            return load_set(root, mirror_bytes) or live  # git or a copy brought other tables
        return live
    found = load_set(root, mirror_bytes) if mirror_bytes is not None else None
    found = found or _legacy(root)
    for generation in reversed(generations(data_dir)):
        if found is not None:
            break
        found = load_set(root / f"g{generation:06d}")
    return found


def generations(data_dir: Path | str) -> list[int]:
    """Generation numbers present on disk, oldest first."""
    root = tables_root(data_dir)
    if not root.is_dir():
        return []
    return sorted(int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name)) and p.is_dir())


def clean_leftovers(data_dir: Path | str) -> list[Path]:
    """Remove what killed runs left in DATA_DIR/tables (temporary directories and files); the paths."""
    root = tables_root(data_dir)
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for path in root.iterdir():
        if path.name.startswith(_TMP_PREFIX):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed
