"""Reading a table set's tables (TableSet: the set's files, scrapers.store.setfiles, with readers)
and the exact bytes its tables are written as (CSV, and the typed frames of their Parquet copies).
Which set is current: scrapers.store.setpointer; how a set is published: scrapers.store.tableset.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

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
_COMMA, _QUOTE, _LINE_END = b","[0], b'"'[0], b"\n"[0]  # the bytes that make a cell quoted
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


def _cells(series: pd.Series, alone: bool) -> tuple[pa.Array, bool]:
    """The column's cells as text, unquoted, no nulls (empty for a missing value), and whether a
    cell may need quotes (never one written from a number or a boolean, unless it is empty in a
    one-column table)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.BooleanDtype):
        return pa.array(np.where(series.to_numpy(), "true", "false"), _TEXT), False
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return pa.array(["" if v != v else FLOAT_FORMAT % v for v in series.tolist()], _TEXT), alone
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pc.cast(pa.array(series.to_numpy()), _TEXT), False
    if isinstance(dtype, pd.Int64Dtype) or (isinstance(dtype, pd.ArrowDtype) and pa.types.is_integer(dtype.pyarrow_dtype)):
        return pc.fill_null(pc.cast(pa.array(series), _TEXT), ""), alone
    if isinstance(dtype, pd.StringDtype):
        return pc.fill_null(pc.cast(pa.array(series), _TEXT), ""), True
    values = series.tolist()
    if not all(type(v) is str for v in values):
        values = [_object_cell(v) for v in values]
    return pa.array(values, _TEXT), True


def _quoted(cells: pa.Array, alone: bool) -> pa.Array:
    """CSV cells: quoted where they hold a comma, a quote or a line end (and, in a one-column
    table, where they are empty); only the cells that need it are rewritten."""
    offsets, data = _buffers(cells)
    hits = np.flatnonzero((data == _COMMA) | (data == _QUOTE) | (data == _LINE_END)) + offsets[0]
    needs = np.zeros(len(cells), dtype=bool)
    needs[np.searchsorted(offsets, hits, side="right") - 1] = True  # the cell each of those bytes is in
    if alone:
        needs |= offsets[1:] == offsets[:-1]
    if not needs.any():
        return cells
    mask = pa.array(needs)
    picked = pc.filter(cells, mask)
    if (data == _QUOTE).any():
        picked = pc.replace_substring(picked, '"', '""')
    quote = pa.scalar('"', _TEXT)
    return pc.replace_with_mask(cells, mask, pc.binary_join_element_wise(quote, picked, quote, pa.scalar("", _TEXT)))


def _buffers(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of a large_string array without nulls, as numpy views (no copy)."""
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int64)[cells.offset:cells.offset + len(cells) + 1]
    data = cells.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return offsets, np.zeros(0, dtype=np.uint8)
    return offsets, np.frombuffer(data, dtype=np.uint8)[int(offsets[0]):int(offsets[-1])]


def _header_cell(name: object, alone: bool) -> str:
    text = _object_cell(name)
    if any(c in text for c in ',"\n') or (alone and not text):
        return '"' + text.replace('"', '""') + '"'
    return text


def table_bytes(df: pd.DataFrame) -> bytes:
    """The exact CSV bytes of a table: UTF-8, '\\n' line ends, no index, booleans as true/false,
    floats as FLOAT_FORMAT, empty cells for missing values (see the comment above)."""
    return b"".join(table_chunks(df))


def table_chunks(df: pd.DataFrame, arrow: pa.Table | None = None) -> Iterator[bytes | memoryview]:
    """table_bytes in pieces (header, then the lines of each run of rows), to write or hash without
    one copy of the whole. `arrow`: the frame's arrow_table, whose text columns are its text cells
    (already in Arrow: not converted from Python strings a second time)."""
    if len(df.columns) == 0:
        raise ValueError("a table needs at least one column")
    alone = len(df.columns) == 1
    yield (",".join(_header_cell(c, alone) for c in df.columns) + "\n").encode("utf-8")
    text = {i for i in range(len(df.columns))  # text kept as it is (a number column never is)
            if arrow is not None and arrow.schema.field(i).type == pa.string() and _is_text(df.iloc[:, i])}
    for start in range(0, len(df), _CHUNK_ROWS):  # bounded temporaries: a few copies of one chunk
        chunk = df.iloc[start:start + _CHUNK_ROWS]
        cells = [(pc.cast(arrow.column(i).slice(start, len(chunk)), _TEXT), True) if i in text
                 else _cells(chunk.iloc[:, i], alone) for i in range(len(df.columns))]
        yield _rows_bytes(cells, alone)


def _is_text(series: pd.Series) -> bool:
    """True when typed() keeps the column's cells as they are, as text (see arrow_table)."""
    return isinstance(series.dtype, pd.StringDtype) or (series.dtype == object and _all_str(series))


def _all_str(series: pd.Series) -> bool:
    return set(map(type, series.tolist())) <= {str}


def _rows_bytes(cells: list[tuple[pa.Array, bool]], alone: bool) -> memoryview:
    """The CSV lines of rows given by their columns' cells (and whether a cell of each may need
    quotes), each ending in '\\n'."""
    columns = [_quoted(c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c, alone) if quote else c
               for c, quote in cells]
    columns[-1] = pc.binary_join_element_wise(columns[-1], pa.scalar("", _TEXT), pa.scalar("\n", _TEXT))
    rows = pc.binary_join_element_wise(*columns, pa.scalar(",", _TEXT)) if not alone else columns[0]
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + len(rows) + 1]
    return memoryview(rows.buffers()[2])[int(offsets[0]):int(offsets[-1])]


