"""The raw cache's CSV files (manifest, failures, years) read with every problem named, and written."""
from __future__ import annotations

import csv
import io
from pathlib import Path


class CsvProblem(Exception):
    """Why a CSV file of the cache cannot be read (one line)."""


def read_csv(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line number, row)]) of a CSV file this module wrote; CsvProblem when it is not one:
    not UTF-8, not CSV, a required column missing, a row cut short or too long, or no final newline."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvProblem(f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise CsvProblem("is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvProblem(f"is not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    shown = text.split("\n", 1)[0][:60]
    try:
        header = next(reader)
    except csv.Error as exc:
        raise CsvProblem(f"is not a table of this tool (first line {shown!r}...: {exc})") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvProblem(f"is not a table of this tool (first line {shown!r}; missing column(s) "
                          f"{', '.join(missing)})")
    if not text.endswith("\n"):
        raise CsvProblem("was cut short (its last line has no line end)")
    try:
        for fields_ in reader:
            line = reader.line_num
            if not fields_:
                continue
            if len(fields_) != len(header):
                raise CsvProblem(f"line {line} has {len(fields_)} field(s) where the header has "
                                  f"{len(header)} (the file was cut short or edited)")
            rows.append((line, dict(zip(header, fields_))))
    except csv.Error as exc:
        raise CsvProblem(f"line {reader.line_num} is not valid CSV ({exc})") from None
    return header, rows


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
