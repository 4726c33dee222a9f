"""Small checks and conversions for the input DataFrames (clear errors instead of tracebacks)."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd


class InputTableError(ValueError):
    """An input table lacks a column or holds a value that cannot be read."""


def require_columns(df: Any, columns: list[str], name: str) -> None:
    """Raise InputTableError unless df is a DataFrame holding every one of columns."""
    if not isinstance(df, pd.DataFrame):
        raise InputTableError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputTableError(f"{name}: missing column(s) {missing}; has {list(df.columns)}")


def is_blank(value: Any) -> bool:
    """True for None, NaN/NA and empty or whitespace-only strings."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def as_text(value: Any) -> str:
    """The value as a str; blank values become ''."""
    return "" if is_blank(value) else str(value)


def as_int(value: Any, name: str, column: str) -> int:
    """The value as an int (accepts 2021, 2021.0, '2021'); raise InputTableError otherwise."""
    try:
        number = float(value)
        if number != int(number):
            raise ValueError
        return int(number)
    except (TypeError, ValueError, OverflowError):
        raise InputTableError(f"{name}: column {column} holds {value!r}, not a whole number") from None


def as_optional_int(value: Any, name: str, column: str) -> int | None:
    """Like as_int, but blank values give None."""
    return None if is_blank(value) else as_int(value, name, column)
