"""One atomic table set per run, and a copy of it at stable paths that git can follow.

Layout of DATA_DIR/tables/:

- `gNNNNNN/` (working state, not committed): one directory per published generation, holding every
  table as CSV and Parquet and its `manifest.json`. A generation is never changed once written.
- `CURRENT.txt` (working state, not committed): the pointer. Its first line names the live
  generation; its second line is the sha256 of the stable copy's manifest as that publish left it.
  It is a plain file replaced with os.replace (like LevelDB's CURRENT), so copying, archiving,
  syncing or checking out a data directory keeps it what it is: no symlink to lose or flatten.
- `<table>.csv`, `<table>.parquet`, `manifest.json` (what git commits): the stable copy of the
  published set, updated after each publish one file at a time with os.replace (hardlinked from the
  generation when the filesystem allows), the manifest last, and only the tables whose CSV changed,
  so `git log -p data/tables/tiers.csv` shows what each refresh changed.

Which set is current (`current()`): the generation CURRENT.txt names, when it is complete, unless
the stable copy was changed since that publish left it (a `git pull`, `git checkout` or a copy
brought other tables): then the stable copy, when it is complete. Without a usable pointer (a fresh
clone, or a data directory of the old layout): the stable copy, else the old `current` (a symlink,
a text file naming a generation, or the directory a copy made of it), else the newest complete
generation. "Complete" means every file of the manifest is there with its size (no hashing: the
check stays fast). A data directory of the old layout is repaired by the next publish.

The reader rule: resolve once (`ts = current(data_dir)`, once per page render) and read every table
from `ts` only. A publish keeps the generation that was current before it until the publish after it
has replaced it too, so a reader that resolved a generation just before a publish reads every table
of it. Only a set resolved from the stable copy (in a fresh clone before its first publish, or after
a git pull or checkout brought other tables) can be replaced under a reader by the next publish:
`TableSet.read`/`read_typed` then raise TableSetChanged (and `TableSet.changed(name)` says so)
instead of returning tables of two runs; resolve again.

A killed run leaves `.tmp-*` files or directories that `publish` (or `clean_leftovers`) removes at
the next start.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd
import pyarrow.parquet as pq

from analysis.schema import TABLES
from scrapers.store.atomic import current_umask
from scrapers.store import setpointer
from scrapers.store.setpointer import (  # noqa: F401 - re-exported: the table set's one public module
    LEGACY_CURRENT, POINTER, TABLES_DIR, Pointer, _GEN, _TMP_PREFIX, clean_leftovers, generations, read_pointer,
    tables_root,
)
from scrapers.store.tablefiles import (  # noqa: F401 - TableInfo, TableSetChanged, TableSetManifest, table_bytes: re-exported
    MANIFEST, TableInfo, TableSet, TableSetChanged, TableSetError, TableSetManifest, arrow_table, load_set, manifest_of,
    read_bytes, sha256, table_bytes, table_chunks, typed,
)


# -- reading ------------------------------------------------------------------------------------
def current(data_dir: Path | str) -> TableSet | None:
    """The complete set that is current (see the module docstring), or None when there is none."""
    return TableSet.of(setpointer.current(data_dir))


def stable_copy(data_dir: Path | str) -> TableSet | None:
    """The stable copy at DATA_DIR/tables (what git commits) when it is complete, else None."""
    return TableSet.of(setpointer.stable_copy(data_dir))


# -- writing ------------------------------------------------------------------------------------
def _prune(root: Path, keep: set[str]) -> None:
    """Remove every generation directory but those in `keep` (the new one and the one current
    before it, which readers that resolved it just before the switch are still reading)."""
    for path in root.iterdir():
        if _GEN.match(path.name) and path.name not in keep and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _retire_legacy(root: Path, *, had_pointer: bool) -> None:
    """Remove the old layout's `current`: a symlink, text file or empty directory at once; a
    directory holding a set (a copy's) only once a publish has already superseded it (had_pointer),
    so that readers of it finish like readers of a generation."""
    path = root / LEGACY_CURRENT
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        if not any(path.iterdir()):
            path.rmdir()
        elif had_pointer:
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


def _write_file(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to the new file `path`, flushed to disk, with permissions `mode`."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)


def _write_chunks(path: Path, chunks: Iterable[bytes | memoryview], mode: int) -> tuple[int, str]:
    """_write_file of the bytes `chunks` make, never joined in memory: (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)
    return size, digest.hexdigest()


def _replace(staged: Path, target: Path) -> None:
    """os.replace(staged, target); a directory where the file belongs (a stray copy) goes first."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    os.replace(staged, target)


def _stage_copy(source: Path, staged: Path) -> None:
    """`staged` becomes the same bytes as `source`: a hard link when the filesystem allows, else a copy."""
    staged.unlink(missing_ok=True)
    try:
        os.link(source, staged)
    except OSError:  # no hard links here (another filesystem, or none supported): copy
        shutil.copyfile(source, staged)
        with open(staged, "rb+") as fh:
            os.fsync(fh.fileno())
        shutil.copymode(source, staged)


def _stage_mirror(root: Path, generation: Path, manifest: TableSetManifest, mode: int
                  ) -> list[tuple[Path, Path]]:
    """Stage the stable copy's update to `generation`'s set: the (staged file, stable path) pairs to
    rename, manifest last; [] when every table's CSV is unchanged (the copy stays as it is). A table
    whose CSV is unchanged keeps its files and its manifest entry; the manifest names what is there."""
    old = load_set(root)
    old_tables = old.manifest.tables if old is not None else {}
    tables: dict[str, TableInfo] = {}
    pairs: list[tuple[Path, Path]] = []
    for name, info in sorted(manifest.tables.items()):
        before = old_tables.get(name)
        if before is not None and (before.file, before.rows, before.bytes, before.sha256) == (
                info.file, info.rows, info.bytes, info.sha256) and bool(before.parquet) == bool(info.parquet):
            tables[name] = before
            continue
        tables[name] = info
        for file in (info.file, info.parquet):
            if file:
                staged = root / f"{_TMP_PREFIX}m-{file}"
                _stage_copy(generation / file, staged)
                pairs.append((staged, root / file))
    if old is not None and not pairs and set(old_tables) == set(tables) and old.manifest.synthetic == manifest.synthetic:
        return []
    staged = root / f"{_TMP_PREFIX}m-{MANIFEST}"
    staged.unlink(missing_ok=True)
    _write_file(staged, replace(manifest, tables=tables).to_json().encode("utf-8"), mode)
    return [*pairs, (staged, root / MANIFEST)]


def _dropped_files(before: TableSet | None, after: TableSetManifest) -> list[str]:
    """Files of the stable copy's previous manifest that its new manifest no longer names."""
    if before is None:
        return []
    named = {f for info in after.tables.values() for f in (info.file, info.parquet) if f}
    return sorted({f for info in before.manifest.tables.values() for f in (info.file, info.parquet)
                   if f and f not in named and f != MANIFEST})


def publish(data_dir: Path | str, frames: Mapping[str, pd.DataFrame], *, inputs_key: str = "",
            synthetic: bool = False) -> TableSet:
    """Write `frames` as a new generation, bring the stable copy in line with it, and switch
    DATA_DIR/tables/CURRENT.txt to it (one os.replace).

    Either every table of the new set becomes current, or (on any error) the previous set stays
    current and the new generation is removed; TableSetError names the path and the problem. The
    generation that was current before stays on disk until the next publish; older ones go."""
    root = tables_root(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        clean_leftovers(data_dir)
        pointer = read_pointer(data_dir)
        before = setpointer.current(data_dir)
        mirror_before = load_set(root)
        generation = max([0, *generations(data_dir), *(s.generation for s in (before, mirror_before) if s)]) + 1
        name = f"g{generation:06d}"
        tmp = root / f"{_TMP_PREFIX}{name}-{os.getpid()}"
        tmp.mkdir()
    except OSError as exc:
        raise TableSetError(f"cannot write the tables in {root}: {exc.strerror or exc}") from exc
    final = root / name
    pairs: list[tuple[Path, Path]] = []
    file_mode = 0o666 & ~current_umask()
    try:
        infos: dict[str, TableInfo] = {}
        for table, frame in sorted(frames.items()):
            schema = TABLES.get(table)
            file = schema.file if schema else f"{table}.csv"
            arrow = arrow_table(frame, table)  # the Parquet copy's table; its text serves the CSV too
            size, digest = _write_chunks(tmp / file, table_chunks(frame, arrow), file_mode)
            parquet = f"{Path(file).stem}.parquet"
            pq.write_table(arrow, tmp / parquet, compression="zstd")  # what DataFrame.to_parquet does with it
            del arrow
            os.chmod(tmp / parquet, file_mode)
            infos[table] = TableInfo(file, len(frame), size, digest, parquet, (tmp / parquet).stat().st_size)
        manifest = TableSetManifest(generation, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    inputs_key, synthetic, infos)
        _write_file(tmp / MANIFEST, manifest.to_json().encode("utf-8"), file_mode)
        os.chmod(tmp, 0o777 & ~current_umask())
        _fsync_dir(tmp)
        os.rename(tmp, final)
        pairs = _stage_mirror(root, final, manifest, file_mode)  # a full disk fails here, before any switch
    except (OSError, ValueError, TypeError) as exc:  # ValueError/TypeError: a frame Parquet cannot hold
        for staged, _ in pairs:
            staged.unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        clean_leftovers(data_dir)
        raise TableSetError(f"cannot write the tables in {root} ({getattr(exc, 'strerror', None) or exc}); "
                            "the previous tables are unchanged") from exc
    try:
        # Readers keep resolving the previous generation while the stable copy is renamed into place:
        # its manifest (last) is still the one the pointer records until it is replaced, and from
        # then on the copy is complete and new. Then the pointer names the new generation.
        for staged, target in pairs:
            _replace(staged, target)
        _fsync_dir(root)
        mirror = read_bytes(root / MANIFEST)
        staged = root / f"{_TMP_PREFIX}pointer-{os.getpid()}"
        staged.unlink(missing_ok=True)
        _write_file(staged, Pointer(name, sha256(mirror) if mirror is not None else "").text().encode(), file_mode)
        _replace(staged, root / POINTER)  # the switch
        _fsync_dir(root)
    except OSError as exc:
        raise TableSetError(f"the tables were written to {final} but could not be made current "
                            f"({exc.strerror or exc}); run the command again") from exc
    if pairs:
        for file in _dropped_files(mirror_before, manifest_of(mirror) or manifest):
            (root / file).unlink(missing_ok=True)
    _retire_legacy(root, had_pointer=pointer is not None)
    keep = {name, *(p.generation for p in (pointer,) if p)}
    if before is not None and _GEN.match(before.dir.name):
        keep.add(before.dir.name)
    _prune(root, keep)
    return TableSet.of(load_set(final)) or TableSet(final, manifest)