def arrow_table(frame: pd.DataFrame, name: str) -> pa.Table:
    """pa.Table.from_pandas(typed(frame, name), preserve_index=False), the table typed(frame)
    .to_parquet(index=False) writes, pandas metadata and all, made column by column: text that is
    already in Arrow (pandas' str columns) stays there, and no text goes from Python strings to
    Arrow and back (tests/scrapers/test_table_bytes.py compares the two)."""
    if not len(frame) or not frame.columns.is_unique or not all(type(c) is str for c in frame.columns):
        return pa.Table.from_pandas(typed(frame, name), preserve_index=False)
    numeric = _numeric(name)
    arrays: list[pa.Array] = []
    first: dict[str, pd.Series] = {}  # the first row, typed: what the pandas metadata is made from
    for column in frame.columns:
        values = frame[column]
        if column in numeric:
            number = _typed_number(values)
            arrays.append(pa.array(number, from_pandas=True))
            first[column] = number.iloc[:1].reset_index(drop=True)
            continue
        if isinstance(values.dtype, pd.StringDtype):
            array = pc.cast(pc.fill_null(pa.array(values), ""), pa.string())
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()  # one chunk, as from_pandas makes it (Parquet pages follow chunks)
        elif values.dtype == object and _all_str(values):
            array = pa.array(values.tolist(), pa.string())
        else:
            array = pa.array(_typed_text(values).tolist(), pa.string())
        arrays.append(array)
        first[column] = pd.Series(array.slice(0, 1).to_pylist(), dtype=object)
    schema = pa.Table.from_pandas(pd.DataFrame(first, columns=list(frame.columns)), preserve_index=False).schema
    return pa.Table.from_arrays(arrays, schema=schema)


def _numeric(name: str) -> set[str]:
    schema = TABLES.get(name)
    return set(schema.numeric) if schema else set()


def _typed_number(values: pd.Series) -> pd.Series:
    """A number column as typed() makes it: nullable whole numbers (Int64) when every value is one."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
        return values.astype("Int64")  # what the general rule below makes of whole numbers
    number = pd.to_numeric(values.replace("", None), errors="coerce")
    whole = number.dropna()
    return number.astype("Int64") if len(whole) == 0 or (whole == whole.round()).all() else number


def _typed_text(values: pd.Series) -> pd.Series:
    """A text column as typed() makes it (a column of Python strings, '' for empty)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").astype(object)
    if values.dtype == object and _all_str(values):
        return values
    return values.map(_cell_text).astype("string").fillna("").astype(object)


def typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The frame with the schema's number columns as numbers (nullable) and every other column as
    text ('' for empty): one type per column, as Parquet needs."""
    numeric = _numeric(name)
    out = {column: _typed_number(frame[column]) if column in numeric else _typed_text(frame[column])
           for column in frame.columns}
    return pd.DataFrame(out, columns=list(frame.columns))
