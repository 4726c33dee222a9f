"""Reading a table set's tables (TableSet: the set's files, scrapers.store.setfiles, with readers)
and the exact bytes its tables are written as (CSV, and the typed frames of their Parquet copies).
Which set is current: scrapers.store.setpointer; how a set is published: scrapers.store.tableset.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.schema import TABLES
from scrapers.store.setfiles import (  # noqa: F401 - re-exported: where these were before the split
    MANIFEST, Stamp, TableFiles, TableInfo, TableSetChanged, TableSetError, TableSetManifest, load_set, manifest_of,
    read_bytes, sha256,
)

FLOAT_FORMAT = "%.10g"


@dataclass(frozen=True)
class TableSet(TableFiles):
    """A complete, published set whose tables can be read (from `dir` only)."""

    @classmethod
    def of(cls, files: TableFiles | None) -> "TableSet | None":
        """The set of `files` (as setpointer resolves it), readable; None stays None."""
        if files is None or isinstance(files, cls):
            return files
        return cls(files.dir, files.manifest, files.stamps)

    def read(self, name: str) -> pd.DataFrame:
        """Table `name` as strings (empty cells ''), exactly as written; TableSetChanged when its
        file was replaced since the set was resolved (checked before and after the read)."""
        frame = pd.read_csv(self._checked(self.path(name)), dtype=str, keep_default_na=False, na_values=[])
        self._checked(self.path(name))
        return frame


    def read_typed(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Table `name` with typed columns (numbers as numbers, text with '' for empty), from the
        Parquet copy when there is one (several times faster than the CSV), else from the CSV."""
        parquet = self.parquet_path(name)
        if parquet is not None:
            frame = pd.read_parquet(self._checked(parquet), columns=columns)
            self._checked(parquet)
            return frame
        return typed(self.read(name), name)[columns] if columns else typed(self.read(name), name)


# -- serialising --------------------------------------------------------------------------------
# The CSV bytes are those pandas' to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
# writes (csv.QUOTE_MINIMAL: a cell holding ',', '"' or '\n' is quoted, '"' doubled; the one cell of a
# one-column row quoted when empty), with booleans as true/false, made column by column with Arrow's
# compute kernels (several times faster than to_csv at world scale; tests/scrapers/test_table_bytes.py
# compares the two byte for byte).
_NEEDS_QUOTES = '[,"\n]'
_TEXT = pa.large_string()
_CHUNK_ROWS = 20_000


def _cell_text(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _object_cell(value: object) -> str:
    """One cell of a column of Python objects as to_csv writes it (booleans as true/false)."""
    if type(value) is str:
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value)


def _cells(series: pd.Series) -> pa.Array:
    """The column's cells as text, unquoted, no nulls (empty for a missing value)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.BooleanDtype):
        return pa.array(np.where(series.to_numpy(), "true", "false"), _TEXT)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return pa.array(["" if v != v else FLOAT_FORMAT % v for v in series.tolist()], _TEXT)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pc.cast(pa.array(series.to_numpy()), _TEXT)
    if isinstance(dtype, (pd.StringDtype, pd.Int64Dtype)) or (isinstance(dtype, pd.ArrowDtype)
                                                               and pa.types.is_integer(dtype.pyarrow_dtype)):
        return pc.fill_null(pc.cast(pa.array(series), _TEXT), "")
    values = series.tolist()
    if not all(type(v) is str for v in values):
        values = [_object_cell(v) for v in values]
    return pa.array(values, _TEXT)


def _quoted(cells: pa.Array, alone: bool) -> pa.Array:
    """CSV cells: quoted where they hold a comma, a quote or a line end (and, in a one-column
    table, where they are empty)."""
    needs = pc.match_substring_regex(cells, _NEEDS_QUOTES)
    if alone:
        needs = pc.or_(needs, pc.equal(cells, ""))
    if not pc.any(needs).as_py():
        return cells
    quote = pa.scalar('"', _TEXT)
    wrapped = pc.binary_join_element_wise(quote, pc.replace_substring(cells, '"', '""'), quote, pa.scalar("", _TEXT))
    return pc.if_else(needs, wrapped, cells)


def _header_cell(name: object, alone: bool) -> str:
    text = _object_cell(name)
    if any(c in text for c in ',"\n') or (alone and not text):
        return '"' + text.replace('"', '""') + '"'
    return text


def table_bytes(df: pd.DataFrame) -> bytes:
    """The exact CSV bytes of a table: UTF-8, '\\n' line ends, no index, booleans as true/false,
    floats as FLOAT_FORMAT, empty cells for missing values (see the comment above)."""
    if len(df.columns) == 0:
        raise ValueError("a table needs at least one column")
    alone = len(df.columns) == 1
    header = ",".join(_header_cell(c, alone) for c in df.columns) + "\n"
    if not len(df):
        return header.encode("utf-8")
    parts = [header.encode("utf-8")]
    for start in range(0, len(df), _CHUNK_ROWS):  # bounded temporaries: a few copies of one chunk
        parts.append(_rows_bytes(df.iloc[start:start + _CHUNK_ROWS], alone))
    return b"".join(parts)


def _rows_bytes(df: pd.DataFrame, alone: bool) -> bytes:
    """The CSV lines of the frame's rows, each ending in '\\n'."""
    columns = [_quoted(_cells(df.iloc[:, i]), alone) for i in range(len(df.columns))]
    columns[-1] = pc.binary_join_element_wise(columns[-1], pa.scalar("", _TEXT), pa.scalar("\n", _TEXT))
    rows = pc.binary_join_element_wise(*columns, pa.scalar(",", _TEXT)) if not alone else columns[0]
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + len(rows) + 1]
    return bytes(memoryview(rows.buffers()[2])[int(offsets[0]):int(offsets[-1])])


def typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The frame with the schema's number columns as numbers (nullable) and every other column as
    text ('' for empty): one type per column, as Parquet needs."""
    schema = TABLES.get(name)
    numeric = set(schema.numeric) if schema else set()
    out = {}
    for column in frame.columns:
        values = frame[column]
        if column in numeric and isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
            out[column] = values.astype("Int64")  # what the general rule below makes of whole numbers
        elif column in numeric:
            number = pd.to_numeric(values.replace("", None), errors="coerce")
            whole = number.dropna()
            out[column] = number.astype("Int64") if len(whole) == 0 or (whole == whole.round()).all() else number
        elif isinstance(values.dtype, pd.StringDtype):
            out[column] = values.fillna("").astype(object)
        elif values.dtype == object and all(type(v) is str for v in values.tolist()):
            out[column] = values
        else:
            out[column] = values.map(_cell_text).astype("string").fillna("").astype(object)
    return pd.DataFrame(out, columns=list(frame.columns))
