"""The generated parts of the documentation, as text: the data dictionary (from analysis.schema) and
the claim rules (from analysis.claims), in Markdown for docs/ and in plain text for the zip's
README.txt. Pure functions: scripts/gen_docs.py writes them into docs/, a test keeps docs/ equal.

A generated block in a Markdown file sits between `<!-- BEGIN GENERATED name -->` and
`<!-- END GENERATED name -->`; `fill_block` replaces what is between them.
"""
from __future__ import annotations

import re
from typing import Iterable

from analysis.claims import read_claims, rule_text
from analysis.lexicon import Lexicon
from analysis.schema import INPUT_TABLES, TABLES, TableSchema

GENERATOR = "python scripts/gen_docs.py"


def table_location(table: TableSchema) -> str:
    """Where the file lives, relative to the data directory."""
    return table.path or f"tables/{table.file}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: TableSchema) -> str:
    """One table's dictionary: title, what it is, one row per, who writes it, its columns."""
    lines = [f"### `{table_location(table)}`: {table.title or table.name}", "",
             f"{table.description} One row per {table.one_row_per}. Written by: {table.written_by}.", "",
             "| column | meaning (and the function that computes it) |", "|---|---|"]
    for column in table.columns:
        note = " *(a file written by older code may lack it)*" if column in table.optional else ""
        lines.append(f"| `{column}` | {_cell(table.about.get(column, ''))}{note} |")
    return "\n".join(lines)


def dictionary_markdown(tables: Iterable[TableSchema] | None = None) -> str:
    """Every table of the set, then every input kept in the repository."""
    chosen = list(tables) if tables is not None else [*TABLES.values(), *INPUT_TABLES]
    return "\n\n".join(table_markdown(t) for t in chosen)


def table_text(table: TableSchema, rows: int | None = None) -> str:
    """One table's dictionary as plain text (the zip's README.txt)."""
    count = f"{rows} rows; " if rows is not None else ""
    lines = [f"{table.path or table.file}  ({count}one row per {table.one_row_per})",
             f"  {table.title}. {table.description}", f"  Written by: {table.written_by}."]
    lines += [f"  - {column}: {table.about.get(column, '')}" for column in table.columns]
    return "\n".join(lines)


def claim_rules_markdown(essay_claims, lexicon: Lexicon) -> str:
    """Each claim of data/essay/claims.csv with its rule in plain words (analysis.claims.rule_text)."""
    lines = ["| claim | rule (`check`) |", "|---|---|"]
    for claim in read_claims(essay_claims):
        lines.append(f"| {_cell(claim.claim)} | {_cell(rule_text(claim, lexicon))} (`{claim.check}`) |")
    return "\n".join(lines)


def _markers(name: str) -> tuple[str, str]:
    return (f"<!-- BEGIN GENERATED {name} ({GENERATOR}; do not edit by hand) -->", f"<!-- END GENERATED {name} -->")


def fill_block(text: str, name: str, body: str) -> str:
    """text with generated block `name` holding body; ValueError when the markers are missing."""
    begin, end = _markers(name)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"no generated block {name!r}: the file needs the lines {begin!r} and {end!r}")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text, count=1)


def empty_block(name: str) -> str:
    """The two marker lines of block `name`, for a new document."""
    begin, end = _markers(name)
    return f"{begin}\n{end}"
