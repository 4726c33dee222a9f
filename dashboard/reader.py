"""The dashboard's ONE reader of files (pure: no Streamlit): the only dashboard module that opens a
table file, an input file, the lexicon or the map's shapes, or knows the layout of a table set.
dashboard.data (what a page gets: one resolution per render, the server-wide caches) reads through it.

- `resolve_sets(root)`: the table sets of data directory `root`, through
  `scrapers.store.tableset.current()`: its own set and its world summary (root/world).
- `read_table(ts, name, columns=, country=, group=)`: table `name` of set `ts` and of no other set,
  from the set's Parquet copy when it has one (only the columns and rows asked for), else from its
  CSV; `count_rows` from the Parquet footer. Either way with the schema's one type convention
  (analysis.schema: `year` int64, the other number columns float64, text '' when empty).
- A damaged or unreadable file gives `(None, problem in plain words)`, never an exception, except
  FileNotFoundError for a file of the set that vanished (the caller resolves again).
- `read_input`, `read_lexicon`, `read_shapes`, `download_bytes`: the inputs kept in the repository,
  the lexicon, the shapes file and a download's bytes.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.lexicon import parse_lexicon
from analysis.schema import TABLES
from scrapers.summary import SUMMARY_DIR
from scrapers.store.tableset import TableSet, current


# -- the table sets of a data directory -----------------------------------------------------------
@dataclass(frozen=True)
class Sets:
    """The table sets one render reads: the data directory's own (`main`) and the one the World and
    Compare pages read (`world`: the world summary when it holds more narratives, else `main`)."""

    root: Path
    main: TableSet | None
    world: TableSet | None

    def key(self, world: bool = False) -> str:
        ts = self.world if world else self.main
        return ts.key if ts is not None else f"none:{self.root}"


def resolve_sets(root: Path) -> Sets:
    """Resolve both sets of data directory `root` now (no caching)."""
    main = current(root)
    summary = current(root / SUMMARY_DIR)

    def narratives(ts: TableSet) -> int:
        info = ts.manifest.tables.get("narratives")
        return info.rows if info is not None else 0

    candidates = [ts for ts in (main, summary) if ts is not None]
    return Sets(root, main, max(candidates, key=narratives, default=None))  # ties keep the data dir's own


# -- reading a table ------------------------------------------------------------------------------
def signature(path: Path) -> tuple[str, int, int]:
    """A file's version (path, mtime_ns, size; -1, -1 when it is not there): part of a cache key."""
    try:
        st_ = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st_.st_mtime_ns, st_.st_size)


def _types(df: pd.DataFrame, numeric: Sequence[str]) -> tuple[pd.DataFrame | None, str]:
    """The loader's one type convention: `year` int64 (never empty), other number columns float64
    (NaN when empty), text '' when empty."""
    for col in df.columns:
        if col in numeric:
            cells = df[col]
            if cells.dtype == object or pd.api.types.is_string_dtype(cells):
                text = cells.astype(str).str.strip()
                numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
                bad = text[(text != "") & numbers.isna()]
                if len(bad):
                    return None, f"column '{col}' holds a non-number ({bad.iloc[0]!r}) on line {int(bad.index[0]) + 2}"
            else:
                numbers = pd.to_numeric(cells, errors="coerce")
            if col == "year":
                if numbers.isna().any():
                    return None, f"column 'year' is empty on line {int(numbers[numbers.isna()].index[0]) + 2}"
                df[col] = numbers.astype("int64")
            else:
                df[col] = numbers.astype("float64")
        elif df[col].isna().any():
            df[col] = df[col].fillna("")
    return df, ""


def parse_table(raw: bytes, required: Sequence[str], numeric: Sequence[str] = ()) -> tuple[pd.DataFrame | None, str]:
    """Parse and validate CSV bytes; returns (frame, '') or (None, the problem in plain words)."""
    if not raw.strip():
        return None, "the file is empty (not even a header row)"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"the file is not valid CSV ({first})"
    missing = [c for c in required if c not in df.columns]
    if missing:
        return None, f"columns missing: {', '.join(missing)} (found: {', '.join(map(str, df.columns)) or 'none'})"
    return _types(df, [c for c in numeric if c in df.columns])


def _required(name: str) -> tuple[str, ...]:
    return TABLES[name].required  # a set written by older code may lack the optional columns


def _read_problem(exc: Exception) -> str:
    """A read error in plain words: the file could not be read (OSError) or is damaged (anything else)."""
    if isinstance(exc, OSError):
        return f"the file could not be read ({exc.strerror or exc})"
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"the file is damaged ({type(exc).__name__}: {first[:200]})"


def count_rows(ts: TableSet, name: str) -> tuple[int | None, str]:
    """How many rows table `name` of set `ts` holds: (rows, '') or (None, problem). From the Parquet
    copy's footer when the set has one (no row is read; its columns are checked against the schema),
    else by parsing the CSV (which also checks it)."""
    parquet = ts.parquet_path(name)
    if parquet is None:
        df, problem = read_table(ts, name, columns=_required(name))
        return (len(df) if df is not None else None), problem
    try:
        meta = pq.read_metadata(parquet)
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - as read_table
        return None, _read_problem(exc)
    names = meta.schema.names
    missing = [c for c in _required(name) if c not in names]
    if missing:
        return None, f"columns missing: {', '.join(missing)} (found: {', '.join(names) or 'none'})"
    return meta.num_rows, ""


