"""One atomic table set per run: DATA_DIR/tables/gNNNNNN/ holds every table and a manifest.json,
and the symlink DATA_DIR/tables/current is switched to it in one os.replace.

Readers resolve `current` once and read only from that directory, so they see the whole set of
one run or of the one before, never tables from two runs side by side. A killed run leaves a
`.tmp-*` directory that `publish` (or `clean_leftovers`) removes at the next start.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

import pandas as pd

from analysis.schema import TABLES
from scrapers.errors import ScraperError
from scrapers.store.atomic import current_umask

TABLES_DIR = "tables"
CURRENT = "current"
MANIFEST = "manifest.json"
FLOAT_FORMAT = "%.10g"
_GEN = re.compile(r"^g(\d{6,})$")
_TMP_PREFIX = ".tmp-"


class TableSetError(ScraperError):
    """The table set cannot be written or read; the message names the path and the problem."""


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


@dataclass(frozen=True)
class TableSet:
    """A complete, published set: read its tables from `dir` only."""

    dir: Path
    manifest: TableSetManifest

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

    def read(self, name: str) -> pd.DataFrame:
        """Table `name` as strings (empty cells ''), exactly as written."""
        return pd.read_csv(self.path(name), dtype=str, keep_default_na=False, na_values=[])

    def parquet_path(self, name: str) -> Path | None:
        """The table's Parquet copy, or None when the set has none."""
        info = self.manifest.tables.get(name)
        return self.dir / info.parquet if info is not None and info.parquet else None

    def read_typed(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Table `name` with typed columns (numbers as numbers, text with '' for empty), from the
        Parquet copy when there is one (several times faster than the CSV), else from the CSV."""
        parquet = self.parquet_path(name)
        if parquet is not None:
            return pd.read_parquet(parquet, columns=columns)
        return typed(self.read(name), name)[columns] if columns else typed(self.read(name), name)


# -- serialising --------------------------------------------------------------------------------
def _cell_text(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def table_bytes(df: pd.DataFrame) -> bytes:
    """The exact CSV bytes of a table: UTF-8, '\\n' line ends, no index, booleans as true/false."""
    out = df
    bool_columns = [c for c in df.columns
                    if df[c].dtype == bool or (df[c].dtype == object and df[c].map(type).eq(bool).any())]
    if bool_columns:
        out = df.copy()
        for column in bool_columns:
            out[column] = out[column].map(_cell_text)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buffer.getvalue().encode("utf-8")


def typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The frame with the schema's number columns as numbers (nullable) and every other column as
    text ('' for empty): one type per column, as Parquet needs."""
    schema = TABLES.get(name)
    numeric = set(schema.numeric) if schema else set()
    out = {}
    for column in frame.columns:
        values = frame[column]
        if column in numeric:
            number = pd.to_numeric(values.replace("", None), errors="coerce")
            whole = number.dropna()
            out[column] = number.astype("Int64") if len(whole) == 0 or (whole == whole.round()).all() else number
        else:
            out[column] = values.map(_cell_text).astype("string").fillna("").astype(object)
    return pd.DataFrame(out, columns=list(frame.columns))


# -- reading ------------------------------------------------------------------------------------
def tables_root(data_dir: Path | str) -> Path:
    return Path(data_dir) / TABLES_DIR


def current(data_dir: Path | str) -> TableSet | None:
    """The complete set DATA_DIR/tables/current points to, or None when there is none (or it is
    incomplete: a table file listed in its manifest is missing or has another size)."""
    link = tables_root(data_dir) / CURRENT
    try:
        directory = link.resolve(strict=True)
        manifest = TableSetManifest.from_json((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for info in manifest.tables.values():
        try:
            if (directory / info.file).stat().st_size != info.bytes:
                return None
            if info.parquet and (directory / info.parquet).stat().st_size != info.parquet_bytes:
                return None
        except OSError:
            return None
    return TableSet(directory, manifest)


def generations(data_dir: Path | str) -> list[int]:
    """Generation numbers present on disk, oldest first."""
    root = tables_root(data_dir)
    if not root.is_dir():
        return []
    return sorted(int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name)) and p.is_dir())


# -- writing ------------------------------------------------------------------------------------
def clean_leftovers(data_dir: Path | str) -> list[Path]:
    """Remove what killed runs left in DATA_DIR/tables (temporary directories and links); the paths."""
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


def _prune(root: Path, keep: str) -> None:
    """Remove every generation directory but `keep` (readers resolved `current` before the switch
    and read a few files at most; the dashboard retries once on a vanished file)."""
    for path in root.iterdir():
        if _GEN.match(path.name) and path.name != keep and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish(data_dir: Path | str, frames: Mapping[str, pd.DataFrame], *, inputs_key: str = "",
            synthetic: bool = False) -> TableSet:
    """Write `frames` as a new generation and switch DATA_DIR/tables/current to it atomically.

    Either every table of the new set becomes visible, or (on any error) the previous set stays
    current and the partial directory is removed; TableSetError names the path and the problem."""
    root = tables_root(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        clean_leftovers(data_dir)
        generation = max([0, *generations(data_dir)]) + 1
        name = f"g{generation:06d}"
        tmp = root / f"{_TMP_PREFIX}{name}-{os.getpid()}"
        tmp.mkdir()
    except OSError as exc:
        raise TableSetError(f"cannot write the tables in {root}: {exc.strerror or exc}") from exc
    try:
        infos: dict[str, TableInfo] = {}
        file_mode = 0o666 & ~current_umask()
        for table, frame in sorted(frames.items()):
            schema = TABLES.get(table)
            file = schema.file if schema else f"{table}.csv"
            data = table_bytes(frame)
            with open(tmp / file, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp / file, file_mode)
            parquet = f"{Path(file).stem}.parquet"
            typed(frame, table).to_parquet(tmp / parquet, index=False, compression="zstd")
            os.chmod(tmp / parquet, file_mode)
            infos[table] = TableInfo(file, len(frame), len(data), hashlib.sha256(data).hexdigest(),
                                     parquet, (tmp / parquet).stat().st_size)
        manifest = TableSetManifest(generation, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    inputs_key, synthetic, infos)
        (tmp / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        os.chmod(tmp / MANIFEST, file_mode)
        os.chmod(tmp, 0o777 & ~current_umask())
        _fsync_dir(tmp)
        final = root / name
        os.rename(tmp, final)
        link_tmp = root / f"{_TMP_PREFIX}link-{os.getpid()}"
        link_tmp.unlink(missing_ok=True)
        os.symlink(name, link_tmp)
        os.replace(link_tmp, root / CURRENT)  # the one atomic switch
        _fsync_dir(root)
    except (OSError, ValueError, TypeError) as exc:  # ValueError/TypeError: a frame Parquet cannot hold
        shutil.rmtree(tmp, ignore_errors=True)
        now = current(data_dir)
        if now is None or now.generation != generation:  # the switch did not happen
            shutil.rmtree(root / name, ignore_errors=True)
        raise TableSetError(f"cannot write the tables in {root} ({getattr(exc, 'strerror', None) or exc}); "
                            "the previous tables are unchanged") from exc
    _prune(root, name)
    return TableSet(final.resolve(), manifest)
