"""The files the dashboard reads, as the loader and the Data & sources page need them: each one's
place in the data directory and its columns with their meanings. Everything here comes
from analysis.schema (the one data dictionary); this module only adapts it. Pure data, no Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.docs import table_location
from analysis.schema import INPUT_TABLES, TABLES, TableSchema


@dataclass(frozen=True)
class TableSpec:
    """One file of the data directory, described by its schema."""

    schema: TableSchema

    @property
    def name(self) -> str:
        return self.schema.name

    @property
    def relpath(self) -> str:
        """A table's file name inside the table set, or an input's path relative to the data directory."""
        return self.schema.path or self.schema.file

    @property
    def location(self) -> str:
        """Where the file is, relative to the data directory (tables/NAME.csv for a table of the set)."""
        return table_location(self.schema)

    @property
    def described(self) -> dict[str, str]:
        """Every column with its meaning, in file order."""
        return {c: self.schema.about.get(c, "") for c in self.schema.columns}


# Every table of the set (analysis.schema.TABLES), then the inputs kept in the repository.
BY_NAME: dict[str, TableSpec] = {t.name: TableSpec(t) for t in (*TABLES.values(), *INPUT_TABLES)}
ALL_TABLES: tuple[TableSpec, ...] = tuple(BY_NAME.values())