BATCH_ROWS = 32_768


def _matching_rows(parquet: Path, columns: list[str], filters: list[tuple[str, str, str]]) -> pa.Table:
    """The rows of `parquet` where every (column, '=', value) of `filters` holds, only `columns`.
    Streamed in batches of BATCH_ROWS and stopped after the last matching row: a filtered read of a
    file with one big row group decodes it whole (all of kwic's million rows to keep China's: 2 CPU-s
    and 860 MB at peak), and the rows of a table are grouped by country."""
    f = pq.ParquetFile(parquet)
    keys = f.read(columns=list(dict.fromkeys(c for c, _, _ in filters)))
    mask = None
    for col, _, value in filters:
        hit = pc.equal(keys[col], value)
        mask = hit if mask is None else pc.and_(mask, hit)
    mask = pc.fill_null(mask, False)
    hits = pc.indices_nonzero(mask)
    schema = pa.schema([f.schema_arrow.field(c) for c in columns])
    if len(hits) == 0:
        return schema.empty_table()
    first, last = hits[0].as_py(), hits[-1].as_py()
    parts, start = [], 0
    for batch in f.iter_batches(batch_size=BATCH_ROWS, columns=columns, use_threads=False):
        if start + batch.num_rows > first:
            parts.append(batch.filter(mask.slice(start, batch.num_rows)).select(columns))
        start += batch.num_rows
        if start > last:
            break
    return pa.Table.from_batches(parts, schema=schema)


def read_table(ts: TableSet, name: str, *, columns: Sequence[str] | None = None, country: str | None = None,
               group: str | None = None) -> tuple[pd.DataFrame | None, str]:
    """Table `name` of set `ts` (and of no other set): (frame, '') or (None, problem). Only `columns`
    (all when None; one the table lacks comes back as ''), only the rows of `country` / `group`
    when given. From the Parquet copy when the set has one, else the CSV; the schema's types."""
    schema = TABLES[name]
    wanted = list(dict.fromkeys(columns)) if columns is not None else list(schema.columns)
    parquet = ts.parquet_path(name)
    try:
        if parquet is not None:
            names = pq.read_schema(parquet).names
            missing = [c for c in _required(name) if c not in names]
            if missing:
                return None, f"columns missing: {', '.join(missing)} (found: {', '.join(names) or 'none'})"
            present = [c for c in wanted if c in names]
            filters = [(c, "=", v) for c, v in (("country", country), ("group", group)) if v is not None and c in names]
            df = (_matching_rows(parquet, present, filters) if filters else pq.read_table(parquet, columns=present)).to_pandas()
            pa.default_memory_pool().release_unused()  # else the allocator keeps the server's RSS at its peak
            df, problem = _types(df, schema.numeric)
        else:
            df, problem = parse_table(ts.path(name).read_bytes(), _required(name), schema.numeric)
            if df is not None:
                if country is not None and "country" in df.columns:
                    df = df[df["country"] == country]
                if group is not None and "group" in df.columns:
                    df = df[df["group"] == group]
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - OSError, pyarrow's errors for a damaged file (ArrowInvalid, ...)
        return None, _read_problem(exc)
    if df is None:
        return None, problem
    for col in wanted:
        if col not in df.columns:
            df[col] = ""
    return df[wanted].reset_index(drop=True), ""



# -- the other files the dashboard reads ----------------------------------------------------------
def read_input(path: Path, required: Sequence[str], numeric: Sequence[str]) -> tuple[pd.DataFrame | None, str]:
    """An input file kept in the repository (CSV): (frame, '') or (None, problem)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"the file could not be read ({exc.strerror or exc})"
    return parse_table(raw, required, numeric)


def read_lexicon(path: Path) -> tuple[Any, str]:
    """The parsed lexicon at `path` (or None) and why it could not be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path} could not be read ({exc})"
    try:
        return parse_lexicon(text), ""
    except Exception as exc:  # noqa: BLE001 - the lexicon is user-edited; any failure becomes a note
        return None, f"{path} could not be parsed: {exc}"


def read_shapes(path: Path) -> dict:
    """The map's GeoJSON shapes file."""
    return json.loads(path.read_text(encoding="utf-8"))


def download_bytes(path: Path, df: pd.DataFrame | None, name: str, root: Path) -> bytes:
    """A download's bytes for table `name` (file `path` of a set of data directory `root`): the file
    as on disk; if a newer set replaced it since, `df` as CSV (when given) or the newer set's file."""
    try:
        return path.read_bytes()
    except OSError:
        pass
    if df is not None:
        return df.to_csv(index=False).encode("utf-8")
    newer = current(root) if name in TABLES else None
    return newer.path(name).read_bytes() if newer is not None and newer.has(name) else b""
