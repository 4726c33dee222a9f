"""One table set on disk, without reading its tables: its manifest, its files' stamps, and the
checks a reader makes (TableFiles). Nothing here imports pandas or pyarrow: a run that finds its
tables up to date (scrapers.build) resolves the current set with this module alone. Reading the
tables (TableSet.read, read_typed) and the bytes they are written as: scrapers.store.tablefiles;
which set is current: scrapers.store.setpointer; publishing: scrapers.store.tableset.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from scrapers.errors import ScraperError

MANIFEST = "manifest.json"


class TableSetError(ScraperError):
    """The table set cannot be written or read; the message names the path and the problem."""


class TableSetChanged(TableSetError):
    """A table file of a resolved set was replaced since it was resolved: resolve the set again."""


@dataclass(frozen=True)
class TableInfo:
    """One table of a set: its CSV file (name, size, sha256), row count, and its Parquet copy (the
    typed working format the dashboard reads; '' in sets written before it existed)."""

    file: str
    rows: int
    bytes: int
    sha256: str
    parquet: str = ""
    parquet_bytes: int = 0


@dataclass(frozen=True)
class TableSetManifest:
    """What a set holds: generation number, creation time (UTC), the key of its inputs, tables."""

    generation: int
    created_at: str
    inputs_key: str
    synthetic: bool
    tables: dict[str, TableInfo]

    def to_json(self) -> str:
        body = {"generation": self.generation, "created_at": self.created_at, "inputs_key": self.inputs_key,
                "synthetic": self.synthetic,
                "tables": {n: vars(t) for n, t in sorted(self.tables.items())}}
        return json.dumps(body, indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "TableSetManifest":
        raw = json.loads(text)
        tables = {str(n): TableInfo(str(t["file"]), int(t["rows"]), int(t["bytes"]), str(t["sha256"]),
                                    str(t.get("parquet", "")), int(t.get("parquet_bytes", 0)))
                  for n, t in raw["tables"].items()}
        return cls(int(raw["generation"]), str(raw["created_at"]), str(raw.get("inputs_key", "")),
                   bool(raw.get("synthetic", False)), tables)


Stamp = tuple[int, int, int]  # (inode, size, mtime in ns) of a file when its set was resolved


@dataclass(frozen=True)
class TableFiles:
    """A complete, published set's files: its tables are in `dir` only (a generation directory, or
    DATA_DIR/tables itself for the stable copy). scrapers.store.tablefiles.TableSet reads them."""

    dir: Path
    manifest: TableSetManifest
    stamps: Mapping[str, Stamp] = field(default_factory=dict, compare=False, repr=False)

    @property
    def generation(self) -> int:
        return self.manifest.generation

    @property
    def key(self) -> str:
        """Changes whenever the set changes (a cache key for readers)."""
        return f"{self.dir}:{self.manifest.generation}:{self.manifest.inputs_key}"

    def path(self, name: str) -> Path:
        info = self.manifest.tables.get(name)
        return self.dir / (info.file if info else f"{name}.csv")

    def has(self, name: str) -> bool:
        return name in self.manifest.tables

    def changed(self, name: str) -> bool:
        """True when a file of table `name` is no longer the one this set was resolved with (a later
        publish replaced the stable copy under it, or it is gone): resolve the set again."""
        info = self.manifest.tables.get(name)
        files = [f for f in ((info.file, info.parquet) if info else ()) if f]
        return any(_stamp(self.dir / f) != self.stamps.get(f, _stamp(self.dir / f)) for f in files)

    def _checked(self, path: Path) -> Path:
        """`path`, unless it exists and is another file than when the set was resolved (a missing
        file is left to the read, which raises FileNotFoundError)."""
        now = _stamp(path)
        if now is not None and now != self.stamps.get(path.name, now):
            raise TableSetChanged(f"{path} was replaced by a newer publish after its table set was "
                                  "resolved; resolve the set again (tableset.current)")
        return path

    def parquet_path(self, name: str) -> Path | None:
        """The table's Parquet copy, or None when the set has none."""
        info = self.manifest.tables.get(name)
        return self.dir / info.parquet if info is not None and info.parquet else None



# -- one set's files ----------------------------------------------------------------------------
def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # missing, or a directory where a file should be
        return None


def manifest_of(data: bytes | None) -> TableSetManifest | None:
    try:
        return TableSetManifest.from_json(data.decode("utf-8")) if data is not None else None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None


def load_set(directory: Path, manifest_bytes: bytes | None = None) -> TableFiles | None:
    """The set in `directory` when it is complete (every file of its manifest there with its size;
    `manifest_bytes`: the manifest already read), else None."""
    if manifest_bytes is None:
        manifest_bytes = read_bytes(directory / MANIFEST)
    manifest = manifest_of(manifest_bytes)
    if manifest is None:
        return None
    stamps: dict[str, Stamp] = {}
    for info in manifest.tables.values():
        for file, size in ((info.file, info.bytes), (info.parquet, info.parquet_bytes)):
            stamp = _stamp(directory / file) if file else None
            if file and (stamp is None or stamp[1] != size):
                return None
            if stamp is not None:
                stamps[file] = stamp
    return TableFiles(directory, manifest, stamps)


