"""The run's inputs besides the raw cache: report years asked for, and the files kept in the
repository (reference tiers, Kelley's panel, lexicon, essay claims), DATA_DIR's copy first."""
from __future__ import annotations

import csv
import hashlib
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from analysis.schema import KELLEY_TIER_CODES

FIRST_YEAR = 2001
REPO_ROOT = Path(__file__).resolve().parents[1]
REPO_DATA = REPO_ROOT / "data"
KELLEY_FILE = "reference/kelley_tiers.csv"
KELLEY_NAME = "Kelley panel"
# Codes Kelley's panel writes differently from the registry (Kosovo has no ISO code).
KELLEY_CODES = {"XKX": "KOS"}


class YearsError(ValueError):
    """A --years value that cannot be understood; the message says why."""


class InputError(ValueError):
    """An input file (reference table, lexicon, claims) cannot be used; the message names it."""


def current_utc_year() -> int:
    """The current year in UTC."""
    return datetime.now(timezone.utc).year


def parse_years(spec: str, *, last_year: int | None = None) -> list[int]:
    """Parse '2021', '2013-2021', '2003,2012,2021' (or a mix) into sorted years; YearsError if bad."""
    last_year = last_year or current_utc_year()
    years: set[int] = set()
    if not spec or not spec.strip():
        raise YearsError("--years is empty; give e.g. 2021, 2013-2021 or 2003,2012,2021")
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not match:
            raise YearsError(f"--years: cannot read {part!r} in {spec!r}; give e.g. 2021, 2013-2021 "
                             "or 2003,2012,2021")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise YearsError(f"--years: range {part!r} runs backwards; write {last}-{first}")
        for year in (first, last):
            if not FIRST_YEAR <= year <= last_year:
                raise YearsError(f"--years: {year} is outside the report years {FIRST_YEAR}-{last_year} "
                                 f"(the first TIP report is {FIRST_YEAR}'s)")
        years.update(range(first, last + 1))
    return sorted(years)


def input_path(data_dir: Path | str, relative: str) -> Path | None:
    """DATA_DIR/relative if it exists, else the repository's data/relative if that exists, else None."""
    for base in (Path(data_dir), REPO_DATA):
        candidate = base / relative
        if candidate.is_file():
            return candidate
    return None


# A file's digest is remembered in this process by its stat (path, size, mtime, inode), only once the
# file is older than this (one written again within the same clock tick keeps its mtime: git's rule).
DIGEST_MIN_AGE_NS = 2_000_000_000
_DIGESTS: dict[tuple, str] = {}


def file_digest(path: Path | None) -> str:
    """sha256 of a file's bytes ('' for None or an unreadable file): part of the inputs key. Read
    once per process while the file's stat is unchanged (Kelley's panel is asked for per country)."""
    if path is None:
        return ""
    try:
        st = os.stat(path)
        key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
        if key in _DIGESTS:
            return _DIGESTS[key]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
    if st.st_mtime_ns < time.time_ns() - DIGEST_MIN_AGE_NS:
        if len(_DIGESTS) > 64:
            _DIGESTS.clear()
        _DIGESTS[key] = digest
    return digest


def _read_csv(path: Path, required: set[str]) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = required - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"{path}: missing column(s) {sorted(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from exc


@dataclass(frozen=True)
class ReferenceTier:
    """A tier from a reference table: the tier (or '' when not rated) and the row's source."""

    tier: str
    source_url: str
    note: str = ""


def load_reference(data_dir: Path | str, country: str) -> tuple[dict[int, ReferenceTier], Path | None]:
    """The country's reference tiers {year: ReferenceTier} from reference/{country}_tiers.csv."""
    path = input_path(data_dir, f"reference/{country}_tiers.csv")
    if path is None:
        return {}, None
    out: dict[int, ReferenceTier] = {}
    for row in _read_csv(path, {"year", "tier", "source_url"}):
        if (row.get("country") or country) != country:
            continue
        try:
            year = int(row["year"])
        except ValueError:
            raise InputError(f"{path}: bad year {row['year']!r}") from None
        out[year] = ReferenceTier(row["tier"].strip(), row["source_url"].strip(), row.get("source_note", ""))
    return out, path


def load_kelley(data_dir: Path | str, iso3: str) -> tuple[dict[int, ReferenceTier], Path | None]:
    """A country's tiers in Kelley's panel (report years 1999-2015) by ISO3, {year: ReferenceTier};
    years Kelley codes NA (not rated) are left out."""
    panel, path = kelley_panel(data_dir)
    return (panel.get(iso3, {}) if iso3 else {}), path


def kelley_panel(data_dir: Path | str) -> tuple[dict[str, dict[int, ReferenceTier]], Path | None]:
    """Kelley's whole panel keyed by the registry's ISO3 ({iso3: {year: ReferenceTier}}, KELLEY_CODES
    applied), and the file read; years Kelley codes NA (not rated) are left out."""
    path = input_path(data_dir, KELLEY_FILE)
    if path is None:
        return {}, None
    to_registry = {kelley: registry for registry, kelley in KELLEY_CODES.items()}
    rows = _kelley_rows(path, file_digest(path))
    return {to_registry.get(iso, iso): years for iso, years in rows.items()}, path


_KELLEY_CACHE: dict[tuple[str, str], dict[str, dict[int, ReferenceTier]]] = {}


def _kelley_rows(path: Path, digest: str) -> dict[str, dict[int, ReferenceTier]]:
    """The whole panel, {iso: {year: ReferenceTier}}, read once per file version."""
    key = (str(path), digest)
    if key not in _KELLEY_CACHE:
        panel: dict[str, dict[int, ReferenceTier]] = {}
        for row in _read_csv(path, {"iso", "year", "tier"}):
            tier = KELLEY_TIER_CODES.get(row["tier"].strip())
            if tier and row["year"].isdigit() and int(row["year"]) >= FIRST_YEAR:
                panel.setdefault(row["iso"], {})[int(row["year"])] = ReferenceTier(tier, row.get("source_url", ""))
        _KELLEY_CACHE.clear()
        _KELLEY_CACHE[key] = panel
    return _KELLEY_CACHE[key]
